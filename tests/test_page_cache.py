"""The page cache: what is served from it, to whom, and when it forgets (articles/page_cache.py)."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_protect

from articles import page_cache
from articles.analytics_batches import search_analytics_flush
from articles.models import Article, Category, HelpLink, SynonymGroup
from articles.page_cache import cached_public_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(make_article, site_link):
    article = make_article(
        "Resetting your password",
        "Intro.\n\n## Link expired\nAsk again.",
        slug="resetting-your-password",
        summary="Get back in.",
        promoted=True,
    )
    HelpLink.objects.create(label="Reset page", url="https://app.example.com/reset", article=article)
    return article


PAGES = ["/", "/categories/account-and-settings/", "/articles/resetting-your-password/"]


def warm(client, url):
    """Request the page twice; the second answer must come from the cache."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Cache"] == "hit", url
    return response


def text(response):
    return response.content.decode()


# --------------------------------------------------------------------------- hits


@pytest.mark.parametrize("url", PAGES)
def test_a_cached_page_is_served_without_a_single_query(client, article, url, django_assert_num_queries):
    first = client.get(url)
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_tracking_parameters_share_the_cached_page(client, article):
    client.get("/articles/resetting-your-password/")
    response = client.get("/articles/resetting-your-password/?utm_source=newsletter")
    assert response["X-Cache"] == "hit"


def test_cached_pages_tell_browsers_to_check_back_and_vary_on_cookies(client, article):
    response = warm(client, "/")
    assert "max-age=0" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_the_page_cache_can_be_turned_off(client, article, settings):
    settings.KB_PAGE_CACHE = False
    client.get("/")
    assert "X-Cache" not in client.get("/")


# --------------------------------------------------------------------------- invalidation


def test_saving_an_article_refreshes_its_page_its_category_and_home(client, article):
    for url in PAGES:
        warm(client, url)
    article.title = "Resetting a forgotten password"
    article.save()
    for url in PAGES:
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
        assert "Resetting a forgotten password" in text(response), url


def test_renaming_a_category_refreshes_every_page_that_shows_it(client, article, category):
    for url in PAGES:
        warm(client, url)
    category.name = "Your account"
    category.save()
    for url in PAGES:
        assert "Your account" in text(client.get(url)), url


def test_changing_an_articles_help_link_refreshes_the_article(client, article):
    url = "/articles/resetting-your-password/"
    warm(client, url)
    link = article.help_links.get()
    link.label = "Password reset form"
    link.save()
    assert "Password reset form" in text(client.get(url))
    link.delete()
    assert "Password reset form" not in text(client.get(url))


def test_changing_a_site_wide_link_refreshes_every_page(client, article, site_link):
    for url in PAGES:
        warm(client, url)
    HelpLink.objects.create(label="Status page", url="https://status.example.com/")
    for url in PAGES:
        assert "Status page" in text(client.get(url)), url
    HelpLink.objects.filter(label="Status page").delete()  # a bulk delete, as the admin's action does
    for url in PAGES:
        assert "Status page" not in text(client.get(url)), url


def test_publishing_and_unpublishing_show_and_hide_the_article_at_once(client, article, make_article):
    draft = make_article("Changing your email address", status=Article.Status.DRAFT, slug="changing-email")
    category_url = "/categories/account-and-settings/"
    warm(client, category_url)
    assert client.get("/articles/changing-email/").status_code == 404
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert "Changing your email address" in text(client.get(category_url))
    assert client.get("/articles/changing-email/").status_code == 200
    warm(client, "/articles/changing-email/")
    draft.status = Article.Status.DRAFT
    draft.save()
    assert client.get("/articles/changing-email/").status_code == 404
    assert "Changing your email address" not in text(client.get(category_url))


def test_deleting_an_article_removes_it_from_the_cached_pages(client, article):
    for url in PAGES:
        warm(client, url)
    article.delete()
    assert client.get("/articles/resetting-your-password/").status_code == 404
    assert "Resetting your password" not in text(client.get("/categories/account-and-settings/"))
    assert "Resetting your password" not in text(client.get("/"))


