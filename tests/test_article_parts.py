"""
An article's page parts (table of contents, text with its feedback forms) are
rendered when it is saved and stored with it; the page shows them only while
they match the running templates, and shows exactly what a live render shows.
"""

import json
from datetime import UTC

import pytest
from django.core.management import call_command
from django.test import Client

from articles import article_parts
from articles.models import Article

BODY = 'Intro.\n\n## Check the cable\nText.\n\n### The red one\nMore.\n\n## Restart & "reset"\nDone.'


@pytest.fixture
def article(make_article, settings):
    settings.KB_PAGE_CACHE = False  # each request renders the page
    return make_article("Printer offline", BODY)


def _page(article, client=None, query=""):
    response = (client or Client()).get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response


def test_saving_stores_the_parts_and_the_page_shows_them(article):
    article.refresh_from_db()
    assert article.page_parts["key"] == article_parts.parts_key()
    assert 'href="#check-the-cable"' in article.page_parts["toc"]
    assert 'id="feedback--restart-reset"' in article.page_parts["body"]
    # Headings are escaped in the stored parts as on the page.
    assert "Restart &amp; &quot;reset&quot;" in article.page_parts["toc"]
    response = _page(article)
    assert response.context["parts"] is not None and response.context["toc"] == []


def test_the_stored_parts_give_the_page_a_live_render_gives(article):
    stored = _page(article).content
    Article.objects.filter(pk=article.pk).update(page_parts={})
    live = _page(article)
    assert live.context["parts"] is None and [s.anchor for s in live.context["toc"]] == [
        "check-the-cable",
        "the-red-one",
        "restart-reset",
    ]
    assert live.content == stored


def test_parts_rendered_by_other_templates_are_not_shown_until_refreshed(article):
    good = _page(article).content
    parts = dict(article.page_parts, key="an-older-version", body="<p>Old text</p>")
    Article.objects.filter(pk=article.pk).update(page_parts=parts)
    response = _page(article)
    assert response.context["parts"] is None and b"Old text" not in response.content
    assert response.content == good

    assert article_parts.stale_article_ids() == [article.pk]
    call_command("refresh_article_pages", "--no-progress", stdout=open("/dev/null", "w"))
    article.refresh_from_db()
    assert article.page_parts["key"] == article_parts.parts_key() and "Old text" not in article.page_parts["body"]
    assert article_parts.stale_article_ids() == []
    assert _page(article).context["parts"] is not None


def test_articles_loaded_without_save_get_their_parts_from_the_command(article, category):
    bulk = Article(title="Bulk", slug="bulk", category=category, body_html="<p>Hi</p>")
    loaded = Article.objects.bulk_create([bulk])
    assert article_parts.stale_article_ids() == [loaded[0].pk]
    assert article_parts.refresh_stored_parts(article_parts.stale_article_ids()) == 1
    assert Article.objects.get(slug="bulk").page_parts["key"] == article_parts.parts_key()


def test_a_voter_sees_their_answer_rendered_for_them(article, client, customer):
    client.force_login(customer)
    response = _page(article, client, "?fixed=check-the-cable&answer=no")
    assert response.context["parts"] is None
    form = response.content.decode().split('id="feedback--check-the-cable"')[1].split("</form>")[0]
    assert 'value="no" class="button button--small" aria-pressed="true"' in form
    # Without an answer in the address, the same visitor gets the stored parts.
    assert _page(article, client).context["parts"] is not None


def test_the_history_does_not_keep_the_parts(article):
    assert "page_parts" not in {f.name for f in Article.history.model._meta.get_fields()}


def test_the_key_follows_the_templates_and_code_that_render_the_parts(monkeypatch):
    key = article_parts.parts_key()
    try:
        monkeypatch.setattr(article_parts, "CODE", (*article_parts.CODE, "articles.seo"))
        article_parts.parts_key.cache_clear()
        assert article_parts.parts_key() not in ("", key)
        monkeypatch.setattr(article_parts, "TEMPLATES", (*article_parts.TEMPLATES, "includes/need_help.html"))
        article_parts.parts_key.cache_clear()
        assert article_parts.parts_key() not in ("", key)
    finally:
        monkeypatch.undo()
        article_parts.parts_key.cache_clear()
    assert article_parts.parts_key() == key


