"""
Deflection: answering before the customer writes in, and measuring how often it works.

While the customer writes on the contact form, `contact_suggestions()` finds up
to five articles for what they typed (the one search function, each result
pointing at its best section). Suggestion links go through a redirect that
records the open. The steps of a visit are stored as `VisitEvent` rows under the
visit's random key: suggestions shown, suggestion opened, request sent. A visit
in which a suggestion was opened and no request was sent counts as deflected.
"""

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode

from .analytics_batches import visit_search_keep
from .models import Article, VisitEvent
from .search import SearchResult, article_search
from .search.text import normalize
from .visits import visit_end, visit_flag, visit_key, visit_search_note, visit_suggestion_opened

SUGGESTIONS = 5
QUERY_CHARS = 300  # the subject and the start of the message say what it is about


def contact_suggestions(*, subject: str, message: str = "", limit: int = SUGGESTIONS) -> list[SearchResult]:
    """Articles that may answer what the customer is writing, best first (none for empty text)."""
    text = f"{subject} {message}"[:QUERY_CHARS]
    if not text.strip():
        return []
    return article_search(text, limit=limit).results


def suggestion_url(result: SearchResult) -> str:
    """The link for a suggestion: through the redirect that records the open."""
    url = reverse("articles:contact_suggestion", args=[result.slug])
    return f"{url}?{urlencode({'section': result.section_anchor})}" if result.section_anchor else url


def visit_event_record(*, visit_key: str, kind: str, article: Article | None = None, query: str = "") -> VisitEvent:
    return VisitEvent.objects.create(visit_key=visit_key, kind=kind, article=article, query=query[:200])


def suggestions_shown_record(session: SessionBase) -> None:
    """Note, once per visit, that the customer was shown suggested articles."""
    if visit_flag(session, "suggestions_shown"):
        visit_event_record(visit_key=visit_key(session), kind=VisitEvent.Kind.SUGGESTIONS_SHOWN)


def suggestion_opened_record(session: SessionBase, *, article: Article) -> None:
    key = visit_suggestion_opened(session, slug=article.slug)
    visit_event_record(visit_key=key, kind=VisitEvent.Kind.SUGGESTION_OPENED, article=article)


def search_record(request: HttpRequest, response: HttpResponse, *, query: str) -> None:
    """
    A submitted search, in the visit (for the request's context: see visits.py for
    visitors without a session) and once per visit as an event, written in a batch
    with the search analytics (analytics_batches.py): no database write per search.
    """
    normalized = normalize(query)
    if not normalized:
        return
    key, is_new = visit_search_note(request, response, query=normalized)
    if is_new:
        visit_search_keep(visit_key=key, query=normalized)


def request_sent_record(session: SessionBase, *, article: Article | None) -> None:
    """A contact request was stored: the visit ends with it (it was not deflected)."""
    visit_event_record(visit_key=visit_end(session), kind=VisitEvent.Kind.REQUEST_SENT, article=article)


def suggestion_links(results: list[SearchResult]) -> list[dict]:
    """What the contact page and the JSON show of each suggestion."""
    return [
        {"title": r.title, "url": suggestion_url(r), "section_title": r.section_title, "category": r.category}
        for r in results
    ]


def suggestions_before_sending(session: SessionBase, *, subject: str, message: str, seen: bool) -> list[dict]:
    """
    The no-JavaScript “these articles may answer it” step: the suggestions to show
    before a request is sent, or [] when there are none or the customer has
    already seen them (and chose to send anyway).
    """
    if seen:
        return []
    links = suggestion_links(contact_suggestions(subject=subject, message=message))
    if links:
        suggestions_shown_record(session)
    return links
