"""Request-wide guard: hostile input turned into a clear 400, in one place."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

BAD_INPUT_MESSAGE = "The address or the form contains a NUL character (0x00), which no page accepts."


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info:
        return True
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False


class BadInputMiddleware:
    """
    Answer 400 to any request whose address or form fields carry a NUL byte.

    PostgreSQL text cannot hold NUL ("PostgreSQL text fields cannot contain NUL
    (0x00) bytes"), so every lookup or write that passed one on was a 500 there,
    and SQLite silently differed. No person types a NUL, so the request is
    refused whole instead of quietly changed: removing it would store or look up
    something the client did not send. Other odd input needs no guard here:
    Django decodes invalid UTF-8 to U+FFFD, and the views bound numbers and lengths.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if _has_nul(request):
            return bad_input_response(request, BAD_INPUT_MESSAGE)
        return self.get_response(request)


def bad_input_response(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    """A JSON error for the API, a page with a search box and the reason for everything else."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"error": message}, status=status)
    html = render_to_string("errors/400.html", {"message": message}, request=request)
    return HttpResponse(html, status=status)
