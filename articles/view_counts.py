"""
Article view counts, without a database write per page view.

A view is counted in the process first (a dict), then, every few hundred views
or seconds, in the cache (`cache.incr`, atomic on the local-memory cache and on
Redis alike), under the article's slug and the day. Counting happens in
`ArticleViewCountMiddleware`, outside any page cache, so a page served from a
cache is counted too. `view_counts_flush()` moves the counts into
`ArticleViewCount` rows in one batch: `manage.py flush_view_counts` (from cron,
with a shared cache such as Redis), and the counting process itself every
`KB_VIEW_COUNTS_FLUSH_EVERY` views or `KB_VIEW_COUNTS_FLUSH_SECONDS` seconds
(the only way with the local-memory cache, which each process keeps to itself).

Each day keeps a registry of the slugs counted that day (numbered slots), so a
flush reads only the counters that exist. A flush claims what it read by
decrementing each counter by that amount, so views counted meanwhile are kept
for the next flush; one flush runs at a time (a lock in the cache).
"""

import atexit
import logging
import threading
import time
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from .models import Article, ArticleViewCount

BUFFERS = "buffers"


class _BufferCache:
    """
    The cache where view counts and search analytics (analytics_batches.py) wait
    for a flush: `CACHES["buffers"]` when the settings define it, else the default
    cache. With the local-memory cache the settings give them one of their own,
    which nothing else fills: the default one culls its oldest entries once it
    holds MAX_ENTRIES (pages and searches count), and buffered counts and batches
    went with them, lost before any flush.
    """

    def __getattr__(self, name):
        return getattr(caches[BUFFERS if BUFFERS in settings.CACHES else DEFAULT_CACHE_ALIAS], name)


buffer_cache = _BufferCache()

PREFIX = "kb:views"
KEEP = 4 * 24 * 3600  # counters outlive the days a flush looks back on
FLUSH_DAYS = 3  # today and the two days before
LOCK = f"{PREFIX}:flush-lock"
LOCK_SECONDS = 300
CHUNK = 500

logger = logging.getLogger(__name__)


def _counter_key(day: str, slug: str) -> str:
    return f"{PREFIX}:{day}:n:{slug}"


def _slots_key(day: str) -> str:
    return f"{PREFIX}:{day}:slots"


def _slot_key(day: str, number: int) -> str:
    return f"{PREFIX}:{day}:slot:{number}"


def _count_in_cache(day_text: str, slug: str, views: int) -> None:
    counter = _counter_key(day_text, slug)
    try:
        buffer_cache.incr(counter, views)
        return
    except ValueError:  # the first views of this article that day (or the counter expired)
        pass
    if buffer_cache.add(counter, views, KEEP):
        buffer_cache.add(_slots_key(day_text), 0, KEEP)
        number = buffer_cache.incr(_slots_key(day_text))
        buffer_cache.set(_slot_key(day_text, number), slug, KEEP)
    else:  # another process created it in between
        try:
            buffer_cache.incr(counter, views)
        except ValueError:
            pass


class _LocalBuffer:
    """
    Views counted in this process and not yet added to the cache. Adding to a
    dict is all a page view costs; the counts go to the cache (one `incr` per
    article) every `PUSH_VIEWS` views or `PUSH_SECONDS`, at the next flush, and
    when the process exits.
    """

    PUSH_VIEWS = 200
    PUSH_SECONDS = 2.0

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: dict[tuple[str, str], int] = {}
        self.views = 0
        self.since = time.monotonic()

    def add(self, day_text: str, slug: str) -> bool:
        """Count one view; True when it is time to push the counts to the cache."""
        with self.lock:
            self.counts[day_text, slug] = self.counts.get((day_text, slug), 0) + 1
            self.views += 1
            return self.views >= self.PUSH_VIEWS or time.monotonic() - self.since >= self.PUSH_SECONDS

    def push(self) -> None:
        with self.lock:
            counts, self.counts, self.views, self.since = self.counts, {}, 0, time.monotonic()
        for (day_text, slug), views in counts.items():
            _count_in_cache(day_text, slug, views)


_local = _LocalBuffer()
atexit.register(_local.push)


_today = (0, "")  # (second, local date): finding today's date costs more than counting


def _today_text() -> str:
    global _today
    second = int(time.time())
    if _today[0] != second:
        _today = (second, timezone.localdate().isoformat())
    return _today[1]


