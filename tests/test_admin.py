"""The admin: pages per role, the article form and actions, contact requests, the Markdown preview."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.markdown import render_markdown
from articles.models import Article, ContactRequest, HelpLink, SearchWord, Section, SynonymGroup
from articles.search import article_search

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:articles_{model}_{view}", args=args)


@pytest.fixture
def objects(make_article, category, site_link):
    """One object of each registered model, for the change pages."""
    article = make_article(title="Troubleshooting login")
    HelpLink.objects.create(label="Reset your password", url="/articles/reset-password/", article=article)
    return {
        "category": category,
        "article": article,
        "helplink": site_link,
        "synonymgroup": SynonymGroup.objects.create(terms="sign in, log in"),
        "contactrequest": ContactRequest.objects.create(
            name="Ann", email="ann@example.com", subject="Locked out", message="I cannot sign in.", article=article
        ),
    }


@pytest.fixture
def staff_without_permissions(django_user_model):
    return django_user_model.objects.create_user("intern", "intern@example.com", "pw-intern-123", is_staff=True)


def run_action(client, model, action, objects):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- Pages per role -------------------------------------------------------------


@pytest.mark.parametrize("role", ["superuser", "editor"])
@pytest.mark.parametrize("model", ["category", "article", "helplink", "synonymgroup", "contactrequest"])
def test_changelist_and_change_page_answer_200_for_superuser_and_editor(client, request, objects, role, model):
    client.force_login(request.getfixturevalue(role))

    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "change", objects[model].pk)).status_code == 200


@pytest.mark.parametrize("role", ["superuser", "editor"])
@pytest.mark.parametrize("model", ["category", "article", "helplink", "synonymgroup"])
def test_add_page_answers_200_for_superuser_and_editor(client, request, role, model):
    client.force_login(request.getfixturevalue(role))

    assert client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("role", ["superuser", "editor"])
def test_contact_request_add_page_is_forbidden_and_not_offered(client, request, objects, role):
    client.force_login(request.getfixturevalue(role))
    add_url = admin_url("contactrequest", "add")

    assert client.get(add_url).status_code == 403
    assert add_url not in client.get(admin_url("contactrequest", "changelist")).content.decode()


def test_staff_without_article_permissions_gets_403_on_the_article_changelist(client, staff_without_permissions):
    client.force_login(staff_without_permissions)

    assert client.get(admin_url("article", "changelist")).status_code == 403


def test_search_words_are_not_in_the_admin():
    assert not admin.site.is_registered(SearchWord)
    assert not admin.site.is_registered(Section)


# --- Articles --------------------------------------------------------------------


def test_article_form_uses_the_markdown_editor_with_live_preview(client, editor):
    client.force_login(editor)

    page = client.get(admin_url("article", "add")).content.decode()

    assert "markdownx-editor" in page
    assert 'data-markdownx-urls-path="/markdownx/markdownify/"' in page
    assert "markdownx-preview" in page


def test_editor_can_create_an_article_with_a_help_link_through_the_add_form(client, editor, category):
    client.force_login(editor)

    response = client.post(
        admin_url("article", "add"),
        {
            "title": "Reset a forgotten password",
            "slug": "reset-a-forgotten-password",
            "category": category.pk,
            "summary": "Get back into your account.",
            "body": "Start here.\n\n## Request a reset link\nOpen the sign-in page.\n\n## The link expired\nRetry.",
            "status": Article.Status.DRAFT,
            "position": "0",
            "search_boost": "0",
            "tags": "password,  reset, password",
            "help_links-TOTAL_FORMS": "1",
            "help_links-INITIAL_FORMS": "0",
            "help_links-MIN_NUM_FORMS": "0",
            "help_links-MAX_NUM_FORMS": "1000",
            "help_links-0-label": "Community forum",
            "help_links-0-url": "https://community.example.com/",
            "help_links-0-position": "0",
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="reset-a-forgotten-password")
    assert '<h2 id="request-a-reset-link">Request a reset link</h2>' in article.body_html
    assert [s.anchor for s in article.sections.all()] == ["", "request-a-reset-link", "the-link-expired"]
    assert article.tags == "password, reset"
    assert [(link.label, link.url) for link in article.help_links.all()] == [
        ("Community forum", "https://community.example.com/")
    ]


def test_editing_the_body_in_the_admin_updates_the_rendered_html_and_sections(client, editor, make_article):
    article = make_article(title="Billing", body="## Old heading\nText.")
    client.force_login(editor)

    response = client.post(
        admin_url("article", "change", article.pk),
        {
            "title": article.title,
            "slug": article.slug,
            "category": article.category_id,
            "summary": "",
            "body": "## Billing terminated\nPay the invoice.",
            "status": article.status,
            "position": "0",
            "search_boost": "0",
            "tags": "",
            "help_links-TOTAL_FORMS": "0",
            "help_links-INITIAL_FORMS": "0",
            "help_links-MIN_NUM_FORMS": "0",
            "help_links-MAX_NUM_FORMS": "1000",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert 'id="billing-terminated"' in article.body_html
    assert [s.anchor for s in article.sections.all()] == ["billing-terminated"]


def test_article_change_page_lists_the_sections_with_their_anchors(client, editor, make_article):
    article = make_article(body="Intro.\n\n## Invalid username or password\nCheck caps lock.")
    client.force_login(editor)

    page = client.get(admin_url("article", "change", article.pk)).content.decode()

    assert f'href="/articles/{article.slug}/#invalid-username-or-password"' in page


def test_editor_can_publish_drafts_with_the_action_and_they_become_findable(client, editor, make_article):
    drafts = [
        make_article(title="Quarantined mailbox recovery", status=Article.Status.DRAFT),
        make_article(title="Quarantined domain recovery", status=Article.Status.DRAFT),
    ]
    already = make_article(title="Something else")
    assert article_search("quarantined").results == []
    client.force_login(editor)

    response = run_action(client, "article", "publish", [*drafts, already])

    assert response.status_code == 200
    assert set(Article.objects.filter(pk__in=[a.pk for a in drafts]).values_list("status", flat=True)) == {
        Article.Status.PUBLISHED
    }
    assert {r.slug for r in article_search("quarantined").results} == {a.slug for a in drafts}
    assert messages_of(response) == ["2 articles published.", "1 article was already published."]
    assert LogEntry.objects.filter(user=editor, object_id=str(drafts[0].pk)).exists()


def test_editor_can_unpublish_with_the_action_and_the_article_is_no_longer_found(client, editor, make_article):
    article = make_article(title="Quarantined mailbox recovery")
    assert [r.slug for r in article_search("quarantined").results] == [article.slug]
    client.force_login(editor)

    response = run_action(client, "article", "unpublish", [article])

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article_search("quarantined").results == []
    assert messages_of(response) == ["1 article moved back to draft."]


def test_archive_action_archives_and_removes_from_search(client, editor, make_article):
    article = make_article(title="Quarantined mailbox recovery")
    client.force_login(editor)

    response = run_action(client, "article", "archive", [article])

    article.refresh_from_db()
    assert article.status == Article.Status.ARCHIVED
    assert article_search("quarantined").results == []
    assert messages_of(response) == ["1 article archived."]


def test_status_actions_are_not_offered_without_the_change_permission(client, staff_without_permissions, make_article):
    article = make_article(status=Article.Status.DRAFT)
    staff_without_permissions.user_permissions.set(Permission.objects.filter(codename="view_article"))
    client.force_login(staff_without_permissions)

    page = client.get(admin_url("article", "changelist"))
    run_action(client, "article", "publish", [article])

    assert page.status_code == 200
    assert page.context["action_form"] is None  # no action this user may run
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_article_changelist_queries_do_not_grow_with_the_number_of_articles(
    client, editor, make_article, make_category, django_assert_max_num_queries
):
    categories = [make_category() for _ in range(3)]
    for n in range(5):
        make_article(category=categories[n % 3])
    client.force_login(editor)
    url = admin_url("article", "changelist")
    client.get(url)  # warm per-process caches (content types, session)

    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    for n in range(25):
        make_article(category=categories[n % 3])
    with django_assert_max_num_queries(12):
        with CaptureQueriesContext(connection) as thirty:
            response = client.get(url)

    assert response.context["cl"].result_count == 30
    assert len(thirty) == len(five)


def test_category_changelist_shows_published_counts_in_a_fixed_number_of_queries(
    client, editor, make_article, make_category
):
    first = make_category(name="Billing")
    make_category(name="Email")
    make_article(category=first)
    make_article(category=first)
    make_article(category=first, status=Article.Status.DRAFT)
    client.force_login(editor)
    url = admin_url("category", "changelist")
    client.get(url)

    with CaptureQueriesContext(connection) as two:
        response = client.get(url)
    for _ in range(10):
        make_article(category=make_category())
    with CaptureQueriesContext(connection) as twelve:
        client.get(url)

    counts = {c.name: c.published_count for c in response.context["cl"].result_list}
    assert counts == {"Account and Settings": 0, "Billing": 2, "Email": 0}
    assert len(twelve) == len(two)


# --- Help links ------------------------------------------------------------------


def test_help_link_changelist_filters_site_wide_and_per_article_links(client, editor, objects):
    client.force_login(editor)
    url = admin_url("helplink", "changelist")

    site_wide = client.get(url, {"scope": "site"}).context["cl"].result_list
    per_article = client.get(url, {"scope": "article"}).context["cl"].result_list

    assert [link.label for link in site_wide] == ["Community forum"]
    assert [link.label for link in per_article] == ["Reset your password"]


# --- Contact requests ------------------------------------------------------------


INLINE_MANAGEMENT = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


def test_agents_change_only_status_and_assignee_of_a_contact_request(client, editor, objects):
    contact = objects["contactrequest"]
    client.force_login(editor)

    response = client.post(
        admin_url("contactrequest", "change", contact.pk),
        {
            "status": ContactRequest.Status.OPEN,
            "assignee": editor.pk,
            "name": "Mallory",
            "message": "Rewritten",
            "_save": "Save",
            **{f"{prefix}-{key}": value for prefix in ("notes", "emails") for key, value in INLINE_MANAGEMENT.items()},
        },
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.status, contact.assignee) == (ContactRequest.Status.OPEN, editor)
    assert (contact.name, contact.message) == ("Ann", "I cannot sign in.")


def test_contact_request_actions_mark_open_and_resolved(client, editor, objects):
    contact = objects["contactrequest"]
    client.force_login(editor)

    run_action(client, "contactrequest", "mark_open", [contact])
    contact.refresh_from_db()
    assert contact.status == ContactRequest.Status.OPEN

    response = run_action(client, "contactrequest", "mark_resolved", [contact])
    contact.refresh_from_db()
    assert contact.status == ContactRequest.Status.RESOLVED
    assert messages_of(response) == ["1 contact request marked as resolved."]


def test_contact_request_changelist_filters_by_notification(client, editor, objects):
    client.force_login(editor)
    url = admin_url("contactrequest", "changelist")

    waiting = client.get(url, {"notified": "no"}).context["cl"].result_list
    notified = client.get(url, {"notified": "yes"}).context["cl"].result_list

    assert list(waiting) == [objects["contactrequest"]]
    assert list(notified) == []


# --- Markdown preview ------------------------------------------------------------

PREVIEW_SAMPLE = (
    "Intro.\n\n## Getting started\nHello <script>alert('x')</script> **world**.\n\n<script>alert(1)</script>"
)


def test_markdown_preview_renders_exactly_like_the_public_page_without_script(client, editor):
    client.force_login(editor)

    response = client.post("/markdownx/markdownify/", {"content": PREVIEW_SAMPLE})

    html = response.content.decode()
    assert response.status_code == 200
    assert html == render_markdown(PREVIEW_SAMPLE).html
    assert '<h2 id="getting-started">Getting started</h2>' in html
    assert "<script" not in html


def test_markdown_preview_requires_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post("/markdownx/markdownify/", {"content": "## Hi"})

    assert response.status_code == 403


def test_contact_request_changelist_queries_do_not_grow_with_the_number_of_requests(client, editor, objects):
    def add_requests(count):
        for n in range(count):
            ContactRequest.objects.create(
                name=f"Customer {n}",
                email=f"c{n}@example.com",
                subject="Locked out",
                message="Help.",
                article=objects["article"],
                assignee=editor,
            )

    add_requests(4)
    client.force_login(editor)
    url = admin_url("contactrequest", "changelist")
    client.get(url)

    with CaptureQueriesContext(connection) as five:
        client.get(url)
    add_requests(25)
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(url)

    assert response.context["cl"].result_count == 30
    assert len(thirty) == len(five)


def test_article_change_page_links_to_the_public_page(client, editor, make_article):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)

    page = client.get(admin_url("article", "change", article.pk))
    redirect = client.get(f"/admin/r/{page.context['content_type_id']}/{article.pk}/")

    assert page.context["has_absolute_url"]
    assert redirect.status_code == 302
    assert redirect["Location"].endswith(f"/articles/{article.slug}/")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "//evil.example/", "ftp://x"])
def test_help_link_urls_must_be_web_mail_or_site_paths(url):
    from django.core.exceptions import ValidationError

    from articles.models import HelpLink

    with pytest.raises(ValidationError):
        HelpLink(label="x", url=url).full_clean()
