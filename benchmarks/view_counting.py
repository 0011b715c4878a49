"""
Article view counting: does counting views slow the article page?

    python benchmarks/view_counting.py                         # SQLite, local-memory cache
    python benchmarks/view_counting.py --redis redis://127.0.0.1:6379/0
    python benchmarks/view_counting.py --requests 400 --rounds 9

A throwaway SQLite database gets the demo help center; then the longest demo
article is requested through Django's full middleware stack (the test client),
in rounds that alternate counting off and on (`KB_VIEW_COUNTING`), with the
batch flush as in production (every 1,000 views or 60 seconds, so the batches
written during the run are part of the "on" figures). Each round's median
latency is taken, and the median over rounds is compared. The check the
project holds to: counting on stays within 10% of counting off.

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per mode per round")
    parser.add_argument("--rounds", type=int, default=7, help="rounds (each: off then on, or on then off)")
    parser.add_argument("--redis", default="", help="a Redis URL for the cache (default: local memory)")
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
    settings.KB_VIEW_COUNTS_FLUSH_EVERY = 1000
    settings.KB_VIEW_COUNTS_FLUSH_SECONDS = 60
    article = max(Article.objects.published(), key=lambda a: len(a.body_html))
    url = article.get_absolute_url()
    client = Client()

    def run(counting: bool) -> float:
        settings.KB_VIEW_COUNTING = counting
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200
        return statistics.median(timings) * 1000

    run(True), run(False)  # warm up: templates, connections, caches
    view_counts_flush()
    ArticleViewCount.objects.all().delete()
    off: list[float] = []
    on: list[float] = []
    for round_number in range(args.rounds):
        order = (False, True) if round_number % 2 == 0 else (True, False)
        for counting in order:
            (on if counting else off).append(run(counting))
    view_counts_flush()
    counted = sum(ArticleViewCount.objects.values_list("views", flat=True))
    expected = args.requests * args.rounds

    median_off, median_on = statistics.median(off), statistics.median(on)
    change = (median_on / median_off - 1) * 100
    command = "python benchmarks/view_counting.py " + shlex.join(sys.argv[1:])
    print(f"Command: {command.strip()}")
    print(f"Page: {url} ({len(article.body_html):,} bytes of article HTML); cache: {'Redis' if args.redis else 'local memory'}")
    print(f"Rounds: {args.rounds} x {args.requests} requests per mode")
    print(f"Median latency, counting off: {median_off:.3f} ms (rounds: {', '.join(f'{v:.3f}' for v in off)})")
    print(f"Median latency, counting on:  {median_on:.3f} ms (rounds: {', '.join(f'{v:.3f}' for v in on)})")
    print(f"Difference: {change:+.1f}% ({'within' if change <= 10 else 'OVER'} the 10% budget)")
    print(f"Views stored after the final flush: {counted:,} of {expected:,} counted requests")
    return 0 if change <= 10 and counted == expected else 1


if __name__ == "__main__":
    sys.exit(main())
