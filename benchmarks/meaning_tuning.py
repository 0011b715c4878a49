#!/usr/bin/env python
"""
Try the meaning signal's fusion constants on the relevance queries, in seconds.

    python benchmarks/meaning_tuning.py [--engine sqlite|postgres] [--background N] [--keep DATABASE]
                                        [--grid NAME=V1,V2 ...] [--set NAME=VALUE ...] [--reembed]
                                        [--failures] [--rounds N]

Prepares the relevance database as relevance.py does (`--keep` reuses one it
kept), computes each query's lexical ranking once, and then replays only the
meaning signal's fusion and what follows it in `article_search()` for every
combination of the constants of articles/search/semantic.py given by `--grid`
(default: GRID). Rows are sorted by the TUNING half (relevance.query_half()),
the one constants are chosen on; the held-out half is printed next to it so a
choice can be checked once, not tuned on. Each setting's `fuse()` is timed in
CPU seconds of this process per search (`--rounds`: the settings take turns,
so a busy machine slows them alike). `--set` changes a constant before the
first search (e.g. MATRIX_DIMENSIONS), `--reembed` writes the vectors again
first (for a change in what is embedded).
"""

import argparse
import itertools
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import relevance  # noqa: E402

GRID = {
    "BLEND_WEIGHT": [1.0, 2.0, 3.0],
    "SYNONYMS_SHARE": [0.0, 0.5, 1.0],
}
SHOWN_KINDS = ("paraphrase", "typo", "synonym", "section", "question", "error", "single", "title")


def parse_grid(items: list[str]) -> dict[str, list]:
    grid = {}
    for item in items:
        name, _, values = item.partition("=")
        grid[name] = [_value(v) for v in values.split(",")]
    return grid


def _value(text: str):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"True": True, "False": False, "None": None}.get(text, text)


def memoize_lexical_ranking() -> None:
    """
    article_search() with each query's parsing and lexical ranking (the steps
    before the meaning signal) computed once and then reused: only fusion and what follows
    it run again for each setting.
    """
    from articles.search import pipeline
    from articles.search import rank as ranking

    memo = {}
    parse = pipeline.parse
    parsed_queries = {}

    def parse_once(text, *, prefix=False):
        if (text, prefix) not in parsed_queries:
            parsed_queries[text, prefix] = parse(text, prefix=prefix)
        return parsed_queries[text, prefix]

    def rank(parsed, *, category_id, needed):
        key = (parsed, category_id, needed)
        if key not in memo:
            backend = pipeline.current_backend()
            weights = ranking.term_weights(parsed, backend)
            articles = ranking.rank_articles(
                parsed, backend=backend, weights=weights, category_id=category_id, needed=needed
            )
            memo[key] = pipeline.with_best_sections(parsed, articles, backend=backend, weights=weights, needed=needed)
        return ranking.fuse(parsed, memo[key], category_id=category_id, needed=needed)

    pipeline._rank = rank
    pipeline.parse = parse_once


def reembed() -> None:
    """Write every published article's vectors again with the current code (semantic.article_texts())."""
    from django.db import transaction

    from articles.models import Article
    from articles.search import semantic

    articles = Article.objects.published().prefetch_related("sections").order_by("pk")
    with transaction.atomic():
        semantic.meaning_vectors_clear()
        batch = []
        for article in articles.iterator(chunk_size=500):
            batch.append((article, list(article.sections.all())))
            if len(batch) == 500:
                semantic.meaning_vectors_rebuild(batch)
                batch = []
        semantic.meaning_vectors_rebuild(batch)


def time_fusion() -> list[float]:
    """semantic.fuse() timed in CPU seconds of this process, call by call (the list it returns fills up)."""
    import time

    from articles.search import semantic

    spent = []
    fuse = semantic.fuse

    def timed(*args, **kwargs):
        started = time.process_time()
        try:
            return fuse(*args, **kwargs)
        finally:
            spent.append(time.process_time() - started)

    semantic.fuse = timed
    return spent


