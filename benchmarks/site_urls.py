"""The site's URLs plus /floor/: a view that does nothing, through the same middleware."""

from django.http import HttpResponse
from django.urls import include, path


def floor(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [
    path("floor/", floor),
    path("", include("kb.urls")),
]
