"""Shared fixtures: users per role, an article factory, a clean cache."""

import itertools
import os
import shutil

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from articles import analytics_batches
from articles.models import Article, Category, HelpLink
from articles.page_cache import content_memos_clear
from articles.view_counts import buffer_cache

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    buffer_cache.clear()
    content_memos_clear()  # held per process: a rolled-back test's pins and articles go with it
    yield
    cache.clear()
    buffer_cache.clear()
    content_memos_clear()
    # Search analytics a test left unwritten belong to its rolled-back database.
    analytics_batches._local.rows.clear()


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
def make_staff(django_user_model):
    """A staff member in the named role groups (created by the roles migration)."""
    from django.contrib.auth.models import Group

    def make(username, *groups):
        user = django_user_model.objects.create_user(username, f"{username}@example.com", f"pw-{username}-123")
        user.is_staff = True
        user.save()
        user.groups.set(Group.objects.filter(name__in=groups))
        return user

    return make


@pytest.fixture
def role_editor(make_staff):
    """A member of the Editors group."""
    return make_staff("edith", "Editors")


@pytest.fixture
def support_agent(make_staff):
    """A member of the Support agents group."""
    return make_staff("sam", "Support agents")


@pytest.fixture
def customer(django_user_model):
    return django_user_model.objects.create_user("customer", "c@example.com", "pw-customer-123")


# Browser tests: Debian's Chromium driven by Playwright (tests marked `browser`).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    """
    One headless Chromium for the session. Skipped, with the reason, where it
    is not installed; CI installs it and sets KB_REQUIRE_SERVICES=1, which turns
    the skip into a failure.
    """
    if not os.path.exists(CHROMIUM):
        if os.environ.get("KB_REQUIRE_SERVICES"):
            pytest.fail(f"Chromium is required here but missing at {CHROMIUM}")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(5000)
    yield page
    context.close()
