#!/usr/bin/env python
"""
Search relevance: how often `article_search()` puts the right article (and section) first.

    python benchmarks/relevance.py [--engine sqlite|postgres|both] [--json] [--failures]
                                   [--background N]

Each engine gets a throwaway database (a temporary SQLite file, or the PostgreSQL
database <--database>_<process id>, kb_relevance_bench_<process id> by default,
dropped at the end: concurrent runs never drop each other's), migrated and loaded with relevance/corpus/ by
`manage.py import_articles`; each query in relevance/queries.yaml is searched with
limit=10. Scores per kind of query: MRR@10, recall@1/@5 by article, and the section
hit rate; plain article-level BM25 is the baseline. Settings are fixed once Django
starts, so `--engine both` runs each engine in a child process.

`--background N` measures relevance under load: N synthetic articles
(benchmarks/corpus_gen.py, seed 42, bulk-loaded by speed.load_corpus() into the
corpus's categories) join the corpus before the index is rebuilt once. They only
compete: the expected articles are still the corpus's. With N in the thousands some
words are in more than BROAD_TERM_ARTICLES articles and the search takes its cheaper
paths for them; the BM25 baseline then ranks the background articles too.
"""

import argparse
import hashlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: benchmarks.* must be importable
    sys.path.insert(0, str(ROOT))
DATA = ROOT / "benchmarks" / "relevance"
CORPUS, QUERIES = DATA / "corpus", DATA / "queries.yaml"
KINDS = ("title", "paraphrase", "question", "error", "typo", "synonym", "section", "single")
ENGINE_NAMES = {"sqlite": "SQLite FTS5", "postgres": "PostgreSQL"}
BENCH_DATABASE = "kb_relevance_bench"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/"
DEPTH = 10
BACKGROUND_SEED = 42  # speed.py's default seed: the background is the corpus it times


# --- Data -------------------------------------------------------------------


def load_queries(path=QUERIES) -> list[dict]:
    """The benchmark queries: dicts with query, kind, article and an optional section."""
    items = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [{**item, "query": str(item["query"])} for item in items]


def query_half(text: str) -> str:
    """
    "tuning" or "held-out", fixed by a hash of the query text: ranking constants are
    tuned on the tuning half only, and the held-out half says whether that generalises.
    """
    return "tuning" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0 else "held-out"


def load_documents(path=CORPUS) -> dict[str, str]:
    """Slug -> title + summary + tags + body of each corpus file, for the BM25 baseline."""
    documents = {}
    for file in sorted(Path(path).glob("*.md")):
        _, front, body = file.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        tags = " ".join(str(tag) for tag in meta.get("tags") or [])
        documents[str(meta["slug"])] = " ".join([str(meta["title"]), str(meta.get("summary", "")), tags, body])
    return documents


def background_documents(size: int) -> dict[str, str]:
    """Slug -> title + summary + tags + body of the background articles, for the BM25 baseline."""
    from benchmarks.corpus_gen import CorpusGenerator

    articles = CorpusGenerator(BACKGROUND_SEED).articles(0, size)
    return {spec.slug: " ".join([spec.title, spec.summary, spec.tags, spec.body]) for spec in articles}


def import_corpus(path=CORPUS) -> None:
    """Load the corpus into the current database with the import_articles command."""
    from django.core.management import call_command

    call_command("import_articles", str(path), verbosity=0, stdout=io.StringIO())


def load_background(size: int) -> None:
    """
    Bulk-load `size` synthetic articles next to the corpus, then rebuild the index
    once: the bulk load skips indexing, and the vocabulary's document counts (which
    decide the broad words) must cover corpus and background alike.
    """
    from articles.search import rebuild_index
    from benchmarks.speed import load_corpus

    load_corpus(size, BACKGROUND_SEED, jobs=1)
    rebuild_index()


# --- Rankings and scores ----------------------------------------------------


def engine_rankings(queries) -> list[list[tuple[str, str]]]:
    """(slug, section anchor) of the top results of article_search() for each query."""
    from articles.search import article_search

    return [
        [(r.slug, r.section_anchor) for r in article_search(item["query"], limit=DEPTH).results] for item in queries
    ]


