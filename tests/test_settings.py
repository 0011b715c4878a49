"""Configuration from the environment (contract 1), and the services it points at."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_check(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    environment.update(env, DJANGO_SETTINGS_MODULE="kb.settings")
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_defaults_run_on_sqlite_with_console_email_and_local_cache():
    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='kb.settings'; django.setup();"
         "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.EMAIL_BACKEND,"
         " s.CACHES['default']['BACKEND'], s.DEBUG)"],
        cwd=ROOT, capture_output=True, text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE", "REDIS", "EMAIL_"))},
    )  # fmt: skip
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.cache.backends.locmem.LocMemCache",
        "False",
    ]


def test_check_deploy_is_clean_in_production_mode():
    result = run_check(
        "--deploy", "--fail-level", "WARNING",
        DJANGO_DEBUG="0", DJANGO_HTTPS="1", DJANGO_SECRET_KEY="a-real-secret-" + "x7Kq2" * 12,
        DJANGO_ALLOWED_HOSTS="help.example.com",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_mode_refuses_the_local_secret_key():
    result = run_check(DJANGO_HTTPS="1")
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set (CI's PostgreSQL run sets it)")
def test_redis_is_the_shared_cache_when_configured():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.set("kb-test-key", {"ok": 1}, 10)
    assert cache.get("kb-test-key") == {"ok": 1}


@pytest.mark.django_db
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="DATABASE_URL does not point at PostgreSQL (CI's second run does)",
)
def test_postgresql_run_really_uses_postgresql_with_pg_trgm():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() is not None