def test_bulk_updates_refresh_the_pages_too(client, article):
    warm(client, "/articles/resetting-your-password/")
    Article.objects.filter(pk=article.pk).update(summary="A bulk edit.")
    assert "A bulk edit." in text(client.get("/articles/resetting-your-password/"))
    warm(client, "/")
    Category.objects.update(description="Everything about your login.")
    assert "Everything about your login." in text(client.get("/"))


def test_the_admin_publish_action_refreshes_the_pages(client, article, make_article, superuser):
    draft = make_article("Closing your account", status=Article.Status.DRAFT, slug="closing")
    warm(client, "/categories/account-and-settings/")
    admin = Client()
    admin.force_login(superuser)
    admin.post("/admin/articles/article/", {"action": "publish", "_selected_action": [draft.pk]})
    assert "Closing your account" in text(client.get("/categories/account-and-settings/"))


def test_a_change_is_announced_again_when_the_transaction_commits(article, django_capture_on_commit_callbacks):
    before = page_cache.content_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article.save()
    during = page_cache.content_version()
    assert during != before
    for callback in callbacks:
        callback()
    # A page another process rendered from the old rows before the commit is dropped too.
    assert page_cache.content_version() != during


def test_a_change_made_by_another_server_process_is_seen_at_once(client, article):
    warm(client, "/")
    # What another process's save does: a new version in the shared place.
    if isinstance(caches["default"], LocMemCache):
        with open(page_cache._version_file(), "w") as file:
            file.write("a-version-from-another-process")
    else:
        cache.set(page_cache.VERSION_KEY, "a-version-from-another-process", None)
    assert client.get("/")["X-Cache"] == "miss"


def test_with_the_local_memory_cache_the_version_is_shared_through_the_file(article):
    if not isinstance(caches["default"], LocMemCache):
        pytest.skip("a shared cache holds the version itself")
    page_cache.content_changed()
    # Read by every process on the machine: an edit saved through one is seen by all.
    assert page_cache._version_file().read_text() == page_cache.content_version()


def _another_process_changes_the_content(version):
    if isinstance(caches["default"], LocMemCache):
        page_cache._version_file().write_text(version)
    else:
        cache.set(page_cache.VERSION_KEY, version, None)


def test_a_request_reads_the_content_version_once(article, settings, monkeypatch):
    settings.KB_PAGE_CACHE = False  # the page rendered: it asks for the version for each thing it keeps
    reads = []
    is_local = page_cache._version_is_local  # asked at each read of the version, before the file or the cache
    monkeypatch.setattr(page_cache, "_version_is_local", lambda: reads.append(1) or is_local())
    assert Client().get("/articles/resetting-your-password/").status_code == 200
    assert len(reads) == 1


def _in_a_request(view):
    return page_cache.ContentVersionMiddleware(view)(None)


def test_a_request_keeps_the_version_it_read_and_the_next_one_reads_it_again():
    _another_process_changes_the_content("first")

    def view(request):
        first = page_cache.content_version()
        _another_process_changes_the_content("second")
        return first, page_cache.content_version()

    assert _in_a_request(view) == ("first", "first")
    assert _in_a_request(lambda request: page_cache.content_version()) == "second"


def test_a_request_that_changes_the_content_sees_its_own_change():
    def view(request):
        before = page_cache.content_version()
        page_cache.content_changed()
        return before, page_cache.content_version()

    before, after = _in_a_request(view)
    assert after != before and after == page_cache.content_version()


def test_outside_a_request_each_read_sees_another_process_s_change():
    _another_process_changes_the_content("first")
    assert page_cache.content_version() == "first"
    _another_process_changes_the_content("second")
    assert page_cache.content_version() == "second"


# --------------------------------------------------------------------------- who sees what


def test_staff_never_get_the_cached_public_page(client, article, editor):
    warm(client, "/articles/resetting-your-password/")
    client.force_login(editor)
    response = client.get("/articles/resetting-your-password/")
    assert response["X-Cache"] == "bypass"
    assert "private" in response["Cache-Control"]


