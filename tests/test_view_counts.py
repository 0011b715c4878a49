"""Article views: counted in the cache on every page view, written to the database in batches."""

import io
import os
from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import timezone

from articles import analytics_batches, view_counts
from articles.models import ArticleViewCount, SearchLog
from articles.view_counts import ArticleViewCountMiddleware, article_view_count, view_counts_flush

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture(autouse=True)
def _empty_process_buffer():
    """Views other tests counted in this process are not this test's."""
    with view_counts._local.lock:
        view_counts._local.counts.clear()
        view_counts._local.views = 0


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request, settings):
    """Run the test on the local-memory cache and, where REDIS_URL is set, on Redis."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("REDIS_URL is not set (CI's PostgreSQL run sets it)")
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "view-counts-test"}
    with override_settings(CACHES={"default": backend}):
        caches["default"].clear()
        yield caches["default"]
        caches["default"].clear()


def views_of(article):
    return sum(ArticleViewCount.objects.filter(article=article).values_list("views", flat=True))


def test_a_page_view_writes_nothing_to_the_database(client, make_article, django_assert_num_queries):
    article = make_article()
    client.get(article.get_absolute_url())  # warm up: sessions, content types
    with django_assert_num_queries(0):
        article_view_count(slug=article.slug)
    assert ArticleViewCount.objects.count() == 0


def test_views_are_counted_and_flushed_in_one_batch(any_cache, client, make_article):
    first, second = make_article(), make_article()
    for _ in range(3):
        client.get(first.get_absolute_url())
    client.get(second.get_absolute_url())
    assert ArticleViewCount.objects.count() == 0
    assert view_counts_flush() == 4
    assert views_of(first) == 3 and views_of(second) == 1
    assert ArticleViewCount.objects.get(article=first).date == timezone.localdate()


def test_a_second_flush_adds_only_the_new_views(any_cache, make_article):
    article = make_article()
    for _ in range(5):
        article_view_count(slug=article.slug)
    view_counts_flush()
    assert view_counts_flush() == 0
    article_view_count(slug=article.slug)
    article_view_count(slug=article.slug)
    assert view_counts_flush() == 2
    assert views_of(article) == 7 and ArticleViewCount.objects.count() == 1


def test_views_counted_during_a_flush_are_kept_for_the_next(any_cache, make_article, monkeypatch):
    article = make_article()
    for _ in range(3):
        article_view_count(slug=article.slug)
    real_store = view_counts._store

    def store_while_views_arrive(day, counts):
        article_view_count(slug=article.slug)  # a request counts while the batch is written
        return real_store(day, counts)

    monkeypatch.setattr(view_counts, "_store", store_while_views_arrive)
    assert view_counts_flush() == 3
    monkeypatch.setattr(view_counts, "_store", real_store)
    assert view_counts_flush() == 1
    assert views_of(article) == 4


def test_a_failed_write_gives_the_views_back(any_cache, make_article, monkeypatch):
    article = make_article()
    article_view_count(slug=article.slug)
    monkeypatch.setattr(view_counts, "_store", lambda day, counts: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        view_counts_flush()
    monkeypatch.undo()
    assert view_counts_flush() == 1 and views_of(article) == 1


def test_only_one_flush_runs_at_a_time(any_cache, make_article):
    article = make_article()
    article_view_count(slug=article.slug)
    any_cache.add(view_counts.LOCK, 1, 60)
    assert view_counts_flush() == 0
    any_cache.delete(view_counts.LOCK)
    assert view_counts_flush() == 1


def test_views_are_kept_per_day(any_cache, make_article):
    article = make_article()
    yesterday = timezone.localdate() - timedelta(days=1)
    article_view_count(slug=article.slug, day=yesterday)
    article_view_count(slug=article.slug)
    assert view_counts_flush() == 2
    assert dict(ArticleViewCount.objects.values_list("date", "views")) == {yesterday: 1, timezone.localdate(): 1}


def test_unknown_drafts_and_missing_pages_are_not_counted(client, make_article):
    draft = make_article(status="draft")
    client.get("/articles/no-such-article/")
    client.get(draft.get_absolute_url())
    client.get("/")
    article_view_count(slug="no-such-article")
    assert view_counts_flush() == 0 and ArticleViewCount.objects.count() == 0


def test_a_page_served_without_running_the_view_is_counted(make_article):
    """A page cache answers before URL resolution; the middleware resolves the path itself."""
    article = make_article()
    request = RequestFactory().get(article.get_absolute_url())
    assert request.resolver_match is None
    ArticleViewCountMiddleware(lambda request: HttpResponse("from a cache"))(request)
    assert view_counts_flush() == 1 and views_of(article) == 1


def test_counting_can_be_turned_off(client, make_article, settings):
    settings.KB_VIEW_COUNTING = False
    article = make_article()
    client.get(article.get_absolute_url())
    assert view_counts_flush() == 0


def test_the_counting_process_flushes_every_n_views(client, make_article, settings):
    settings.KB_VIEW_COUNTS_FLUSH_EVERY = 3
    view_counts._schedule.events = 0
    article = make_article()
    client.get(article.get_absolute_url())
    client.get(article.get_absolute_url())
    assert views_of(article) == 0
    client.get(article.get_absolute_url())
    assert views_of(article) == 3


def test_the_command_flushes_and_says_how_many(make_article):
    article = make_article()
    article_view_count(slug=article.slug)
    out = io.StringIO()
    call_command("flush_view_counts", stdout=out)
    assert out.getvalue().strip() == "Stored 1 article view(s) and 0 search(es)." and views_of(article) == 1
    assert view_counts.buffer_cache.get(view_counts._counter_key(timezone.localdate().isoformat(), article.slug)) == 0


def test_a_failing_cache_never_costs_the_customer_the_page(client, make_article, monkeypatch):
    article = make_article()

    def cache_down(*args, **kwargs):
        raise ConnectionError("cache unavailable")

    monkeypatch.setattr(view_counts._LocalBuffer, "PUSH_VIEWS", 1)
    monkeypatch.setattr(view_counts, "_count_in_cache", cache_down)
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_view_costs_no_cache_call_until_the_batch_is_pushed(make_article, monkeypatch):
    article = make_article()
    calls = []
    monkeypatch.setattr(view_counts, "_count_in_cache", lambda *args: calls.append(args))
    monkeypatch.setattr(view_counts._LocalBuffer, "PUSH_VIEWS", 3)
    monkeypatch.setattr(view_counts._LocalBuffer, "PUSH_SECONDS", 3600)
    view_counts._local.push()
    article_view_count(slug=article.slug)
    article_view_count(slug=article.slug)
    assert calls == []
    article_view_count(slug=article.slug)
    assert calls == [(timezone.localdate().isoformat(), article.slug, 3)]  # one call for the three views


def test_counts_and_searches_waiting_for_a_flush_outlast_a_full_cache(client, make_article, settings):
    # The local-memory cache culls its oldest entries once it holds MAX_ENTRIES
    # (300 by default): pages and searches filled it, and the buffered view counts
    # and search batches were culled before the flush, lost without a word.
    article = make_article()
    settings.KB_VIEW_COUNTS_FLUSH_EVERY = settings.KB_VIEW_COUNTS_FLUSH_SECONDS = 0
    client.get(article.get_absolute_url())
    client.get("/search/", {"q": "a search to keep"})
    view_counts._local.push()
    analytics_batches._local.push()
    for number in range(1000):
        cache.set(f"kb:page:{number}", number)
    assert view_counts_flush() == 1 and views_of(article) == 1
    assert analytics_batches.search_analytics_flush() == 1
    assert SearchLog.objects.filter(query="a search to keep").exists()
