"""The meaning signal of search: vectors on write, fusion at search time, fallbacks."""

import logging
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from django.test import override_settings

from articles.models import Article, MeaningVector, SynonymGroup
from articles.search import article_search, embedding, rebuild_index, semantic
from articles.search.parse import parse_query
from articles.search.synonyms import SynonymTable

pytestmark = pytest.mark.django_db

CLOSING = (
    "How to delete your account permanently and cancel your subscription.\n\n"
    "## Before you close\nExport your data first: deleting is final.\n\n"
    "## After closing\nWe stop all charges and erase your data within 30 days."
)
COMPANY = (
    "Change the company name, address and tax number printed on invoices.\n\n"
    "## Company name on invoices\nThe company name and VAT number appear on every invoice of the company."
)
PASSWORD = (
    "Use the forgot password link to get a reset email and choose a new password.\n\n"
    "## Reset email did not arrive\nCheck the spam folder, then ask for another reset email."
)


@pytest.fixture
def broken_model(monkeypatch):
    """The model's weights fail their checksum, as a corrupted or tampered file would."""
    monkeypatch.setitem(embedding.CHECKSUMS, embedding.WEIGHTS_FILE, "0" * 64)
    semantic.reset_encoder()
    yield
    monkeypatch.undo()
    semantic.reset_encoder()


@pytest.fixture
def help_articles(make_article):
    return {
        "closing": make_article("Closing your account", CLOSING, slug="closing-your-account"),
        "company": make_article("Updating your company details", COMPANY, slug="company-details"),
        "password": make_article("Resetting your password", PASSWORD, slug="resetting-your-password"),
    }


def _vectors(article):
    return MeaningVector.objects.filter(article=article)


# --- Write side ---------------------------------------------------------------


def test_saving_a_published_article_stores_one_vector_for_it_and_one_per_section(make_article):
    article = make_article("Closing your account", CLOSING)
    rows = list(_vectors(article))
    assert len(rows) == 1 + article.sections.count()
    assert {row.section_id for row in rows} == {None, *article.sections.values_list("pk", flat=True)}
    assert all(
        row.model == embedding.MODEL_NAME and len(bytes(row.vector)) == 2 * embedding.DIMENSIONS for row in rows
    )


def test_editing_an_article_replaces_its_vectors(make_article):
    article = make_article("Closing your account", CLOSING)
    before = semantic.decode(_vectors(article).get(section=None).vector)
    article.title = "Resetting your password"
    article.body = PASSWORD
    article.save()
    rows = list(_vectors(article))
    assert {row.section_id for row in rows} == {None, *article.sections.values_list("pk", flat=True)}
    assert not np.allclose(semantic.decode(_vectors(article).get(section=None).vector), before)


def test_unpublishing_or_deleting_an_article_removes_its_vectors(make_article):
    draft = make_article("Closing your account", CLOSING)
    draft.status = Article.Status.DRAFT
    draft.save()
    assert not _vectors(draft).exists()
    gone = make_article("Resetting your password", PASSWORD)
    gone.delete()
    assert not MeaningVector.objects.filter(article_id=gone.pk).exists()
    bulk = make_article("Updating your company details", COMPANY)
    Article.objects.filter(pk=bulk.pk).delete()
    assert not MeaningVector.objects.exists()


def test_drafts_get_no_vectors(make_article):
    draft = make_article("Closing your account", CLOSING, status=Article.Status.DRAFT)
    assert not _vectors(draft).exists()


def test_rebuilding_the_index_writes_the_vectors_of_every_published_article(help_articles):
    expected = {(row.article_id, row.section_id) for row in MeaningVector.objects.all()}
    MeaningVector.objects.all().delete()
    assert rebuild_index() == 3
    assert {(row.article_id, row.section_id) for row in MeaningVector.objects.all()} == expected


def test_vectors_round_trip_as_float16_bytes():
    vector = np.linspace(-1, 1, embedding.DIMENSIONS, dtype=np.float32)
    data = semantic.encode(vector)
    assert len(data) == 2 * embedding.DIMENSIONS
    assert np.allclose(semantic.decode(data), vector, atol=1e-3)


# --- Search time ----------------------------------------------------------------


def test_fusion_lifts_the_article_a_paraphrase_means_above_a_better_word_match(help_articles):
    company, closing = help_articles["company"].pk, help_articles["closing"].pk
    lexical = [(company, None, 1.0), (closing, 7, 0.8)]  # "company" matched better than "subscription"
    fused = semantic.fuse(lexical, "the company is shutting down, end the subscription forever").ranked
    assert [(article_id, section_id) for article_id, section_id, _ in fused[:2]] == [(closing, 7), (company, None)]
    with override_settings(KB_SEARCH_MEANING=False):
        assert semantic.fuse(lexical, "the company is shutting down, end the subscription forever").ranked == lexical


