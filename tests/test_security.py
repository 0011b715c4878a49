"""
Security: response headers and the Content-Security-Policy, the secret key,
hostile input refused in one place, and what one search may cost.
"""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from kb.secret_key import read_or_create_key_file, secret_key

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def article(make_article):
    return make_article(
        "Troubleshooting account login issues",
        "Intro.\n\n## Billing terminated\nUnpaid accounts are closed.\n\n## Account banned\nForever.",
        slug="login-issues",
    )


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


# --- Headers ----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/search/?q=password", "/contact/", "/no-such-page/", "/api/search/?q=x"])
def test_every_response_carries_the_security_headers(client, article, url):
    response = client.get(url)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    directives = policy(response)
    assert directives["frame-ancestors"] == "'none'"


def test_public_pages_allow_no_inline_script_or_style(client, article):
    directives = policy(client.get(article.get_absolute_url()))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in client.get("/")["Content-Security-Policy"]
    assert "unsafe-eval" not in client.get("/")["Content-Security-Policy"]


def test_the_admin_runs_under_the_same_strict_policy(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/articles/article/")
    assert response["Content-Security-Policy"] == client.get("/")["Content-Security-Policy"]
    assert "<style" not in response.content.decode()


def test_no_admin_page_writes_django_s_inline_style_element():
    # admin/change_list.html writes an inline <style> when both action bars are
    # off, which the strict policy would block: keep at least one of them on.
    from django.contrib import admin

    both_off = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not model_admin.actions_on_top and not model_admin.actions_on_bottom
    ]
    assert both_off == []


# --- HTTPS, HSTS, cookies (settings read in a fresh process) ----------------------------


def settings_in_subprocess(expression: str, **env) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    environment.update(env, DJANGO_SETTINGS_MODULE="kb.settings")
    code = f"import django; django.setup(); from django.conf import settings as s; print(repr(({expression})))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


REAL_KEY = "a-real-secret-" + "x7Kq2" * 12


def test_https_turns_on_redirect_hsts_and_secure_cookies_without_preload_or_subdomains():
    shown = settings_in_subprocess(
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_PRELOAD, s.SECURE_HSTS_INCLUDE_SUBDOMAINS",
        DJANGO_HTTPS="1",
        DJANGO_SECRET_KEY=REAL_KEY,
    )
    assert shown == "(True, 31536000, True, True, False, False)"


def test_hsts_preload_and_subdomains_each_need_their_own_flag():
    shown = settings_in_subprocess(
        "s.SECURE_HSTS_PRELOAD, s.SECURE_HSTS_INCLUDE_SUBDOMAINS",
        DJANGO_HTTPS="1",
        DJANGO_SECRET_KEY=REAL_KEY,
        DJANGO_HSTS_PRELOAD="1",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="1",
    )
    assert shown == "(True, True)"


def test_without_https_cookies_are_not_marked_secure_and_nothing_redirects():
    shown = settings_in_subprocess("s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE", DJANGO_SECRET_KEY=REAL_KEY)
    assert shown == "(False, False)"


# --- The secret key ----------------------------------------------------------------


def test_production_without_a_secret_key_refuses_to_start():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        secret_key(environ={}, default_file=Path("/nonexistent/.secret_key"), https=True)


def test_a_set_secret_key_is_used_as_it_is(tmp_path):
    assert secret_key(environ={"DJANGO_SECRET_KEY": REAL_KEY}, default_file=tmp_path / "k", https=True) == REAL_KEY
    assert not (tmp_path / "k").exists()


def test_a_local_run_generates_a_random_key_once_into_a_private_file(tmp_path):
    path = tmp_path / ".secret_key"
    first = secret_key(environ={}, default_file=path, https=False)
    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(environ={}, default_file=path, https=False) == first  # kept across restarts
    other = tmp_path / "other"
    assert secret_key(environ={}, default_file=other, https=False) != first  # random, not a published constant
    assert sorted(tmp_path.iterdir()) == sorted([path, other])  # no temporary file left behind


def test_the_key_file_can_live_elsewhere(tmp_path):
    elsewhere = tmp_path / "keys" / "help-center"
    elsewhere.parent.mkdir()
    key = secret_key(environ={"DJANGO_SECRET_KEY_FILE": str(elsewhere)}, default_file=tmp_path / "unused", https=False)
    assert elsewhere.read_text().strip() == key


