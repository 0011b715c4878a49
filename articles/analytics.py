"""
Search analytics: what customers search for and fail to find.

Writes (`search_log_create`, `search_click_record`) and the report the admin
shows (`search_report`) live here, so views stay thin. Search rows are written
in batches, not one per search (articles/analytics_batches.py).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, Max
from django.utils import timezone

from .analytics_batches import search_analytics_flush, search_log_keep, token_is_valid
from .models import Article, SearchLog
from .search.text import normalize

REPORT_ROWS = 25


@dataclass(frozen=True)
class LoggedSearch:
    """A submitted search as logged: its result links carry `token`."""

    token: str
    query: str
    result_count: int


def search_log_create(*, query: str, result_count: int) -> LoggedSearch:
    """
    Log one submitted search under its normalised text (no personal data). The
    row is written in a batch a little later (articles/analytics_batches.py).
    """
    normalized = normalize(query)
    token = search_log_keep(query=normalized, result_count=result_count)
    return LoggedSearch(token=token, query=normalized, result_count=result_count)


def _first_click(filters: dict, article: Article, when) -> bool:
    unclicked = SearchLog.objects.filter(**filters, clicked_at__isnull=True)
    return bool(unclicked.update(clicked_article=article, clicked_at=when))


def search_click_record(*, token: str, article: Article) -> None:
    """
    Remember the first result opened from a search; later clicks change nothing.
    A search still waiting to be written is written first; one waiting in another
    process gets a row holding the click, which its own row completes when written.
    """
    if not token_is_valid(token):
        return
    now = timezone.now()
    if _first_click({"token": token}, article, now):
        return
    search_analytics_flush()
    if _first_click({"token": token}, article, now) or SearchLog.objects.filter(token=token).exists():
        return
    SearchLog.objects.get_or_create(
        token=token, defaults={"query": "", "result_count": 0, "clicked_article": article, "clicked_at": now}
    )


def search_click_record_by_id(*, log_id: int, article: Article) -> None:
    """The same, for links made before searches carried a token (rows addressed by id)."""
    _first_click({"pk": log_id}, article, timezone.now())


@dataclass(frozen=True)
class SearchReport:
    since: datetime
    searches: int
    top: list[dict]
    zero_results: list[dict]
    unclicked: list[dict]


def searches_since(since: datetime):
    """
    The searches logged since `since`, with those still buffered written first.
    (A row holding only a click, whose search is not written yet, has no query: not counted.)
    """
    search_analytics_flush()
    return SearchLog.objects.filter(created_at__gte=since).exclude(query="")


def search_report(*, since: datetime, rows: int = REPORT_ROWS) -> SearchReport:
    """Top queries, queries with no results, and queries whose results nobody opened."""
    logs = searches_since(since)
    per_query = logs.values("query").annotate(
        searches=Count("id"), opened=Count("clicked_at"), results=Avg("result_count"), last=Max("created_at")
    )
    return SearchReport(
        since=since,
        searches=logs.count(),
        top=list(per_query.order_by("-searches", "query")[:rows]),
        zero_results=list(per_query.filter(result_count=0).order_by("-searches", "query")[:rows]),
        unclicked=list(per_query.filter(result_count__gt=0, opened=0).order_by("-searches", "query")[:rows]),
    )
