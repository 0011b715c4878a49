"""
Typo tolerance as customers type: swapped letters in short words, and the
unfinished last word of instant results, on whichever engine the suite runs.
"""

import pytest

from articles.search import article_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(make_article):
    return {
        "webhooks": make_article(
            "Retrying failed webhooks",
            "Webhook deliveries are retried.\n\n## Signing webhooks\nCheck the signature header.",
            slug="webhooks",
            tags="webhook, events",
        ),
        "smtp": make_article(
            "Fixing SMTP errors", "## 535 Authentication failed\nUse apikey as the username.", slug="smtp"
        ),
        "login": make_article(
            "Login problems", "## Account banned\nA ban is permanent.\n\n## Lost phone\nUse a code.", slug="login"
        ),
    }


def slugs(query, **kwargs):
    return [r.slug for r in article_search(query, **kwargs).results]


def matched(query, **kwargs):
    """The articles matching the words (not those offered as nearest in meaning when no word matches)."""
    page = article_search(query, **kwargs)
    return [] if page.by_meaning else [r.slug for r in page.results]


@pytest.mark.parametrize("typed, meant", [("smpt", "smtp"), ("lgoin", "login"), ("webohok", "webhook")])
def test_swapped_letters_count_as_one_typo(corpus, typed, meant):
    page = article_search(typed)
    assert page.corrected == meant
    assert page.results, typed


def test_an_unfinished_last_word_finds_the_words_it_starts(corpus):
    assert matched("webho", prefix=True) == ["webhooks"]
    assert matched("retrying webho", prefix=True)[0] == "webhooks"
    assert matched("smtp authenti", prefix=True) == ["smtp"]


def test_without_prefix_an_unfinished_word_is_just_an_unknown_word(corpus):
    assert matched("webho") == []


def test_a_complete_last_word_is_not_widened(corpus):
    assert matched("ban", prefix=True) == matched("ban") == ["login"]


def test_snippets_mark_the_completed_word(corpus):
    result = article_search("retried webho", prefix=True).results[0]
    marked = {text.lower() for text, hit in result.snippet if hit}
    assert marked == {"webhook", "retried"}


def test_the_api_reads_the_last_word_as_unfinished_only_when_asked(client, corpus):
    def found(**params):
        data = client.get("/api/search/", {"q": "webho", **params}).json()
        return [] if data["by_meaning"] else [r["slug"] for r in data["results"]]

    assert found(prefix="1") == ["webhooks"]
    assert found() == [] and found(prefix="yes") == []


def test_prefix_input_is_as_safe_as_any_other(corpus):
    for query in ['"', "a*", "x" * 300, "we\x00", "😀", "webho'; DROP TABLE x;--"]:
        assert matched(query, prefix=True) == [], query
    assert matched("title:webh", prefix=True) == ["webhooks"]
