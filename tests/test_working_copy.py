"""Working copies: changing a published article without touching the live page until approval."""

import pytest
from django.db import IntegrityError
from django.test import Client

from articles.models import Article, ArticleRevision
from articles.search import article_search
from articles.workflow import revision_start
from tests.admin_forms import admin_url, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(make_article):
    return make_article(
        "Quarantined mailbox recovery",
        "Intro.\n\n## Release the quarantine\nOpen the quarantine page.",
        slug="quarantine",
        tags="quarantine",
    )


def copy_form(revision, **changes):
    data = {
        "title": revision.title,
        "category": revision.category_id,
        "summary": revision.summary,
        "body": revision.body,
        "tags": revision.tags,
        "loaded_version": revision.version,
        "_save": "Save",
    }
    data.update(changes)
    return data


def start(client, article):
    response = client.post(admin_url("article", "working_copy", article.pk))
    assert response.status_code == 302
    return ArticleRevision.objects.get(article=article, state=ArticleRevision.State.OPEN)


def test_an_editor_edits_a_published_article_in_a_working_copy_without_touching_the_live_page(
    client, role_editor, live
):
    client.force_login(role_editor)
    revision = start(client, live)

    response = client.post(
        revision.get_absolute_url(),
        copy_form(revision, title="Recovering a quarantined mailbox", body="## Unblock the mailbox\nUse unblock."),
    )

    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.body == "## Unblock the mailbox\nUse unblock."
    assert revision.started_by == role_editor and revision.base_version == live.version
    client.logout()
    page = client.get("/articles/quarantine/").content.decode()
    assert "Open the quarantine page." in page and "Use unblock" not in page
    assert [r.section_anchor for r in article_search("quarantine release").results][:1] == ["release-the-quarantine"]
    assert article_search("unblock").results == []


def test_approving_a_working_copy_replaces_the_live_text_in_one_step(client, role_editor, live):
    client.force_login(role_editor)
    revision = start(client, live)
    client.post(revision.get_absolute_url(), copy_form(revision, body="## Unblock the mailbox\nUse unblock."))

    response = client.post(revision.get_absolute_url(), {**copy_form(revision), "_approve": "1"}, follow=True)

    live.refresh_from_db()
    revision.refresh_from_db()
    assert live.body == "## Unblock the mailbox\nUse unblock."
    assert 'id="unblock-the-mailbox"' in live.body_html
    assert [s.anchor for s in live.sections.all()] == ["unblock-the-mailbox"]
    assert [r.slug for r in article_search("unblock").results] == ["quarantine"]
    assert revision.state == ArticleRevision.State.APPROVED and revision.closed_by == role_editor
    assert live.history.latest().history_change_reason == "Working copy approved"
    assert live.history.latest().history_user == role_editor
    assert any("The working copy is live" in m for m in messages_of(response))


