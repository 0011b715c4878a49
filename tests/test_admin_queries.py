"""The article admin's pages make a fixed number of queries, however many articles and versions there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleRevision
from tests.admin_forms import admin_url

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def add_articles(category, count, start=0):
    """Many articles at once (bulk: no rendering or indexing, which these pages never read)."""
    Article.objects.bulk_create(
        Article(title=f"Bulk article {n}", slug=f"bulk-{n}", category=category, body=f"Text {n}.", version=1)
        for n in range(start, start + count)
    )


def add_versions(article, count):
    HistoricalArticle = Article.history.model
    kept = {f.attname for f in HistoricalArticle._meta.concrete_fields}  # the history leaves some fields out
    fields = [f.attname for f in Article._meta.concrete_fields if f.attname in kept]
    record = {name: getattr(article, name) for name in fields}
    now = timezone.now()
    HistoricalArticle.objects.bulk_create(
        HistoricalArticle(
            **{**record, "version": n}, history_date=now, history_type="~", history_change_reason="Changed"
        )
        for n in range(count)
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_article_list_and_change_pages_do_not_grow_with_articles_or_versions(client, editor, make_article, category):
    article = make_article(title="Measured", body="Intro.\n\n## One\nText.")
    article.title = "Measured again"
    article.save()  # two versions: the versions page shows a diff
    ArticleRevision.objects.create(
        article=article, title="x", category=category, base_version=article.version, started_by=editor
    )
    add_articles(category, 4)
    client.force_login(editor)
    urls = {
        "list": admin_url("article", "changelist"),
        "list, filtered by review date": admin_url("article", "changelist") + "?review=due",
        "change": admin_url("article", "change", article.pk),
        "versions": admin_url("article", "versions", article.pk),
        "due for review": admin_url("articledueforreview", "changelist"),
    }
    for url in urls.values():
        queries(client, url)  # warm per-process caches (content types, session)
    small = {name: queries(client, url) for name, url in urls.items()}

    add_articles(category, 1000, start=100)
    add_versions(article, 200)
    large = {name: queries(client, url) for name, url in urls.items()}

    assert large == small
    assert small["list"] <= 12 and small["change"] <= 16
