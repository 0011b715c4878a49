"""
Editors' search controls (articles/search/controls.py): the per-article search
boost and pinned results, through every way search is used, their admin, and
the cached searches and pages they must not leave stale. The same tests run on
SQLite and on PostgreSQL.
"""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article, PinnedSearch
from articles.search import article_search, pipeline
from articles.search.controls import boosted_score, pin_key, search_controls

from .admin_forms import admin_url, article_form_data

pytestmark = pytest.mark.django_db

PASSWORD = "Some text about your password.\n\n## Change it\nOpen settings and choose a new password."


@pytest.fixture
def articles(make_article, make_category):
    billing = make_category("Billing", slug="billing")
    return {
        "change": make_article("Change your password", PASSWORD, slug="change-password"),
        "strong": make_article("Choose a strong password", PASSWORD, slug="strong-password"),
        "invoice": make_article("Understanding your invoice", "Each line of an invoice.", slug="invoice",
                                category=billing),
        "reset": make_article("Reset password", "The reset link.\n\n## Expired link\nAsk again.", slug="reset"),
    }  # fmt: skip


def slugs(query, **kwargs):
    return [r.slug for r in article_search(query, **kwargs).results]


def pin(query, article, position=1):
    return PinnedSearch.objects.create(query=query, article=article, position=position)


# --------------------------------------------------------------------------- rules


def test_a_pin_query_is_compared_by_its_words():
    assert pin_key("  Reset   Password?! ") == pin_key("reset password") == "reset password"


@pytest.mark.parametrize("boost, factor", [(0, 1.0), (10, 1.5), (-10, 0.5), (4, 1.2)])
def test_a_boost_multiplies_the_score(boost, factor):
    assert boosted_score(2.0, boost) == pytest.approx(2.0 * factor)


def test_a_positive_boost_raises_even_a_negative_score():
    assert boosted_score(-1.0, 10) > -1.0 > boosted_score(-1.0, -10)


# --------------------------------------------------------------------------- boost


def test_a_boost_reorders_the_matching_articles(articles):
    first, second = slugs("choose password")[:2]
    Article.objects.filter(slug=second).update(search_boost=10)
    Article.objects.filter(slug=first).update(search_boost=-10)

    after = slugs("choose password")
    # The boosted article leads; the lowered one falls behind it (how far depends on the other scores).
    assert after[0] == second and after.index(first) > after.index(second) and len(after) == len(set(after))


def test_a_boost_never_brings_in_an_article_that_does_not_match(articles):
    Article.objects.filter(slug="invoice").update(search_boost=10)

    assert "invoice" not in slugs("password")


def test_a_boost_saved_in_the_admin_applies_to_the_next_search(client, editor, articles):
    first, second = slugs("choose password")[:2]
    client.force_login(editor)
    article = Article.objects.get(slug=second)

    response = client.post(admin_url("article", "change", article.pk), article_form_data(article, search_boost="10"))

    assert response.status_code == 302
    assert Article.objects.get(slug=second).search_boost == 10
    assert slugs("choose password")[0] == second


@pytest.mark.parametrize("value, message", [("11", "from -10 to +10"), ("-11", "from -10 to +10"),
                                            ("lots", "Enter a whole number")])  # fmt: skip
def test_a_boost_out_of_range_is_a_form_error(client, editor, articles, value, message):
    client.force_login(editor)
    article = articles["change"]

    response = client.post(admin_url("article", "change", article.pk), article_form_data(article, search_boost=value))

    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["search_boost"])
    assert Article.objects.get(pk=article.pk).search_boost == 0


def test_the_article_form_shows_the_boost_and_the_pins_in_a_search_fieldset(client, editor, articles):
    pin("forgot password", articles["reset"])
    client.force_login(editor)

    response = client.get(admin_url("article", "change", articles["reset"].pk))

    content = response.content.decode()
    assert 'name="search_boost"' in content and ">Search</h2>" in content
    assert "forgot password" in content and admin_url("pinnedsearch", "add") in content


# --------------------------------------------------------------------------- pins


def test_a_pin_puts_its_article_first_for_its_query(articles):
    before = slugs("password")
    pin("password", Article.objects.get(slug=before[-1]))

    results = slugs("Password?")
    assert results == [before[-1], *before[:-1]]  # the rest follow, without it again


