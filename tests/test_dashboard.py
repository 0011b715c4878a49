"""The admin's support analytics: figures from recorded events, charts, content gaps."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.dashboard import content_gaps, gap_key, support_report
from articles.models import ArticleFeedback, ArticleViewCount, ContactRequest, SearchLog, VisitEvent
from articles.support_admin import duration_text

pytestmark = pytest.mark.django_db

Kind = VisitEvent.Kind


@pytest.fixture
def login(make_article):
    return make_article(
        "Troubleshooting login",
        "Intro.\n\n## Invalid password\nAgain.\n\n## Billing terminated\nPay.\n",
        slug="login",
    )


def vote(article, visitor, helpful, section=""):
    ArticleFeedback.objects.create(article=article, visitor_key=visitor, helpful=helpful, section_anchor=section)


def request_about(article, **fields):
    return ContactRequest.objects.create(
        name="Ada", email="ada@example.com", subject="Help", message="Please help me.", article=article, **fields
    )


def record(visit, kind, **fields):
    return VisitEvent.objects.create(visit_key=visit, kind=kind, **fields)


def make_activity(login, other):
    today = timezone.localdate()
    ArticleViewCount.objects.create(article=login, date=today, views=40)
    ArticleViewCount.objects.create(article=login, date=today - timedelta(days=1), views=20)
    ArticleViewCount.objects.create(article=login, date=today - timedelta(days=30), views=999)  # outside 7 days
    ArticleViewCount.objects.create(article=other, date=today, views=5)
    for n, helpful in enumerate([True, True, True, False]):
        vote(login, f"v{n}", helpful)
    vote(login, "v0", True, "invalid-password")
    vote(login, "v1", False, "invalid-password")
    vote(login, "v2", True, "billing-terminated")
    request_about(login)
    request_about(login)
    request_about(None)
    # Visits: A deflected, B opened then wrote in, C shown only, D never shown.
    for visit in "ABC":
        record(visit, Kind.SUGGESTIONS_SHOWN)
    record("A", Kind.SUGGESTION_OPENED, article=login)
    record("B", Kind.SUGGESTION_OPENED, article=login)
    record("B", Kind.REQUEST_SENT)
    record("D", Kind.REQUEST_SENT)
    for query, results in [("reset password", 3), ("password reset", 3), ("sso", 0), ("login", 2)]:
        SearchLog.objects.create(query=query, result_count=results)
    SearchLog.objects.filter(query="login").update(clicked_at=timezone.now(), clicked_article=login)
    record("A", Kind.SEARCH, query="reset password")
    record("B", Kind.SEARCH, query="password reset")
    record("C", Kind.SEARCH, query="password reset")
    record("C", Kind.SEARCH, query="sso")


def test_the_report_shows_figures_from_recorded_events(login, make_article):
    other = make_article("Invoices", slug="invoices")
    make_activity(login, other)
    report = support_report(days=7)
    assert report.views == 65 and report.searches == 4 and report.contacts == 3
    assert (report.zero_result_queries, report.unclicked_queries) == (1, 2)
    assert (report.deflection.shown, report.deflection.opened, report.deflection.deflected) == (3, 2, 1)
    first = report.articles[0]
    assert (first.title, first.views, first.helpful, first.not_helpful, first.contacts) == (
        "Troubleshooting login", 60, 3, 1, 2,
    )  # fmt: skip
    assert first.helpful_ratio == 0.75
    assert [(s.title, s.fixed, s.not_fixed) for s in first.sections] == [
        ("Invalid password", 1, 1),
        ("Billing terminated", 1, 0),
    ]
    assert report.articles[1].slug == "invoices" and report.articles[1].views == 5
    assert dict(report.daily["views"])[timezone.localdate()] == 45


def test_content_gaps_group_wordings_and_rank_by_visits(login, make_article):
    make_activity(login, make_article())
    gaps = content_gaps(since=timezone.now() - timedelta(days=7))
    assert [(g.query, g.visitors, g.searches, g.found_nothing) for g in gaps] == [
        ("password reset", 3, 2, False),  # three visits, two wordings
        ("sso", 1, 1, True),
    ]
    assert gaps[0].wordings == ["password reset", "reset password"]


def test_gap_keys_ignore_word_order_plurals_and_filler():
    assert gap_key("How do I reset my passwords") == gap_key("password reset") == "password reset"


def test_the_deflection_rate_is_none_without_suggestions_shown(db):
    assert support_report(days=7).deflection.rate is None


def test_the_median_time_to_first_work_comes_from_first_worked_at(login):
    for minutes in (10, 30, 50):
        request = request_about(login)
        ContactRequest.objects.filter(pk=request.pk).update(
            first_worked_at=request.created_at + timedelta(minutes=minutes)
        )
    request_about(login)  # not worked yet
    assert support_report(days=7).median_to_first_work == timedelta(minutes=30)


def test_durations_read_at_a_glance():
    assert duration_text(timedelta(minutes=108, seconds=30)) == "1 h 48 min"
    assert duration_text(timedelta(minutes=3)) == "3 min"
    assert duration_text(timedelta(days=2, hours=4, minutes=5)) == "2 d 4 h"
    assert duration_text(None) == ""


def test_the_dashboard_page_shows_figures_charts_and_draft_links(admin_client, login, make_article):
    make_activity(login, make_article())
    response = admin_client.get("/admin/articles/articleviewcount/", {"days": 7})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Support analytics" in html and "<svg" in html and "Troubleshooting login" in html
    assert "33%" in html  # 1 of 3 visits deflected
    assert "/admin/articles/article/add/?title=Password+reset" in html
    assert "Invalid password: 1 / 1" in html


def test_the_dashboard_period_is_chosen_from_a_short_list(admin_client, db):
    for days in ("1", "30", "90", "nonsense", "-5", "100000"):
        assert admin_client.get("/admin/articles/articleviewcount/", {"days": days}).status_code == 200


def test_the_dashboard_is_for_staff_only(client, customer, db):
    client.force_login(customer)
    assert client.get("/admin/articles/articleviewcount/").status_code == 302


def test_the_dashboard_query_count_does_not_grow_with_events(admin_client, login, make_article):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get("/admin/articles/articleviewcount/").status_code == 200
        return len(captured)

    make_activity(login, make_article())
    small = queries()
    for n in range(15):
        article = make_article(body="Intro.\n\n## One\nx\n\n## Two\ny")
        ArticleViewCount.objects.create(article=article, date=timezone.localdate(), views=n + 1)
        vote(article, f"w{n}", n % 2 == 0)
        vote(article, f"w{n}", True, "one")
        request_about(article)
        record(f"visit{n}", Kind.SEARCH, query=f"gap query {n}")
        SearchLog.objects.create(query=f"gap query {n}", result_count=0)
    assert queries() == small


def test_feedback_votes_are_listed_read_only_in_the_admin(admin_client, login):
    vote(login, "v1", False)
    response = admin_client.get("/admin/articles/articlefeedback/")
    assert response.status_code == 200 and "Troubleshooting login" in response.content.decode()
    assert admin_client.get("/admin/articles/articlefeedback/add/").status_code == 403


def test_load_demo_records_a_week_of_activity_once(db):
    models = (ArticleViewCount, ArticleFeedback, VisitEvent, ContactRequest)
    call_command("load_demo", stdout=io.StringIO())
    counts = [model.objects.count() for model in models]
    assert all(counts)
    report = support_report(days=7)
    assert report.views and report.deflection.shown and report.gaps and report.articles
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "left alone" in out.getvalue()
    assert [model.objects.count() for model in models] == counts