def tokenize(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def bm25_rankings(queries, documents=None) -> list[list[tuple[str, str]]]:
    """Whole-article BM25 (rank_bm25.BM25Okapi) over the same corpus; no sections."""
    from rank_bm25 import BM25Okapi

    documents = documents or load_documents()
    slugs = list(documents)
    bm25 = BM25Okapi([tokenize(documents[slug]) for slug in slugs])
    rankings = []
    for item in queries:
        scores = bm25.get_scores(tokenize(item["query"]))
        order = sorted((i for i in range(len(slugs)) if scores[i] > 0), key=lambda i: -scores[i])
        rankings.append([(slugs[i], "") for i in order[:DEPTH]])
    return rankings


def expected_rank(item, ranking) -> int | None:
    slugs = [slug for slug, _ in ranking[:DEPTH]]
    return slugs.index(item["article"]) + 1 if item["article"] in slugs else None


def score(queries, rankings, *, sections=True) -> dict[str, dict]:
    """Metrics per kind and for "all": n, mrr, r1, r5 and (with sections) n_section, section, section1."""
    rows: dict[str, list[dict]] = {kind: [] for kind in (*KINDS, "all")}
    for item, ranking in zip(queries, rankings, strict=True):
        rank = expected_rank(item, ranking)
        row = {"mrr": 1 / rank if rank else 0.0, "r1": rank == 1, "r5": bool(rank and rank <= 5)}
        if sections and item.get("section"):
            row["section"] = bool(rank) and ranking[rank - 1][1] == item["section"]
            row["section1"] = rank == 1 and row["section"]
        rows.setdefault(item["kind"], []).append(row)
        rows["all"].append(row)
    return {kind: summarize(kind_rows, sections) for kind, kind_rows in rows.items() if kind_rows}


def summarize(rows: list[dict], sections: bool) -> dict:
    def mean(key, among):
        return sum(row[key] for row in among) / len(among) if among else None

    entry = {"n": len(rows), **{key: mean(key, rows) for key in ("mrr", "r1", "r5")}}
    if sections:
        with_section = [row for row in rows if "section" in row]
        entry.update(n_section=len(with_section), section=mean("section", with_section))
        entry["section1"] = mean("section1", with_section)
    return entry


def by_half(queries, rankings, *, sections=True) -> dict[str, dict]:
    """score() of the tuning half and of the held-out half (query_half())."""
    halves = {}
    for half in ("tuning", "held-out"):
        pairs = [(q, r) for q, r in zip(queries, rankings, strict=True) if query_half(q["query"]) == half]
        halves[half] = score([q for q, _ in pairs], [r for _, r in pairs], sections=sections)
    return halves


def lexical_rankings(queries) -> list[list[tuple[str, str]]]:
    """engine_rankings() with the meaning signal turned off: the lexical ranking alone."""
    from django.conf import settings

    settings.KB_SEARCH_MEANING = False
    try:
        return engine_rankings(queries)
    finally:
        settings.KB_SEARCH_MEANING = True


def failures(queries, rankings) -> list[dict]:
    """Queries whose expected article is not first, worst (missing, then lowest) first."""
    found = [
        {
            "query": item["query"],
            "kind": item["kind"],
            "expected": item["article"],
            "rank": expected_rank(item, ranking),
            "got": [slug for slug, _ in ranking[:3]],
        }
        for item, ranking in zip(queries, rankings, strict=True)
    ]
    return sorted((f for f in found if f["rank"] != 1), key=lambda f: -(f["rank"] or DEPTH + 1))


def evaluate(queries) -> dict[str, dict]:
    """Score article_search() on the current database, which must hold the corpus."""
    return score(queries, engine_rankings(queries))


def evaluate_bm25(queries, background: int = 0) -> dict[str, dict]:
    """Score the BM25 baseline over the corpus and, like the engines, `background` synthetic articles."""
    documents = {**load_documents(), **background_documents(background)}
    rankings = bm25_rankings(queries, documents)
    return {**score(queries, rankings, sections=False), "halves": by_half(queries, rankings, sections=False)}


# --- One engine in this process -----------------------------------------------


def postgres_url(base: str, database: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + database))