def test_a_pinned_article_that_does_not_match_is_shown_first_anyway(articles):
    pin("billing password", articles["invoice"])

    result = article_search("billing password").results[0]

    assert (result.slug, result.url) == ("invoice", "/articles/invoice/")


def test_a_pin_answers_a_query_that_matches_no_word(articles, monkeypatch):
    pin("zebra crossing", articles["invoice"])
    # As when no word matches and the meaning signal offers related articles instead.
    monkeypatch.setattr(pipeline, "_rank", lambda parsed, **kwargs: ([], True))

    page = article_search("zebra crossing")

    # Not "no exact matches": an editor answered it (nor is it logged as a search without results).
    assert page.results[0].slug == "invoice" and not page.by_meaning


def test_a_pin_wins_over_an_exact_title_match(articles):
    assert slugs("reset password")[0] == "reset"
    pin("reset password", articles["change"])

    assert slugs("reset password")[:2] == ["change-password", "reset"]


def test_several_pins_for_one_query_keep_their_order(articles):
    pin("password", articles["reset"], position=2)
    pin("password", articles["invoice"], position=1)

    assert slugs("password")[:2] == ["invoice", "reset"]


def test_a_pin_applies_to_the_typo_corrected_query(articles):
    pin("password", articles["invoice"])

    page = article_search("pasword")

    assert page.corrected == "password" and page.results[0].slug == "invoice"


def test_a_pin_does_not_apply_to_a_longer_or_other_query(articles):
    pin("password", articles["invoice"])

    assert "invoice" not in slugs("change password")


def test_a_pin_respects_the_category_filter(articles):
    pin("password", articles["invoice"])  # in Billing

    assert "invoice" not in slugs("password", category=articles["change"].category.slug)
    assert slugs("password", category="billing") == ["invoice"]


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.ARCHIVED},
        {"publish_at": timezone.now() + datetime.timedelta(days=3)},
    ],
    ids=["draft", "archived", "scheduled"],
)
def test_a_pinned_article_customers_cannot_see_is_never_shown(articles, changes):
    pin("password", articles["invoice"])
    Article.objects.filter(slug="invoice").update(**changes)

    assert "invoice" not in slugs("password")


def test_pins_page_through_with_the_rest(articles):
    pin("password", articles["invoice"])
    everything = slugs("password")

    assert slugs("password", limit=1) + slugs("password", limit=10, offset=1) == everything
    assert article_search("password").total == len(everything)


def test_a_pin_is_first_on_the_search_page(client, articles):
    pin("password", articles["invoice"])

    response = client.get("/search/", {"q": "Password"})

    assert [r.slug for r in response.context["page"].results][0] == "invoice"


def test_a_pin_is_first_in_the_api(client, articles):
    pin("password", articles["invoice"])

    response = client.get("/api/search/", {"q": "password"})

    assert response.json()["results"][0]["slug"] == "invoice"


def test_a_pin_is_first_in_instant_results_once_its_query_is_typed(client, articles):
    pin("reset password", articles["invoice"])

    typed = client.get("/api/search/", {"q": "reset password", "prefix": "1"}).json()
    typing = client.get("/api/search/", {"q": "reset passw", "prefix": "1"}).json()

    assert typed["results"][0]["slug"] == "invoice"
    assert "invoice" not in [r["slug"] for r in typing["results"]]


# --------------------------------------------------------------------------- freshness and cost


def test_the_controls_cost_no_query_per_search_while_nothing_changes(articles, django_assert_num_queries):
    pin("password", articles["invoice"])
    Article.objects.filter(slug="reset").update(search_boost=3)
    loaded = search_controls()
    assert loaded.factors == {articles["reset"].pk: pytest.approx(1.15)}
    assert loaded.pins == {"password": ((articles["invoice"].pk, articles["invoice"].category_id),)}

    with django_assert_num_queries(0):
        assert search_controls() is loaded


@pytest.mark.parametrize("url", ["/api/search/", "/search/"])
def test_a_new_or_removed_pin_reaches_the_cached_search_at_once(client, articles, url):
    def first():
        response = client.get(url, {"q": "password"})
        if url == "/search/":
            return response.content.decode().split("/search/open/", 2)[1].split("/")[1]
        return response.json()["results"][0]["slug"]

    before = first()
    assert before != "invoice"
    if url == "/api/search/":
        assert client.get(url, {"q": "password"})["X-Cache"] == "hit"
    pinned = pin("password", articles["invoice"])

    assert first() == "invoice"
    pinned.delete()
    assert first() == before


