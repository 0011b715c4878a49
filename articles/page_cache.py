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

Within a request the version is read once (`ContentVersionMiddleware`): a page
rendered without the cache asks for it for each thing it keeps per version
(`content_memo()`), and with Redis each ask was a round trip. A change the
request makes itself replaces the version it holds; one made by another
process meanwhile is seen by the next request.
"""

import contextvars
import hashlib
import logging
import math
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass, replace
from functools import lru_cache, wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, get_script_prefix, get_urlconf, resolve, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from .search import SearchPage, article_search
from .search.text import normalize

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


def _backend():
    # `cache` is a proxy (django.utils.connection.ConnectionProxy): isinstance() needs
    # the backend behind it, or a local-memory cache is never recognised as one.
    return caches[DEFAULT_CACHE_ALIAS]


def _version_is_local() -> bool:
    return isinstance(_backend(), LocMemCache)


def _new_version() -> str:
    token = f"{time.time_ns():x}.{secrets.token_hex(4)}"
    # A scheduled article going live changes what the public sees with no write
    # at all: the version carries when that happens next, and is replaced then.
    due = _next_publish_at()
    return f"{token}@{math.ceil(due)}" if due is not None else token


def _next_publish_at() -> float | None:
    """When the next approved article with a future publish date goes live (a timestamp), or None."""
    # The model is looked up by name: the models import this module to report changes.
    first = apps.get_model("articles", "Article").objects.scheduled().aggregate(first=Min("publish_at"))["first"]
    return first.timestamp() if first is not None else None


def _current(version: str) -> str:
    """`version`, or a new one if a scheduled article has gone live since it was made."""
    _, _, due = version.partition("@")
    # The clock of the visibility rule (published_condition()).
    if due.isdigit() and timezone.now().timestamp() >= int(due):
        return _bump()
    return version


def _version_file() -> Path:
    return Path(settings.KB_CONTENT_VERSION_FILE)


def _read_version_file() -> str:
    # Read on every cache hit: os.read() costs a tenth of opening a text file.
    try:
        fd = os.open(settings.KB_CONTENT_VERSION_FILE, os.O_RDONLY)
        try:
            return os.read(fd, 256).decode("ascii").strip() or "0"
        finally:
            os.close(fd)
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


# The version the current request has read ("" before it reads one); None outside requests.
_request_version: contextvars.ContextVar[str | None] = contextvars.ContextVar("kb_content_version", default=None)


def _hold(version: str) -> str:
    """Keep `version` as the current request's (outside a request, nothing is kept)."""
    if _request_version.get() is not None:
        _request_version.set(version)
    return version


def content_version() -> str:
    """The current content version (a token that changes on every content change)."""
    held = _request_version.get()
    if held:
        return held
    if _version_is_local():
        return _hold(_current(_read_version_file()))
    version = cache.get(VERSION_KEY)
    return _hold(_current(version) if version is not None else _start_version())


