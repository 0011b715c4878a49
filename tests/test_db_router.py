"""The read-replica router (kb/db_router.py), through a second alias on the same test database."""

import pytest
from django.core.signals import request_started
from django.db import connections, router, transaction

from articles.models import Article, Category

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica_on(settings):
    settings.KB_READ_REPLICA = "replica"
    request_started.send(sender=None)  # a fresh request: nothing written yet
    yield
    request_started.send(sender=None)


def test_without_a_replica_everything_goes_to_the_primary(settings):
    settings.KB_READ_REPLICA = ""
    request_started.send(sender=None)
    assert router.db_for_read(Article) == "default"
    assert router.db_for_write(Article) == "default"


def test_reads_go_to_the_replica_and_find_what_the_primary_committed(replica_on, category):
    request_started.send(sender=None)  # the fixture's writes belong to an earlier request
    queryset = Category.objects.filter(slug="account-and-settings")
    assert queryset.db == "replica"
    found = queryset.get()
    assert found._state.db == "replica"
    assert found.name == "Account and Settings"
    assert connections["replica"].connection is not connections["default"].connection


def test_writes_go_to_the_primary(replica_on, category):
    article = Article.objects.create(title="Written", slug="written", category=category)
    assert article._state.db == "default"
    # A model read on the replica is saved to the primary.
    request_started.send(sender=None)
    category = Category.objects.get(pk=category.pk)
    category.name = "Renamed"
    category.save()
    request_started.send(sender=None)
    assert Category.objects.get(pk=category.pk).name == "Renamed"


def test_reads_inside_a_transaction_see_its_own_writes(replica_on, category):
    request_started.send(sender=None)
    with transaction.atomic():
        assert router.db_for_read(Article) == "default"
        Category.objects.filter(pk=category.pk).update(name="Inside")
        assert Category.objects.get(pk=category.pk).name == "Inside"


def test_after_a_write_the_rest_of_the_request_reads_the_primary(replica_on, category):
    request_started.send(sender=None)
    assert router.db_for_read(Category) == "replica"
    Category.objects.create(name="Billing", slug="billing")
    assert router.db_for_read(Category) == "default"
    request_started.send(sender=None)
    assert router.db_for_read(Category) == "replica"


def test_objects_from_either_alias_can_be_related(replica_on, category):
    request_started.send(sender=None)
    from_replica = Category.objects.get(pk=category.pk)
    article = Article(title="Related", slug="related")
    article.category = from_replica  # would raise if the router refused the relation
    article.save()
    assert article.category_id == category.pk


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate("replica", "articles")


def test_pages_are_served_with_the_replica_on(replica_on, client, make_article, settings):
    settings.KB_PAGE_CACHE = False
    make_article("Reading from the replica", slug="replica-article")
    request_started.send(sender=None)
    assert client.get("/articles/replica-article/").status_code == 200
    assert "Reading from the replica" in client.get("/api/search/?q=replica").content.decode()