def test_a_changed_pin_order_reaches_the_cached_search(client, articles):
    pin("password", articles["reset"], position=1)
    other = pin("password", articles["invoice"], position=2)
    assert client.get("/api/search/", {"q": "password"}).json()["results"][0]["slug"] == "reset"

    PinnedSearch.objects.filter(pk=other.pk).update(position=0)

    assert client.get("/api/search/", {"q": "password"}).json()["results"][0]["slug"] == "invoice"


def test_a_changed_boost_reaches_the_cached_search(client, articles):
    first, second = [r["slug"] for r in client.get("/api/search/", {"q": "choose password"}).json()["results"][:2]]

    Article.objects.filter(slug=second).update(search_boost=10)
    Article.objects.filter(slug=first).update(search_boost=-10)

    after = [r["slug"] for r in client.get("/api/search/", {"q": "choose password"}).json()["results"]]
    assert after[0] == second and after.index(first) > 0


def test_unpublishing_a_pinned_article_removes_it_from_the_cached_search(client, articles):
    pin("password", articles["invoice"])
    assert client.get("/api/search/", {"q": "password"}).json()["results"][0]["slug"] == "invoice"

    article = Article.objects.get(slug="invoice")
    article.status = Article.Status.DRAFT
    article.save()

    assert "invoice" not in [r["slug"] for r in client.get("/api/search/", {"q": "password"}).json()["results"]]


# --------------------------------------------------------------------------- the pins' admin


def pin_form(article, query="Reset Password", **changes):
    return {"query": query, "article": article.pk, "position": "1", "note": "", **changes}


def test_an_editor_adds_a_pin_through_the_admin_and_search_follows(client, role_editor, articles):
    client.force_login(role_editor)

    response = client.post(admin_url("pinnedsearch", "add"), pin_form(articles["invoice"]), follow=True)

    assert response.redirect_chain
    saved = PinnedSearch.objects.get()
    assert (saved.query, saved.article.slug) == ("reset password", "invoice")
    assert slugs("reset password")[0] == "invoice"
    changelist = client.get(admin_url("pinnedsearch", "changelist"), {"q": "reset"}).content.decode()
    assert "reset password" in changelist and "/search/?q=reset+password" in changelist


def test_a_duplicate_pin_is_refused_with_a_clear_message(client, role_editor, articles):
    pin("reset password", articles["invoice"])
    client.force_login(role_editor)

    response = client.post(admin_url("pinnedsearch", "add"), pin_form(articles["invoice"], query="RESET password!"))

    assert response.status_code == 200
    assert "already pinned for this query" in response.content.decode()
    assert PinnedSearch.objects.count() == 1


@pytest.mark.parametrize("query, message", [("?!", "at least one word"), ("how do I", "only very common words")])
def test_a_pin_query_search_would_ignore_is_refused(client, role_editor, articles, query, message):
    client.force_login(role_editor)

    response = client.post(admin_url("pinnedsearch", "add"), pin_form(articles["invoice"], query=query))

    assert message in " ".join(response.context["adminform"].form.errors["query"])
    assert not PinnedSearch.objects.exists()


def test_pinning_an_unpublished_article_is_kept_with_a_warning(client, role_editor, make_article):
    draft = make_article("Draft answer", status=Article.Status.DRAFT)
    client.force_login(role_editor)

    response = client.post(admin_url("pinnedsearch", "add"), pin_form(draft), follow=True)

    assert PinnedSearch.objects.filter(article=draft).exists()
    assert "“Draft answer” is a draft: the pin is kept" in response.content.decode()


def test_support_agents_read_pins_but_cannot_change_them(client, support_agent, articles):
    pinned = pin("password", articles["invoice"])
    client.force_login(support_agent)

    assert client.get(admin_url("pinnedsearch", "changelist")).status_code == 200
    assert client.post(admin_url("pinnedsearch", "add"), pin_form(articles["reset"])).status_code == 403
    assert client.post(admin_url("pinnedsearch", "delete", pinned.pk), {"post": "yes"}).status_code == 403