def bench_database(prefix: str = BENCH_DATABASE) -> str:
    """This run's PostgreSQL database: the process id keeps concurrent runs apart."""
    return f"{prefix}_{os.getpid()}"


def recreate_postgres_database(base: str, database: str, *, drop_only=False) -> None:
    """Drop `database` if it exists (left by a dead run with the same process id) and create it empty."""
    import psycopg

    try:
        with psycopg.connect(postgres_url(base, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            if not drop_only:
                conn.execute(f'CREATE DATABASE "{database}"')
    except psycopg.OperationalError as error:
        sys.exit(f"PostgreSQL at {base} is not usable: {error}")


def postgres_database_exists(base: str, database: str) -> bool:
    import psycopg

    with psycopg.connect(postgres_url(base, "postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone() is not None


def kept_database_ready(background: int) -> bool:
    """Whether the current database already holds the corpus and `background` articles (a kept database)."""
    from django.db import connection

    from articles.models import Article

    if "articles_article" not in connection.introspection.table_names():
        return False
    return Article.objects.count() == len(list(CORPUS.glob("*.md"))) + background


@contextmanager
def prepared_database(
    engine: str, pg_base: str, background: int = 0, prefix: str = BENCH_DATABASE, keep: str | None = None
):
    """
    Django set up on a database for `engine` holding the corpus (and `background`
    articles): a throwaway one, dropped at the end, or with `keep` (a SQLite file,
    or a PostgreSQL database name) that one, loaded on the first run, reused by the
    next ones with the same `background`, and never dropped.
    """
    database = keep if keep and engine == "postgres" else bench_database(prefix)
    with tempfile.TemporaryDirectory(prefix="kb-relevance-") as tmp:
        if engine == "sqlite":
            path = Path(keep).resolve() if keep else Path(tmp) / "relevance.sqlite3"
            os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        else:
            if not (keep and postgres_database_exists(pg_base, database)):
                recreate_postgres_database(pg_base, database)
            os.environ["DATABASE_URL"] = postgres_url(pg_base, database)
        os.environ["DJANGO_SETTINGS_MODULE"] = "kb.settings"
        os.environ.pop("REDIS_URL", None)  # a local-memory cache: nothing shared is touched
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        try:
            if not (keep and kept_database_ready(background)):
                if keep:  # a kept database with other contents: start it again
                    connections.close_all()
                    if engine == "sqlite":
                        path.unlink(missing_ok=True)
                    else:
                        recreate_postgres_database(pg_base, database)
                call_command("migrate", verbosity=0, interactive=False)
                import_corpus()
                if background:
                    load_background(background)
            yield
        finally:
            connections.close_all()
            if engine == "postgres" and not keep:
                recreate_postgres_database(pg_base, database, drop_only=True)


def run_engine(
    engine: str, pg_base: str, background: int = 0, prefix: str = BENCH_DATABASE, keep: str | None = None
) -> dict:
    """Score every query on `engine`'s database (prepared_database()), with and without the meaning signal."""
    with prepared_database(engine, pg_base, background, prefix, keep):
        queries = load_queries()
        rankings = engine_rankings(queries)
        lexical = lexical_rankings(queries)
        return {
            "metrics": score(queries, rankings),
            "halves": by_half(queries, rankings),
            "lexical_halves": by_half(queries, lexical),
            "failures": failures(queries, rankings),
        }


def run_child(engine: str, args) -> dict:
    """Run one engine in a fresh interpreter (settings are fixed once Django starts)."""
    script = str(Path(__file__).resolve())
    command = [sys.executable, script, "--engine", engine, "--json", "--postgres-url", args.postgres_url]
    command += ["--background", str(args.background), "--database", args.database]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{engine} run failed:\n{done.stderr}")
    return json.loads(done.stdout)["engines"][engine]


# --- Output ------------------------------------------------------------------


def fmt(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def background_note(size: int) -> str:
    """How the run differs from a plain one, for the line above the table (nothing when it does not)."""
    if not size:
        return ""
    return f", with {size:,} background articles (benchmarks/corpus_gen.py, seed {BACKGROUND_SEED})"


def table(results: dict) -> str:
    engines, bm25 = results["engines"], results["bm25"]
    header = ["kind", "queries (with section)"]
    for name in engines:
        header += [f"{ENGINE_NAMES[name]} MRR", "R@1", "R@5", "section", "section@1"]
    header += ["BM25 MRR", "R@1", "R@5"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for kind in (*KINDS, "all"):
        if kind not in bm25:
            continue
        counts = next(iter(engines.values()))["metrics"][kind]
        cells = [f"**{kind}**" if kind == "all" else kind, f"{counts['n']} ({counts['n_section']})"]
        for data in engines.values():
            m = data["metrics"][kind]
            cells += [fmt(m[key]) for key in ("mrr", "r1", "r5", "section", "section1")]
        cells += [fmt(bm25[kind][key]) for key in ("mrr", "r1", "r5")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def halves_table(results: dict, half: str) -> str:
    """MRR per kind on one half: each engine with the meaning signal and without it, and BM25."""
    engines, bm25 = results["engines"], results["bm25"]["halves"][half]
    header = ["kind", "queries"]
    for name in engines:
        header += [f"{ENGINE_NAMES[name]} MRR", "lexical alone", "R@1", "section"]
    header += ["BM25 MRR"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for kind in (*KINDS, "all"):
        if kind not in bm25:
            continue
        cells = [f"**{kind}**" if kind == "all" else kind, str(bm25[kind]["n"])]
        for data in engines.values():
            m, lexical = data["halves"][half][kind], data["lexical_halves"][half][kind]
            cells += [fmt(m["mrr"]), fmt(lexical["mrr"]), fmt(m["r1"]), fmt(m["section"])]
        cells.append(fmt(bm25[kind]["mrr"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def print_failures(results: dict) -> None:
    for name, data in results["engines"].items():
        print(f"\nNot at rank 1 on {ENGINE_NAMES[name]}: {len(data['failures'])} queries (worst first)\n")
        for f in data["failures"]:
            rank, got = f["rank"] or f"not in top {DEPTH}", ", ".join(f["got"]) or "nothing"
            print(f"- [{f['kind']}] {f['query']!r}: expected {f['expected']} (rank {rank}); got {got}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--json", action="store_true", help="write the numbers as JSON to stdout")
    parser.add_argument("--failures", action="store_true", help="list queries whose article is not first")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="server for the postgres run")
    parser.add_argument(
        "--database", default=BENCH_DATABASE, help="name of the PostgreSQL database (the process id is appended)"
    )
    parser.add_argument(
        "--background", type=int, default=0, metavar="N", help="also load N synthetic articles that only compete"
    )
    parser.add_argument(
        "--keep",
        metavar="DATABASE",
        help="use this SQLite file or PostgreSQL database and keep it: loaded once, reused by later runs "
        "with the same --background (one engine only)",
    )
    args = parser.parse_args(argv)
    if args.background < 0:
        parser.error("--background takes a number of articles, 0 or more")
    if args.keep and args.engine == "both":
        parser.error("--keep names one database: run one engine")

    queries = load_queries()
    if args.engine == "both":
        engines = {name: run_child(name, args) for name in ("sqlite", "postgres")}
    else:
        engines = {args.engine: run_engine(args.engine, args.postgres_url, args.background, args.database, args.keep)}
    command = "python " + shlex.join([os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])
    results = {
        "command": command,
        "queries": len(queries),
        "background": args.background,
        "engines": engines,
        "bm25": evaluate_bm25(queries, args.background),
    }
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
        return
    print(f"$ {command}\n\n{len(queries)} queries, top {DEPTH} results each{background_note(args.background)}.\n")
    print(table(results))
    for half in ("tuning", "held-out"):
        print(f"\nThe {half} half (relevance.query_half()), MRR@10 with and without the meaning signal:\n")
        print(halves_table(results, half))
    if args.failures:
        print_failures(results)


if __name__ == "__main__":
    main()
