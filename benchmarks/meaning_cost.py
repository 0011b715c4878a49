#!/usr/bin/env python
"""
What the meaning signal adds to the index build and to each search, measured in
one process with the signal turned on and off in turn.

    python benchmarks/meaning_cost.py [--size 500] [--rounds 2] [--queries 200]

A throwaway SQLite database gets `--size` synthetic articles (corpus_gen.py, seed
42, as speed.py loads them); then `rebuild_index()` is timed with
KB_SEARCH_MEANING on and off, alternately, `--rounds` times each, and speed.py's
query mix is searched with the signal on and off, query by query. Alternating
makes a busy machine slow both sides alike, so the ratios hold even when the
absolute figures do not. Builds are also timed in CPU seconds of this process
(time.process_time(): SQLite runs in the process), which a busy machine
changes much less than wall-clock time.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kb-meaning-cost-") as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'cost.sqlite3'}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "kb.settings"
        os.environ.pop("REDIS_URL", None)
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from articles.search import article_search, rebuild_index
        from benchmarks.corpus_gen import CorpusGenerator
        from benchmarks.speed import load_corpus

        call_command("migrate", verbosity=0, interactive=False)
        load_corpus(args.size, 42, jobs=1)
        builds = {True: [], False: []}
        cpu = {True: [], False: []}
        for _ in range(args.rounds):
            for meaning in (True, False):
                settings.KB_SEARCH_MEANING = meaning
                start, start_cpu = time.perf_counter(), time.process_time()
                rebuild_index()
                builds[meaning].append(time.perf_counter() - start)
                cpu[meaning].append(time.process_time() - start_cpu)
        settings.KB_SEARCH_MEANING = True
        queries = [text for _, text, _ in CorpusGenerator(42).queries(args.queries)]
        for text in queries:  # warm-up: caches, the vectors in memory
            article_search(text)
        searches = {True: [], False: []}
        for text in queries:
            for meaning in (True, False):
                settings.KB_SEARCH_MEANING = meaning
                start = time.perf_counter()
                article_search(text)
                searches[meaning].append((time.perf_counter() - start) * 1000)
    on, off = statistics.median(builds[True]), statistics.median(builds[False])
    on_cpu, off_cpu = statistics.median(cpu[True]), statistics.median(cpu[False])
    print(f"$ python benchmarks/meaning_cost.py --size {args.size} --rounds {args.rounds} --queries {args.queries}\n")
    print("| | with the meaning signal | without | added |")
    print("|---|---:|---:|---:|")
    print(f"| index build, {args.size} articles (median s) | {on:.1f} | {off:.1f} | {100 * (on / off - 1):+.0f}% |")
    print(
        f"| index build, {args.size} articles (median CPU s) | {on_cpu:.1f} | {off_cpu:.1f} |"
        f" {100 * (on_cpu / off_cpu - 1):+.0f}% |"
    )
    for name, pick in (("p50", 0.5), ("p95", 0.95)):
        with_signal = sorted(searches[True])[int(pick * (len(queries) - 1))]
        without = sorted(searches[False])[int(pick * (len(queries) - 1))]
        print(f"| search {name} (ms) | {with_signal:.2f} | {without:.2f} | {with_signal - without:+.2f} ms |")
    differences = sorted(a - b for a, b in zip(searches[True], searches[False], strict=True))
    print(f"| per-query difference, median (ms) | | | {differences[len(differences) // 2]:+.2f} ms |")


if __name__ == "__main__":
    main()