def test_what_staff_see_is_never_stored_for_the_public(client, article, editor, make_article):
    draft = make_article("Unreleased feature", status=Article.Status.DRAFT, slug="unreleased")
    staff = Client()
    staff.force_login(editor)
    preview = staff.get("/articles/unreleased/")
    assert preview.status_code == 200 and "not visible to customers" in text(preview)
    assert "no-store" in preview["Cache-Control"]
    staff.get("/articles/resetting-your-password/")
    staff.get("/categories/account-and-settings/")
    assert client.get("/articles/unreleased/").status_code == 404
    assert client.get("/articles/resetting-your-password/")["X-Cache"] == "miss"
    assert "Unreleased feature" not in text(client.get("/categories/account-and-settings/"))
    assert draft.title not in text(client.get("/"))


def test_a_visitor_with_a_session_gets_a_page_rendered_for_them(client, article):
    warm(client, "/")
    client.cookies["sessionid"] = "some-session"
    assert client.get("/")["X-Cache"] == "bypass"


def test_a_visitor_with_pending_messages_gets_a_page_rendered_for_them(client, article):
    warm(client, "/")
    client.cookies["messages"] = "pending"
    assert client.get("/")["X-Cache"] == "bypass"


# --------------------------------------------------------------------------- conditional GET


@pytest.mark.parametrize("url", PAGES)
def test_an_unchanged_page_answers_304_to_if_none_match(client, article, url):
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_an_unchanged_page_answers_304_to_if_modified_since(client, article):
    last_modified = client.get("/")["Last-Modified"]
    assert client.get("/", headers={"If-Modified-Since": last_modified}).status_code == 304


def test_a_changed_page_answers_200_with_a_new_etag(client, article):
    url = "/articles/resetting-your-password/"
    etag = client.get(url)["ETag"]
    article.summary = "New summary."
    article.save()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_the_etag_is_the_same_from_the_cache_and_from_a_fresh_render(client, article):
    first = client.get("/")
    cache.clear()
    assert client.get("/")["ETag"] == first["ETag"]


# --------------------------------------------------------------------------- responses that are never stored


def _form_page(request):
    template = engines["django"].from_string('<form method="post">{% csrf_token %}<button>Vote</button></form>')
    return HttpResponse(template.render({}, request))


def _token_in_the_head(request):
    template = engines["django"].from_string('<meta name="csrf" content="{{ csrf_token }}">{% csrf_token %}')
    return HttpResponse(template.render({}, request))


def _session_page(request):
    request.session["seen"] = True
    return HttpResponse("hello")


def _cookie_page(request):
    response = HttpResponse("hello")
    response.set_cookie("flavour", "plain")
    return response


@csrf_protect
def _vote(request):
    return HttpResponse("voted")


urlpatterns = [
    path("form/", cached_public_page(_form_page)),
    path("token-in-head/", cached_public_page(_token_in_the_head)),
    path("session/", cached_public_page(_session_page)),
    path("cookie/", cached_public_page(_cookie_page)),
    path("vote/", _vote),
    path("early-form/", cached_public_page(_form_page, early=True)),
]


@pytest.fixture
def test_urls(settings):
    settings.ROOT_URLCONF = __name__


def _token(response):
    return text(response).split('value="')[1].split('"')[0]


def test_a_cached_form_gets_a_fresh_csrf_token_for_each_visitor(test_urls):
    first_visitor, second_visitor = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first = first_visitor.get("/form/")
    second = second_visitor.get("/form/")
    assert second["X-Cache"] == "hit"
    assert _token(first) != _token(second)
    assert "\x00" not in text(second)
    # Each visitor's token goes with the cookie they were given, so their vote is accepted.
    assert second_visitor.post("/vote/", {"csrfmiddlewaretoken": _token(second)}).status_code == 200
    assert first_visitor.post("/vote/", {"csrfmiddlewaretoken": _token(first)}).status_code == 200


