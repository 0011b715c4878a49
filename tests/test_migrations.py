"""Search index migrations on a database that already holds published articles."""

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.search import article_search
from articles.search.backends import current_backend

pytestmark = [pytest.mark.django_db(transaction=True)]


def slugs(query, **kwargs):
    return [r.slug for r in article_search(query, **kwargs).results]


def test_the_head_and_lexeme_migration_keeps_an_existing_index_searchable(make_article, make_category):
    billing = make_category("Billing", slug="billing")
    make_article("Understanding your invoice", "## Overage charges\nExtra lines.", slug="invoice", category=billing)
    make_article("Resetting a password", "## Reset link\nUse the link.", slug="password")
    try:
        call_command("migrate", "articles", "0006", verbosity=0)
        call_command("migrate", "articles", verbosity=0)
        assert slugs("invoice overage") == ["invoice"]
        assert slugs("invoice", category="billing") == ["invoice"]
        assert slugs("password", category="billing") == []
        assert slugs("resetting passwords") == ["password"]
        counts = current_backend().word_counts(["invoice", "reset", "quokka"], cap=10)
        assert {word: count.documents for word, count in counts.items()} == {"invoice": 1, "reset": 1, "quokka": 0}
    finally:
        Article.objects.all().delete()  # leaves the index too, which flushing the tables would not


def test_the_workflow_migration_records_existing_articles_as_their_first_version_and_creates_the_roles(
    make_article,
):
    from django.contrib.auth.models import Group

    article = make_article("Understanding your invoice", "## Overage charges\nExtra lines.", slug="invoice")
    try:
        call_command("migrate", "articles", "0008_editorial_workflow", verbosity=0)
        Article.history.all().delete()
        Group.objects.all().delete()
        call_command("migrate", "articles", verbosity=0)

        first = Article.history.get(id=article.pk)
        assert (first.title, first.body, first.history_change_reason) == (
            "Understanding your invoice",
            "## Overage charges\nExtra lines.",
            "Text before history was kept",
        )
        assert set(Group.objects.values_list("name", flat=True)) >= {"Editors", "Support agents"}
        assert Group.objects.get(name="Editors").permissions.filter(codename="publish_article").exists()
    finally:
        Article.objects.all().delete()
