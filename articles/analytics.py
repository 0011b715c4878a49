"""
Search analytics: what customers search for and fail to find.

Writes (`search_log_create`, `search_click_record`) and the report the admin
shows (`search_report`) live here, so views stay thin.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, Max
from django.utils import timezone

from .models import Article, SearchLog
from .search.text import normalize

REPORT_ROWS = 25


def search_log_create(*, query: str, result_count: int) -> SearchLog:
    """Record one submitted search under its normalised text (no personal data)."""
    return SearchLog.objects.create(query=normalize(query), result_count=result_count)


def search_click_record(*, log_id: int, article: Article) -> None:
    """Remember the first result opened from a search; later clicks change nothing."""
    SearchLog.objects.filter(pk=log_id, clicked_at__isnull=True).update(
        clicked_article=article, clicked_at=timezone.now()
    )


@dataclass(frozen=True)
class SearchReport:
    since: datetime
    searches: int
    top: list[dict]
    zero_results: list[dict]
    unclicked: list[dict]


def search_report(*, since: datetime, rows: int = REPORT_ROWS) -> SearchReport:
    """Top queries, queries with no results, and queries whose results nobody opened."""
    logs = SearchLog.objects.filter(created_at__gte=since)
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