def test_a_cached_form_is_never_304_for_a_browser_without_the_csrf_cookie(test_urls):
    etag = Client().get("/form/")["ETag"]
    assert Client().get("/form/", headers={"If-None-Match": etag}).status_code == 200


def test_a_page_with_a_csrf_token_outside_a_form_field_is_not_stored(test_urls):
    Client().get("/token-in-head/")
    assert Client().get("/token-in-head/").get("X-Cache") is None


def test_a_response_that_writes_the_session_is_not_stored(test_urls):
    Client().get("/session/")
    assert Client().get("/session/").get("X-Cache") is None


def test_a_response_that_sets_a_cookie_is_not_stored(test_urls):
    Client().get("/cookie/")
    assert Client().get("/cookie/").get("X-Cache") is None


# --------------------------------------------------------------------------- searches


@pytest.fixture
def count_searches(monkeypatch):
    calls = []
    real = page_cache.article_search

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(page_cache, "article_search", counting)
    return calls


def test_a_repeated_api_search_is_answered_from_the_cache(client, article, count_searches, django_assert_num_queries):
    first = client.get("/api/search/?q=password")
    with django_assert_num_queries(0):
        assert client.get("/api/search/?q=password").json() == first.json()
    # Another spelling of the same query is ranked once too.
    second = client.get("/api/search/?q=%20PASSWORD%20")
    assert second.json()["results"] == first.json()["results"]
    assert len(count_searches) == 1
    client.get("/api/search/?q=password&limit=3")
    assert len(count_searches) == 2  # other parameters, another entry


def test_a_repeated_search_page_is_ranked_once_and_still_logged(client, article, count_searches):
    from articles.models import SearchLog

    client.get("/search/?q=password")
    response = client.get("/search/?q=password")
    assert "Resetting your password" in text(response)
    assert len(count_searches) == 1
    search_analytics_flush()
    assert SearchLog.objects.filter(query="password").count() == 2


def test_a_content_change_refreshes_cached_searches(client, article, make_article):
    assert client.get("/api/search/?q=invoice").json()["count"] == 0
    make_article("Understanding your invoice", "Every invoice explained.", slug="invoice")
    assert client.get("/api/search/?q=invoice").json()["count"] == 1


def test_a_synonym_change_refreshes_cached_searches(client, article):
    assert client.get("/api/search/?q=credentials").json()["count"] == 0
    SynonymGroup.objects.create(terms="password, credentials")
    assert client.get("/api/search/?q=credentials").json()["count"] == 1


def test_searches_are_not_cached_when_turned_off(client, article, count_searches, settings):
    settings.KB_SEARCH_CACHE_SECONDS = 0
    client.get("/api/search/?q=password")
    client.get("/api/search/?q=password")
    assert len(count_searches) == 2


def _open_links(response):
    return re.findall(r'href="(/search/open/[0-9a-f]{20}/[^"]+)"', text(response))


def test_a_repeated_search_page_is_served_from_the_cache_with_its_own_log_row(client, article):
    from articles.models import SearchLog

    first = Client().get("/search/?q=password")
    second = Client().get("/search/?q=password")
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    [first_link], [link] = _open_links(first), _open_links(second)
    assert first_link != link
    search_analytics_flush()
    logs = list(SearchLog.objects.filter(query="password").order_by("pk"))
    assert len(logs) == 2 and logs[1].result_count == logs[0].result_count == 1
    assert link.startswith(f"/search/open/{logs[1].token}/")
    client.get(link)  # opening the result is credited to the second search
    logs[1].refresh_from_db()
    assert logs[1].clicked_article_id == article.pk
    assert "\x00" not in text(second)


def test_a_repeated_search_page_served_to_a_new_visitor_writes_nothing(client, article, django_assert_num_queries):
    from articles.models import SearchLog

    Client().get("/search/?q=password")
    visitor = Client()
    with django_assert_num_queries(0):
        response = visitor.get("/search/?q=password")
    assert response["X-Cache"] == "hit"
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # no session row for a search
    with django_assert_num_queries(0):
        assert visitor.get("/search/?q=password")["X-Cache"] == "hit"  # nor with the searches' cookie
    search_analytics_flush()
    assert SearchLog.objects.filter(query="password").count() == 3


