"""The editorial workflow: explicit steps, scheduled publishing, review dates and previews."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from articles import selectors
from articles.models import Article
from articles.search import article_search
from articles.workflow import WorkflowError, article_transition
from tests.admin_forms import admin_url, article_form_data, form_errors, messages_of

pytestmark = pytest.mark.django_db


def reasons(article):
    return list(article.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True))


# --- Steps -----------------------------------------------------------------------------


def test_submit_for_review_is_recorded_with_who_and_when(client, role_editor, make_article):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(role_editor)

    response = client.post(
        admin_url("article", "change", article.pk), article_form_data(article, _transition="submit"), follow=True
    )

    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert article.submitted_by == role_editor and article.submitted_at is not None
    assert reasons(article)[-1] == "Submitted for review"
    assert article.history.latest().history_user == role_editor
    assert any("submitted for review" in m for m in messages_of(response))


def test_approve_and_publish_is_recorded_and_makes_the_article_public(client, role_editor, make_article):
    article = make_article(title="Quarantined mailbox recovery", status=Article.Status.IN_REVIEW)
    client.force_login(role_editor)

    client.post(admin_url("article", "change", article.pk), article_form_data(article, _transition="approve"))

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.approved_by == role_editor and article.last_reviewed_at is not None
    assert reasons(article)[-1] == "Approved and published"
    assert [r.slug for r in article_search("quarantined").results] == [article.slug]


def test_the_change_form_offers_the_steps_the_status_allows(client, role_editor, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    published = make_article()
    client.force_login(role_editor)

    draft_page = client.get(admin_url("article", "change", draft.pk))
    live = client.get(admin_url("article", "change", published.pk))

    assert [name for name, _ in draft_page.context["workflow_buttons"]] == ["submit", "approve"]
    assert 'value="approve" class="button">Save, approve and publish</button>' in draft_page.content.decode()
    assert [name for name, _ in live.context["workflow_buttons"]] == ["to_draft"]
    assert "Save and submit for review" not in live.content.decode()


def test_back_to_draft_takes_a_published_article_off_the_site(client, role_editor, make_article):
    article = make_article()
    client.force_login(role_editor)

    client.post(admin_url("article", "change", article.pk), article_form_data(article, _transition="to_draft"))

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 200  # staff still see it
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_step_the_status_does_not_allow_is_refused(editor, make_article):
    article = make_article(status=Article.Status.ARCHIVED)
    with pytest.raises(WorkflowError, match="archived: it cannot be submitted for review"):
        article_transition(article=article, name="submit", user=editor)


def test_an_empty_body_cannot_be_published(client, role_editor, make_article):
    article = make_article(body="", status=Article.Status.IN_REVIEW)
    client.force_login(role_editor)

    response = client.post(
        admin_url("article", "change", article.pk), article_form_data(article, _transition="approve")
    )

    assert response.status_code == 200
    assert any("cannot have an empty body" in e for e in form_errors(response))
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_emptying_the_body_of_a_published_article_is_refused(client, role_editor, make_article):
    article = make_article(body="Useful text.")
    client.force_login(role_editor)

    response = client.post(admin_url("article", "change", article.pk), article_form_data(article, body="  \n"))

    assert response.status_code == 200
    assert "A published article cannot have an empty body" in " ".join(form_errors(response))
    article.refresh_from_db()
    assert article.body == "Useful text."


def test_the_publish_action_skips_empty_articles_and_says_why(client, role_editor, make_article):
    empty = make_article(title="Empty", body="", status=Article.Status.DRAFT)
    client.force_login(role_editor)

    response = client.post(
        admin_url("article", "changelist"), {"action": "publish", "_selected_action": [empty.pk]}, follow=True
    )

    empty.refresh_from_db()
    assert empty.status == Article.Status.DRAFT
    assert any("has an empty body" in m for m in messages_of(response))


# --- Scheduled publishing --------------------------------------------------------------


@pytest.fixture
def scheduled(make_article, make_category):
    category = make_category("Deliverability", slug="deliverability")
    return make_article(
        "Quarantined mailbox recovery",
        "Intro.\n\n## Release the quarantine\nSteps.",
        slug="quarantine",
        category=category,
        publish_at=timezone.now() + timedelta(hours=1),
    )


def everywhere(client, article):
    """Whether each public place shows the article."""
    home = client.get("/").content.decode()
    return {
        "page": client.get("/articles/quarantine/").status_code == 200,
        "category page": "Quarantined mailbox recovery" in client.get("/categories/deliverability/").content.decode(),
        "home counts": "/categories/deliverability/" in home,
        "category counts": any(c.slug == "deliverability" for c in selectors.categories_with_counts()),
        "sitemap": "/articles/quarantine/" in client.get("/sitemap.xml").content.decode(),
        "search": [r.slug for r in article_search("quarantined").results] == ["quarantine"],
        "search total": article_search("quarantined").total == 1,
        "api": client.get("/api/search/", {"q": "quarantined"}).json()["count"] == 1,
        "published()": Article.objects.published().filter(pk=article.pk).exists(),
    }


def test_an_article_with_a_future_publish_date_is_hidden_everywhere(client, scheduled):
    assert not any(everywhere(client, scheduled).values()), everywhere(client, scheduled)


def test_a_scheduled_article_appears_everywhere_when_its_time_comes_with_no_job_running(client, scheduled):
    later = timezone.now() + timedelta(hours=2)

    with mock.patch("django.utils.timezone.now", return_value=later):
        shown = everywhere(client, scheduled)

    assert all(shown.values()), shown


def test_cached_pages_and_searches_show_a_scheduled_article_once_it_is_due(client, scheduled):
    for url in ("/", "/categories/deliverability/"):
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit"  # the page without the article is cached
    client.get("/search/", {"q": "quarantined"})
    later = timezone.now() + timedelta(hours=2)

    with mock.patch("django.utils.timezone.now", return_value=later):
        home = client.get("/")
        category = client.get("/categories/deliverability/")
        search = client.get("/search/", {"q": "quarantined"})

    assert "/categories/deliverability/" in home.content.decode()
    assert "Quarantined mailbox recovery" in category.content.decode()
    assert "Quarantined mailbox recovery" in search.content.decode()


def test_staff_see_a_scheduled_article_marked_as_scheduled(client, editor, scheduled):
    client.force_login(editor)

    response = client.get("/articles/quarantine/")

    assert response.status_code == 200
    assert "Scheduled:" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_admin_list_marks_scheduled_articles(client, editor, scheduled):
    client.force_login(editor)
    assert "Scheduled <small>" in client.get(admin_url("article", "changelist")).content.decode()


# --- Review dates ----------------------------------------------------------------------


@pytest.fixture
def review_dates(make_article):
    today = timezone.localdate()
    return {
        "overdue": make_article("Overdue", review_by=today - timedelta(days=3)),
        "soon": make_article("Soon", review_by=today + timedelta(days=10)),
        "later": make_article("Later", review_by=today + timedelta(days=90)),
        "none": make_article("No date"),
    }


@pytest.mark.parametrize(
    "value, expected",
    [("overdue", {"Overdue"}), ("soon", {"Soon"}), ("due", {"Overdue", "Soon"}), ("none", {"No date"})],
)
def test_the_review_filter_finds_overdue_and_soon_due_articles(client, editor, review_dates, value, expected):
    client.force_login(editor)

    response = client.get(admin_url("article", "changelist"), {"review": value})

    assert {a.title for a in response.context["cl"].result_list} == expected


def test_the_due_for_review_list_shows_stale_content_oldest_date_first(client, role_editor, review_dates):
    client.force_login(role_editor)

    response = client.get(admin_url("articledueforreview", "changelist"))

    assert response.status_code == 200
    assert [a.title for a in response.context["cl"].result_list] == ["Overdue", "Soon"]
    assert "(overdue)" in response.content.decode()


def test_marking_an_article_reviewed_moves_its_review_date_and_shows_on_the_public_page(
    client, role_editor, review_dates
):
    article = review_dates["overdue"]
    client.force_login(role_editor)

    client.post(
        admin_url("articledueforreview", "changelist"),
        {"action": "mark_reviewed", "_selected_action": [article.pk]},
    )

    article.refresh_from_db()
    assert article.last_reviewed_at is not None
    assert article.review_by == timezone.localdate() + timedelta(days=180)
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Last reviewed" in page and f'datetime="{article.last_reviewed_at.isoformat()}' in page


def test_support_agents_see_the_due_list_but_cannot_mark_reviewed(client, support_agent, review_dates):
    client.force_login(support_agent)

    response = client.get(admin_url("articledueforreview", "changelist"))

    assert response.status_code == 200
    assert response.context["action_form"] is None


# --- Preview ---------------------------------------------------------------------------


def test_staff_preview_a_draft_exactly_as_customers_will_see_it(client, editor, make_article):
    draft = make_article("Coming soon", "Intro.\n\n## Steps\nDo this.", status=Article.Status.DRAFT)
    client.force_login(editor)

    preview = client.get(admin_url("article", "preview", draft.pk))
    draft.status = Article.Status.PUBLISHED
    draft.save()
    client.logout()
    public = client.get(draft.get_absolute_url())

    assert preview.status_code == 200
    assert "not visible to customers" not in preview.content.decode()
    assert "no-cache" in preview["Cache-Control"] or "max-age=0" in preview["Cache-Control"]
    assert preview.templates[0].name == public.templates[0].name == "articles/article.html"
    assert preview.context["article"].body_html == public.context["article"].body_html
    # The same article on the page after its header (the public page from its stored parts, the preview
    # rendered live; the header's date moved with the second save).
    assert public.context["parts"] and not preview.context["parts"]

    def article_html(response):
        html = response.content.decode()
        return html[html.index('<article class="article') : html.index("</article>")].split("</header>")[1]

    assert 'href="#steps"' in article_html(preview)
    assert article_html(preview) == article_html(public)


def test_the_preview_is_for_staff_only(client, customer, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(customer)

    response = client.get(admin_url("article", "preview", draft.pk))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_scheduled_articles_are_found_through_their_index_not_by_reading_every_article(db):
    # Asked on every search and every page stored in the cache: on the status index alone
    # a site whose articles are all published reads each article's row every time.
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner without statistics is the one that chose the status index")
    sql, params = Article.objects.scheduled().values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "article_scheduled" in plan, plan