def test_a_one_word_query_keeps_its_lexical_ranking(help_articles):
    company, closing = help_articles["company"].pk, help_articles["closing"].pk
    lexical = [(company, None, 1.0), (closing, 7, 0.9)]
    assert semantic.fuse(lexical, "subscription").ranked == lexical
    assert semantic.fuse([], "passphrase").by_meaning is True  # with no match, still the nearest by meaning


def test_the_synonym_text_of_a_query_is_the_other_phrases_of_its_synonym_groups():
    synonyms = SynonymTable([["opt-out", "unsubscribe", "suppression list"], ["export", "download"]])
    parsed = parse_query("export the opt-out list", synonyms=synonyms)
    assert semantic.synonym_text(parsed) == "download unsubscribe suppression list"
    assert semantic.synonym_text(parse_query("closing my account", synonyms=synonyms)) == ""


def test_a_querys_synonyms_bring_its_vector_closer_to_what_they_mean(help_articles):
    matrix = semantic.vector_matrix()
    password = matrix.articles[np.searchsorted(matrix.article_ids, help_articles["password"].pk)]
    plain = semantic.query_vector("my secret word stopped working")
    expanded = semantic.query_vector("my secret word stopped working", "password passphrase")
    assert np.isclose(np.linalg.norm(expanded), 1.0)
    assert expanded @ password > plain @ password + 0.05
    with override_settings(KB_SEARCH_MEANING=False):
        assert semantic.query_vector("my secret word stopped working", "password") is None


def test_fusion_counts_the_synonyms_of_the_query(help_articles):
    company, password = help_articles["company"].pk, help_articles["password"].pk
    lexical = [(company, None, 1.0), (password, None, 0.9)]
    text = "the secret word for our company stopped working"
    assert [a for a, _, _ in semantic.fuse(lexical, text).ranked[:1]] == [company]
    fused = semantic.fuse(lexical, text, synonyms="password passphrase passcode").ranked
    assert [a for a, _, _ in fused[:1]] == [password]


def test_search_gives_the_meaning_signal_the_other_words_of_the_querys_synonym_groups(help_articles, monkeypatch):
    SynonymGroup.objects.create(terms="close, shut down, terminate")
    seen = []
    fuse = semantic.fuse
    monkeypatch.setattr(
        semantic, "fuse", lambda *args, **kwargs: seen.append(kwargs["synonyms"]) or fuse(*args, **kwargs)
    )
    assert article_search("shut down my account").results
    assert seen == ["close terminate"]


def test_the_vectors_in_memory_follow_saves_and_deletes(help_articles, make_article):
    loaded = set(semantic.vector_matrix().article_ids.tolist())
    assert loaded == {a.pk for a in help_articles.values()}
    new = make_article("Recovering a forgotten username", "If you forgot which username you used, ask for a reminder.")
    gone = help_articles["company"].pk
    help_articles["company"].delete()
    assert set(semantic.vector_matrix().article_ids.tolist()) == loaded - {gone} | {new.pk}


def _same(a, b):
    names = ("article_ids", "categories", "articles", "sections", "section_scales", "section_start")
    return all(np.array_equal(getattr(a, name), getattr(b, name)) for name in names)


def test_after_edits_only_the_changed_articles_vectors_are_read_again(help_articles, make_article):
    for n in range(3):  # kept articles on both sides of the changed ones
        make_article(f"Sending limits {n}", f"Each plan sends {n} thousand messages.\n\n## Over the limit\nWait.")
    before = semantic.load_matrix("before")
    closing = help_articles["closing"]
    closing.body += "\n\n## Reopening\nWrite to support within 30 days to reopen a closed account."
    closing.save()
    help_articles["company"].delete()
    make_article("Recovering a forgotten username", "If you forgot which username you used, ask for a reminder.")
    updated = semantic.update_matrix(before, "after")
    assert updated is not None and updated.version == "after"
    assert _same(updated, semantic.load_matrix("after"))
    assert semantic.update_matrix(updated, "again").rows == updated.rows  # nothing new: nothing read but the list


def test_a_rebuild_loads_the_matrix_again_instead_of_updating_it(help_articles, monkeypatch):
    before = semantic.load_matrix("before")
    monkeypatch.setattr(semantic, "MAX_UPDATE_SHARE", 0.0)
    monkeypatch.setattr(semantic, "UPDATE_MIN_ROWS", 0)
    rebuild_index()
    assert semantic.update_matrix(before, "after") is None