class ContentVersionMiddleware:
    """Each request reads the content version once, whatever asks for it (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_version.set("")
        try:
            return self.get_response(request)
        finally:
            _request_version.reset(token)


def _start_version() -> str:
    version = _new_version()
    # add(): when two processes start a version at once, both end up with the first.
    if not cache.add(VERSION_KEY, version, timeout=None):
        version = cache.get(VERSION_KEY) or version
    return version


def _bump() -> str:
    version = _new_version()
    if _version_is_local():
        _write_version_file(version)
    else:
        cache.set(VERSION_KEY, version, timeout=None)
    return _hold(version)


def content_changed() -> None:
    """
    Forget every cached page and search: call after any change to what the public sees.

    Now, and again when the transaction commits: a page rendered by another process
    between the two still showed the old content.
    """
    _bump()
    transaction.on_commit(_bump)


_memos: dict[str, tuple[str, object]] = {}


def content_memo(name: str, compute):
    """
    `compute()`, kept in this process until the content version changes: for
    what every page shows whatever its own content (the categories, the site's
    help links). An edit replaces the version, so every process recomputes it
    at its next request, as with cached pages.
    """
    version = content_version()
    found = _memos.get(name)
    if found is not None and found[0] == version:
        return found[1]
    value = compute()
    _memos[name] = (version, value)
    return value


def content_memos_clear() -> None:
    """Forget what `content_memo()` kept (tests, whose rolled-back data the version does not see)."""
    _memos.clear()


def _get_with_version(key: str):
    """(entry under `key` or None, current version), in one round trip to a shared cache."""
    if _request_version.get():
        return cache.get(key), content_version()
    if _version_is_local():
        return cache.get(key), _hold(_current(_read_version_file()))
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        return None, _hold(_start_version())
    return found.get(key), _hold(_current(version))


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
    # For a search page: (normalised query, result count) of the search it logged.
    search_log: tuple[str, int] | None = None
    # What a hit answers besides `headers`, worked out once when the page is stored.
    # (Defaults: a copy stored by an older version of this code is still served.)
    hit_headers: tuple[tuple[str, str], ...] = ()
    # Every header of the page's full answer, for EarlyPageHitMiddleware (empty until it has seen one).
    early_headers: tuple[tuple[str, str], ...] = ()


def _page_cache_on() -> bool:
    return settings.KB_PAGE_CACHE and not isinstance(_backend(), DummyCache)


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


def _seconds_to_keep(seconds: int) -> int:
    """
    `seconds`, but never past the next scheduled publication: nothing is saved
    when its time comes, so a cached page must expire by itself then.
    """
    # Asked each time a page or a search is stored (twice for a new API search): the
    # next publication is read once per content version, which every save replaces.
    due = content_memo("next-publish-at", _next_publish_at)
    now = timezone.now().timestamp()
    if due is not None and due <= now:
        # Gone live under a version that did not carry its date (no version file yet).
        due = _next_publish_at()
    if due is None:
        return seconds
    return max(1, min(seconds, math.ceil(due - now)))


def _store(
    request: HttpRequest,
    response: HttpResponse,
    key: str,
    version: str,
    *,
    content: bytes | None = None,
    seconds: int | None = None,
    search_log: tuple[str, int] | None = None,
) -> CachedPage | None:
    content = _cut_csrf_tokens(request, response.content if content is None else content)
    if content is None:
        return None
    headers = tuple((name, value) for name, value in response.items() if name.lower() in KEPT_HEADERS)
    etag, last_modified = f'"{_digest(content.decode("utf-8", "replace"))}"', time.time()
    page = CachedPage(
        version=version,
        content=content,
        headers=headers,
        etag=etag,
        last_modified=last_modified,
        has_csrf_token=CSRF_PLACEHOLDER.encode() in content,
        search_log=search_log,
        hit_headers=(
            *headers,
            ("ETag", etag),
            ("Last-Modified", http_date(last_modified)),
            ("X-Cache", "hit"),
            # Browsers keep the page but ask again each time (a 304 when it has not
            # changed); the page also differs for visitors who sign in.
            ("Cache-Control", "max-age=0, must-revalidate"),
            ("Vary", "Cookie"),
        ),
    )
    cache.set(key, page, _seconds_to_keep(settings.KB_PAGE_CACHE_SECONDS if seconds is None else seconds))
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


def _hit(request: HttpRequest, page: CachedPage) -> HttpResponse:
    """The answer to a request for a stored page: every header worked out when it was stored."""
    if not page.hit_headers or any(header in request.META for header in CONDITIONAL_HEADERS):
        return _answer(request, page, "hit", lambda: _response_from(request, page))
    content = page.content
    if page.has_csrf_token:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    return HttpResponse(content, headers=dict(page.hit_headers))


CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


def _public_headers(response: HttpResponse, page: CachedPage, state: str) -> HttpResponse:
    response["ETag"] = page.etag
    response["Last-Modified"] = http_date(page.last_modified)
    response["X-Cache"] = state
    # Browsers keep the page but ask again each time (a 304 when it has not
    # changed); the page also differs for visitors who sign in. (Set directly
    # when nothing is there yet: this runs on every cache hit.)
    if response.has_header("Cache-Control"):
        patch_cache_control(response, max_age=0, must_revalidate=True)
    else:
        response["Cache-Control"] = "max-age=0, must-revalidate"
    if response.has_header("Vary"):
        patch_vary_headers(response, ["Cookie"])
    else:
        response["Vary"] = "Cookie"
    return response


def _answer(request: HttpRequest, page: CachedPage, state: str, full_response) -> HttpResponse:
    """A 304 (or 412) when the request's conditions say so, else the full page; both with the page's headers."""
    # A browser that no longer sends the CSRF cookie holds a copy whose token is
    # no use to it: give it the page again.
    conditional_request = any(header in request.META for header in CONDITIONAL_HEADERS)
    if conditional_request and not (page.has_csrf_token and settings.CSRF_COOKIE_NAME not in request.COOKIES):
        conditional = get_conditional_response(request, etag=page.etag, last_modified=int(page.last_modified))
        if conditional is not None:
            return _public_headers(conditional, page, state)
    return _public_headers(full_response(), page, state)


def cached_public_page(
    view=None,
    *,
    params: tuple[str, ...] = (),
    strict: bool = False,
    seconds_setting: str = "KB_PAGE_CACHE_SECONDS",
    early: bool = False,
):
    """
    Serve the view's public output from the cache (see the module docstring).
    A check that must run on every request (a rate limit) belongs in a decorator
    above this one: a response served from the cache does not run the view.

    `params` names the query-string parameters the page depends on; others (such
    as utm_source) are ignored, so they cannot fill the cache with copies.
    With `strict`, a request with any other parameter is rendered for itself and
    not stored (for pages whose links repeat the query string, like pagination).
    `seconds_setting` names the setting that says how long a copy is kept (0: never).
    With `early`, the page may also be answered by `EarlyPageHitMiddleware`,
    before the rest of the middleware and the view: only for a view with
    no check of its own above this decorator.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            seconds = getattr(settings, seconds_setting)
            if not _page_cache_on() or seconds <= 0 or (strict and not set(request.GET) <= set(params)):
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
                return _for_early_hits(_hit(request, page), page, seconds, early)
            response = view_func(request, *args, **kwargs)
            if not _is_storable(request, response):
                return response
            page = _store(request, response, key, version, seconds=seconds)
            if page is None:
                return response
            return _for_early_hits(_answer(request, page, "miss", lambda: response), page, seconds, early)

        wrapper.kb_early = early
        return wrapper

    return decorator(view) if view is not None else decorator


