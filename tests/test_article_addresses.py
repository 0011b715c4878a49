"""URLs never break: old slugs redirect, archived articles answer 410 or lead to their replacement."""

import pytest
from django.core.exceptions import ValidationError

from articles.models import Article

pytestmark = pytest.mark.django_db

ARCHIVED = Article.Status.ARCHIVED


def test_an_archived_article_answers_410_with_search_and_still_need_help(client, make_article, site_link):
    make_article("Legacy SMTP relay", slug="legacy-relay", status=ARCHIVED)

    response = client.get("/articles/legacy-relay/")

    page = response.content.decode()
    assert response.status_code == 410
    assert 'role="search"' in page and 'action="/search/"' in page
    assert "Still need help?" in page and "Community forum" in page
    assert '<meta name="robots" content="noindex">' in page


def test_an_archived_article_with_a_replacement_redirects_there_permanently(client, make_article):
    new = make_article("Sending through the API", slug="api-sending")
    make_article("Legacy SMTP relay", slug="legacy-relay", status=ARCHIVED, replaced_by=new)

    response = client.get("/articles/legacy-relay/")

    assert response.status_code == 301 and response["Location"] == "/articles/api-sending/"


def test_a_chain_of_replacements_and_old_slugs_collapses_into_one_redirect(client, make_article):
    final = make_article("Current", slug="current")
    middle = make_article("Middle", slug="middle", status=ARCHIVED, replaced_by=final)
    first = make_article("First", slug="first", status=ARCHIVED, replaced_by=middle)
    first.slug = "first-renamed"
    first.save()

    for old in ("first", "first-renamed", "middle"):
        response = client.get(f"/articles/{old}/")
        assert response.status_code == 301 and response["Location"] == "/articles/current/", old


def test_a_replacement_that_is_not_live_gives_410(client, make_article):
    draft = make_article("Not ready", slug="not-ready", status=Article.Status.DRAFT)
    make_article("Old", slug="old", status=ARCHIVED, replaced_by=draft)

    assert client.get("/articles/old/").status_code == 410


def test_a_loop_of_archived_replacements_ends_in_410(client, make_article):
    one = make_article("One", slug="one", status=ARCHIVED)
    two = make_article("Two", slug="two", status=ARCHIVED, replaced_by=one)
    Article.objects.filter(pk=one.pk).update(replaced_by=two)  # past the form's check

    assert client.get("/articles/one/").status_code == 410
    assert client.get("/articles/two/").status_code == 410


def test_an_editor_cannot_choose_a_replacement_that_leads_back(make_article):
    one = make_article("One", slug="one", status=ARCHIVED)
    two = make_article("Two", slug="two", status=ARCHIVED, replaced_by=one)
    one.replaced_by = two
    with pytest.raises(ValidationError, match="leads back here"):
        one.full_clean()
    one.replaced_by = one
    with pytest.raises(ValidationError, match="leads back here"):
        one.full_clean()


def test_a_draft_with_a_replacement_is_still_404(client, make_article):
    new = make_article("New", slug="new")
    make_article("Draft", slug="draft", status=Article.Status.DRAFT, replaced_by=new)

    assert client.get("/articles/draft/").status_code == 404


def test_an_unknown_address_is_404(client, db):
    assert client.get("/articles/never-existed/").status_code == 404


def test_staff_still_open_an_archived_article_with_a_banner(client, editor, make_article):
    make_article("Legacy SMTP relay", slug="legacy-relay", status=ARCHIVED)
    client.force_login(editor)

    response = client.get("/articles/legacy-relay/")

    assert response.status_code == 200 and "Archived:" in response.content.decode()


def test_an_archived_article_is_not_in_the_sitemap(client, make_article):
    make_article("Legacy SMTP relay", slug="legacy-relay", status=ARCHIVED)
    assert "legacy-relay" not in client.get("/sitemap.xml").content.decode()
