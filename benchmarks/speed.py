"""
Search speed benchmark: index build time, database size and query latency as the
help center grows, on SQLite FTS5 and on PostgreSQL full-text search.

    python benchmarks/speed.py                                  # both engines, 1k and 10k articles
    python benchmarks/speed.py --engine sqlite --sizes 100000 --profile
    python benchmarks/speed.py --engine postgres --postgres-url postgres://postgres@127.0.0.1:5432/

For each engine and size N, a child process gets a throwaway database (SQLite:
a temporary file; PostgreSQL: the database `kb_speed_bench`, dropped and
created), migrates it, bulk-loads N synthetic articles (benchmarks/corpus_gen.py,
seeded, so every run loads the same corpus), times `rebuild_index()` (the
index build), measures the database size, then runs a fixed, seeded query mix
through `article_search()`: one warm-up pass, then `--repeat` timed passes (each
query's median counts). Results are printed as one Markdown table per engine, with
the command line; progress goes to stderr. `--profile` adds, for the largest size,
where the time goes (the search internals are wrapped during the timed pass) and
the 10 slowest queries. A PostgreSQL run holds an advisory lock, so a second run
cannot drop `kb_speed_bench` under the first. Method and figures:
docs/search-speed.md.

Figures depend on the machine and on what else it is running: compare numbers
from one run (ratios between sizes, engines), not across machines.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = "1000,10000"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/"
# KB_SPEED_BENCH_DATABASE names another database, so two checkouts can run at once.
BENCH_DATABASE = os.environ.get("KB_SPEED_BENCH_DATABASE", "kb_speed_bench")
BATCH = 1000
TYPO_KIND = "typo"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


# =========================================================================== parent


def _postgres_admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))


def _postgres_bench_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{BENCH_DATABASE}", parts.query, ""))


def _postgres_recreate(url: str, *, create: bool = True) -> None:
    import psycopg

    with psycopg.connect(_postgres_admin_url(url), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        if create:
            conn.execute(f"CREATE DATABASE {BENCH_DATABASE}")


def _postgres_lock(url: str):
    """
    An advisory lock held for the whole run, so two runs never share kb_speed_bench:
    a second run would drop the database under the first one.
    """
    import psycopg

    conn = psycopg.connect(_postgres_admin_url(url), autocommit=True)
    if not conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [BENCH_DATABASE]).fetchone()[0]:
        conn.close()
        raise SystemExit(f"Another speed benchmark is using the database {BENCH_DATABASE}; run this one after it.")
    return conn


def run_one(engine: str, size: int, args) -> dict:
    """Run one (engine, size) measurement in a child process on a fresh database."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "REDIS_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "kb.settings"
    tmpdir = None
    if engine == "sqlite":
        tmpdir = tempfile.mkdtemp(prefix="kb-speed-")
        env["DATABASE_URL"] = f"sqlite:///{Path(tmpdir) / 'bench.sqlite3'}"
    else:
        _postgres_recreate(args.postgres_url)
        env["DATABASE_URL"] = _postgres_bench_url(args.postgres_url)
    command = [
        sys.executable, str(Path(__file__).resolve()), "--child", "--engine", engine, "--sizes", str(size),
        "--queries", str(args.queries), "--seed", str(args.seed), "--jobs", str(args.jobs),
        "--repeat", str(args.repeat),
    ]  # fmt: skip
    if args.profile and size == max(args.size_list):
        command.append("--profile")
    try:
        proc = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{engine} N={size}: child process failed with exit code {proc.returncode}")
        payload = proc.stdout.strip().splitlines()[-1]
        return json.loads(payload)
    finally:
        if args.keep:
            log(f"kept the {engine} database: {env['DATABASE_URL']}")
        elif tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
        else:
            _postgres_recreate(args.postgres_url, create=False)


