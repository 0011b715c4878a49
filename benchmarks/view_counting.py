"""
Article view counting: does counting views slow the article page?

    python benchmarks/view_counting.py                         # SQLite, local-memory cache
    python benchmarks/view_counting.py --redis redis://127.0.0.1:6379/0
    python benchmarks/view_counting.py --no-page-cache         # every page rendered

A throwaway SQLite database gets the demo help center; then the longest demo
article is requested by a visitor without a session (so, as for the public, from
the page cache unless --no-page-cache) through Django's full middleware stack (the test client),
alternating request by request between counting off and on (`KB_VIEW_COUNTING`),
so that load from elsewhere on the machine falls on both modes alike, with the
batch flush as in production (every 1,000 views or 60 seconds: the batches
written during the run are part of the "on" figures). The median latencies are
compared; the project holds counting on to within 10% of counting off. It also
checks that every counted view reached the database, and times the counting
call on its own.

Figures depend on the machine and on what else it is running; compare figures
from one run. Method and recorded figures: docs/support-analytics.md.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500, help="requests per mode")
    parser.add_argument("--redis", default="", help="a Redis URL for the cache (default: local memory)")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="render every page (KB_PAGE_CACHE=0) instead of serving it cached"
    )
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="kb-view-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["REDIS_URL"] = args.redis
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.test_settings")  # plain static files, no collectstatic

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from articles.models import Article, ArticleViewCount
    from articles.view_counts import view_counts_flush

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))
    cache.clear()
    settings.KB_RATE_LIMITS = False
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.KB_PAGE_CACHE = not args.no_page_cache
    settings.KB_VIEW_COUNTS_FLUSH_EVERY = 1000
    settings.KB_VIEW_COUNTS_FLUSH_SECONDS = 60
    article = max(Article.objects.published(), key=lambda a: len(a.body_html))
    url = article.get_absolute_url()
    client = Client()

    def timed_get(counting: bool) -> float:
        settings.KB_VIEW_COUNTING = counting
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        return elapsed * 1000

    for _ in range(20):  # warm up: templates, connections, caches
        timed_get(True), timed_get(False)
    view_counts_flush()
    ArticleViewCount.objects.all().delete()
    # Requests alternate between the modes (in pairs whose order alternates too),
    # so load from other processes on the machine falls on both alike.
    off: list[float] = []
    on: list[float] = []
    for pair in range(args.requests):
        for counting in (False, True) if pair % 2 == 0 else (True, False):
            (on if counting else off).append(timed_get(counting))
    view_counts_flush()
    counted = sum(ArticleViewCount.objects.values_list("views", flat=True))
    expected = args.requests

    # The cost of counting itself, without the page around it.
    from articles.view_counts import article_view_count

    calls = 20000
    start = time.perf_counter()
    for _ in range(calls):
        article_view_count(slug=article.slug)
    per_call_us = (time.perf_counter() - start) / calls * 1e6
    view_counts_flush()

    median_off, median_on = statistics.median(off), statistics.median(on)
    change = (median_on / median_off - 1) * 100
    command = "python benchmarks/view_counting.py " + shlex.join(sys.argv[1:])
    print(f"Command: {command.strip()}")
    cache_name = "Redis" if args.redis else "local memory"
    served = "rendered each time" if args.no_page_cache else "served from the page cache"
    print(f"Page: {url} ({len(article.body_html):,} bytes of article HTML), {served}; cache: {cache_name}")
    print(f"Requests: {args.requests} per mode, alternating")
    print(f"Median latency, counting off: {median_off:.3f} ms (p90 {percentile(off, 90):.3f} ms)")
    print(f"Median latency, counting on:  {median_on:.3f} ms (p90 {percentile(on, 90):.3f} ms)")
    print(f"Difference: {change:+.1f}% ({'within' if change <= 10 else 'OVER'} the 10% budget)")
    print(f"Views stored after the final flush: {counted:,} of {expected:,} counted requests")
    print(f"Counting one view (article_view_count): {per_call_us:.1f} µs per call")
    return 0 if change <= 10 and counted == expected else 1


if __name__ == "__main__":
    sys.exit(main())
