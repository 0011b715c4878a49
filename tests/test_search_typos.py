"""Typo correction: Damerau distance, the per-length rule, candidates and the corrector."""

import pytest

from articles.search.typos import allowed_edits, best_correction, edit_distance, make_corrector, one_edit_variants


@pytest.mark.parametrize(
    "a, b, distance",
    [
        ("password", "password", 0),
        ("pasword", "password", 1),  # deleted letter
        ("passsword", "password", 1),  # added letter
        ("passwurd", "password", 1),  # changed letter
        ("passwrod", "password", 1),  # swapped neighbours: one edit, not two
        ("smpt", "smtp", 1),
        ("psasowrd", "password", 2),
        ("", "abc", 3),
    ],
)
def test_edit_distance_counts_a_transposition_as_one_edit(a, b, distance):
    assert edit_distance(a, b, limit=5) == distance
    assert edit_distance(b, a, limit=5) == distance


def test_edit_distance_stops_past_the_limit():
    assert edit_distance("invoice", "authentication", limit=2) == 3
    assert edit_distance("abcdef", "badcfe", limit=2) == 3


@pytest.mark.parametrize("word, edits", [("ssl", 0), ("smtp", 1), ("login", 1), ("billing", 2), ("authentication", 2)])
def test_allowed_edits_grow_with_word_length(word, edits):
    assert allowed_edits(word) == edits


def test_best_correction_prefers_fewest_edits_then_most_articles():
    candidates = [("passport", 50), ("password", 10), ("passwords", 99)]
    assert best_correction("pasword", candidates) == "password"
    assert best_correction("invoise", [("invoice", 3), ("invoices", 30)]) == "invoice"
    assert best_correction("tset", [("test", 1), ("tests", 100)]) == "test"


def test_best_correction_leaves_known_and_distant_words_alone():
    assert best_correction("password", [("password", 10), ("passwords", 5)]) is None
    assert best_correction("quokka", [("invoice", 10)]) is None
    assert best_correction("ssl", [("sls", 10)]) is None  # three letters: never corrected


def test_one_edit_variants_include_every_kind_of_single_typo():
    variants = one_edit_variants("smtp")
    assert {"smpt", "mstp", "stp", "smtpp", "smtx", "asmtp"} <= variants
    assert "smtp" not in variants and "spmt" not in variants


def _corrector(vocabulary: dict[str, int], index_forms=()):
    return make_corrector(
        known=lambda words: {w for w in words if w in vocabulary},
        is_known=lambda word: word in index_forms,
        similar_words=lambda word: [(w, n) for w, n in vocabulary.items() if w[-3:] == word[-3:]],
        counts=lambda words: {w: vocabulary[w] for w in words if w in vocabulary},
    )


def test_the_corrector_fixes_swapped_letters_in_short_words():
    correct = _corrector({"smtp": 12, "spam": 4, "login": 9})
    assert correct(["smpt", "lgoin", "spma"]) == {"smpt": "smtp", "lgoin": "login", "spma": "spam"}


def test_the_corrector_finds_long_words_through_similar_words():
    correct = _corrector({"authentication": 3, "webhooks": 5})
    assert correct(["authetnication", "wbehooks"]) == {"authetnication": "authentication", "wbehooks": "webhooks"}


def test_the_corrector_leaves_known_words_forms_and_numbers():
    correct = _corrector({"reset": 4, "ssl": 2}, index_forms={"resetting"})
    assert correct(["reset", "resetting", "2525"]) == {}


def test_three_letter_words_are_corrected_only_for_swapped_letters():
    correct = _corrector({"ssl": 2, "sms": 5, "api": 7})
    assert correct(["sls", "smm", "apo", "pai"]) == {"sls": "ssl", "pai": "api"}


def test_long_words_with_swapped_letters_are_found_without_shared_letter_triples():
    correct = make_corrector(
        known=lambda words: set(),
        is_known=lambda word: False,
        similar_words=lambda word: [],
        counts=lambda words: {w: 3 for w in words if w == "authentication"},
    )
    assert correct(["authentciation"]) == {"authentciation": "authentication"}
