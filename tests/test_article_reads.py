"""
The article page's plain-SQL reads (selectors.public_article, table_of_contents,
related_articles) give what their ORM forms give, on every engine, and follow
the one rule for what customers see.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import selectors
from articles.models import Article, published_condition, published_sql
from articles.page_cache import content_memos_clear

BODY = "Intro.\n\n## Check the cable\nText.\n\n### The red one\nMore.\n\n## Restart\nDone.\n\n#### Deep\nDeeper."


def _fields(instance, leave_out=()):
    return {
        f.attname: getattr(instance, f.attname)
        for f in type(instance)._meta.concrete_fields
        if f.name not in leave_out
    }


@pytest.fixture
def articles(make_article):
    now = timezone.now()
    return {
        "published": make_article(body=BODY, position=3, summary="S", last_reviewed_at=now, search_boost=2),
        "due": make_article(publish_at=now - timedelta(minutes=1), position=1),
        "scheduled": make_article(publish_at=now + timedelta(days=1), position=2),
        "draft": make_article(status=Article.Status.DRAFT, position=4),
        "archived": make_article(status=Article.Status.ARCHIVED, position=5),
        "in review": make_article(status=Article.Status.IN_REVIEW, position=6),
        "second": make_article(title="Same position", position=3),
    }


def test_the_sql_rule_is_the_orm_rule(articles):
    published, params = published_sql("a")
    table = Article._meta.db_table
    rows = Article.objects.raw(f"SELECT a.id FROM {table} a WHERE {published}", params)
    assert {a.pk for a in rows} == set(Article.objects.filter(published_condition()).values_list("pk", flat=True))
    assert {a.pk for a in rows} == {articles[k].pk for k in ("published", "due", "second")}


def test_a_published_article_is_read_as_the_orm_reads_it(articles):
    content_memos_clear()
    for key in ("published", "due"):
        expected = Article.objects.published().select_related("category").get(pk=articles[key].pk)
        found = selectors.public_article(expected.slug)
        assert _fields(found, leave_out=("body", "body_html")) == _fields(expected, leave_out=("body", "body_html"))
        assert found.category == expected.category and found.category.name == expected.category.name
        assert found.updated_at.tzinfo is not None and found.is_live and found.is_published
        # The Markdown and HTML are left out: reading them is a query of their own, and it still works.
        assert {"body", "body_html"} <= found.get_deferred_fields()
        assert found.body_html == expected.body_html


@pytest.mark.parametrize("key", ["scheduled", "draft", "archived", "in review"])
def test_what_customers_may_not_see_is_not_read(articles, key):
    assert selectors.public_article(articles[key].slug) is None


def test_an_unknown_or_hostile_address_reads_nothing(articles):
    for slug in ("nope", "' OR 1=1 --", articles["published"].slug.upper(), ""):
        assert selectors.public_article(slug) is None


def test_the_table_of_contents_is_the_orm_one(articles):
    article = articles["published"]
    expected = list(article.sections.filter(level__in=(2, 3)).defer("text"))
    found = selectors.table_of_contents(article)
    assert [_fields(s, leave_out=("text",)) for s in found] == [_fields(s, leave_out=("text",)) for s in expected]
    assert [s.title for s in found] == ["Check the cable", "The red one", "Restart"]


def test_related_articles_are_the_orm_ones(articles, make_article):
    extra = [make_article(position=p) for p in (0, 7, 8, 9)]
    article = articles["published"]
    expected = list(selectors.category_articles(article.category).exclude(pk=article.pk)[:5])
    content_memos_clear()
    found = selectors.related_articles(article)
    assert [a.pk for a in found] == [a.pk for a in expected]
    assert [(a.title, a.get_absolute_url(), a.category_id) for a in found] == [
        (a.title, a.get_absolute_url(), a.category_id) for a in expected
    ]
    # Fields a link does not need are read when asked for.
    assert found[0].summary == expected[0].summary and found[0].updated_at == expected[0].updated_at
    assert article.pk not in [a.pk for a in found] and extra[0].pk == found[0].pk
    # The first in reading order, whichever article of the category asks.
    content_memos_clear()
    first = selectors.related_articles(extra[1])
    assert [a.pk for a in first] == [
        extra[0].pk,
        articles["due"].pk,
        articles["published"].pk,
        articles["second"].pk,
        extra[2].pk,
    ]


def test_related_articles_follow_a_content_change(articles, make_article):
    article = articles["published"]
    before = [a.pk for a in selectors.related_articles(article)]
    newcomer = make_article(position=0)
    assert [a.pk for a in selectors.related_articles(article)] == [newcomer.pk, *before][:5]


def test_the_article_page_is_the_same_for_a_customer_and_for_staff(client, admin_client, articles):
    """The customer's page comes from the plain-SQL reads, staff's from the ORM: the same page."""
    url = articles["published"].get_absolute_url()
    customer, staff = client.get(url), admin_client.get(url)
    assert customer.status_code == staff.status_code == 200
    strip = lambda html: html.split("<main", 1)[1].split("</main>", 1)[0]  # noqa: E731  (staff pages differ outside main only)
    assert strip(customer.content.decode()) == strip(staff.content.decode())