def test_refreshing_locks_each_batch_while_it_renders_it(article):
    """An editor's save waits for the batch instead of being overwritten by parts of the text it replaced."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Article.objects.filter(pk=article.pk).update(page_parts={})
    with CaptureQueriesContext(connection) as captured:
        assert article_parts.refresh_stored_parts([article.pk]) == 1
    statements = [q["sql"].upper() for q in captured.captured_queries]
    read = next(i for i, sql in enumerate(statements) if sql.startswith("SELECT") and "PAGE_PARTS" not in sql)
    write = next(i for i, sql in enumerate(statements) if sql.startswith("UPDATE"))
    assert read < write
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in statements[read]
    # A transaction opened before the read (a savepoint inside the test's own) and not closed until the
    # write is done (SQLite's BEGIN IMMEDIATE takes the write lock at once).
    assert statements[read - 1].startswith("SAVEPOINT")
    opened = statements[read - 1].split()[-1]
    assert not any(sql.startswith("RELEASE") and sql.endswith(opened) for sql in statements[read:write])


def test_the_parts_are_stored_as_plain_text_and_read_back_whole(article):
    """Plain text, not JSON: PostgreSQL converted its `jsonb` and Python parsed the JSON at each page read."""
    from django.db import connection

    article.refresh_from_db()
    parts = article.page_parts
    with connection.cursor() as cursor:
        cursor.execute("SELECT page_parts FROM articles_article WHERE id = %s", [article.pk])
        stored = cursor.fetchone()[0]
    key, lengths, rest = stored.split("\n", 2)
    assert key == parts["key"] and lengths.startswith(f"toc:{len(parts['toc'])} body:{len(parts['body'])} ")
    assert rest.startswith(parts["toc"] + parts["body"])
    odd = {"key": "k", "toc": "<ol>\n<li>Tab\t, “quotes”, ✓ and 12\n34</li>", "body": "\n<p>é</p>\n\n"}
    Article.objects.filter(pk=article.pk).update(page_parts=odd)
    assert Article.objects.get(pk=article.pk).page_parts == odd
    Article.objects.filter(pk=article.pk).update(page_parts={})
    assert Article.objects.get(pk=article.pk).page_parts == {}


@pytest.mark.django_db(transaction=True)
def test_the_migration_to_plain_text_keeps_every_part_both_ways(make_article):
    article = make_article("Printer offline", BODY)
    bare = make_article("Bare", "No headings.")
    Article.objects.filter(pk=bare.pk).update(page_parts={})
    parts = Article.objects.get(pk=article.pk).page_parts
    try:
        call_command("migrate", "articles", "0023", verbosity=0)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT id, page_parts FROM articles_article ORDER BY id")
            rows = dict(cursor.fetchall())
        as_json = {pk: json.loads(value) if isinstance(value, str) else value for pk, value in rows.items()}
        assert as_json == {article.pk: parts, bare.pk: {}}
        call_command("migrate", "articles", verbosity=0)
        assert Article.objects.get(pk=article.pk).page_parts == parts
        assert Article.objects.get(pk=bare.pk).page_parts == {}
        assert article_parts.stale_article_ids() == [bare.pk]
    finally:
        call_command("migrate", "articles", verbosity=0)
        Article.objects.all().delete()


def _stored_and_live(article, monkeypatch, **request):
    """The page with the stored parts, then rendered in full, for the same request."""
    from articles import views

    stored = Client().get(article.get_absolute_url(), **request)
    with monkeypatch.context() as patched:
        patched.setattr(views, "stored_parts", lambda article, request: None)
        live = Client().get(article.get_absolute_url(), **request)
    assert stored.status_code == live.status_code == 200
    return stored, live


def test_the_stored_head_and_top_give_the_page_a_live_render_gives_under_any_host(article, monkeypatch, settings):
    settings.ALLOWED_HOSTS = ["help.example.org", "testserver"]
    for request in ({}, {"HTTP_HOST": "help.example.org", "secure": True}):
        stored, live = _stored_and_live(article, monkeypatch, **request)
        assert {"head", "top"} <= set(stored.context["parts"])
        assert stored.content == live.content
    address = f"https://help.example.org{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{address}">'.encode() in stored.content
    assert f'"url": "{address}"'.encode() in stored.content
    assert b"kb-stored-origin" not in stored.content


def test_a_change_the_article_was_not_saved_for_shows_at_once(article, monkeypatch):
    """A renamed category, a review date set in bulk: the stored head and top no longer hold, the page renders them."""
    from datetime import datetime

    from articles.models import Category

    Category.objects.filter(pk=article.category_id).update(name="Printers & scanners")
    reviewed = datetime(2026, 3, 4, 12, tzinfo=UTC)
    Article.objects.filter(pk=article.pk).update(last_reviewed_at=reviewed)
    stored, live = _stored_and_live(article, monkeypatch)
    assert "head" not in stored.context["parts"] and "top" not in stored.context["parts"]
    assert stored.content == live.content
    assert b"Printers &amp; scanners</a>" in stored.content and b"4 March 2026</time>" in stored.content


def test_under_another_language_the_head_and_top_are_rendered_for_it(article, monkeypatch):
    from django.utils import translation

    with translation.override("de"):
        stored, live = _stored_and_live(article, monkeypatch, HTTP_ACCEPT_LANGUAGE="de")
    assert "top" not in stored.context["parts"] and stored.content == live.content


def test_a_stored_top_is_not_shown_above_an_article_that_is_not_live(article, editor):
    """Staff see a draft's banner; an article saved before its publish date shows its header once live."""
    from datetime import timedelta

    from django.utils import timezone

    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    client = Client()
    client.force_login(editor)
    response = _page(article, client)
    assert "top" not in response.context["parts"] and b'class="status-banner"' in response.content

    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    article.refresh_from_db()
    article.publish_at = timezone.now() + timedelta(days=1)
    article.save()
    response = _page(article, client)
    assert "top" not in response.context["parts"] and b"Scheduled:" in response.content
