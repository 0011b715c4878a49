"""
Search analytics rows, without a database write per search.

A submitted search makes a `SearchLog` row, and a search new in a visit a
`VisitEvent`; written one by one, they cost a popular search served from the
cache several times the page itself. They are kept like the article view
counts (articles/view_counts.py): in the process first (a list), then, every
`PUSH_ROWS` rows or `PUSH_SECONDS`, as one batch in the cache, under a numbered
slot. `search_analytics_flush()` writes the batches waiting in the cache to the
database, in slot order and in one transaction per flush: at the same points
as the view counts (`manage.py flush_view_counts`, and each process every
`KB_VIEW_COUNTS_FLUSH_EVERY` searches or `KB_VIEW_COUNTS_FLUSH_SECONDS`), and
before the search analytics are read.

A search's result links carry its row's random `token`, known before the row
is written. Opening a result whose row is still buffered writes what this
process holds first; if the row is elsewhere (another process's buffer), the
click is stored in a row of its own under the token, which the search's row
completes when it is written.

What a crash can lose: the rows of the crashed process not yet pushed to the
cache (at most `PUSH_ROWS`, or `PUSH_SECONDS` worth), and with the local-memory
cache, what that process held in its cache and had not flushed yet (at most
`KB_VIEW_COUNTS_FLUSH_SECONDS` worth). A process that stops normally pushes
and flushes what it holds.
"""

import atexit
import logging
import secrets
import threading
import time

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import SearchLog, VisitEvent
from .view_counts import FlushSchedule, buffer_cache

PREFIX = "kb:search-analytics"
TOP = f"{PREFIX}:top"  # the last slot claimed by a push
DONE = f"{PREFIX}:done"  # the last slot written to the database
GAP = f"{PREFIX}:gap"  # a missing slot that the flush is waiting for, and since when
LOCK = f"{PREFIX}:flush-lock"
LOCK_SECONDS = 300
KEEP = 7 * 24 * 3600  # a batch waits this long in the cache for a flush
# A slot is claimed just before its batch is stored: one still missing after this
# long belongs to a process that died in between, and is passed over.
GAP_SECONDS = 60
CHUNK = 200

logger = logging.getLogger(__name__)


def _slot_key(number: int) -> str:
    return f"{PREFIX}:slot:{number}"


class _LocalBuffer:
    """Rows made in this process and not yet pushed to the cache."""

    PUSH_ROWS = 200
    PUSH_SECONDS = 2.0

    def __init__(self):
        self.lock = threading.Lock()
        self.rows: list[tuple] = []
        self.since = time.monotonic()

    def add(self, row: tuple) -> bool:
        """Keep one row; True when it is time to push the rows to the cache."""
        with self.lock:
            self.rows.append(row)
            return len(self.rows) >= self.PUSH_ROWS or time.monotonic() - self.since >= self.PUSH_SECONDS

    def push(self) -> None:
        with self.lock:
            rows, self.rows, self.since = self.rows, [], time.monotonic()
        if not rows:
            return
        if buffer_cache.add(TOP, 0, timeout=None):
            # A new count (the first, or the cache dropped the old one): the flush starts it over.
            buffer_cache.set(DONE, 0, timeout=None)
        number = buffer_cache.incr(TOP)
        buffer_cache.set(_slot_key(number), rows, KEEP)


_local = _LocalBuffer()


# Every N searches or T seconds, with the view counts' settings.
_schedule = FlushSchedule()


def _keep(row: tuple) -> None:
    # Logging must never cost the customer the page, even with the cache down.
    try:
        if _local.add(row):
            _local.push()
        if row[0] == "log" and _schedule.due():
            search_analytics_flush()
    except Exception:
        logger.exception("Could not keep or flush the search analytics")


TOKEN_LENGTH = 20


def _token_signature(nonce: str) -> str:
    return salted_hmac("articles.analytics_batches.token", nonce).hexdigest()[: TOKEN_LENGTH - len(nonce)]


def new_token() -> str:
    """A random token (hex), signed so that a forged one is refused rather than stored."""
    nonce = secrets.token_hex(6)
    return nonce + _token_signature(nonce)


