"""
Search relevance floors: the benchmark in benchmarks/relevance.py, run on the test
database of whichever engine the suite runs on.

The floors sit a little below the figures measured when they were set (see
docs/search-relevance.md): they catch a change that makes search worse, not a
change that moves one query. Raise them when the search gets better.
"""

import importlib

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from benchmarks.relevance import evaluate, evaluate_bm25, import_corpus, kept_database_ready, load_queries

# django_db also tells pytest-django to create the test database the fixture below uses.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# (kind, metric) -> lowest acceptable value, per database vendor. The engines rank
# differently (PostgreSQL trails a little on paraphrases and errors), so each has its own.
FLOORS = {
    "sqlite": {
        ("all", "mrr"): 0.93,
        ("all", "r1"): 0.90,
        ("all", "r5"): 0.96,
        ("all", "section"): 0.81,
        ("typo", "mrr"): 0.95,
        ("synonym", "mrr"): 0.86,
    },
    "postgresql": {
        ("all", "mrr"): 0.90,
        ("all", "r1"): 0.86,
        ("all", "r5"): 0.96,
        ("all", "section"): 0.83,
        ("typo", "mrr"): 0.94,
        ("synonym", "mrr"): 0.83,
    },
}
# Typo and synonym handling must beat plain BM25 (no stemming, synonyms or typo
# handling) on MRR by at least this much.
MARGIN_OVER_BM25 = 0.15


def _ensure_default_synonyms():
    """The data migration's synonym groups, in case an earlier test flushed the database."""
    from articles.models import SynonymGroup

    migration = importlib.import_module("articles.migrations.0003_default_synonyms")
    for terms in migration.DEFAULT_GROUPS:
        SynonymGroup.objects.get_or_create(terms=terms)


@pytest.fixture(scope="module")
def queries():
    return load_queries()


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker, queries):
    """The engine's metrics with the corpus imported; everything is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        _ensure_default_synonyms()
        cache.clear()
        import_corpus()
        metrics = evaluate(queries)
        transaction.set_rollback(True)
    cache.clear()
    return metrics


@pytest.fixture(scope="module")
def baseline(queries):
    return evaluate_bm25(queries)


def test_every_query_is_scored(measured, queries):
    assert measured["all"]["n"] == len(queries) > 200
    assert measured["all"]["n_section"] > 100


@pytest.mark.parametrize("kind, metric", list(FLOORS["sqlite"]))
def test_floor(measured, kind, metric):
    floor = FLOORS[connection.vendor][(kind, metric)]
    value = measured[kind][metric]
    assert value >= floor, f"{connection.vendor}: {kind} {metric} fell to {value:.3f} (floor {floor})"


@pytest.mark.parametrize("kind", ["typo", "synonym"])
def test_beats_plain_bm25(measured, baseline, kind):
    engine, bm25 = measured[kind]["mrr"], baseline[kind]["mrr"]
    assert engine >= bm25 + MARGIN_OVER_BM25, f"{kind} MRR {engine:.3f} vs BM25 {bm25:.3f}"


def test_a_kept_database_is_reused_only_when_it_holds_the_corpus_and_as_many_background_articles(db):
    from articles.models import Article

    Article.objects.all().delete()
    assert not kept_database_ready(0)
    import_corpus()
    assert kept_database_ready(0)
    assert not kept_database_ready(10_000)
