"""
A customer's visit to the help center, kept in their Django session (first-party,
never a third-party cookie) so a contact request can carry its context.

Two random keys live in the session, neither personal:
- the visitor key, kept as long as the session: one feedback vote per visitor
  per article or section;
- the visit key, renewed after `VISIT_IDLE` without activity and after a contact
  request is sent: the unit in which a deflection is counted.

The visit also holds what the request's `context` records: the article the
customer came from, the searches they made, the suggestions they opened and
their feedback votes. Lists are bounded so a session never grows without limit.

A visitor with no session yet is not given one for a search: a session row
written for each search of each new visitor cost more than the search page
served from the cache. Their searches (and the visit's key) are kept in a small
signed cookie instead (`SEARCHES_COOKIE`: first-party, holding only what they
typed, normalised), and `VisitSearchesMiddleware` moves them into the session
visit as soon as the visitor has a session (the contact form, a vote, an opened
suggestion), so a contact request still carries the searches that led to it.
"""

import json
import secrets
import time

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.signing import BadSignature
from django.http import HttpRequest, HttpResponse

VISITOR_KEY = "kb_visitor"
VISIT_KEY = "kb_visit"
VISIT_IDLE = 30 * 60  # seconds without activity after which a new visit starts
MAX_ITEMS = 20  # searches, opened suggestions and votes kept per visit


def new_key() -> str:
    return secrets.token_hex(16)


def visitor_key(session: SessionBase) -> str:
    """The session's visitor key, created on first use."""
    key = session.get(VISITOR_KEY)
    if not isinstance(key, str) or len(key) != 32:
        key = session[VISITOR_KEY] = new_key()
    return key


SEEN_STEP = 60  # the last-seen time is rewritten at most once a minute, to spare session writes


def _current(session: SessionBase) -> dict:
    """A copy of the visit in progress (a fresh one after a long pause), marked as active now."""
    now = int(time.time())
    visit = session.get(VISIT_KEY)
    if not isinstance(visit, dict) or now - int(visit.get("seen", 0)) > VISIT_IDLE:
        return {"key": new_key(), "seen": now, "article": "", "searches": [], "opened": [], "feedback": []}
    visit = {name: list(value) if isinstance(value, list) else value for name, value in visit.items()}
    if now - int(visit["seen"]) >= SEEN_STEP:
        visit["seen"] = now
    return visit


def _save(session: SessionBase, visit: dict) -> None:
    """Store the visit in the session, only if it changed (an unchanged session is not written)."""
    if session.get(VISIT_KEY) != visit:
        session[VISIT_KEY] = visit


def _append(items: list, item) -> list:
    if item in items:
        items.remove(item)
    items.append(item)
    return items[-MAX_ITEMS:]


def visit_key(session: SessionBase) -> str:
    """The key of the visit in progress, starting one if needed."""
    visit = _current(session)
    _save(session, visit)
    return visit["key"]


def visit_article_set(session: SessionBase, *, slug: str) -> str:
    """Remember the article the customer came from to the contact form; returns the visit key."""
    visit = _current(session)
    visit["article"] = slug[:200]
    _save(session, visit)
    return visit["key"]


def visit_search_add(session: SessionBase, *, query: str) -> tuple[str, bool]:
    """Remember a submitted search; returns the visit key and whether the query is new in this visit."""
    visit = _current(session)
    is_new = query not in visit["searches"]
    visit["searches"] = _append(visit["searches"], query[:200])
    _save(session, visit)
    return visit["key"], is_new


def visit_suggestion_opened(session: SessionBase, *, slug: str) -> str:
    visit = _current(session)
    visit["opened"] = _append(visit["opened"], slug[:200])
    _save(session, visit)
    return visit["key"]


def visit_feedback_add(session: SessionBase, *, article: str, section: str, vote: str) -> None:
    visit = _current(session)
    votes = [v for v in visit["feedback"] if (v.get("article"), v.get("section")) != (article, section)]
    votes.append({"article": article, "section": section, "vote": vote})
    visit["feedback"] = votes[-MAX_ITEMS:]
    _save(session, visit)


def visit_flag(session: SessionBase, name: str) -> bool:
    """Set a once-per-visit flag; True the first time it is set in this visit."""
    visit = _current(session)
    flags = visit.setdefault("flags", [])
    first = name not in flags
    if first:
        flags.append(name)
    _save(session, visit)
    return first


