"""Search analytics: submitted searches and opened results are logged, and the admin reports the gaps."""

import io
import re
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles import analytics_batches, view_counts
from articles.analytics import search_report
from articles.analytics_batches import search_analytics_flush
from articles.models import Article, SearchLog, VisitEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(make_article):
    return make_article("Account banned", "Intro.\n\n## Dedicated IPs\nThey are removed.", slug="banned")


def test_a_submitted_search_is_logged_once_with_its_normalised_query(client, article):
    client.get("/search/", {"q": "  Dedicated   IPS "})
    search_analytics_flush()
    log = SearchLog.objects.get()
    assert log.query == "dedicated ips" and log.result_count == 1 and log.clicked_at is None
    assert analytics_batches.token_is_valid(log.token)


def test_a_search_writes_nothing_to_the_database_until_the_analytics_are_flushed(
    client, article, django_assert_num_queries
):
    client.get("/search/", {"q": "dedicated"})  # warms what the search reads once
    Client().get("/search/", {"q": "ips"})
    with django_assert_num_queries(0):
        Client().get("/search/", {"q": "ips"})  # a repeated search, from a new visitor, served from the cache
    assert SearchLog.objects.count() == 0
    assert search_analytics_flush() == 3
    assert sorted(SearchLog.objects.values_list("query", flat=True)) == ["dedicated", "ips", "ips"]
    assert VisitEvent.objects.filter(kind=VisitEvent.Kind.SEARCH).count() == 3
    assert search_analytics_flush() == 0  # nothing is written twice


def test_a_process_flushes_the_search_analytics_every_n_searches(client, article, settings, monkeypatch):
    settings.KB_VIEW_COUNTS_FLUSH_EVERY = 2
    monkeypatch.setattr(analytics_batches, "_schedule", view_counts.FlushSchedule())
    client.get("/search/", {"q": "dedicated"})
    assert SearchLog.objects.count() == 0
    client.get("/search/", {"q": "ips"})
    assert SearchLog.objects.count() == 2


def test_the_flush_command_writes_the_buffered_searches(client, article):
    client.get("/search/", {"q": "dedicated"})
    call_command("flush_view_counts", stdout=io.StringIO())
    assert SearchLog.objects.filter(query="dedicated").count() == 1


def test_searches_keep_the_time_they_were_made_not_the_time_they_were_written(client, article, monkeypatch):
    before = timezone.now()
    client.get("/search/", {"q": "dedicated"})
    after = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: after + timedelta(minutes=5))
    search_analytics_flush()
    assert before <= SearchLog.objects.get().created_at <= after


def test_batches_pushed_by_several_processes_are_all_written_in_order(article):
    for query in ("first", "second", "third"):
        analytics_batches.search_log_keep(query=query, result_count=1)
        analytics_batches._local.push()  # each as its own batch, as several processes would
    assert search_analytics_flush() == 3
    assert list(SearchLog.objects.order_by("pk").values_list("query", flat=True)) == ["first", "second", "third"]


def test_a_batch_still_being_stored_is_waited_for_and_one_that_never_comes_is_passed_over(article, monkeypatch):
    analytics_batches.search_log_keep(query="before", result_count=1)
    analytics_batches._local.push()
    # A slot claimed by a process that has not stored its batch (yet):
    analytics_batches.buffer_cache.incr(analytics_batches.TOP)
    analytics_batches.search_log_keep(query="after", result_count=1)
    analytics_batches._local.push()
    assert search_analytics_flush() == 1  # "after" waits behind the missing batch
    later = time.time() + analytics_batches.GAP_SECONDS + 1
    monkeypatch.setattr(analytics_batches.time, "time", lambda: later)
    assert search_analytics_flush() == 1  # the process died: its batch is passed over
    assert sorted(SearchLog.objects.values_list("query", flat=True)) == ["after", "before"]


def test_searches_are_still_written_after_the_cache_dropped_the_batch_counter(article):
    analytics_batches.search_log_keep(query="first", result_count=1)
    search_analytics_flush()
    analytics_batches.buffer_cache.delete(analytics_batches.TOP)  # evicted: the next batch starts the count again
    analytics_batches.search_log_keep(query="second", result_count=1)
    assert search_analytics_flush() == 1
    assert sorted(SearchLog.objects.values_list("query", flat=True)) == ["first", "second"]


def test_analytics_reports_count_the_searches_not_written_yet(client, article, superuser):
    client.get("/search/", {"q": "quokka"})
    assert search_report(since=timezone.now() - timedelta(days=1)).searches == 1


def _result_link(content):
    [link] = re.findall(r'href="(/search/open/[0-9a-f]{20}/banned/[^"]*)"', content)
    return link.replace("&amp;", "&")


def test_opening_a_result_records_the_click_and_lands_on_the_section(client, article):
    content = client.get("/search/", {"q": "dedicated ips"}).content.decode()
    link = _result_link(content)
    assert link.endswith("?section=dedicated-ips")
    response = client.get(link)  # before the search's row is written
    assert response.status_code == 302 and response["Location"] == "/articles/banned/#dedicated-ips"
    log = SearchLog.objects.get()
    assert log.query == "dedicated ips" and log.clicked_article == article and log.clicked_at is not None
    assert link.split("/")[3] == log.token
    first_click = log.clicked_at
    client.get(link)
    log.refresh_from_db()
    assert log.clicked_at == first_click


def test_a_click_that_comes_before_its_search_is_written_elsewhere_is_kept_for_it(client, article):
    token = analytics_batches.new_token()
    client.get(f"/search/open/{token}/banned/")  # the search waits in another process's buffer
    assert SearchLog.objects.get(token=token).clicked_article == article
    assert search_report(since=timezone.now() - timedelta(days=1)).searches == 0  # no search without its query
    analytics_batches._keep(("log", token, "dedicated ips", 1, timezone.now()))  # that process writes it
    search_analytics_flush()
    log = SearchLog.objects.get()
    assert (log.token, log.query, log.result_count, log.clicked_article) == (token, "dedicated ips", 1, article)


def test_a_forged_token_is_not_stored(client, article):
    response = client.get(f"/search/open/{'a' * 20}/banned/")
    assert response.status_code == 302 and SearchLog.objects.count() == 0


def test_links_made_before_searches_had_tokens_still_record_the_click(client, article):
    log = SearchLog.objects.create(query="dedicated", result_count=1)
    assert client.get(f"/search/open/{log.pk}/banned/").status_code == 302
    log.refresh_from_db()
    assert log.clicked_article == article


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
