#!/usr/bin/env python
"""
Memory and cost of the meaning signal's in-memory vectors as the help center grows.

    python benchmarks/meaning_memory.py [--sizes 10000,100000] [--sections 6.5] [--queries 200]

For each size N, a throwaway SQLite database gets N published articles with about
`--sections` sections each (the synthetic corpus of speed.py has 6.5 on average)
and one stored vector per article and per section (random unit vectors: memory and
cost depend on the counts, not on the numbers), written by bulk inserts. A fresh
child process then loads the matrix as a web worker does (semantic.vector_matrix())
and reports: the resident memory it added (VmRSS after minus before, which counts the
model too), the matrix's own bytes, the peak while loading, the load time, and the
cost of fuse() per query: embedding the query, scoring every article, and the
sections of 100 lexical candidates, the work search adds to each query; then
one article's vectors are written again, as an edit does, and the time to
bring the matrix up to date is measured (update s).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUERIES = [
    "cant sign in",
    "emails going to spam",
    "how do i get a refund",
    "webhook not received",
    "change the company on my invoice",
    "shut down our account for good",
    "535 authentication failed",
    "require mfa for all users",
]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kb.settings"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def fill(size: int, sections: float) -> None:
    """
    N published articles with their sections and vectors: articles by bulk_create,
    sections and vectors by plain `executemany` (no model instances, so 100,000
    articles and their 750,000 vectors load in minutes; nothing is indexed).
    """
    import numpy as np
    from django.core.management import call_command
    from django.db import connection, transaction

    from articles.models import Article, Category, MeaningVector, Section
    from articles.search.embedding import DIMENSIONS, MODEL_NAME

    call_command("migrate", verbosity=0, interactive=False)
    rng = np.random.default_rng(42)
    category = Category.objects.create(name="Bench", slug="bench")
    batch = 2000
    section_table, vector_table = Section._meta.db_table, MeaningVector._meta.db_table
    columns = "article_id, position, level, title, anchor, text"
    insert_section = f"INSERT INTO {section_table} ({columns}) VALUES (%s, %s, 2, %s, '', '')"
    insert_vector = f"INSERT INTO {vector_table} (article_id, section_id, model, vector) VALUES (%s, %s, %s, %s)"
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, size, batch):
            count = min(batch, size - start)
            articles = Article.objects.bulk_create(
                Article(title=f"Article {n}", slug=f"article-{n}", category=category, status="published")
                for n in range(start, start + count)
            )
            per_article = rng.integers(int(sections) - 2, int(sections) + 3, count)
            owners = [(article.pk, p) for article, n in zip(articles, per_article, strict=True) for p in range(n)]
            cursor.executemany(insert_section, [(pk, p, f"Part {p}") for pk, p in owners])
            first = cursor.execute(f"SELECT MIN(id) FROM {section_table} WHERE article_id = %s", [articles[0].pk])
            first = first.fetchone()[0]
            section_ids = range(first, first + len(owners))  # one statement on an empty table: consecutive ids
            vectors = rng.standard_normal((count + len(owners), DIMENSIONS)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            rows = [(a.pk, None) for a in articles]
            rows += [(pk, sid) for (pk, _), sid in zip(owners, section_ids, strict=True)]
            cursor.executemany(
                insert_vector,
                [(a, sid, MODEL_NAME, v.astype("<f2").tobytes()) for (a, sid), v in zip(rows, vectors, strict=True)],
            )


def measure(queries: int) -> dict:
    """In a fresh process: load the matrix as a worker does, then time fuse() per query."""
    import numpy as np

    from articles.search import semantic

    before = rss_mb()
    semantic.encoder()
    model_loaded = rss_mb()
    start = time.perf_counter()
    matrix = semantic.vector_matrix()
    load_s = time.perf_counter() - start
    loaded = rss_mb()
    rng = np.random.default_rng(7)
    lexical_ids = matrix.article_ids
    timings = []
    for n in range(queries):
        ids = rng.choice(lexical_ids, size=min(100, len(lexical_ids)), replace=False)
        ranked = [(int(a), None, 100.0 - i) for i, a in enumerate(ids)]
        text = QUERIES[n % len(QUERIES)]
        start = time.perf_counter()
        semantic.fuse(ranked, text)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    # An edit: one article's vectors written again, then the matrix brought up to date.
    from articles.models import MeaningVector

    article_id = int(matrix.article_ids[len(matrix.article_ids) // 2])
    stored = list(MeaningVector.objects.filter(article_id=article_id).values_list("section_id", "model", "vector"))
    MeaningVector.objects.filter(article_id=article_id).delete()
    MeaningVector.objects.bulk_create(
        MeaningVector(article_id=article_id, section_id=section, model=model, vector=vector)
        for section, model, vector in stored
    )
    semantic._new_version()  # as a write by another process does: this one updates its matrix
    start = time.perf_counter()
    updated = semantic.vector_matrix()
    update_s = time.perf_counter() - start
    assert updated is not matrix and updated.rows == matrix.rows
    return {
        "articles": len(matrix.article_ids),
        "sections": len(matrix.sections),
        "model_mb": round(model_loaded - before, 1),
        "matrix_mb": round(matrix.nbytes / 2**20, 1),
        "rss_added_by_matrix_mb": round(loaded - model_loaded, 1),
        "rss_added_mb": round(loaded - before, 1),
        "peak_rss_mb": round(peak_mb(), 1),
        "load_s": round(load_s, 2),
        "update_s": round(update_s, 3),
        "fuse_p50_ms": round(timings[len(timings) // 2], 3),
        "fuse_p95_ms": round(timings[int(len(timings) * 0.95)], 3),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--sections", type=float, default=6.5)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        setup_django(Path(args.child))
        print(json.dumps(measure(args.queries)))
        return
    print(f"$ python benchmarks/meaning_memory.py --sizes {args.sizes} --sections {args.sections}\n")
    columns = ["articles", "sections", "model MB", "matrix MB", "RSS added by matrix MB", "peak RSS MB", "load s"]
    print("| " + " | ".join([*columns, "update s", "fuse p50 ms", "fuse p95 ms"]) + " |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="kb-meaning-") as tmp:
            database = Path(tmp) / "meaning.sqlite3"
            subprocess.run(
                [sys.executable, "-c", FILL_SNIPPET, str(database), str(size), str(args.sections)],
                cwd=ROOT,
                check=True,
            )
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(database), "--queries", str(args.queries)],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"| {r['articles']:,} | {r['sections']:,} | {r['model_mb']} | {r['matrix_mb']} |"
                f" {r['rss_added_by_matrix_mb']} | {r['peak_rss_mb']} | {r['load_s']} | {r['update_s']} |"
                f" {r['fuse_p50_ms']} | {r['fuse_p95_ms']} |",
                flush=True,
            )


FILL_SNIPPET = """
import sys
from pathlib import Path
sys.path.insert(0, ".")
from benchmarks.meaning_memory import fill, setup_django
setup_django(Path(sys.argv[1]))
fill(int(sys.argv[2]), float(sys.argv[3]))
"""


if __name__ == "__main__":
    main()