def article_view_count(*, slug: str, day: date | None = None) -> None:
    """Count one view of the article at `slug`: in this process, then in the cache; never in the database."""
    if _local.add(day.isoformat() if day else _today_text(), slug):
        _local.push()


def _buffered(day_text: str) -> dict[str, int]:
    """The counts waiting in the cache for one day, by slug."""
    top = buffer_cache.get(_slots_key(day_text)) or 0
    slugs: set[str] = set()
    for start in range(1, top + 1, CHUNK):
        keys = [_slot_key(day_text, n) for n in range(start, min(top, start + CHUNK - 1) + 1)]
        slugs.update(buffer_cache.get_many(keys).values())
    counts: dict[str, int] = {}
    slug_list = sorted(slugs)
    for start in range(0, len(slug_list), CHUNK):
        chunk = slug_list[start : start + CHUNK]
        found = buffer_cache.get_many([_counter_key(day_text, slug) for slug in chunk])
        for slug in chunk:
            value = found.get(_counter_key(day_text, slug), 0)
            if isinstance(value, int) and value > 0:
                counts[slug] = value
    return counts


def _claim(day_text: str, counts: dict[str, int], sign: int = -1) -> None:
    for slug, value in counts.items():
        try:
            buffer_cache.incr(_counter_key(day_text, slug), sign * value)
        except ValueError:  # expired meanwhile: nothing left to claim
            pass


def _store(day: date, counts: dict[str, int]) -> int:
    """Add the counts to the day's rows (published articles only); returns the views stored."""
    ids = dict(Article.objects.published().filter(slug__in=counts).values_list("slug", "pk"))
    by_article = {ids[slug]: value for slug, value in counts.items() if slug in ids}
    if not by_article:
        return 0
    with transaction.atomic():
        rows = {row.article_id: row for row in ArticleViewCount.objects.filter(date=day, article_id__in=by_article)}
        for article_id, row in rows.items():
            row.views += by_article[article_id]
        ArticleViewCount.objects.bulk_update(rows.values(), ["views"])
        ArticleViewCount.objects.bulk_create(
            ArticleViewCount(article_id=article_id, date=day, views=value)
            for article_id, value in by_article.items()
            if article_id not in rows
        )
    return sum(by_article.values())


def view_counts_flush() -> int:
    """
    Move the views counted in the cache into the database; returns how many
    were stored. Returns 0 at once when another flush is running.
    """
    _local.push()
    if not buffer_cache.add(LOCK, 1, LOCK_SECONDS):
        return 0
    stored = 0
    try:
        today = timezone.localdate()
        for back in range(FLUSH_DAYS - 1, -1, -1):
            day = today - timedelta(days=back)
            day_text = day.isoformat()
            counts = _buffered(day_text)
            if not counts:
                continue
            _claim(day_text, counts)
            try:
                stored += _store(day, counts)
            except Exception:
                _claim(day_text, counts, sign=1)  # give the views back for the next flush
                raise
    finally:
        buffer_cache.delete(LOCK)
    return stored


class FlushSchedule:
    """
    When a process flushes what it buffered by itself: every N events or T seconds
    (KB_VIEW_COUNTS_FLUSH_EVERY and KB_VIEW_COUNTS_FLUSH_SECONDS). View counts and
    search analytics (analytics_batches.py) each keep one.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.events = 0
        self.since = time.monotonic()

    def due(self) -> bool:
        every, seconds = settings.KB_VIEW_COUNTS_FLUSH_EVERY, settings.KB_VIEW_COUNTS_FLUSH_SECONDS
        with self.lock:
            self.events += 1
            now = time.monotonic()
            if (every and self.events >= every) or (seconds and now - self.since >= seconds):
                self.events, self.since = 0, now
                return True
        return False


_schedule = FlushSchedule()


def _article_slug(request) -> str | None:
    match = request.resolver_match
    if match is None:  # answered before URL resolution, e.g. from a page cache
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    if match.view_name != "articles:article":
        return None
    return match.kwargs.get("slug")


class ArticleViewCountMiddleware:
    """Counts successful GETs of article pages, whether rendered or served from a cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.KB_VIEW_COUNTING and request.method == "GET" and response.status_code == 200:
            slug = _article_slug(request)
            if slug:
                # Counting must never cost the customer the page, even with the cache down.
                try:
                    article_view_count(slug=slug)
                    if _schedule.due():
                        view_counts_flush()
                except Exception:
                    logger.exception("Could not count a view of the article %r", slug)
        return response
