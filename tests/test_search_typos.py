"""Typo correction: Damerau distance, the per-length rule, candidates and the corrector."""

import pytest

from articles.search.typos import (
    adjacent_keys,
    allowed_edits,
    best_correction,
    edit_distance,
    is_common_word,
    make_corrector,
    one_edit_variants,
    typo_cost,
)


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


def test_best_correction_keeps_the_first_letter_before_counting_articles():
    # "count" is one edit from "acount" and in more articles, but the first letter is rarely the typo.
    assert best_correction("acount", [("count", 900), ("account", 100)]) == "account"
    assert best_correction("acount", [("account", 100), ("count", 900)]) == "account"
    assert best_correction("bort", [("port", 50), ("bolt", 2)]) == "bolt"


def test_best_correction_prefers_likely_typos_before_counting_articles():
    # A doubled letter typed once, or a letter typed twice.
    assert best_correction("setings", [("seeings", 90), ("settings", 10)]) == "settings"
    assert best_correction("cancell", [("cancels", 90), ("cancel", 10)]) == "cancel"
    # A key next to the one meant ("v" is next to "c", "l" is not).
    assert best_correction("invoive", [("invoile", 90), ("invoice", 10)]) == "invoice"
    # Fewer edits still come first.
    assert best_correction("acount", [("account", 100), ("acounts", 1)]) == "account"
    assert best_correction("pasword", [("password", 1), ("passwords", 900)]) == "password"


def test_typo_cost_counts_likely_typos_as_half_an_edit():
    assert typo_cost("acount", "account") == 0.5  # doubled letter typed once
    assert typo_cost("passsword", "password") == 0.5  # a letter typed twice
    assert typo_cost("invoixe", "invoice") == 0.5  # neighbouring key
    assert typo_cost("invoipe", "invoice") == 1.0  # a key far away
    assert typo_cost("acount", "count") == 1.0
    assert typo_cost("passwrod", "password") == 1.0  # swapped neighbours: one edit
    assert typo_cost("account", "account") == 0.0


@pytest.mark.parametrize("a, b", [("s", "a"), ("s", "w"), ("s", "e"), ("s", "z"), ("s", "x"), ("p", "l"), ("m", "k")])
def test_adjacent_keys_touch_on_a_qwerty_keyboard(a, b):
    assert adjacent_keys(a, b) and adjacent_keys(b, a)


@pytest.mark.parametrize("a, b", [("s", "q"), ("s", "c"), ("a", "l"), ("s", "s"), ("1", "2"), ("q", "p")])
def test_adjacent_keys_leave_other_pairs(a, b):
    assert not adjacent_keys(a, b)


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


def test_the_corrector_leaves_common_english_words_the_index_does_not_know():
    correct = _corrector({"presenting": 3, "wanted": 5, "cheap": 2, "tier": 4})
    assert correct(["pretending", "unwanted", "cheaper", "tied"]) == {}


def test_the_corrector_still_fixes_misspellings_of_the_index_words():
    correct = _corrector({"presenting": 3, "wanted": 5})
    assert correct(["presentnig", "wantde"]) == {"presentnig": "presenting", "wantde": "wanted"}


@pytest.mark.parametrize("word", ["pretending", "unwanted", "cheaper", "besides", "wont", "colors", "colours"])
def test_common_english_words_include_inflections_and_both_spellings(word):
    assert is_common_word(word)


@pytest.mark.parametrize("word", ["pasword", "acount", "recieve", "teh", "dkim", "smtp", "Account"])
def test_misspellings_jargon_and_capitals_are_not_common_english_words(word):
    assert not is_common_word(word)


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


def test_the_corrector_keeps_the_first_letter_when_a_commoner_word_is_as_close():
    correct = _corrector({"count": 900, "account": 100, "banned": 40})
    assert correct(["acount", "bnned"]) == {"acount": "account", "bnned": "banned"}


def test_without_the_noisy_channel_the_commoner_word_wins(monkeypatch):
    from articles.search import typos

    monkeypatch.setattr(typos, "NOISY_CHANNEL", False)
    assert best_correction("acount", [("count", 900), ("account", 100)]) == "count"


def test_search_corrects_to_the_likelier_typo_when_a_commoner_word_is_as_close(make_article):
    from articles.search import article_search

    for n in range(3):
        make_article(f"Count the messages {n}", "Count what was sent and count what bounced.")
    account = make_article("Closing your account", "Close the account from its settings page.")
    page = article_search("close acount")
    assert page.corrected == "close account"
    assert page.results[0].slug == account.slug


def test_search_leaves_a_real_word_the_index_does_not_know_as_typed(make_article):
    from articles.search import article_search

    make_article("Presenting your domain", "Presenting a verified domain to receivers.")
    assert article_search("mail pretending to be us").corrected == ""
    assert article_search("presentnig domain").corrected == "presenting domain"
