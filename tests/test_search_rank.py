"""The ranking policy's pure parts, and the seam where other signals join it."""

import inspect

import pytest

from articles.search import rank
from articles.search.backends import BACKENDS, SearchBackend
from articles.search.bm25 import length_weight, term_score
from articles.search.query import ParsedQuery, Term
from articles.search.rank import Ranked

PARSED = ParsedQuery(text="q", terms=(Term((("q",),)),))


def test_length_weight_favours_short_articles():
    assert length_weight(100, 100) == pytest.approx(1.0)
    assert length_weight(50, 100) > 1.0 > length_weight(200, 100)


def test_term_score_saturates_and_scales_with_idf():
    assert term_score(2.0, 1, 100, 100) == pytest.approx(2.0)
    assert term_score(1.0, 10, 100, 100) < 10 * term_score(1.0, 1, 100, 100)
    assert term_score(2.0, 3, 100, 100) == pytest.approx(2 * term_score(1.0, 3, 100, 100))


def test_an_exact_title_goes_first_without_a_section():
    ranked = [Ranked(1, 10, 5.0), Ranked(2, 20, 4.0), Ranked(3, 30, 3.0)]
    titles = {1: ["other"], 2: ["your", "invoice"], 3: ["invoice"]}
    assert rank.promote_exact_title(ranked, ["your", "invoice"], titles, depth=20) == [
        Ranked(2, None, 4.0), Ranked(1, 10, 5.0), Ranked(3, 30, 3.0),
    ]  # fmt: skip
    assert rank.promote_exact_title(ranked, ["your", "invoice"], titles, depth=1) == ranked


class FakeSignal:
    weight = 1.0

    def __init__(self, scores, nearest=()):
        self._scores, self._nearest = scores, list(nearest)

    def scores(self, parsed, article_ids):
        return {a: s for a, s in self._scores.items() if a in article_ids}

    def nearest(self, parsed, *, category_id, limit):
        return self._nearest[:limit]


def test_without_signals_the_lexical_order_stands():
    ranked = [Ranked(1, None, 3.0), Ranked(2, 5, 2.0)]
    assert rank.fuse(PARSED, ranked, []) == ranked


def test_a_signal_reorders_the_candidates_by_reciprocal_rank_fusion():
    ranked = [Ranked(1, None, 3.0), Ranked(2, 5, 2.0), Ranked(3, None, 1.0)]
    fused = rank.fuse(PARSED, ranked, [FakeSignal({3: 0.9, 1: 0.5, 2: 0.1, 99: 1.0})])
    # Lexical 1, 2, 3; the signal 3, 1, 2 (99 is no candidate): 3 passes 2.
    assert [r.article_id for r in fused] == [1, 3, 2]
    assert fused[2].section_id == 5  # an article keeps its section
    stronger = FakeSignal({3: 0.9, 2: 0.8, 1: 0.1})
    stronger.weight = 2.0
    assert [r.article_id for r in rank.fuse(PARSED, ranked, [stronger])][0] == 3


def test_the_nearest_articles_come_from_the_first_signal_that_has_some():
    signals = [FakeSignal({}), FakeSignal({}, nearest=[7, 8, 9])]
    assert rank.nearest(PARSED, category_id=None, limit=2, signals=signals) == [
        Ranked(7, None, 0.0),
        Ranked(8, None, 0.0),
    ]
    assert rank.nearest(PARSED, category_id=None, limit=2, signals=[]) == []


def test_there_are_no_extra_signals_by_default():
    assert rank.extra_signals() == []


def _protocol_methods():
    return [name for name, _ in inspect.getmembers(SearchBackend, inspect.isfunction) if not name.startswith("_")]


@pytest.mark.parametrize("vendor", sorted(BACKENDS))
def test_every_backend_implements_the_whole_protocol_with_its_signatures(vendor):
    backend = BACKENDS[vendor]
    assert backend.vendor == vendor
    for name in _protocol_methods():
        expected = inspect.signature(getattr(SearchBackend, name))
        actual = inspect.signature(getattr(type(backend), name))
        assert list(actual.parameters) == list(expected.parameters), name
        assert [p.kind for p in actual.parameters.values()] == [p.kind for p in expected.parameters.values()], name