def format_table(engine: str, rows: list[dict]) -> str:
    first = rows[0]
    lines = [
        f"### {engine} ({first['engine_version']})",
        "",
        "| N articles | build articles/s | build time s | DB size MB | p50 ms | p95 ms | p99 ms | max ms "
        "| typo p95 ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']:,} | {r['build_rate']:,.0f} | {r['build_s']:.1f} | {r['db_mb']:,.1f} "
            f"| {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['max']:.1f} | {r['typo_p95']:.1f} |"
        )
    notes = []
    for r in rows:
        extra = f"N={r['size']:,}: {r['sections']:,} sections, {r['vocabulary']:,} vocabulary words, "
        extra += f"{r['queries']} timed queries ({r['typo_queries']} typo), load {r['load_s']:.0f} s"
        if r.get("wal_peak_mb") is not None:
            extra += f", write-ahead log left by the build {r['wal_peak_mb']:,.0f} MB"
        if r.get("errors"):
            extra += f", {r['errors']} queries raised"
        notes.append(f"- {extra}")
    return "\n".join(lines + [""] + notes)


def format_profile(engine: str, r: dict) -> str:
    prof = r.get("profile")
    if not prof:
        return ""
    lines = [
        f"#### {engine}, N={r['size']:,}: where the time goes (timed pass, ms summed over all queries)",
        "",
        "| phase | total ms | share |",
        "|---|---:|---:|",
    ]
    totals = prof["phase_totals"]
    total = totals.get("total", 0.0) or 1.0
    layout = [
        ("total", "all of article_search()"),
        ("parse", "parse the query"),
        ("correction", "· of which typo correction (is_known + similar_words)"),
        ("rank", "rank"),
        ("term_frequencies", "· of which term frequencies"),
        ("rank_articles", "· of which rank_articles"),
        ("rank_sections", "· of which rank_sections"),
        ("title", "exact-title promotion"),
        ("fetch+snippets", "fetch result rows, snippets"),
    ]
    for key, label in layout:
        if key in totals:
            lines.append(f"| {label} | {totals[key]:,.0f} | {totals[key] / total:.0%} |")
    lines += ["", "| kind | n | p50 ms | p95 ms | max ms |", "|---|---:|---:|---:|---:|"]
    for kind, stats in sorted(prof["by_kind"].items()):
        lines.append(f"| {kind} | {stats['n']} | {stats['p50']:.1f} | {stats['p95']:.1f} | {stats['max']:.1f} |")
    lines += [
        "",
        "10 slowest queries (timed pass), with the instrumented breakdown in ms (– : not in this code):",
        "",
        "| ms | kind | query | parse | of which correction | rank | of which articles / sections | title "
        "| fetch+snippets |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]

    def ms(p, key):
        return f"{p[key]:.1f}" if key in p else "–"

    for q in prof["slowest"]:
        p = q["phases"]
        text = q["text"] if len(q["text"]) <= 60 else q["text"][:57] + "..."
        text = text.replace("|", "\\|").replace("`", "'")
        lines.append(
            f"| {q['ms']:.1f} | {q['kind']} | `{text}` | {ms(p, 'parse')} | {ms(p, 'correction')} | {ms(p, 'rank')} "
            f"| {ms(p, 'rank_articles')} / {ms(p, 'rank_sections')} | {ms(p, 'title')} | {ms(p, 'fetch+snippets')} |"
        )
    return "\n".join(lines)


def parent(args) -> None:
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    command = shlex.join(["python", "benchmarks/speed.py", *sys.argv[1:]])
    results: dict[str, list[dict]] = {}
    lock = _postgres_lock(args.postgres_url) if "postgres" in engines else None
    started = time.perf_counter()
    try:
        for engine in engines:
            for size in args.size_list:
                log(f"=== {engine}, N={size:,}")
                results.setdefault(engine, []).append(run_one(engine, size, args))
    finally:
        if lock is not None:
            lock.close()
    elapsed = time.perf_counter() - started
    print(f"Command: `{command}`")
    print()
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {args.queries} queries per size "
        f"(seed {args.seed}), {args.repeat} timed pass(es), total run {elapsed / 60:.1f} min."
    )
    for engine, rows in results.items():
        print()
        print(format_table(engine, rows))
        profile = format_profile(engine, rows[-1])
        if profile:
            print()
            print(profile)
    if args.json:
        Path(args.json).write_text(json.dumps({"command": command, "results": results}, indent=1))


