#!/usr/bin/env python
"""
Tune the meaning signal's fusion constants on the tuning half of the relevance queries.

    python benchmarks/meaning_tuning.py [--engine sqlite|postgres] [--background N]

Loads the relevance corpus into a throwaway database (as relevance.py does), then
scores every combination of the constants in GRID on the TUNING half only
(relevance.query_half()), and prints them best first, next to the lexical ranking
alone. The held-out half is never looked at here: relevance.py reports it.
"""

import argparse
import itertools
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import relevance  # noqa: E402

GRID = {
    "BLEND_WEIGHT": [1, 2, 3],
    "MIN_BLEND_WORDS": [1, 2, 3],
    "ARTICLE_SHARE": [0.0, 1.0],
    "MEANING_CANDIDATES": [30],
    "RELATED_MIN_SIMILARITY": [0.3],
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--background", type=int, default=0)
    parser.add_argument("--postgres-url", default=relevance.DEFAULT_POSTGRES_URL)
    parser.add_argument("--database", default=relevance.BENCH_DATABASE, help="PostgreSQL database name prefix")
    args = parser.parse_args(argv)
    database = relevance.bench_database(args.database) + "_tuning"
    with tempfile.TemporaryDirectory(prefix="kb-tuning-") as tmp:
        if args.engine == "sqlite":
            os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'tuning.sqlite3'}"
        else:
            relevance.recreate_postgres_database(args.postgres_url, database)
            os.environ["DATABASE_URL"] = relevance.postgres_url(args.postgres_url, database)
        os.environ["DJANGO_SETTINGS_MODULE"] = "kb.settings"
        os.environ.pop("REDIS_URL", None)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from articles.search import semantic

        try:
            call_command("migrate", verbosity=0, interactive=False)
            relevance.import_corpus()
            if args.background:
                relevance.load_background(args.background)
            queries = [q for q in relevance.load_queries() if relevance.query_half(q["query"]) == "tuning"]
            results = []
            lexical = relevance.score(queries, relevance.lexical_rankings(queries))["all"]["mrr"]
            for values in itertools.product(*GRID.values()):
                settings = dict(zip(GRID, values, strict=True))
                for name, value in settings.items():
                    assert hasattr(semantic, name), name
                    setattr(semantic, name, value)
                metrics = relevance.score(queries, relevance.engine_rankings(queries))
                results.append((metrics["all"]["mrr"], settings, metrics))
        finally:
            connections.close_all()
            if args.engine == "postgres":
                relevance.recreate_postgres_database(args.postgres_url, database, drop_only=True)
    print(f"{len(queries)} tuning queries on {args.engine}, background {args.background}")
    print(f"lexical alone: MRR {lexical:.3f}")
    results.sort(key=lambda r: -r[0])
    for mrr, settings, metrics in results[:15]:
        kinds = " ".join(f"{k}={metrics[k]['mrr']:.3f}" for k in relevance.KINDS if k in metrics)
        print(f"{mrr:.3f} {settings} {kinds}")


if __name__ == "__main__":
    main()