def visit_context(session: SessionBase) -> dict:
    """
    What a contact request records about the visit that led to it (its `context`):
    {"searches": [...], "suggestions_opened": [slug, ...],
     "feedback": [{"article", "section", "vote"}, ...]}.
    """
    visit = session.get(VISIT_KEY)
    if not isinstance(visit, dict) or int(time.time()) - int(visit.get("seen", 0)) > VISIT_IDLE:
        visit = {}
    return {
        "searches": list(visit.get("searches", [])),
        "suggestions_opened": list(visit.get("opened", [])),
        "feedback": [dict(v) for v in visit.get("feedback", [])],
    }


def visit_article(session: SessionBase) -> str:
    """The slug of the article the customer came from in this visit, or ''."""
    visit = session.get(VISIT_KEY)
    return visit.get("article", "") if isinstance(visit, dict) else ""


def visit_end(session: SessionBase) -> str:
    """Close the visit (a request was sent); returns its key. The next step starts a new visit."""
    key = visit_key(session)
    session.pop(VISIT_KEY, None)
    return key


# --------------------------------------------------------------------------- visitors without a session

SEARCHES_COOKIE = "kb_searches"
_SEARCHES_SALT = "articles.visits.searches"
COOKIE_SEARCHES = 10  # the cookie keeps fewer searches than a session, and shorter ones,
COOKIE_QUERY_CHARS = 100  # so that it stays far below a browser's 4 KB limit


def _has_session(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def visit_from_cookie(request: HttpRequest) -> dict | None:
    """The visit a visitor without a session keeps in their cookie ({"key", "searches"}), or None."""
    if SEARCHES_COOKIE not in request.COOKIES:
        return None
    try:
        # Signed when last written: a visit idle for longer than VISIT_IDLE is over.
        data = json.loads(request.get_signed_cookie(SEARCHES_COOKIE, salt=_SEARCHES_SALT, max_age=VISIT_IDLE))
    except (BadSignature, ValueError):
        return None
    key, searches = (data.get("key"), data.get("searches")) if isinstance(data, dict) else (None, None)
    if not (isinstance(key, str) and len(key) == 32 and isinstance(searches, list)):
        return None
    return {"key": key, "searches": [query for query in searches if isinstance(query, str)][-COOKIE_SEARCHES:]}


def visit_search_note(request: HttpRequest, response: HttpResponse, *, query: str) -> tuple[str, bool]:
    """
    Remember a submitted search: in the session visit for a visitor with a session,
    else in the signed cookie set on `response`. Returns the visit key and whether
    the query is new in this visit.
    """
    if _has_session(request):
        return visit_search_add(request.session, query=query)
    visit = visit_from_cookie(request) or {"key": new_key(), "searches": []}
    is_new = query not in visit["searches"]
    visit["searches"] = _append(visit["searches"], query[:COOKIE_QUERY_CHARS])[-COOKIE_SEARCHES:]
    response.set_signed_cookie(
        SEARCHES_COOKIE,
        json.dumps(visit, separators=(",", ":")),
        salt=_SEARCHES_SALT,
        max_age=VISIT_IDLE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return visit["key"], is_new


def _adopt(session: SessionBase, cookie_visit: dict) -> None:
    """The cookie's searches in the session visit (which becomes the cookie's visit if none is in progress)."""
    visit = session.get(VISIT_KEY)
    if not isinstance(visit, dict) or int(time.time()) - int(visit.get("seen", 0)) > VISIT_IDLE:
        visit = _current(session)
        visit["key"] = cookie_visit["key"]
    else:
        visit = _current(session)
    searches = list(visit["searches"])
    for query in cookie_visit["searches"]:
        if query not in searches:
            searches.append(query)
    visit["searches"] = searches[-MAX_ITEMS:]
    _save(session, visit)


class VisitSearchesMiddleware:
    """
    Moves the searches of a visitor's cookie (see the module docstring) into their
    session visit, and drops the cookie once the session holds them. For a visitor
    who has no session yet, they are put in the session only in memory: kept if the
    request goes on to start a session, and costing nothing if it does not.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookie_visit = visit_from_cookie(request)
        if cookie_visit is None:
            return self.get_response(request)
        has_session = _has_session(request)
        _adopt(request.session, cookie_visit)
        if not has_session:
            request.session.modified = False  # no session is written for this alone
        response = self.get_response(request)
        if has_session or request.session.modified:
            response.delete_cookie(SEARCHES_COOKIE, samesite="Lax")
        return response
