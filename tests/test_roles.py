"""Staff roles: what Editors, Support agents and superusers may and may not do, through the admin."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from articles.models import Article, Category, ContactRequest, HelpLink, SynonymGroup
from articles.roles import EDITORS, ROLES, SUPPORT_AGENTS
from tests.admin_forms import admin_url, article_form_data, messages_of, new_article_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(make_article):
    return ContactRequest.objects.create(
        name="Ann", email="ann@example.com", subject="Locked out", message="I cannot sign in."
    )


def run_action(client, model, action, objects):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


# --- The groups ------------------------------------------------------------------------


def test_the_migration_creates_both_groups_with_their_permissions():
    for name, labels in ROLES.items():
        group = Group.objects.get(name=name)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == set(labels)


def test_sync_roles_restores_a_group_that_was_changed_by_hand(capsys):
    editors = Group.objects.get(name=EDITORS)
    editors.permissions.clear()
    Group.objects.get(name=SUPPORT_AGENTS).delete()

    call_command("sync_roles")

    assert editors.permissions.count() == len(ROLES[EDITORS])
    assert Group.objects.get(name=SUPPORT_AGENTS).permissions.count() == len(ROLES[SUPPORT_AGENTS])
    assert "Editors: " in capsys.readouterr().out


def test_support_agents_hold_no_permission_to_write_articles():
    codenames = [label.split(".")[1] for label in ROLES[SUPPORT_AGENTS]]
    assert [c for c in codenames if "article" in c and not c.startswith("view_")] == []


# --- Editors ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["article", "category", "helplink", "synonymgroup"])
def test_editors_open_the_list_and_add_pages_of_what_they_write(client, role_editor, model):
    client.force_login(role_editor)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "add")).status_code == 200


def test_editors_create_submit_and_publish_an_article(client, role_editor, category):
    client.force_login(role_editor)

    response = client.post(admin_url("article", "add"), new_article_data(category, _transition="submit"))

    assert response.status_code == 302
    article = Article.objects.get(slug="reset-a-forgotten-password")
    assert article.status == Article.Status.IN_REVIEW
    response = client.post(
        admin_url("article", "change", article.pk), article_form_data(article, _transition="approve")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert client.get(article.get_absolute_url()).status_code == 200


def test_editors_write_categories_help_links_and_synonyms(client, role_editor):
    client.force_login(role_editor)

    client.post(admin_url("category", "add"), {"name": "Billing", "slug": "billing", "position": "0"})
    client.post(admin_url("helplink", "add"), {"label": "Forum", "url": "https://forum.example.com/", "position": "0"})
    client.post(admin_url("synonymgroup", "add"), {"terms": "bill, invoice"})

    assert Category.objects.filter(slug="billing").exists()
    assert HelpLink.objects.filter(label="Forum").exists()
    assert SynonymGroup.objects.filter(terms="bill, invoice").exists()


def test_an_editor_deleting_an_article_archives_it(client, role_editor, make_article):
    article = make_article()
    client.force_login(role_editor)

    page = client.get(admin_url("article", "delete", article.pk))
    response = client.post(admin_url("article", "delete", article.pk), {"post": "yes"}, follow=True)

    assert "Yes, archive it" in page.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.ARCHIVED
    assert any("was archived" in m for m in messages_of(response))


def test_editors_cannot_purge_an_article(client, role_editor, make_article):
    article = make_article()
    client.force_login(role_editor)

    assert client.get(admin_url("article", "purge", article.pk)).status_code == 403
    assert client.post(admin_url("article", "purge", article.pk), {"confirm": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_editors_do_not_work_contact_requests(client, role_editor, contact):
    client.force_login(role_editor)
    assert client.get(admin_url("contactrequest", "changelist")).status_code == 403


def test_the_bulk_delete_action_is_replaced_by_archive(client, role_editor, make_article):
    make_article()
    client.force_login(role_editor)

    actions = [name for name, _ in client.get(admin_url("article", "changelist")).context["action_form"].fields[
        "action"].choices]  # fmt: skip

    assert "delete_selected" not in actions
    assert {"submit_for_review", "publish", "unpublish", "archive", "mark_reviewed"} <= set(actions)


# --- Support agents --------------------------------------------------------------------


def test_support_agents_read_every_article_in_the_admin_and_on_the_site(client, support_agent, make_article):
    draft = make_article(title="Unreleased feature", status=Article.Status.DRAFT)
    client.force_login(support_agent)

    listing = client.get(admin_url("article", "changelist"))
    change = client.get(admin_url("article", "change", draft.pk))
    public = client.get(draft.get_absolute_url())

    assert listing.status_code == 200 and draft in listing.context["cl"].result_list
    assert change.status_code == 200 and not change.context["has_change_permission"]
    assert public.status_code == 200 and "not visible to customers" in public.content.decode()


def test_support_agents_cannot_edit_add_delete_or_publish_articles(client, support_agent, make_article):
    draft = make_article(title="Unreleased feature", body="Original.", status=Article.Status.DRAFT)
    client.force_login(support_agent)

    edit = client.post(admin_url("article", "change", draft.pk), article_form_data(draft, body="Changed."))
    add = client.get(admin_url("article", "add"))
    delete = client.post(admin_url("article", "delete", draft.pk), {"post": "yes"})
    listing = client.get(admin_url("article", "changelist"))
    run_action(client, "article", "publish", [draft])
    submit = client.post(admin_url("article", "change", draft.pk), article_form_data(draft, _transition="approve"))

    assert (edit.status_code, add.status_code, delete.status_code, submit.status_code) == (403, 403, 403, 403)
    assert listing.context["action_form"] is None
    draft.refresh_from_db()
    assert (draft.body, draft.status) == ("Original.", Article.Status.DRAFT)


def test_support_agents_cannot_start_or_approve_working_copies(client, support_agent, make_article):
    article = make_article()
    client.force_login(support_agent)

    response = client.post(admin_url("article", "working_copy", article.pk))

    assert response.status_code == 403
    assert not article.revisions.exists()


def test_support_agents_work_contact_requests(client, support_agent, contact):
    client.force_login(support_agent)

    management = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}
    response = client.post(
        admin_url("contactrequest", "change", contact.pk),
        {
            "status": ContactRequest.Status.OPEN,
            "assignee": support_agent.pk,
            **{f"emails-{key}": value for key, value in management.items()},
            **{f"notes-{key}": value for key, value in management.items()},
            "notes-TOTAL_FORMS": "1",
            "notes-0-body": "Asked for a screenshot.",
            "notes-0-contact_request": contact.pk,
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.status, contact.assignee) == (ContactRequest.Status.OPEN, support_agent)
    assert [(n.body, n.author) for n in contact.notes.all()] == [("Asked for a screenshot.", support_agent)]


def test_support_agents_see_search_analytics(client, support_agent):
    client.force_login(support_agent)
    assert client.get(admin_url("searchlog", "changelist")).status_code == 200


@pytest.mark.parametrize("model", ["category", "helplink", "synonymgroup"])
def test_support_agents_cannot_add_categories_links_or_synonyms(client, support_agent, model):
    client.force_login(support_agent)
    assert client.get(admin_url(model, "add")).status_code == 403


# --- Superusers ------------------------------------------------------------------------


def test_a_superuser_purges_an_article_after_confirming(client, superuser, make_article):
    article = make_article()
    article.title = "Renamed"
    article.save()
    client.force_login(superuser)
    url = admin_url("article", "purge", article.pk)

    page = client.get(url)
    unconfirmed = client.post(url, {})
    assert Article.objects.filter(pk=article.pk).exists()
    response = client.post(url, {"confirm": "yes"}, follow=True)

    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    assert unconfirmed.status_code == 200
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Article.history.filter(id=article.pk).exists()
    assert any("deleted permanently" in m for m in messages_of(response))


def test_the_purge_link_is_offered_to_superusers_only(client, superuser, role_editor, make_article):
    article = make_article()
    purge = admin_url("article", "purge", article.pk)

    client.force_login(superuser)
    as_superuser = client.get(admin_url("article", "change", article.pk)).content.decode()
    client.force_login(role_editor)
    as_editor = client.get(admin_url("article", "change", article.pk)).content.decode()

    assert purge in as_superuser and purge not in as_editor