def test_a_preview_of_the_working_copy_shows_its_text_as_customers_would(client, role_editor, live):
    client.force_login(role_editor)
    revision = start(client, live)
    client.post(revision.get_absolute_url(), copy_form(revision, body="Intro.\n\n## Unblock the mailbox\nUse it."))

    response = client.get(admin_url("article", "preview", live.pk), {"working_copy": revision.pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="unblock-the-mailbox"' in page and 'href="#unblock-the-mailbox"' in page
    assert "Open the quarantine page." not in page


def test_a_second_editor_sees_the_open_working_copy_and_who_started_it(live, make_staff):
    first, second = Client(), Client()
    first.force_login(make_staff("ann", "Editors"))
    second.force_login(make_staff("bob", "Editors"))
    revision = start(first, live)

    start_page = second.get(admin_url("article", "working_copy", live.pk)).content.decode()
    change_page = second.get(admin_url("article", "change", live.pk)).content.decode()
    listing = second.get(admin_url("article", "changelist")).content.decode()
    again = second.post(admin_url("article", "working_copy", live.pk), follow=True)

    assert "already open: started by <strong>ann</strong>" in start_page
    assert "A working copy of this article is open, started by <strong>ann</strong>" in change_page
    assert "open, by ann" in listing
    assert again.redirect_chain[-1][0] == revision.get_absolute_url()
    assert any("already started by ann" in m for m in messages_of(again))
    assert ArticleRevision.objects.filter(article=live).count() == 1


def test_the_database_allows_one_open_working_copy_per_article(live, editor):
    revision_start(article=live, user=editor)
    with pytest.raises(IntegrityError):
        ArticleRevision.objects.create(
            article=live, title="x", category=live.category, base_version=live.version, started_by=editor
        )


def test_a_closed_working_copy_does_not_block_a_new_one(live, editor, client):
    client.force_login(editor)
    first, _ = revision_start(article=live, user=editor)
    client.post(first.get_absolute_url(), {**copy_form(first), "_discard": "1"})

    second, created = revision_start(article=live, user=editor)

    assert created and second.pk != first.pk


def test_approval_is_refused_when_the_live_article_changed_since_the_copy_began(client, role_editor, live):
    client.force_login(role_editor)
    revision = start(client, live)
    client.post(revision.get_absolute_url(), copy_form(revision, body="Copy text."))
    live.refresh_from_db()
    live.body = "A quick fix made on the live article."
    live.save()

    refused = client.post(revision.get_absolute_url(), {**copy_form(revision), "_approve": "1"}, follow=True)
    live.refresh_from_db()
    assert live.body == "A quick fix made on the live article."
    assert any("changed after this working copy was started" in m for m in messages_of(refused))
    assert refused.context["live_changed"]

    client.post(revision.get_absolute_url(), {**copy_form(revision), "_rebase": "1"})
    client.post(revision.get_absolute_url(), {**copy_form(revision), "_approve": "1"})
    live.refresh_from_db()
    assert live.body == "Copy text."
    assert live.history.filter(body="A quick fix made on the live article.").exists()


def test_an_empty_working_copy_cannot_be_approved(client, role_editor, live):
    client.force_login(role_editor)
    revision = start(client, live)
    client.post(revision.get_absolute_url(), copy_form(revision, body=""))

    response = client.post(revision.get_absolute_url(), {**copy_form(revision), "_approve": "1"}, follow=True)

    live.refresh_from_db()
    assert "Open the quarantine page." in live.body
    assert any("cannot have an empty body" in m for m in messages_of(response))


def test_discarding_a_working_copy_leaves_the_live_article_alone(client, role_editor, live):
    client.force_login(role_editor)
    revision = start(client, live)
    client.post(revision.get_absolute_url(), copy_form(revision, body="Never mind."))

    client.post(revision.get_absolute_url(), {**copy_form(revision), "_discard": "1"})

    revision.refresh_from_db()
    live.refresh_from_db()
    assert revision.state == ArticleRevision.State.DISCARDED
    assert "Open the quarantine page." in live.body
    assert client.post(revision.get_absolute_url(), copy_form(revision, body="Again.")).status_code == 403


def test_two_editors_saving_one_working_copy_get_a_conflict(live, make_staff):
    first, second = Client(), Client()
    first.force_login(make_staff("ann", "Editors"))
    second.force_login(make_staff("bob", "Editors"))
    revision = start(first, live)
    stale = copy_form(revision, body="Bob's copy.")

    first.post(revision.get_absolute_url(), copy_form(revision, body="Ann's copy."))
    refused = second.post(revision.get_absolute_url(), stale)

    revision.refresh_from_db()
    assert refused.status_code == 200 and "Someone else saved this working copy" in refused.content.decode()
    assert revision.body == "Ann's copy."


def test_restoring_an_old_version_of_a_published_article_without_publish_rights_opens_a_working_copy(
    client, make_staff, live
):
    from django.contrib.auth.models import Permission

    writer = make_staff("wendy")
    writer.user_permissions.set(
        Permission.objects.filter(codename__in=["view_article", "change_article", "change_articlerevision",
                                                "view_articlerevision"])
    )  # fmt: skip
    live.body = "Rewritten."
    live.save()
    client.force_login(writer)

    response = client.post(admin_url("article", "restore", live.pk, live.history.earliest().history_id))

    live.refresh_from_db()
    revision = ArticleRevision.objects.get(article=live)
    assert response.status_code == 302 and response["Location"] == revision.get_absolute_url()
    assert live.body == "Rewritten." and "Open the quarantine page." in revision.body
    assert Article.objects.get(pk=live.pk).status == Article.Status.PUBLISHED
