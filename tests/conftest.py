"""Shared fixtures: users per role, an article factory, a clean cache."""

import itertools

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from articles.models import Article, Category, HelpLink

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_search_index(request):
    """
    Transactional tests empty the tables by flushing, which bypasses Article.delete()
    and so leaves the (unmanaged) search index tables behind: start them clean.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction") or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        from articles.search import rebuild_index

        rebuild_index()


@pytest.fixture
def category(db):
    return Category.objects.create(name="Account and Settings", slug="account-and-settings", position=1)


@pytest.fixture
def make_category(db):
    def make(name=None, **fields):
        n = next(_counter)
        name = name or f"Category {n}"
        fields.setdefault("slug", f"category-{n}")
        return Category.objects.create(name=name, **fields)

    return make


@pytest.fixture
def make_article(db, category):
    """Create an article; published unless told otherwise."""

    def make(title=None, body="Some text.\n\n## First section\nMore text.", **fields):
        n = next(_counter)
        fields.setdefault("category", category)
        fields.setdefault("status", Article.Status.PUBLISHED)
        fields.setdefault("slug", f"article-{n}")
        return Article.objects.create(title=title or f"Article {n}", body=body, **fields)

    return make


@pytest.fixture
def site_link(db):
    return HelpLink.objects.create(label="Community forum", url="https://community.example.com/")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", "pw-admin-123")


@pytest.fixture
def editor(django_user_model):
    """Staff, not superuser, with every permission on the articles app's models."""
    user = django_user_model.objects.create_user("editor", "editor@example.com", "pw-editor-123", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles"))
    return user


@pytest.fixture
def customer(django_user_model):
    return django_user_model.objects.create_user("customer", "c@example.com", "pw-customer-123")