def test_with_no_matching_word_search_offers_articles_near_in_meaning_flagged_as_such(help_articles):
    page = article_search("forgotten credentials")
    assert page.by_meaning is True
    assert page.results[0].slug == "resetting-your-password"
    assert page.results[0].section_anchor == ""  # no section is claimed for a match by meaning


def test_words_that_match_give_an_ordinary_page(help_articles):
    assert article_search("reset email").by_meaning is False


def test_unrelated_words_still_find_nothing(help_articles):
    page = article_search("banana bread recipe")
    assert page.results == [] and page.by_meaning is False


def test_the_search_page_labels_articles_offered_by_meaning(client, help_articles):
    content = client.get("/search/", {"q": "forgotten credentials"}).content.decode()
    assert "No exact matches; these articles may be related." in content
    assert "Resetting your password" in content


def test_the_search_log_counts_articles_offered_by_meaning_as_no_result(client, help_articles):
    from articles.analytics_batches import search_analytics_flush
    from articles.models import SearchLog

    client.get("/search/", {"q": "forgotten credentials"})
    search_analytics_flush()
    assert SearchLog.objects.get().result_count == 0


def test_the_api_flags_articles_offered_by_meaning_and_keeps_its_fields(client, help_articles):
    data = client.get("/api/search/", {"q": "forgotten credentials"}).json()
    assert data["by_meaning"] is True and data["count"] == len(data["results"]) >= 1
    assert set(data["results"][0]) == {
        "title",
        "slug",
        "url",
        "category",
        "section_title",
        "section_anchor",
        "snippet",
    }
    assert client.get("/api/search/", {"q": "reset email"}).json()["by_meaning"] is False


def test_an_unknown_article_address_offers_articles_near_the_words_of_its_slug(client, help_articles):
    response = client.get("/articles/how-to-reset-my-pasword/")
    content = response.content.decode()
    assert response.status_code == 404
    assert "Articles that may be related" in content
    assert 'href="/articles/resetting-your-password/"' in content


def test_an_unknown_article_address_whose_words_match_nothing_still_offers_the_nearest_by_meaning(
    client, help_articles
):
    assert article_search("forgotten credentials").by_meaning is True  # no word of the slug matches
    response = client.get("/articles/forgotten-credentials/")
    content = response.content.decode()
    assert response.status_code == 404
    assert "Articles that may be related" in content
    assert 'href="/articles/resetting-your-password/"' in content


def test_other_missing_pages_offer_no_articles(client, help_articles):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "may be related" not in response.content.decode()


# --- When the model cannot load ---------------------------------------------------


def test_a_model_that_fails_its_checksum_leaves_search_on_words_alone(broken_model, help_articles, caplog):
    with caplog.at_level(logging.ERROR, logger="articles.search.semantic"):
        semantic.reset_encoder()  # loaded again, and failing again, while the log is watched
        page = article_search("company name")
    assert [r.slug for r in page.results] == ["company-details"]
    assert article_search("forgotten credentials").results == []
    assert "meaning signal unavailable" in caplog.text and "SHA-256" in caplog.text


def test_healthz_says_whether_search_has_its_meaning_signal(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["search_meaning"] == "ok"


def test_healthz_stays_up_and_reports_a_model_that_cannot_load(client, broken_model):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["search_meaning"] == "unavailable"


def test_articles_saved_without_the_model_get_no_vectors_and_search_still_works(broken_model, make_article):
    article = make_article("Closing your account", CLOSING)
    assert not _vectors(article).exists()
    assert article_search("close account").results[0].slug == article.slug


def test_loading_the_model_adds_no_root_log_handler_and_never_imports_wordllama():
    handlers = list(logging.getLogger().handlers)
    semantic.reset_encoder()
    assert semantic.encoder() is not None
    assert logging.getLogger().handlers == handlers
    assert "wordllama" not in sys.modules


def test_the_meaning_signal_scores_candidates_and_offers_the_nearest(help_articles):
    parsed = SimpleNamespace(text="forgotten credentials", corrected="")
    signal = semantic.MeaningSignal()
    scores = signal.scores(parsed, [a.pk for a in help_articles.values()])
    assert set(scores) == {a.pk for a in help_articles.values()}
    assert max(scores, key=scores.get) == help_articles["password"].pk
    assert signal.nearest(parsed, category_id=None, limit=2)[0] == help_articles["password"].pk
    assert signal.nearest(parsed, category_id=help_articles["password"].category_id + 1000, limit=2) == []
