"""
Public pages and repeated searches served from Django's cache.

What the public sees depends on the content (articles, categories, help links,
synonyms), so everything cached here is tied to one **content version**: a token
that `content_changed()` replaces whenever any of it is saved or deleted (the
models call it from their save and delete paths, and again when the transaction
commits). An entry made under another version is never served, so nothing has
to be found and deleted.

Where the version lives depends on the cache:

- a shared cache (Redis): in the cache itself, read in the same round trip as
  the page;
- the local-memory cache: each server process has its own copy of the pages, so
  the version is kept in a small file (`settings.KB_CONTENT_VERSION_FILE`) that
  every process on the machine reads, and an edit saved through one process is
  seen by all of them at once.

`cached_public_page` serves a page from the cache only to a request that carries
nothing personal: GET or HEAD, no session cookie (staff, and any visitor with a
session, get the page rendered for them, marked private) and no pending
messages. It stores only what was rendered for such a request: a 200 that sets
no cookie, touched no session, queued no message and is not marked private or
never-cache (drafts are). A page holding a CSRF token (a POST form) is stored
with the token cut out and gets a fresh token for each visitor when served, so
one visitor's token never reaches another. Served pages carry an ETag and
Last-Modified, and a matching conditional request gets a 304.
"""

import hashlib
import logging
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from .search import SearchPage, article_search
from .search.query import normalize

logger = logging.getLogger(__name__)

VERSION_KEY = "kb:content-version"
PAGE_KEY_PREFIX = "kb:page:"
SEARCH_KEY_PREFIX = "kb:search:"
# What `{% csrf_token %}` renders (django.template.defaulttags.CsrfTokenNode).
CSRF_INPUT = re.compile(r'(<input type="hidden" name="csrfmiddlewaretoken" value=")([^"]*)(">)')
CSRF_PLACEHOLDER = "\x00kb-csrf-token\x00"
# Headers of the rendered response that a cached copy keeps.
KEPT_HEADERS = {"content-type", "content-language", "link", "x-robots-tag"}


# --------------------------------------------------------------------------- content version


def _version_is_local() -> bool:
    return isinstance(cache, LocMemCache)


def _new_version() -> str:
    return f"{time.time_ns():x}.{secrets.token_hex(4)}"


def _version_file() -> Path:
    return Path(settings.KB_CONTENT_VERSION_FILE)


def _read_version_file() -> str:
    try:
        return _version_file().read_text(encoding="ascii").strip() or "0"
    except (OSError, UnicodeDecodeError):
        return "0"


def _write_version_file(version: str) -> None:
    path = _version_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".content-version-")
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(version)
        os.replace(temporary, path)  # atomic: a reader sees the old token or the new one
    except OSError as error:
        # Other processes on this machine keep their pages until they expire.
        logger.error("Could not write the content version to %s: %s", path, error)


def content_version() -> str:
    """The current content version (a token that changes on every content change)."""
    if _version_is_local():
        return _read_version_file()
    version = cache.get(VERSION_KEY)
    return version if version is not None else _start_version()


def _start_version() -> str:
    version = _new_version()
    # add(): when two processes start a version at once, both end up with the first.
    if not cache.add(VERSION_KEY, version, timeout=None):
        version = cache.get(VERSION_KEY) or version
    return version


def _bump() -> None:
    version = _new_version()
    if _version_is_local():
        _write_version_file(version)
    else:
        cache.set(VERSION_KEY, version, timeout=None)


def content_changed() -> None:
    """
    Forget every cached page and search: call after any change to what the public sees.

    Now, and again when the transaction commits: a page rendered by another process
    between the two still showed the old content.
    """
    _bump()
    transaction.on_commit(_bump)


def _get_with_version(key: str):
    """(entry under `key` or None, current version), in one round trip to a shared cache."""
    if _version_is_local():
        return cache.get(key), _read_version_file()
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        return None, _start_version()
    return found.get(key), version