def test_a_search_served_from_the_cache_is_still_noted_in_the_visit(client, article):
    # Each request comes from a new visitor (no session yet), as the cache serves them.
    Client().get("/search/?q=password")
    response = client.get("/search/?q=password")
    assert response["X-Cache"] == "hit"
    client.get("/contact/?article=resetting-your-password")  # the visit moves into a session
    assert client.session["kb_visit"]["searches"] == ["password"]


def test_a_repeated_search_without_results_is_still_logged(client, article):
    from articles.models import SearchLog

    Client().get("/search/?q=zzyzx")
    assert Client().get("/search/?q=zzyzx")["X-Cache"] == "hit"
    search_analytics_flush()
    assert list(SearchLog.objects.filter(query="zzyzx").values_list("result_count", flat=True)) == [0, 0]


def test_search_pages_echo_the_query_as_typed(client, article):
    Client().get("/search/?q=password")
    response = Client().get("/search/?q=PASSWORD")
    assert response["X-Cache"] == "miss"
    assert "PASSWORD" in text(response)


def test_search_pages_with_other_parameters_are_rendered_for_themselves(client, article):
    Client().get("/search/?q=password")
    assert Client().get("/search/?q=password&utm_source=mail").get("X-Cache") is None


def test_a_content_change_refreshes_cached_search_pages(client, article, make_article):
    Client().get("/search/?q=invoice")
    make_article("Understanding your invoice", "Every invoice explained.", slug="invoice")
    response = Client().get("/search/?q=invoice")
    assert response["X-Cache"] == "miss" and "Understanding your invoice" in text(response)


def test_staff_search_pages_are_not_served_from_the_cache(client, article, editor):
    Client().get("/search/?q=password")
    client.force_login(editor)
    assert client.get("/search/?q=password").get("X-Cache") is None