# =========================================================================== child


def _render_batch(task):
    """Generate and render one batch of articles (runs in a worker process when --jobs > 1)."""
    seed, start, count = task
    from articles.markdown import render_markdown
    from benchmarks.corpus_gen import CorpusGenerator

    generator = CorpusGenerator(seed)
    out = []
    for spec in generator.articles(start, count):
        rendered = render_markdown(spec.body)
        out.append((spec, rendered.html, [(s.title, s.anchor, s.level, s.text) for s in rendered.sections]))
    return out


def _worker_init():
    import django

    django.setup()


def _rendered_batches(seed: int, size: int, jobs: int):
    tasks = [(seed, start, min(BATCH, size - start)) for start in range(0, size, BATCH)]
    if jobs <= 1:
        for task in tasks:
            yield _render_batch(task)
        return
    import multiprocessing

    # A sliding window of submitted batches keeps memory bounded.
    with multiprocessing.get_context("spawn").Pool(jobs - 1, initializer=_worker_init) as pool:
        pending = []
        for task in tasks:
            pending.append(pool.apply_async(_render_batch, (task,)))
            if len(pending) >= 2 * jobs:
                yield pending.pop(0).get()
        for result in pending:
            yield result.get()


def corpus_categories() -> list:
    """
    The Category of each corpus_gen category, in CATEGORIES order, created when missing.
    One that already exists under the same name or slug is used as it is: both are
    unique, and the relevance benchmark loads synthetic articles next to its own
    corpus, whose import has created categories of the same names.
    """
    from django.db.models import Q

    from articles.models import Category
    from benchmarks.corpus_gen import CATEGORIES

    return [
        Category.objects.filter(Q(name=name) | Q(slug=slug)).first()
        or Category.objects.create(name=name, slug=slug, position=i)
        for i, (name, slug, _) in enumerate(CATEGORIES)
    ]


def load_corpus(size: int, seed: int, jobs: int) -> int:
    """Bulk-load `size` synthetic articles and their sections, unindexed; returns the section count."""
    from django.db import transaction

    from articles.models import Article, Section

    categories = corpus_categories()
    loaded = sections_total = 0
    started = time.perf_counter()
    for batch in _rendered_batches(seed, size, jobs):
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                [
                    Article(
                        title=spec.title,
                        slug=spec.slug,
                        category=categories[spec.category],
                        summary=spec.summary,
                        body=spec.body,
                        body_html=html,
                        tags=spec.tags,
                        status=Article.Status.PUBLISHED,
                        position=spec.index,
                    )
                    for spec, html, _ in batch
                ]
            )
            sections = [
                Section(article=article, position=position, level=level, title=title, anchor=anchor, text=text)
                for article, (_, _, parts) in zip(articles, batch, strict=True)
                for position, (title, anchor, level, text) in enumerate(parts)
            ]
            Section.objects.bulk_create(sections, batch_size=2000)
        loaded += len(batch)
        sections_total += len(sections)
        rate = loaded / (time.perf_counter() - started)
        log(f"  loaded {loaded:,}/{size:,} articles ({rate:,.0f}/s)")
    return sections_total


def database_size(engine: str) -> tuple[float, float | None]:
    """(size in MB, WAL size in MB before the checkpoint or None)."""
    from django.conf import settings
    from django.db import connection

    if engine == "sqlite":
        path = Path(settings.DATABASES["default"]["NAME"])
        wal = Path(f"{path}-wal")
        wal_peak = wal.stat().st_size / 1e6 if wal.exists() else 0.0
        # Steady state: what stays on disk once the WAL has been checkpointed.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        total = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        return total / 1e6, wal_peak
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0] / 1e6, None


