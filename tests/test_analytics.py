"""Search analytics: submitted searches and opened results are logged, and the admin reports the gaps."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.analytics import search_report
from articles.models import Article, SearchLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(make_article):
    return make_article("Account banned", "Intro.\n\n## Dedicated IPs\nThey are removed.", slug="banned")


def test_a_submitted_search_is_logged_once_with_its_normalised_query(client, article):
    client.get("/search/", {"q": "  Dedicated   IPS "})
    log = SearchLog.objects.get()
    assert log.query == "dedicated ips" and log.result_count == 1 and log.clicked_at is None


def test_further_pages_and_api_calls_are_not_logged(client, article):
    client.get("/search/", {"q": "dedicated", "page": 2})
    client.get("/api/search/", {"q": "dedicated"})
    client.get("/search/", {"q": ""})
    assert SearchLog.objects.count() == 0


def test_the_log_holds_no_personal_data():
    fields = {field.name for field in SearchLog._meta.get_fields()}
    assert fields == {"id", "query", "result_count", "created_at", "clicked_article", "clicked_at"}


def test_opening_a_result_records_the_click_and_lands_on_the_section(client, article):
    content = client.get("/search/", {"q": "dedicated ips"}).content.decode()
    log = SearchLog.objects.get()
    link = f"/search/open/{log.pk}/banned/?section=dedicated-ips"
    assert link.replace("&", "&amp;") in content
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == "/articles/banned/#dedicated-ips"
    log.refresh_from_db()
    assert log.clicked_article == article and log.clicked_at is not None
    first_click = log.clicked_at
    client.get(link)
    log.refresh_from_db()
    assert log.clicked_at == first_click


def test_opening_with_an_unknown_section_goes_to_the_article(client, article):
    response = client.get("/search/open/999/banned/", {"section": "javascript:alert(1)"})
    assert response["Location"] == "/articles/banned/"


def test_opening_an_unpublished_or_unknown_article_is_404(client, make_article):
    make_article("Draft", slug="draft", status=Article.Status.DRAFT)
    assert client.get("/search/open/1/draft/").status_code == 404
    assert client.get("/search/open/1/nope/").status_code == 404


def test_report_lists_top_zero_result_and_unopened_queries(article):
    for query, results, clicked in [("dkim", 3, True), ("dkim", 3, False), ("quokka", 0, False), ("spf", 2, False)]:
        log = SearchLog.objects.create(query=query, result_count=results)
        if clicked:
            log.clicked_article, log.clicked_at = article, timezone.now()
            log.save()
    old = SearchLog.objects.create(query="ancient", result_count=0)
    SearchLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))

    report = search_report(since=timezone.now() - timedelta(days=30))
    assert report.searches == 4
    assert [(r["query"], r["searches"]) for r in report.top] == [("dkim", 2), ("quokka", 1), ("spf", 1)]
    assert [r["query"] for r in report.zero_results] == ["quokka"]
    assert [r["query"] for r in report.unclicked] == ["spf"]


@pytest.mark.parametrize("user", ["superuser", "editor"])
def test_admin_report_offers_a_draft_for_zero_result_queries(client, request, user):
    SearchLog.objects.create(query="webhook retries", result_count=0)
    client.force_login(request.getfixturevalue(user))
    response = client.get("/admin/articles/searchlog/", {"days": "7"})
    content = response.content.decode()
    assert response.status_code == 200 and "webhook retries" in content
    assert "/admin/articles/article/add/?title=Webhook+retries" in content
    add_form = client.get("/admin/articles/article/add/", {"title": "Webhook retries"}).content.decode()
    assert 'value="Webhook retries"' in add_form


def test_admin_report_survives_a_bad_period(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/articles/searchlog/", {"days": "abc"}).status_code == 200


def test_admin_report_needs_the_view_permission(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("staff", password="x", is_staff=True))
    assert client.get("/admin/articles/searchlog/").status_code == 403
