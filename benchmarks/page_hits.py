"""
The cost of a page in one process, next to the framework floor: no server, no
network, so the figure does not move with the machine's load the way wrk's do.

    python benchmarks/page_hits.py --database sqlite:///<data dir>/pages-1000.sqlite3
    KB_PAGE_CACHE=0 KB_SEARCH_CACHE_SECONDS=0 python benchmarks/page_hits.py --database ...

Uses a database made by `benchmarks/pages.py --keep` and the same settings
(`benchmarks.site_settings`, with /floor/). Each round asks the floor and then
every page `--per-round` times through django.test.Client, each time as a new
visitor (no cookies), and takes the process's CPU time per request; the 25th
percentile of the rounds is printed, with its ratio to the floor's.
"""

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="DATABASE_URL of a database made by benchmarks/pages.py")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--per-round", type=int, default=50)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kb-page-hits-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.site_settings",
            "DATABASE_URL": args.database,
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "KB_RATE_LIMITS": "0",
            "STATIC_ROOT": str(work / "static"),
            "KB_CONTENT_VERSION_FILE": str(work / "content-version"),
        }
    )
    os.environ.setdefault("DJANGO_SECRET_KEY", "page-hits-benchmark-" + "x" * 40)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from articles.models import Article, Category

    call_command("collectstatic", "--noinput", verbosity=0)
    published = Article.objects.published().order_by("pk")
    pages = {
        "floor": "/floor/",
        "home": "/",
        "category": Category.objects.order_by("position").first().get_absolute_url(),
        "article": published[published.count() // 2].get_absolute_url(),
        "search page": "/search/?q=reset+password",
        "search API": "/api/search/?q=reset+password",
    }
    spent: dict[str, list[float]] = {name: [] for name in pages}
    for url in pages.values():
        for _ in range(3):
            Client().get(url)  # fill the caches a real server would have filled
    # What was loaded so far (the search's vectors, templates) stays: the garbage
    # collector's full passes over it would land on whichever page runs then.
    gc.collect()
    gc.freeze()
    for _ in range(args.rounds):
        for name, url in pages.items():
            client = Client()
            started = time.process_time()
            for _ in range(args.per_round):
                client.get(url)
                client.cookies.clear()
            spent[name].append((time.process_time() - started) / args.per_round * 1000)
    quartile = {name: sorted(times)[len(times) // 4] for name, times in spent.items()}
    print("| page | CPU ms/request | x floor |\n|---|---:|---:|")
    for name, ms in quartile.items():
        print(f"| {name} | {ms:.3f} | {quartile['floor'] / ms:.2f} |")


if __name__ == "__main__":
    main()
