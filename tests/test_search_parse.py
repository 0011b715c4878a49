"""Parsing a query into terms, with the lookups passed in (no database)."""

from articles.search.parse import parse_query
from articles.search.synonyms import SynonymTable

SYNONYMS = SynonymTable([["sign in", "log in", "login"], ["bill", "invoice"], ["lonely"]])


def alternatives(parsed):
    return [term.alternatives for term in parsed.terms]


def test_words_become_terms_without_stop_words_or_lone_characters():
    parsed = parse_query("How do I reset my Password? x", synonyms=SYNONYMS)
    assert parsed.text == "how do i reset my password? x"
    assert alternatives(parsed) == [(("reset",),), (("password",),)]


def test_synonym_phrases_become_one_term_with_the_typed_form_first():
    parsed = parse_query("can't log in to pay my bill", synonyms=SYNONYMS)
    assert alternatives(parsed) == [
        (("log", "in"), ("sign", "in"), ("login",)),
        (("pay",),),
        (("bill",), ("invoice",)),
    ]


def test_a_synonym_group_of_one_phrase_is_ignored():
    assert SYNONYMS.match(["lonely"], 0) is None


def test_codes_stay_whole_and_identifiers_too():
    parsed = parse_query("550 5.7.1 api_user", synonyms=SYNONYMS)
    assert alternatives(parsed) == [(("550",),), (("5", "7", "1"),), (("api", "user"),)]


def test_corrections_are_asked_only_for_plain_unknown_words():
    asked = []

    def correct(words):
        asked.extend(words)
        return {"pasword": "password"}

    parsed = parse_query("the pasword for login 2525", synonyms=SYNONYMS, correct=correct)
    assert asked == ["pasword"]  # not stop words, synonym words or numbers
    assert parsed.corrected == "the password for login 2525"
    assert alternatives(parsed)[0] == (("password",),)


def test_an_uncorrected_query_says_so():
    assert parse_query("password", synonyms=SYNONYMS, correct=lambda words: {}).corrected == ""


def test_the_last_word_is_completed_when_it_is_unfinished():
    def complete(word):
        return ["webhook", "webhooks"] if word == "webho" else []

    parsed = parse_query("retry webho", synonyms=SYNONYMS, correct=lambda words: {}, complete=complete)
    assert alternatives(parsed) == [(("retry",),), (("webho",), ("webhook",), ("webhooks",))]


def test_a_completed_word_is_not_corrected_and_earlier_words_are_not_completed():
    asked = []

    def correct(words):
        asked.extend(words)
        return {}

    parse_query("retyr webho", synonyms=SYNONYMS, correct=correct, complete=lambda w: ["webhook"])
    assert asked == ["retyr"]
    asked.clear()
    parse_query("webho retyr", synonyms=SYNONYMS, correct=correct, complete=lambda w: [])
    assert asked == ["webho", "retyr"]


def test_stop_words_and_synonyms_are_never_completed():
    completed = []

    def complete(word):
        completed.append(word)
        return ["anything"]

    parse_query("password for", synonyms=SYNONYMS, complete=complete)
    parse_query("password login", synonyms=SYNONYMS, complete=complete)
    assert completed == []


def test_forms_of_one_word_are_one_term():
    assert alternatives(parse_query("lists list invalid", synonyms=SYNONYMS)) == [(("lists",),), (("invalid",),)]


def test_the_number_of_terms_is_bounded():
    parsed = parse_query(" ".join(f"word{n}x" for n in range(40)), synonyms=SYNONYMS)
    assert len(parsed.terms) == 12


def test_hostile_input_becomes_plain_words():
    parsed = parse_query('title:"x" OR body:* NEAR(a b) \'; DROP TABLE x;--', synonyms=SYNONYMS)
    assert all(word.isalnum() for word in parsed.words)