def _digest(*parts: str) -> str:
    text = "\x1f".join(parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class CachedPage:
    version: str
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: float
    has_csrf_token: bool


def _page_cache_on() -> bool:
    return settings.KB_PAGE_CACHE and not isinstance(cache, DummyCache)


def _is_anonymous_request(request: HttpRequest) -> bool:
    """Nothing personal in the request: no session (staff sign in with one) and no pending messages."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def _page_key(request: HttpRequest, params: tuple[str, ...]) -> str:
    # The host and scheme count: pages may hold absolute addresses (canonical links).
    values = [f"{name}={value}" for name in params for value in request.GET.getlist(name)]
    scheme = "https" if request.is_secure() else "http"
    return PAGE_KEY_PREFIX + _digest(scheme, request.get_host(), request.path, *values)


def _is_storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and getattr(messages, "added_new", False):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _cut_csrf_tokens(request: HttpRequest, content: bytes) -> bytes | None:
    """
    The content with every CSRF token replaced by a placeholder, or None when a
    token is left elsewhere in the page (then the page is not stored at all).
    """
    if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return content  # no token was asked for while rendering
    text = content.decode("utf-8")
    tokens = set(match.group(2) for match in CSRF_INPUT.finditer(text))
    text = CSRF_INPUT.sub(lambda m: m.group(1) + CSRF_PLACEHOLDER + m.group(3), text)
    if not tokens or any(token and token in text for token in tokens):
        return None
    return text.encode("utf-8")


def _store(request: HttpRequest, response: HttpResponse, key: str, version: str) -> CachedPage | None:
    content = _cut_csrf_tokens(request, response.content)
    if content is None:
        return None
    page = CachedPage(
        version=version,
        content=content,
        headers=tuple((name, value) for name, value in response.items() if name.lower() in KEPT_HEADERS),
        etag=f'"{_digest(content.decode("utf-8", "replace"))}"',
        last_modified=time.time(),
        has_csrf_token=CSRF_PLACEHOLDER.encode() in content,
    )
    cache.set(key, page, settings.KB_PAGE_CACHE_SECONDS)
    return page


def _response_from(request: HttpRequest, page: CachedPage) -> HttpResponse:
    content = page.content
    if page.has_csrf_token:
        # A fresh token for this visitor; the middleware sets the matching cookie.
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    response = HttpResponse(content)
    for name, value in page.headers:
        response[name] = value
    return response


def _public_headers(response: HttpResponse, page: CachedPage, state: str) -> HttpResponse:
    response["ETag"] = page.etag
    response["Last-Modified"] = http_date(page.last_modified)
    response["X-Cache"] = state
    # Browsers keep the page but ask again each time (a 304 when it has not
    # changed); the page also differs for visitors who sign in.
    patch_cache_control(response, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _answer(request: HttpRequest, page: CachedPage, state: str, full_response) -> HttpResponse:
    """A 304 (or 412) when the request's conditions say so, else the full page; both with the page's headers."""
    # A browser that no longer sends the CSRF cookie holds a copy whose token is
    # no use to it: give it the page again.
    if not (page.has_csrf_token and settings.CSRF_COOKIE_NAME not in request.COOKIES):
        conditional = get_conditional_response(request, etag=page.etag, last_modified=int(page.last_modified))
        if conditional is not None:
            return _public_headers(conditional, page, state)
    return _public_headers(full_response(), page, state)


def cached_public_page(view=None, *, params: tuple[str, ...] = ()):
    """
    Serve the view's public output from the cache (see the module docstring).

    `params` names the query-string parameters the page depends on; others (such
    as utm_source) are ignored, so they cannot fill the cache with copies.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if not _page_cache_on():
                return view_func(request, *args, **kwargs)
            if not _is_anonymous_request(request):
                response = view_func(request, *args, **kwargs)
                patch_cache_control(response, private=True)
                patch_vary_headers(response, ["Cookie"])
                response["X-Cache"] = "bypass"
                return response
            key = _page_key(request, params)
            page, version = _get_with_version(key)
            if page is not None and page.version == version:
                return _answer(request, page, "hit", lambda: _response_from(request, page))
            response = view_func(request, *args, **kwargs)
            if not _is_storable(request, response):
                return response
            page = _store(request, response, key, version)
            if page is None:
                return response
            return _answer(request, page, "miss", lambda: response)

        return wrapper

    return decorator(view) if view is not None else decorator


# --------------------------------------------------------------------------- searches


def cached_article_search(query: str, **params) -> SearchPage:
    """
    `article_search(query, **params)`, remembered for a short while
    (`settings.KB_SEARCH_CACHE_SECONDS`) under the normalised query, the parameters
    and the content version, so a popular query is ranked once, not per request.
    """
    seconds = settings.KB_SEARCH_CACHE_SECONDS
    if seconds <= 0:
        return article_search(query, **params)
    key = SEARCH_KEY_PREFIX + _digest(normalize(query), *(f"{k}={params[k]}" for k in sorted(params)))
    entry, version = _get_with_version(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    result = article_search(query, **params)
    cache.set(key, (version, result), seconds)
    return result
