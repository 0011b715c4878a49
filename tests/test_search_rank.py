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
