#!/usr/bin/env python
"""
Search latency against a database that already holds an index: the query mix
of speed.py through `article_search()`, without building anything, so two
versions of the code can be timed on the same data in the same minutes.

    python benchmarks/speed.py --engine sqlite --sizes 10000 --queries 30 --keep   # prints the kept database
    DATABASE_URL=sqlite:////tmp/kb-speed-xxxx/bench.sqlite3 python benchmarks/latency.py --rounds 3

Each round runs the 300 queries once (after one warm-up pass) and records each
query's wall time and this process's CPU time; a query's figure is its median
over the rounds. The CPU time leaves out waiting for a busy machine's cores, and
on SQLite (which runs in this process) it is the search's own cost; on PostgreSQL
it leaves out the server's work. Prints one line of JSON with --json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if "DATABASE_URL" not in os.environ:
        parser.error("set DATABASE_URL to a database built by speed.py --keep")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.cache import cache

    from articles.search import article_search
    from benchmarks.corpus_gen import CorpusGenerator

    queries = CorpusGenerator(args.seed).queries(args.queries, seed=args.seed + 1)
    cache.clear()
    for _, text, category in queries:
        article_search(text, category=category, limit=10)
    server_cpu = _server_cpu_clock()
    wall: list[list[float]] = [[] for _ in queries]
    cpu: list[list[float]] = [[] for _ in queries]
    both: list[list[float]] = [[] for _ in queries]
    for _ in range(args.rounds):
        for i, (_, text, category) in enumerate(queries):
            started, started_cpu, started_server = time.perf_counter(), time.process_time(), server_cpu()
            article_search(text, category=category, limit=10)
            wall[i].append((time.perf_counter() - started) * 1000)
            cpu[i].append((time.process_time() - started_cpu) * 1000)
            both[i].append(cpu[i][-1] + (server_cpu() - started_server) * 1000)
    wall_ms = [statistics.median(w) for w in wall]
    cpu_ms = [statistics.median(c) for c in cpu]
    both_ms = [statistics.median(b) for b in both]
    result = {
        "p50": percentile(wall_ms, 50),
        "p95": percentile(wall_ms, 95),
        "cpu_p50": percentile(cpu_ms, 50),
        "cpu_p95": percentile(cpu_ms, 95),
        "cpu_total_ms": sum(cpu_ms),
        "load": os.getloadavg()[0],
    }
    if server_cpu is not _no_server:
        result.update(
            {
                "with_server_cpu_p50": percentile(both_ms, 50),
                "with_server_cpu_p95": percentile(both_ms, 95),
                "with_server_cpu_total_ms": sum(both_ms),
            }
        )
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"wall p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms; CPU p50 {result['cpu_p50']:.1f} ms, "
            f"p95 {result['cpu_p95']:.1f} ms, total {result['cpu_total_ms']:.0f} ms; load {result['load']:.1f}"
        )
        if "with_server_cpu_p50" in result:
            print(
                f"client + server CPU p50 {result['with_server_cpu_p50']:.1f} ms, "
                f"p95 {result['with_server_cpu_p95']:.1f} ms, total {result['with_server_cpu_total_ms']:.0f} ms"
            )


def _no_server() -> float:
    return 0.0


def _server_cpu_clock():
    """
    Seconds on a CPU of this connection's PostgreSQL session process, when the
    server runs on this machine (nanoseconds in /proc/<pid>/schedstat); else a
    clock that stays at zero (SQLite, a remote server).
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return _no_server
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        path = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")

    def clock() -> float:
        return int(path.read_text().split()[0]) / 1e9

    try:
        clock()
    except (OSError, ValueError, IndexError):
        return _no_server
    return clock


if __name__ == "__main__":
    main()