def kinds_line(metrics: dict) -> str:
    return " ".join(f"{kind[:5]} {metrics[kind]['mrr']:.3f}" for kind in SHOWN_KINDS if kind in metrics)


def missed_queries(queries, rankings, lexical_rankings, indexes) -> list[str]:
    """The queries among `indexes` whose article is not first, with its rank and the lexical ranking's."""
    missed = []
    for i in indexes:
        item, rank = queries[i], relevance.expected_rank(queries[i], rankings[i])
        if rank != 1:
            before = relevance.expected_rank(item, lexical_rankings[i])
            top = ", ".join(slug for slug, _ in rankings[i][:2])
            missed.append(f"[{item['kind']}] {item['query']!r}: {rank} (lexical {before}); {top}")
    return missed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--background", type=int, default=0)
    parser.add_argument("--keep", metavar="DATABASE", help="as relevance.py's --keep")
    parser.add_argument("--postgres-url", default=relevance.DEFAULT_POSTGRES_URL)
    parser.add_argument("--database", default=relevance.BENCH_DATABASE, help="PostgreSQL database name prefix")
    parser.add_argument("--grid", nargs="*", default=[], metavar="NAME=V1,V2", help="constants of semantic.py")
    parser.add_argument("--reembed", action="store_true", help="write the vectors again first (texts changed)")
    parser.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE", help="constants set before all else")
    parser.add_argument(
        "--failures", action="store_true", help="list the tuning half's queries not at rank 1, for each setting"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="timed passes per setting, the settings taking turns (median shown)"
    )
    args = parser.parse_args(argv)
    grid = parse_grid(args.grid) if args.grid else GRID
    settings = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
    with relevance.prepared_database(args.engine, args.postgres_url, args.background, args.database, args.keep):
        from articles.search import semantic

        for name, values in parse_grid(args.set).items():
            getattr(semantic, name)  # AttributeError: not a constant
            setattr(semantic, name, values[0])
        if args.reembed:
            reembed()
        memoize_lexical_ranking()
        spent = time_fusion()
        queries = relevance.load_queries()
        lexical_rankings = relevance.lexical_rankings(queries)
        lexical = relevance.by_half(queries, lexical_rankings)
        relevance.engine_rankings(queries)  # the matrix loaded, words tokenized: not timed
        tuning = [i for i, q in enumerate(queries) if relevance.query_half(q["query"]) == "tuning"]
        rankings, costs = {}, {i: [] for i in range(len(settings))}
        for _ in range(max(1, args.rounds)):
            for i, chosen in enumerate(settings):
                saved = {name: getattr(semantic, name) for name in chosen}  # AttributeError: not a constant
                for name, value in chosen.items():
                    setattr(semantic, name, value)
                spent.clear()
                rankings[i] = relevance.engine_rankings(queries)
                costs[i].append(1000 * sum(spent) / max(len(spent), 1))
                for name, value in saved.items():
                    setattr(semantic, name, value)
    results = [
        (
            chosen,
            relevance.by_half(queries, rankings[i]),
            missed_queries(queries, rankings[i], lexical_rankings, tuning) if args.failures else [],
            statistics.median(costs[i]),
        )
        for i, chosen in enumerate(settings)
    ]
    print(f"{len(queries)} queries on {args.engine}, background {args.background}; MRR@10, sorted by the tuning half")
    for half in ("tuning", "held-out"):
        print(f"lexical alone, {half:8}: {lexical[half]['all']['mrr']:.3f} | {kinds_line(lexical[half])}")
    results.sort(key=lambda r: -r[1]["tuning"]["all"]["mrr"])
    for chosen, halves, missed, cost in results:
        print(f"\n{chosen}: fuse {cost:.3f} ms CPU per search (median of {max(1, args.rounds)})")
        for half in ("tuning", "held-out"):
            print(f"  {half:8}: {halves[half]['all']['mrr']:.3f} | {kinds_line(halves[half])}")
        for line in missed:
            print(f"    {line}")


if __name__ == "__main__":
    main()