def test_an_unwritable_key_location_is_a_clear_error(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        read_or_create_key_file(tmp_path / "missing-folder" / ".secret_key")


def test_the_key_file_is_ignored_by_git():
    result = subprocess.run(["git", "check-ignore", "-q", ".secret_key"], cwd=ROOT)
    assert result.returncode == 0


def test_no_published_fallback_key_is_left_in_the_settings():
    assert "django-insecure" not in (ROOT / "kb" / "settings.py").read_text()


# --- NUL bytes: refused with a clear 400 in one place (on every engine) ---------------


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=password&category=a%00b",
        "/api/search/?q=password&category=a%00b",
        "/contact/?article=login%00issues",
        "/search/?q=pass%00word",
        "/?anything=%00",
    ],
)
def test_a_nul_byte_in_a_query_parameter_is_a_clear_400_not_a_500(client, article, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert "NUL" in response.json()["error"]
    else:
        assert "NUL character" in response.content.decode()
        assert "Still need help?" in response.content.decode()


def test_a_nul_byte_in_the_result_click_section_is_a_400(client, article):
    from articles.analytics import search_log_create

    log = search_log_create(query="billing", result_count=1)
    url = reverse("articles:search_open", args=[log.token, article.slug])
    assert client.get(url, {"section": "billing-terminated"}).status_code == 302
    assert client.get(url, {"section": "billing\x00terminated"}).status_code == 400


def test_a_nul_byte_in_a_contact_post_stores_nothing(client, article):
    from articles.models import ContactRequest

    data = {"name": "Ada", "email": "ada@example.com", "subject": "Locked out", "message": "I cannot sign in at all."}
    response = client.post(reverse("articles:contact"), {**data, "article": "login\x00issues"})
    assert response.status_code == 400
    response = client.post(reverse("articles:contact"), {**data, "message": "I cannot\x00 sign in at all."})
    assert response.status_code == 400
    assert ContactRequest.objects.count() == 0


def test_invalid_utf8_in_a_parameter_is_read_as_replacement_characters(client, article):
    response = client.get("/api/search/?q=%ff%fe%c3&category=%80")
    assert response.status_code == 200
    assert response.json()["count"] == 0


# --- What one search may cost ---------------------------------------------------------


def test_an_overlong_query_gets_a_short_clear_answer_on_the_page(client, article):
    response = client.get(reverse("articles:search"), {"q": '"' * 100_000})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your search is too long: use at most 200 characters" in html
    assert len(response.content) < 20_000
    assert '""""' not in html


def test_an_overlong_query_is_a_json_400_on_the_api(client, article):
    response = client.get(reverse("articles:api_search"), {"q": "a" * 201})
    assert response.status_code == 400
    assert "at most 200 characters" in response.json()["error"]
    assert client.get(reverse("articles:api_search"), {"q": "a" * 200}).status_code == 200


@pytest.fixture
def search_rate(settings):
    settings.KB_RATE_LIMITS = True
    # Per day, so no window boundary falls inside the test on a slow machine.
    settings.KB_RATE_LIMIT_RATES = {**settings.KB_RATE_LIMIT_RATES, "search_ip": "3/d"}


def test_search_page_over_the_rate_is_a_429_page_with_retry_after(client, article, search_rate):
    for _ in range(3):
        assert client.get(reverse("articles:search"), {"q": "billing"}).status_code == 200
    response = client.get(reverse("articles:search"), {"q": "billing"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 86400
    assert "Too many searches" in response.content.decode()
    assert client.get(reverse("articles:search")).status_code == 200  # the empty search page is not counted


def test_search_api_over_the_rate_is_a_json_429_with_retry_after(client, article, search_rate):
    for _ in range(3):
        assert client.get(reverse("articles:api_search"), {"q": "billing"}).status_code == 200
    response = client.get(reverse("articles:api_search"), {"q": "billing"})
    assert response.status_code == 429
    assert response.json()["retry_after"] == int(response["Retry-After"])
    assert "Too many searches" in response.json()["error"]


def test_the_page_and_the_api_share_one_search_budget_per_client(client, article, search_rate):
    client.get(reverse("articles:search"), {"q": "billing"})
    client.get(reverse("articles:api_search"), {"q": "billing"})
    client.get(reverse("articles:search"), {"q": "billing"})
    assert client.get(reverse("articles:api_search"), {"q": "billing"}).status_code == 429
    other = client.get(reverse("articles:api_search"), {"q": "billing"}, REMOTE_ADDR="198.51.100.20")
    assert other.status_code == 200


def test_kb_rate_limits_off_lets_every_search_through(client, article, search_rate, settings):
    settings.KB_RATE_LIMITS = False
    for _ in range(6):
        assert client.get(reverse("articles:api_search"), {"q": "billing"}).status_code == 200


def test_check_deploy_is_clean_with_preload_and_subdomains_asked_for():
    from tests.test_settings import run_check

    result = run_check(
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="1",
        DJANGO_SECRET_KEY=REAL_KEY,
        DJANGO_ALLOWED_HOSTS="help.example.com",
        DJANGO_HSTS_PRELOAD="1",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