class PhaseTimer:
    """
    Wraps the search internals to attribute each query's time to phases (--profile).

    Top-level phases are called by article_search() itself; the rest of its time
    is fetching the result rows and building snippets. Sub-phases run inside a
    top-level one (typo correction inside parse, the engine's ranking queries
    inside the ranking). Names that the search code does not have are skipped,
    so the profile follows the code as it changes.
    """

    TOP = [
        ("pipeline", "parse", "parse"),
        ("pipeline", "_rank", "rank"),
        ("rank", "promote_exact_title", "title"),
    ]
    SUB = [
        ("backend", "is_known", "is_known"),
        ("backend", "similar_words", "similar_words"),
        ("rank", "document_frequencies", "term_frequencies"),
        ("rank", "rank_articles", "rank_articles"),
        ("pipeline", "with_best_sections", "rank_sections"),
    ]

    def __init__(self, modules: dict):
        self.current: dict[str, float] = {}
        self.top = set()
        for where, name, phase in self.TOP:
            if self._wrap(modules[where], name, phase):
                self.top.add(phase)
        for where, name, phase in self.SUB:
            self._wrap(modules[where], name, phase)

    def _wrap(self, module, name, phase) -> bool:
        original = getattr(module, name, None)
        if original is None:
            return False

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.current[phase] = self.current.get(phase, 0.0) + (time.perf_counter() - start) * 1000

        setattr(module, name, timed)
        return True

    def measure(self, call) -> dict[str, float]:
        self.current = {}
        start = time.perf_counter()
        try:
            call()
        except Exception:  # noqa: BLE001 - counted in the warm-up pass
            pass
        total = (time.perf_counter() - start) * 1000
        p = dict(self.current)
        p["total"] = total
        p["correction"] = p.get("is_known", 0.0) + p.get("similar_words", 0.0)
        p["fetch+snippets"] = total - sum(p.get(phase, 0.0) for phase in self.top)
        return p


