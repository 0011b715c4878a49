"""
What one search request may cost: a bounded query length and a per-client rate.

`search_guard` wraps the search page and the JSON API alike, so both answer in
the same way: a too-long query is a 400 with the limit named (the query is not
echoed back), and a client over its `search_ip` rate gets a 429 with
Retry-After. The counting itself is articles/ratelimit.py's.
"""

from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from .middleware import bad_input_response
from .ratelimit import client_ip, rate_limit_hit
from .search.text import MAX_QUERY_CHARS

QUERY_TOO_LONG = (
    f"Your search is too long: use at most {MAX_QUERY_CHARS} characters, "
    "a few words that describe the problem or the error code you see."
)


def too_many_searches(request: HttpRequest, retry_after: int, *, api: bool) -> HttpResponse:
    if api:
        response = JsonResponse(
            {"error": f"Too many searches: try again in {retry_after} s.", "retry_after": retry_after}, status=429
        )
    else:
        html = render_to_string("errors/429.html", {"retry_after": retry_after}, request=request)
        response = HttpResponse(html, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def search_guard(*, api: bool):
    """Refuse over-long queries (400) and searches over the client's rate (429) before the view runs."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            query = request.GET.get("q", "")
            if len(query) > MAX_QUERY_CHARS:
                return bad_input_response(request, QUERY_TOO_LONG)
            if query.strip():
                verdict = rate_limit_hit("search_ip", client_ip(request))
                if not verdict.allowed:
                    return too_many_searches(request, verdict.retry_after, api=api)
            return view(request, *args, **kwargs)

        return guarded

    return decorator
