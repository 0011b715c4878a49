"""
Public addresses of the help center's pages, built without the URL resolver's cost for each link.

A category page lists fifty article links and an article page a dozen more:
`reverse()` for each of them cost more than the rest of the page's rendering.
The resolver is asked once per view (and per URL configuration and script
prefix) for the address of a placeholder slug; a link is that address with the
slug put in. A slug that the `slug` path converter would not accept (and so
could need quoting) still goes through `reverse()`.
"""

import re
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = "kb-slug-placeholder"
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@lru_cache(maxsize=64)
def _pattern(viewname: str, urlconf: str, prefix: str) -> tuple[str, str]:
    before, _, after = reverse(viewname, urlconf=urlconf, args=[_PLACEHOLDER]).partition(_PLACEHOLDER)
    return before, after


@lru_cache(maxsize=64)
def _fixed(viewname: str, urlconf: str, prefix: str) -> str:
    return reverse(viewname, urlconf=urlconf)


def fixed_path(viewname: str) -> str:
    """`reverse(viewname)`, for a view that takes no argument (the home page, the contact form)."""
    return _fixed(viewname, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def slug_path(viewname: str, slug: str) -> str:
    """`reverse(viewname, args=[slug])`, for a view whose only argument is a slug."""
    if not _PLAIN_SLUG.fullmatch(slug):
        return reverse(viewname, args=[slug])
    before, after = _pattern(viewname, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    return before + slug + after
