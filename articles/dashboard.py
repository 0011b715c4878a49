"""
Support analytics for staff: which articles fail, how often suggestions answer
before a request is written, and what customers look for and do not find.

`support_report()` reads everything the admin's dashboard shows for a period in
a fixed number of queries, whatever the number of articles or events.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .analytics import searches_since
from .models import Article, ArticleFeedback, ArticleViewCount, ContactRequest, Section, VisitEvent
from .search.text import STOP_WORDS, tokenize

ARTICLE_ROWS = 50
GAP_ROWS = 25
GAP_QUERIES = 500  # the most searched unanswered queries that are grouped


@dataclass(frozen=True)
class DeflectionFigures:
    shown: int  # visits shown suggested articles on the contact form
    opened: int  # ... that opened at least one
    deflected: int  # ... that opened one and sent no request

    @property
    def rate(self) -> float | None:
        return self.deflected / self.shown if self.shown else None


@dataclass
class SectionFigures:
    anchor: str
    title: str
    fixed: int = 0
    not_fixed: int = 0


@dataclass
class ArticleFigures:
    article_id: int
    title: str = ""
    slug: str = ""
    views: int = 0
    helpful: int = 0
    not_helpful: int = 0
    contacts: int = 0
    sections: list[SectionFigures] = field(default_factory=list)

    @property
    def votes(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def helpful_ratio(self) -> float | None:
        return self.helpful / self.votes if self.votes else None


@dataclass(frozen=True)
class ContentGap:
    query: str  # the most searched wording of the group
    wordings: list[str]
    visitors: int
    searches: int
    found_nothing: bool  # no results at all (otherwise: results nobody opened)


@dataclass(frozen=True)
class SupportReport:
    since: datetime
    days: int
    views: int
    searches: int
    zero_result_queries: int
    unclicked_queries: int
    contacts: int
    median_to_first_work: timedelta | None
    deflection: DeflectionFigures
    articles: list[ArticleFigures]
    gaps: list[ContentGap]
    daily: dict[str, list[tuple[date, int]]]


def deflection_figures(*, since: datetime) -> DeflectionFigures:
    """Visits shown suggestions since `since`; of those, how many opened one, and how many then sent nothing."""
    events = VisitEvent.objects.filter(created_at__gte=since)
    shown = events.filter(kind=VisitEvent.Kind.SUGGESTIONS_SHOWN).values("visit_key")
    opened = events.filter(kind=VisitEvent.Kind.SUGGESTION_OPENED, visit_key__in=shown).values("visit_key")
    sent = events.filter(kind=VisitEvent.Kind.REQUEST_SENT).values("visit_key")
    figures = events.aggregate(
        shown=Count("visit_key", distinct=True, filter=Q(kind=VisitEvent.Kind.SUGGESTIONS_SHOWN)),
        opened=Count("visit_key", distinct=True, filter=Q(visit_key__in=opened)),
        deflected=Count("visit_key", distinct=True, filter=Q(visit_key__in=opened) & ~Q(visit_key__in=sent)),
    )
    return DeflectionFigures(**figures)


def _daily(rows, days: list[date], key: str = "day") -> list[tuple[date, int]]:
    by_day = {row[key]: row["n"] or 0 for row in rows}
    return [(day, by_day.get(day, 0)) for day in days]


def _median_to_first_work(requests) -> timedelta | None:
    pairs = requests.filter(first_worked_at__isnull=False).values_list("created_at", "first_worked_at")
    waits = [worked - created for created, worked in pairs if worked >= created]
    return statistics.median(waits) if waits else None


def _article_figures(since: datetime, requests) -> list[ArticleFigures]:
    rows: dict[int, ArticleFigures] = {}

    def row(article_id: int) -> ArticleFigures:
        return rows.setdefault(article_id, ArticleFigures(article_id))

    views = ArticleViewCount.objects.filter(date__gte=timezone.localdate(since)).values("article_id")
    for item in views.annotate(n=Sum("views")):
        row(item["article_id"]).views = item["n"]
    votes = ArticleFeedback.objects.filter(updated_at__gte=since).values("article_id", "section_anchor", "helpful")
    section_votes: dict[tuple[int, str], SectionFigures] = {}
    for item in votes.annotate(n=Count("id")):
        figures = row(item["article_id"])
        if not item["section_anchor"]:
            if item["helpful"]:
                figures.helpful = item["n"]
            else:
                figures.not_helpful = item["n"]
            continue
        key = (item["article_id"], item["section_anchor"])
        section = section_votes.setdefault(key, SectionFigures(item["section_anchor"], item["section_anchor"]))
        if item["helpful"]:
            section.fixed = item["n"]
        else:
            section.not_fixed = item["n"]
    for item in requests.filter(article__isnull=False).values("article_id").annotate(n=Count("id")):
        row(item["article_id"]).contacts = item["n"]

    ranked = sorted(rows.values(), key=lambda r: (-r.views, -r.votes, -r.contacts, r.article_id))[:ARTICLE_ROWS]
    wanted = {r.article_id: r for r in ranked}
    for article_id, title, slug in Article.objects.filter(pk__in=wanted).values_list("pk", "title", "slug"):
        wanted[article_id].title, wanted[article_id].slug = title, slug
    titles = Section.objects.filter(article_id__in=wanted, level=2).values_list("article_id", "anchor", "title")
    positions = {}
    for position, (article_id, anchor, title) in enumerate(titles.order_by("article_id", "position")):
        if (article_id, anchor) in section_votes:
            section_votes[article_id, anchor].title = title
        positions[article_id, anchor] = position
    for (article_id, _anchor), section in sorted(section_votes.items(), key=lambda kv: positions.get(kv[0], 1 << 30)):
        if article_id in wanted:
            wanted[article_id].sections.append(section)
    return [r for r in ranked if r.slug]


def gap_key(query: str) -> str:
    """What a query asks for, whatever its word order, plurals or filler words."""
    words = set()
    for word in tokenize(query):
        if word in STOP_WORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return " ".join(sorted(words)) or query


def content_gaps(*, since: datetime, rows: int = GAP_ROWS) -> list[ContentGap]:
    """
    Queries whose results nobody opened (including those with no results),
    grouped by their normalised words and ranked by how many visits hit them.
    """
    unanswered = list(
        searches_since(since)
        .values("query")
        .annotate(searches=Count("id"), opened=Count("clicked_at"), results=Max("result_count"))
        .filter(opened=0)
        .order_by("-searches", "query")[:GAP_QUERIES]
    )
    visits = defaultdict(set)
    searched = VisitEvent.objects.filter(
        kind=VisitEvent.Kind.SEARCH, created_at__gte=since, query__in=[item["query"] for item in unanswered]
    ).values_list("query", "visit_key")
    for query, visit_key in searched.distinct():
        visits[query].add(visit_key)
    groups: dict[str, list[dict]] = defaultdict(list)
    for item in unanswered:
        groups[gap_key(item["query"])].append(item)
    gaps = []
    for items in groups.values():
        items.sort(key=lambda item: (-item["searches"], item["query"]))
        group_visits = set().union(*(visits[item["query"]] for item in items))
        gaps.append(
            ContentGap(
                query=items[0]["query"],
                wordings=[item["query"] for item in items],
                visitors=len(group_visits),
                searches=sum(item["searches"] for item in items),
                found_nothing=all(item["results"] == 0 for item in items),
            )
        )
    gaps.sort(key=lambda gap: (-gap.visitors, -gap.searches, gap.query))
    return gaps[:rows]


def support_report(*, days: int) -> SupportReport:
    """Everything the support dashboard shows for the last `days` days."""
    since = timezone.now() - timedelta(days=days)
    first_day = timezone.localdate(since)
    day_list = [first_day + timedelta(days=n) for n in range((timezone.localdate() - first_day).days + 1)]
    requests = ContactRequest.objects.filter(created_at__gte=since)
    searches = searches_since(since)
    per_query = searches.values("query").annotate(opened=Count("clicked_at"), results=Max("result_count"))
    views_per_day = ArticleViewCount.objects.filter(date__gte=first_day).values("date").annotate(n=Sum("views"))
    daily = {
        "views": _daily(views_per_day, day_list, key="date"),
        "searches": _daily(searches.values(day=TruncDate("created_at")).annotate(n=Count("id")), day_list),
        "contacts": _daily(requests.values(day=TruncDate("created_at")).annotate(n=Count("id")), day_list),
    }
    return SupportReport(
        since=since,
        days=days,
        views=sum(n for _, n in daily["views"]),
        searches=sum(n for _, n in daily["searches"]),
        zero_result_queries=per_query.filter(results=0).count(),
        unclicked_queries=per_query.filter(results__gt=0, opened=0).count(),
        contacts=sum(n for _, n in daily["contacts"]),
        median_to_first_work=_median_to_first_work(requests),
        deflection=deflection_figures(since=since),
        articles=_article_figures(since, requests),
        gaps=content_gaps(since=since),
        daily=daily,
    )