# --------------------------------------------------------------------------- early hits

# Headers an early hit works out for itself rather than repeat from the stored answer.
_EARLY_FRESH_HEADERS = {"content-length", "x-cache"}
_csrf_middleware = CsrfViewMiddleware(lambda request: None)


def _for_early_hits(response: HttpResponse, page: CachedPage, seconds: int, early: bool) -> HttpResponse:
    """Mark a full answer (not a 304) of a page that `EarlyPageHitMiddleware` may keep once the middleware is done."""
    if early and response.status_code == 200 and not page.early_headers:
        response.kb_early_page = (page, seconds)
    return response


def _may_answer_early(request: HttpRequest) -> bool:
    """A plain GET of a page that may be answered early: no query string, nothing personal, no conditions."""
    meta = request.META
    return (
        request.method == "GET"
        and not meta.get("QUERY_STRING")
        and _is_anonymous_request(request)
        and not any(header in meta for header in CONDITIONAL_HEADERS)
        and _page_cache_on()
        and _is_early_page(request.path_info)
    )


def _is_early_page(path: str) -> bool:
    """Whether `path` is the address of a view made with `cached_public_page(early=True)`."""
    # Asked of the URL resolver, so that any other address (health checks, the API,
    # a 404) never touches the cache here.
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "kb_early", False)