def child(args) -> None:
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from articles.search import article_search, pipeline, rank, rebuild_index
    from articles.search.backends import current_backend
    from benchmarks.corpus_gen import CorpusGenerator

    engine = args.engine
    size = args.size_list[0]
    expected_vendor = "sqlite" if engine == "sqlite" else "postgresql"
    if connection.vendor != expected_vendor:
        raise SystemExit(f"DATABASE_URL points at {connection.vendor}, expected {expected_vendor}")

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        if engine == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            engine_version = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("SHOW server_version")
            engine_version = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"

    log(f"{engine} N={size:,}: loading ({engine_version})")
    started = time.perf_counter()
    sections = load_corpus(size, args.seed, args.jobs)
    load_s = time.perf_counter() - started

    log(f"{engine} N={size:,}: building the index")
    step = max(1000, size // 10)
    built = [0]

    def progress(n):
        built[0] += n
        if built[0] % step == 0:
            log(f"  indexed {built[0]:,}/{size:,}")

    started = time.perf_counter()
    indexed = rebuild_index(progress=progress)
    build_s = time.perf_counter() - started
    log(f"{engine} N={size:,}: built in {build_s:.1f} s ({indexed / build_s:,.0f} articles/s)")

    if engine == "postgres":
        # What autovacuum would do soon after a bulk load; not part of the build time.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log(f"  VACUUM ANALYZE {time.perf_counter() - started:.1f} s")
    db_mb, wal_peak_mb = database_size(engine)

    from articles.models import SearchWord

    vocabulary = SearchWord.objects.count()
    queries = CorpusGenerator(args.seed).queries(args.queries, seed=args.seed + 1)
    cache.clear()

    def run(kind, text, category):
        return article_search(text, category=category, limit=10)

    log(f"{engine} N={size:,}: warm-up pass ({len(queries)} queries)")
    errors = 0
    pass_started = time.perf_counter()
    for n, q in enumerate(queries, 1):
        if n % 50 == 0:
            log(f"  {n}/{len(queries)} ({(time.perf_counter() - pass_started) / n * 1000:,.0f} ms per query)")
        try:
            run(*q)
        except Exception as exc:  # noqa: BLE001 - counted and reported, never expected
            errors += 1
            log(f"  query {q[1][:60]!r} raised {exc!r}")

    # With --profile the timed pass itself is instrumented: the wrappers cost microseconds.
    modules = {"backend": current_backend(), "pipeline": pipeline, "rank": rank}
    timer = PhaseTimer(modules) if args.profile else None
    log(f"{engine} N={size:,}: timed pass" + (f" x{args.repeat} (median per query)" if args.repeat > 1 else ""))
    samples: list[list[dict[str, float]]] = [[] for _ in queries]
    for _ in range(args.repeat):
        for i, q in enumerate(queries):
            if timer:
                samples[i].append(timer.measure(lambda q=q: run(*q)))
                continue
            start = time.perf_counter()
            try:
                run(*q)
            except Exception:  # noqa: BLE001 - counted in the warm-up pass
                pass
            samples[i].append({"total": (time.perf_counter() - start) * 1000})
    # Per query, the repetition with the median time (and its phases).
    chosen = [sorted(s, key=lambda p: p["total"])[(len(s) - 1) // 2] for s in samples]
    timings = [p["total"] for p in chosen]

    all_ms = sorted(timings)
    typo_ms = sorted(ms for ms, (kind, _, _) in zip(timings, queries, strict=True) if kind == TYPO_KIND)
    result = {
        "engine": engine,
        "engine_version": engine_version,
        "size": size,
        "sections": sections,
        "vocabulary": vocabulary,
        "load_s": load_s,
        "build_s": build_s,
        "build_rate": indexed / build_s if build_s else 0.0,
        "db_mb": db_mb,
        "wal_peak_mb": wal_peak_mb,
        "queries": len(queries),
        "typo_queries": len(typo_ms),
        "errors": errors,
        "p50": percentile(all_ms, 50),
        "p95": percentile(all_ms, 95),
        "p99": percentile(all_ms, 99),
        "max": all_ms[-1],
        "typo_p95": percentile(typo_ms, 95),
    }
    log(
        f"{engine} N={size:,}: p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, "
        f"p99 {result['p99']:.1f} ms, max {result['max']:.1f} ms, typo p95 {result['typo_p95']:.1f} ms"
    )

    if args.profile:
        phases = chosen
        totals: dict[str, float] = {}
        for p in phases:
            for key, value in p.items():
                totals[key] = totals.get(key, 0.0) + value
        by_kind: dict[str, list[float]] = {}
        for ms, (kind, _, _) in zip(timings, queries, strict=True):
            by_kind.setdefault(kind, []).append(ms)
        slowest = sorted(range(len(queries)), key=lambda i: -timings[i])[:10]
        result["profile"] = {
            "phase_totals": totals,
            "by_kind": {
                kind: {
                    "n": len(v),
                    "p50": percentile(sorted(v), 50),
                    "p95": percentile(sorted(v), 95),
                    "max": max(v),
                }
                for kind, v in by_kind.items()
            },
            "slowest": [
                {
                    "ms": timings[i],
                    "kind": queries[i][0],
                    "text": queries[i][1] + (f" [category={queries[i][2]}]" if queries[i][2] else ""),
                    "phases": phases[i],
                }
                for i in slowest
            ],
        }
    print(json.dumps(result))


# =========================================================================== main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--sizes", default=DEFAULT_SIZES, help=f"comma-separated article counts (default {DEFAULT_SIZES})"
    )
    parser.add_argument("--queries", type=int, default=300, help="timed queries per size (default 300)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="server to create the database on")
    parser.add_argument(
        "--database", default=BENCH_DATABASE, help=f"PostgreSQL database to create and drop (default {BENCH_DATABASE})"
    )
    parser.add_argument("--seed", type=int, default=42, help="corpus and query seed (default 42)")
    parser.add_argument("--profile", action="store_true", help="for the largest size, show the 10 slowest queries")
    parser.add_argument(
        "--jobs", type=int, default=1, help="processes generating and rendering articles while loading (default 1)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="timed passes; each query's median is used (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases (to investigate)")
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        args.size_list = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes takes comma-separated integers, e.g. 1000,10000,100000")
    if not args.size_list or min(args.size_list) < 1:
        parser.error("--sizes needs at least one positive size")
    if args.child and (args.engine == "both" or len(args.size_list) != 1):
        parser.error("a child process runs one engine and one size")
    return args


def main(argv=None) -> None:
    global BENCH_DATABASE
    args = parse_args(argv)
    BENCH_DATABASE = args.database  # two runs on one server need two names
    if args.child:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
