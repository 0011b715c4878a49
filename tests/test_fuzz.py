"""
Hostile input against every public address: never a 500, on either engine.

The addresses come from the URLconf itself, so a public page added later is
fuzzed without touching this file. Each address is tried with every query
parameter any public page reads (plus an unknown one), each set in turn to each
value of a corpus of hostile values, next to a real search word so the search
paths really run; then with the same values posted as form fields.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.analytics import search_log_create
from articles.models import SearchLog

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Staff-only areas: the admin (behind its login) and the editor's preview.
NOT_PUBLIC = ("admin/", "markdownx/")
PARAMETERS = ["q", "page", "limit", "category", "section", "article", "next", "unknown"]
FORM_FIELDS = ["name", "email", "subject", "message", "article", "csrfmiddlewaretoken"]

HOSTILE = [
    "\x00",
    "a\x00b",
    "%00",
    "%ff%fe",  # sent percent-encoded as text; raw invalid UTF-8 is sent by the test below
    "\x1b[31m\x07\x08",
    "\u202e\u200b\ufeff",
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999999999999999",
    "1e309",
    "NaN",
    "2.5",
    "abc",
    "",
    " ",
    '"',
    '"' * 5000,
    "a" * 20_000,
    "' OR 1=1 --",
    '"unterminated phrase',
    "NEAR(a b) AND OR NOT * ^ : ( ) { } -",
    "title:x body:y col*",
    "%",
    "_",
    "\\",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "😀" * 100,
]

RAW_QUERY_STRINGS = ["q=%ff%fe%fd", "category=%c3%28&q=password", "q=%e2%82", "q=%", "q=%zz&page=%ff", "%00=%00"]


def public_patterns(patterns=None, prefix=""):
    """(route, pattern) for every public URL pattern, nested includes followed."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(NOT_PUBLIC):
            continue
        if isinstance(entry, URLResolver):
            yield from public_patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def fill(route: str, article) -> str:
    """A real address for a route, with its converters given values that exist."""
    values = {
        "<slug:slug>": article.category.slug if "categor" in route else article.slug,
        "<search_token:token>": search_log_create(query="billing", result_count=1).token,
        "<int:log_id>": str(SearchLog.objects.create(query="billing", result_count=1).pk),
    }
    for converter, value in values.items():
        route = route.replace(converter, value)
    if "<" in route:  # a new converter: tried with a plain word, still never a 500
        route = re.sub(r"<[^>]+>", "x", route)
    return "/" + route


@pytest.fixture
def article(make_article):
    return make_article(
        "Troubleshooting account login issues",
        "Intro.\n\n## Billing terminated\nUnpaid accounts are closed.\n\n```\ncode\n```",
        slug="login-issues",
    )


@pytest.fixture
def addresses(article, settings):
    settings.KB_RATE_LIMITS = False
    found = [fill(route, article) for route, _ in public_patterns()]
    assert "/search/" in found and "/api/search/" in found and "/contact/" in found
    return found


def test_the_urlconf_walk_finds_every_public_page_and_skips_the_admin(addresses):
    assert "/articles/login-issues/" in addresses
    assert "/categories/account-and-settings/" in addresses
    assert not any(address.startswith(("/admin/", "/markdownx/")) for address in addresses)


def test_hostile_query_parameters_never_cause_a_server_error(client, addresses):
    failures = []
    for address in addresses:
        for parameter in PARAMETERS:
            for value in HOSTILE:
                params = {"q": "password", parameter: value}
                status = client.get(address, params).status_code
                if status >= 500:
                    failures.append((address, parameter, value[:40], status))
    assert failures == []


def test_raw_invalid_utf8_and_broken_escapes_never_cause_a_server_error(client, addresses):
    failures = [
        (address, raw, status)
        for address in addresses
        for raw in RAW_QUERY_STRINGS
        if (status := client.get(f"{address}?{raw}").status_code) >= 500
    ]
    assert failures == []


def test_hostile_form_posts_never_cause_a_server_error(client, addresses):
    failures = []
    for address in addresses:
        for value in HOSTILE:
            status = client.post(address, {field: value for field in FORM_FIELDS}).status_code
            if status >= 500:
                failures.append((address, value[:40], status))
    assert failures == []


def test_hostile_path_segments_never_cause_a_server_error(client, article):
    failures = []
    for segment in ["%00", "%ff", "a%00b", "..%2f..", "9" * 40, "-1", "%e2%80%ae"]:
        addresses = [f"/articles/{segment}/", f"/categories/{segment}/", f"/search/open/{segment}/x/", f"/{segment}"]
        for address in addresses:
            if (status := client.get(address).status_code) >= 500:
                failures.append((address, status))
        if (status := client.get(f"/search/open/{'9' * 30}/{article.slug}/").status_code) >= 500:
            failures.append(("huge log id", status))
    assert failures == []


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.text(max_size=250),
    category=st.text(max_size=30),
    limit=st.one_of(st.integers(), st.text(max_size=8)),
    page=st.one_of(st.integers(), st.text(max_size=8)),
)
def test_any_text_in_any_search_parameter_gets_an_answer_not_an_error(client, addresses, q, category, limit, page):
    for address in ("/api/search/", "/search/"):
        response = client.get(address, {"q": q, "category": category, "limit": limit, "page": page})
        assert response.status_code in (200, 400), (address, response.status_code)
