"""Snippets: the window of an article's text with the query's words marked."""

from articles.search.snippets import best_snippet, make_snippet


def _marked(snippet):
    return [text for text, hit in snippet if hit]


def test_snippet_marks_every_form_of_the_query_words():
    snippet = make_snippet("Reset your password. Resetting passwords breaks SMTP.", {"reset", "password"})
    assert _marked(snippet) == ["Reset", "password", "Resetting", "passwords"]
    # From the window's first word to its last.
    assert "".join(text for text, _ in snippet) == "Reset your password. Resetting passwords breaks SMTP"


def test_snippet_shows_the_window_with_the_most_query_words():
    text = " ".join(["filler"] * 50 + ["invoice", "overage", "invoice"] + ["filler"] * 50)
    snippet = make_snippet(text, {"invoice", "overage"}, size=10)
    assert snippet[0] == ("… ", False) and snippet[-1] == (" …", False)
    assert _marked(snippet) == ["invoice", "overage", "invoice"]
    assert sum(1 for text, _ in snippet if text.isalpha()) == 10


def test_snippet_of_a_short_text_is_all_its_words():
    assert make_snippet("Just this.", {"nothing"}) == [("Just", False), (" ", False), ("this", False)]


def test_snippet_keeps_markup_as_plain_text_for_the_template_to_escape():
    snippet = make_snippet("Type <b>alert(1)</b> password", {"password"})
    assert "".join(text for text, _ in snippet) == "Type <b>alert(1)</b> password"
    assert _marked(snippet) == ["password"]


def test_snippet_of_empty_or_wordless_text():
    assert make_snippet("", {"a"}) == []
    assert make_snippet("-- !", {"a"}) == [("-- !", False)]


def test_best_snippet_prefers_a_text_that_shows_a_query_word():
    snippet = best_snippet(["Nothing relevant here.", "The invoice is here."], {"invoice"})
    assert _marked(snippet) == ["invoice"]
    assert _marked(best_snippet(["", "No match."], {"invoice"})) == []
    assert best_snippet(["", ""], {"invoice"}) == []