def test_a_scheduled_article_appears_on_cached_pages_when_it_is_due(client, article, make_article, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    due = timezone.now() + timedelta(seconds=90)
    make_article("Coming soon", slug="coming-soon", publish_at=due)
    timeouts = []
    real_set = cache.set

    def recording_set(key, value, timeout=None):
        timeouts.append(timeout)
        real_set(key, value, timeout)

    monkeypatch.setattr(cache, "set", recording_set)
    client.get("/categories/account-and-settings/")
    assert "Coming soon" not in text(client.get("/categories/account-and-settings/"))
    # The copy is kept only until the article is due, not for the usual five minutes.
    assert timeouts and all(t <= 90 for t in timeouts)


def test_storing_a_new_api_search_reads_the_next_publication_once_per_content_version(client, article):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def scheduled_reads(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url)["X-Cache"] == "miss"
        return sum("publish_at" in q["sql"] and "MIN(" in q["sql"].upper() for q in queries)

    # The search and the page are each stored with a lifetime bounded by the next publication.
    assert scheduled_reads("/api/search/?q=password") == 1
    assert scheduled_reads("/api/search/?q=reset") == 0
    page_cache.content_changed()
    assert scheduled_reads("/api/search/?q=link") == 1


def test_a_repeated_api_search_is_served_whole_from_the_cache(client, article):
    first = client.get("/api/search/?q=password&limit=5")
    second = client.get("/api/search/?q=password&limit=5")
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second.json() == first.json()
    assert second["Content-Type"] == "application/json"
    assert client.get("/api/search/?q=password&limit=6")["X-Cache"] == "miss"
    assert client.get("/api/search/?q=password&limit=x").status_code == 400  # errors are never cached
    assert client.get("/api/search/?q=password&limit=x").get("X-Cache") is None


def test_each_page_of_a_category_is_cached_on_its_own(client, article):
    url = "/categories/account-and-settings/"
    warm(client, url)
    assert client.get(url + "?page=2")["X-Cache"] == "miss"
    assert client.get(url + "?page=2")["X-Cache"] == "hit"
    # Pagination links repeat the query string: other parameters are not stored.
    assert client.get(url + "?utm_source=mail").get("X-Cache") is None


# --------------------------------------------------------------------------- early hits


def _answered_early(response) -> bool:
    # Answered before the session middleware: the request never got a session.
    return not hasattr(response.wsgi_request, "session")


@pytest.mark.parametrize("url", PAGES)
def test_a_plain_request_for_a_kept_page_is_answered_before_the_rest_of_the_middleware(article, url):
    full = Client().get(url)
    early = Client().get(url)
    assert not _answered_early(full) and _answered_early(early)
    assert early["X-Cache"] == "hit"
    # The same headers as the whole path gave the page: security policy, frame
    # options, validators, caching; the CSRF cookie for the visitor's own token.
    headers = {name: value for name, value in full.items() if name != "X-Cache"}
    assert {name: value for name, value in early.items() if name != "X-Cache"} == headers
    assert ("Content-Security-Policy" in headers) and ("X-Frame-Options" in headers) and ("ETag" in headers)
    assert re.sub(r'value="[^"]+"', "", text(early)) == re.sub(r'value="[^"]+"', "", text(full))
    assert early.cookies.keys() == full.cookies.keys()


def test_an_early_answer_gives_each_visitor_a_csrf_token_their_vote_is_accepted_with(test_urls):
    Client().get("/early-form/")
    first_visitor, second_visitor = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first, second = first_visitor.get("/early-form/"), second_visitor.get("/early-form/")
    assert _answered_early(first) and _answered_early(second)
    assert _token(first) != _token(second) and "\x00" not in text(second)
    assert second_visitor.post("/vote/", {"csrfmiddlewaretoken": _token(second)}).status_code == 200
    assert first_visitor.post("/vote/", {"csrfmiddlewaretoken": _token(first)}).status_code == 200
    # A visitor who has the cookie keeps its secret: the page's token goes with it.
    cookie = first_visitor.cookies[settings.CSRF_COOKIE_NAME].value
    again = first_visitor.get("/early-form/")
    assert _answered_early(again) and first_visitor.cookies[settings.CSRF_COOKIE_NAME].value == cookie
    assert first_visitor.post("/vote/", {"csrfmiddlewaretoken": _token(again)}).status_code == 200


def test_only_pages_that_ask_for_it_are_answered_early(test_urls):
    Client().get("/form/")
    response = Client().get("/form/")
    assert response["X-Cache"] == "hit" and not _answered_early(response)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"QUERY_STRING": "utm_source=newsletter"},
        {"HTTP_IF_NONE_MATCH": '"nothing"'},
        {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}=abc"},
    ],
    ids=["query string", "conditional", "session cookie"],
)
def test_requests_with_anything_more_than_the_address_go_the_whole_way(article, request_kwargs):
    url = "/articles/resetting-your-password/"
    Client().get(url)
    assert _answered_early(Client().get(url))
    assert not _answered_early(Client().get(url, **request_kwargs))


def test_a_change_is_shown_at_once_to_requests_answered_early(article):
    url = "/articles/resetting-your-password/"
    Client().get(url)
    assert _answered_early(Client().get(url))
    article.title = "Resetting a forgotten password"
    article.save()
    response = Client().get(url)
    assert not _answered_early(response) and "Resetting a forgotten password" in text(response)
    assert _answered_early(Client().get(url))


def test_a_draft_staff_have_seen_is_never_answered_early(make_article, superuser):
    draft = make_article("Unreleased feature", "Soon.", slug="unreleased", status=Article.Status.DRAFT)
    staff = Client()
    staff.force_login(superuser)
    url = f"/articles/{draft.slug}/"
    assert staff.get(url).status_code == 200 and staff.get(url).status_code == 200
    assert Client().get(url).status_code == 404
    assert Client().get(url).status_code == 404