def token_is_valid(token: str) -> bool:
    if len(token) != TOKEN_LENGTH:
        return False
    nonce, signature = token[:12], token[12:]
    return constant_time_compare(signature, _token_signature(nonce))


def search_log_keep(*, query: str, result_count: int) -> str:
    """Log one submitted search (its normalised query); returns the token its result links carry."""
    token = new_token()
    _keep(("log", token, query[:200], result_count, timezone.now()))
    return token


def visit_search_keep(*, visit_key: str, query: str) -> None:
    """Record a search made in a visit (a `VisitEvent` of kind "search")."""
    _keep(("visit", visit_key, query[:200], timezone.now()))


# --------------------------------------------------------------------------- flush


def _waiting_batches() -> tuple[list[tuple[int, list]], int]:
    """
    The batches in the cache from the first unwritten slot on, in order, and the
    last slot they reach. A missing slot is waited for (its process is storing it),
    up to the first one; once it has been missing for GAP_SECONDS, every missing
    slot is passed over (its process died, or the cache dropped it).
    """
    done = buffer_cache.get(DONE) or 0
    top = buffer_cache.get(TOP) or 0
    if top < done:  # the counter was dropped from the cache and started again
        done = 0
    batches: list[tuple[int, list]] = []
    passing_over = False
    number = done
    while number < top:
        keys = [_slot_key(n) for n in range(number + 1, min(top, number + CHUNK) + 1)]
        found = buffer_cache.get_many(keys)
        for key in keys:
            following = number + 1
            if key in found:
                batches.append((following, found[key]))
            elif passing_over or _gap_is_lost(following):
                if not passing_over:
                    logger.warning("Search analytics: batches from %s on never arrived in the cache", following)
                passing_over = True
                batches.append((following, []))
            else:
                return batches, number
            number = following
    return batches, number


def _gap_is_lost(number: int) -> bool:
    """Whether the missing slot `number` has been missing for longer than GAP_SECONDS."""
    gap = buffer_cache.get(GAP)
    now = time.time()
    if not gap or gap[0] != number:
        buffer_cache.set(GAP, (number, now), KEEP)
        return False
    return now - gap[1] >= GAP_SECONDS


def _store(rows: list[tuple]) -> int:
    """Write the rows; returns the number of searches written."""
    logs = [
        SearchLog(token=token, query=query, result_count=count, created_at=when)
        for kind, token, query, count, when in (row for row in rows if row[0] == "log")
    ]
    events = [
        VisitEvent(visit_key=key, kind=VisitEvent.Kind.SEARCH, query=query, created_at=when)
        for kind, key, query, when in (row for row in rows if row[0] == "visit")
    ]
    with transaction.atomic():
        # A click on a result may have come first (search_click_record): the search completes its row.
        SearchLog.objects.bulk_create(
            logs,
            batch_size=CHUNK,
            update_conflicts=True,
            unique_fields=["token"],
            update_fields=["query", "result_count", "created_at"],
        )
        VisitEvent.objects.bulk_create(events, batch_size=CHUNK)
    return len(logs)


def search_analytics_flush() -> int:
    """
    Write the search analytics waiting in this process and in the cache to the
    database; returns the number of searches written. Returns 0 at once when
    another flush is running.
    """
    _local.push()
    if not buffer_cache.add(LOCK, 1, LOCK_SECONDS):
        return 0
    try:
        batches, last = _waiting_batches()
        if not batches:
            return 0
        stored = _store([row for _, rows in batches for row in rows])
        # Only once written: a failed write leaves the batches for the next flush.
        buffer_cache.set(DONE, last, timeout=None)
        buffer_cache.delete_many([_slot_key(number) for number, _ in batches])
        return stored
    finally:
        buffer_cache.delete(LOCK)


def _flush_at_exit() -> None:
    try:
        search_analytics_flush()
    except Exception:
        # The database may be gone already; the batch stays in a shared cache for the next flush.
        logger.exception("Could not flush the search analytics at exit")


atexit.register(_flush_at_exit)
