"""History: every save kept with who and when, readable diffs, restore, and no silently lost edit."""

import pytest
from django.test import Client

from articles.history import body_diff, version_diff
from articles.models import Article
from tests.admin_forms import admin_url, article_form_data, form_errors, messages_of

pytestmark = pytest.mark.django_db


def test_every_save_keeps_a_version_with_who_and_when(client, role_editor, make_article):
    article = make_article(title="Billing", body="Old body.")
    client.force_login(role_editor)

    client.post(admin_url("article", "change", article.pk), article_form_data(article, body="New body."))

    versions = list(article.history.order_by("history_date", "history_id"))
    assert [v.body for v in versions] == ["Old body.", "New body."]
    assert [v.version for v in versions] == [1, 2]
    assert versions[-1].history_user == role_editor
    assert versions[-1].history_change_reason == "Changed"
    assert {"title", "summary", "tags", "status", "category_id", "body"} <= {
        f.attname for f in versions[0]._meta.fields
    }


def test_body_diff_marks_added_and_removed_lines_with_context():
    lines = body_diff("one\ntwo\nthree\n", "one\n2\nthree\nfour\n")
    assert ("remove", "two") in lines and ("add", "2") in lines and ("add", "four") in lines
    assert ("same", "one") in lines


def test_version_diff_names_changed_fields_with_readable_values(make_article, make_category):
    article = make_article(title="Old title", body="Same.", status=Article.Status.DRAFT)
    old = article.history.latest()
    article.title, article.category = "New title", make_category("Billing")
    article.status = Article.Status.IN_REVIEW
    article.save()

    changes = {c.label: (c.old, c.new) for c in version_diff(old, article.history.latest())}

    assert changes == {
        "Title": ("Old title", "New title"),
        "Status": ("Draft", "In review"),
        "Category": ("Account and Settings", "Billing"),
    }


def test_comparing_two_versions_shows_an_escaped_diff(client, role_editor, make_article):
    article = make_article(body="Intro.\n\nFirst step.")
    article.body = "Intro.\n\nFirst step.\n\n<script>alert(1)</script> Second step."
    article.save()
    article.title = "Retitled"
    article.save()
    first, _, last = article.history.order_by("history_date", "history_id")
    client.force_login(role_editor)

    response = client.get(admin_url("article", "versions", article.pk), {"a": first.history_id, "b": last.history_id})

    page = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Second step." in page
    assert "<script>alert(1)" not in page
    assert {c.label for c in response.context["diff"]} == {"Title", "Body"}


def test_the_versions_page_compares_the_latest_two_by_default(client, support_agent, make_article):
    article = make_article(title="Before")
    article.title = "After"
    article.save()
    client.force_login(support_agent)

    response = client.get(admin_url("article", "versions", article.pk))

    assert [(c.old, c.new) for c in response.context["diff"]] == [("Before", "After")]
    assert not response.context["can_restore"]


def test_restoring_a_version_saves_it_as_a_new_version(client, role_editor, make_article):
    article = make_article(title="Original", body="Original body.")
    article.title, article.body = "Rewritten", "Rewritten body."
    article.save()
    original = article.history.earliest()
    client.force_login(role_editor)
    url = admin_url("article", "restore", article.pk, original.history_id)

    confirm = client.get(url)
    response = client.post(url, follow=True)

    article.refresh_from_db()
    assert confirm.status_code == 200 and "Restore this version" in confirm.content.decode()
    assert (article.title, article.body) == ("Original", "Original body.")
    assert article.history.count() == 3  # nothing overwritten: the rewrite is still there
    assert article.history.filter(title="Rewritten").exists()
    assert article.history.latest().history_change_reason.startswith("Restored version 1")
    assert any("restored as a new version" in m for m in messages_of(response))
    assert "Original body." in article.body_html  # re-rendered on save


def test_support_agents_cannot_restore_a_version(client, support_agent, make_article):
    article = make_article(title="Original")
    article.title = "Rewritten"
    article.save()
    client.force_login(support_agent)

    response = client.post(admin_url("article", "restore", article.pk, article.history.earliest().history_id))

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Rewritten"


# --- Two editors, one article ------------------------------------------------------------


def test_the_second_of_two_editors_saving_the_same_article_sees_a_conflict_and_nothing_is_overwritten(
    make_article, make_staff
):
    article = make_article(title="Billing", body="Intro.\n\nPay by card.")
    first, second = Client(), Client()
    first.force_login(make_staff("ann", "Editors"))
    second.force_login(make_staff("bob", "Editors"))
    url = admin_url("article", "change", article.pk)
    # Both open the form: each carries the version it was loaded from.
    loaded_first = first.get(url).context["adminform"].form["loaded_version"].value()
    form_page = second.get(url)
    loaded_second = form_page.context["adminform"].form["loaded_version"].value()
    assert f'name="loaded_version" value="{article.version}"' in form_page.content.decode()
    assert loaded_first == loaded_second == article.version

    saved = first.post(url, article_form_data(article, body="Intro.\n\nPay by card or bank transfer."))
    refused = second.post(url, article_form_data(article, body="Intro.\n\nPay by invoice."))

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert any("Someone else saved this article" in e and "by ann" in e for e in form_errors(refused))
    page = refused.content.decode()
    assert "This article changed while you were editing it" in page
    assert "Pay by invoice." in page and "Pay by card or bank transfer." in page  # the diff, both sides
    article.refresh_from_db()
    assert article.body == "Intro.\n\nPay by card or bank transfer."


def test_after_seeing_the_conflict_the_second_editor_may_save_deliberately(make_article, make_staff):
    article = make_article(body="Original.")
    first, second = Client(), Client()
    first.force_login(make_staff("ann", "Editors"))
    second.force_login(make_staff("bob", "Editors"))
    url = admin_url("article", "change", article.pk)
    stale = article_form_data(article, body="Bob's text.")
    first.post(url, article_form_data(article, body="Ann's text."))

    refused = second.post(url, stale)
    again = {**stale, "loaded_version": refused.context["adminform"].form["loaded_version"].value()}
    saved = second.post(url, again)

    assert saved.status_code == 302
    article.refresh_from_db()
    assert article.body == "Bob's text."
    assert article.history.filter(body="Ann's text.").exists()  # still in the history