class EarlyPageHitMiddleware:
    """
    Answers a plain request for a cached public page (`cached_public_page(early=True)`:
    home, categories, articles) before the rest of the middleware and the view,
    with the headers that whole path gave the same page.

    The first full answer of such a page, on its way out, adds every header the
    inner middleware gave it (security policy, frame options, caching and
    validators; never a cookie) to the page's own copy in the cache, which a
    plain request's address finds under the same key as the view does. A later
    GET of the same address that has no query string, no session or message
    cookie and no conditional header gets that copy as it is, with a fresh CSRF
    token for its forms (and the cookie to match, through Django's CSRF
    middleware) where the page holds one. Anything else goes the whole way, as
    before. Sits after the middleware whose work every answer needs (security
    headers and HTTPS redirects, view counting, static files).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_answer_early(request):
            return self.get_response(request)
        key = _page_key(request, ())  # no query string: the key the view's decorator uses too
        page, version = _get_with_version(key)
        if page is not None and page.version == version and page.early_headers:
            return _early_hit(request, page)
        response = self.get_response(request)
        marked = getattr(response, "kb_early_page", None)
        if marked is not None and not _sets_other_cookies(response):
            page, seconds = marked
            if page.version == version:
                headers = tuple((n, v) for n, v in response.items() if n.lower() not in _EARLY_FRESH_HEADERS)
                cache.set(key, replace(page, early_headers=headers), _seconds_to_keep(seconds))
        return response


def _sets_other_cookies(response: HttpResponse) -> bool:
    return any(name != settings.CSRF_COOKIE_NAME for name in response.cookies)


def _early_hit(request: HttpRequest, page: CachedPage) -> HttpResponse:
    content = page.content
    if page.has_csrf_token:
        _csrf_middleware.process_request(request)  # the visitor's CSRF cookie, if any
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    response = HttpResponse(content, headers=dict(page.early_headers))
    if page.has_csrf_token:
        _csrf_middleware.process_response(request, response)  # the cookie for a new token
    response["X-Cache"] = "hit"
    response["Content-Length"] = str(len(content))
    return response


# --------------------------------------------------------------------------- searches

SEARCH_PARAMS = frozenset({"q", "category", "page"})
SEARCH_LOG_PLACEHOLDER = "\x00kb-search-log\x00"


_TOKEN_EXAMPLE = "0" * 20


@lru_cache(maxsize=16)
def _search_open_base(urlconf, script_prefix: str) -> str:
    example = reverse("articles:search_open", urlconf=urlconf, args=[_TOKEN_EXAMPLE, "x"])
    return example.removesuffix(f"{_TOKEN_EXAMPLE}/x/")


def _search_open_prefix(token: str) -> str:
    """The start of a result's address on the search page, which carries the search's token."""
    # Twice per search served from the cache: the resolver is asked once.
    return _search_open_base(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()) + f"{token}/"


def cached_search_page(*, log_search):
    """
    Serve a repeated search page (the same ?q=, ?category= and ?page=) from the cache
    for `settings.KB_SEARCH_CACHE_SECONDS`, to requests that carry nothing personal.

    Each search is still logged: the view sets `request.search_log` to the search it
    logged, the cached copy keeps a placeholder where the result links carry the
    search's token, and a request served from the cache logs its search with
    `log_search(query=..., result_count=...)` and gets the new token in its links.
    Requests with other parameters are rendered for themselves, as the links built
    from the query string would carry them.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            query = request.GET.get("q", "")
            if (
                not _page_cache_on()
                or settings.KB_SEARCH_CACHE_SECONDS <= 0
                or not _is_anonymous_request(request)
                or not query.strip()
                or not set(request.GET) <= SEARCH_PARAMS
                or any(len(request.GET.getlist(name)) > 1 for name in request.GET)
            ):
                return view_func(request, *args, **kwargs)
            key = _page_key(request, tuple(sorted(SEARCH_PARAMS)))
            page, version = _get_with_version(key)
            if page is not None and page.version == version:
                response = _response_from(request, page)
                if page.search_log is not None:
                    log = log_search(query=page.search_log[0], result_count=page.search_log[1])
                    placeholder = _search_open_prefix(SEARCH_LOG_PLACEHOLDER).encode()
                    response.content = response.content.replace(placeholder, _search_open_prefix(log.token).encode())
                response["X-Cache"] = "hit"
                return response
            response = view_func(request, *args, **kwargs)
            if not _is_storable(request, response):
                return response
            log = getattr(request, "search_log", None)
            content = response.content
            if log is not None:
                old = _search_open_prefix(log.token).encode()
                content = content.replace(old, _search_open_prefix(SEARCH_LOG_PLACEHOLDER).encode())
            search_log = (log.query, log.result_count) if log is not None else None
            seconds = settings.KB_SEARCH_CACHE_SECONDS
            if _store(request, response, key, version, content=content, seconds=seconds, search_log=search_log):
                response["X-Cache"] = "miss"
            return response

        return wrapper

    return decorator


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
    cache.set(key, (version, result), _seconds_to_keep(seconds))
    return result
