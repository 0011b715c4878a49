"""What production relies on: SQLite in WAL mode, the gunicorn config, static files with long cache headers."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import RequestFactory

ROOT = Path(__file__).resolve().parent.parent


def test_the_sqlite_file_database_runs_in_wal_mode_with_a_busy_timeout_and_a_memory_map(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    for pragma in ('journal_mode', 'synchronous', 'busy_timeout'):\n"
        "        print(c.execute(f'PRAGMA {pragma}').fetchone()[0])\n"
        "    print(c.execute('PRAGMA mmap_size').fetchone()[0] > 0)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE", "REDIS"))}
    env.update(DJANGO_SETTINGS_MODULE="kb.settings", DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.split() == ["wal", "1", "20000", "True"], result.stderr  # synchronous=1 is NORMAL


def _gunicorn_config(monkeypatch, **env):
    for name in ("GUNICORN_WORKERS", "WEB_CONCURRENCY", "GUNICORN_ACCESS_LOG", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "kb" / "gunicorn.conf.py"))


def test_gunicorn_takes_its_workers_and_address_from_the_environment(monkeypatch):
    config = _gunicorn_config(monkeypatch, GUNICORN_WORKERS="3", GUNICORN_BIND="0.0.0.0:8080")
    assert config["workers"] == 3 and config["bind"] == "0.0.0.0:8080"
    assert config["wsgi_app"] == "kb.wsgi:application"
    assert _gunicorn_config(monkeypatch, WEB_CONCURRENCY="5")["workers"] == 5
    assert _gunicorn_config(monkeypatch)["workers"] == (os.cpu_count() or 1) * 2 + 1


def test_gunicorn_access_log_has_status_and_duration_when_turned_on(monkeypatch):
    assert _gunicorn_config(monkeypatch)["accesslog"] is None  # the app logs each request already
    config = _gunicorn_config(monkeypatch, GUNICORN_ACCESS_LOG="-")
    assert config["accesslog"] == "-"
    assert "%(s)s" in config["access_log_format"] and "%(M)s" in config["access_log_format"]


@pytest.mark.slow
def test_static_files_are_served_compressed_and_hashed_with_far_future_cache_headers(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "kb.static_storage.StaticFilesStorage"},  # production's
    }
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.templatetags.static import static
    from whitenoise.middleware import WhiteNoiseMiddleware

    url = static("css/site.css")
    assert url != "/static/css/site.css" and url.endswith(".css")  # a hashed name
    assert static("css/site.css") == url  # kept once found
    for _ in range(2):  # a file the manifest does not have is an error every time, never kept
        with pytest.raises(ValueError):
            static("css/no-such-file.css")
    middleware = WhiteNoiseMiddleware(lambda request: pytest.fail("not served as a static file"))
    response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip, br"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] in ("gzip", "br")
    assert "Accept-Encoding" in response["Vary"]
    # The unhashed name is still served, but only for a short while.
    plain = middleware(RequestFactory().get("/static/css/site.css"))
    assert plain.status_code == 200 and "immutable" not in plain["Cache-Control"]


class _Worker:
    def __init__(self):
        self.log = self
        self.errors = []

    def exception(self, message, *args):
        self.errors.append(message)


def test_a_gunicorn_worker_loads_the_meaning_signal_before_taking_requests(monkeypatch, settings, db):
    from articles.search import semantic

    loaded = []
    settings.KB_SEARCH_MEANING = True
    monkeypatch.setattr(semantic, "encoder", lambda: loaded.append("model") or object())
    monkeypatch.setattr(semantic, "vector_matrix", lambda: loaded.append("vectors"))
    worker = _Worker()
    _gunicorn_config(monkeypatch)["post_worker_init"](worker)
    assert loaded == ["model", "vectors"] and worker.errors == []


def test_a_gunicorn_worker_loads_the_common_words_before_taking_requests(monkeypatch, settings, db):
    from articles.search import typos

    settings.KB_SEARCH_MEANING = False
    typos.common_words.cache_clear()
    _gunicorn_config(monkeypatch)["post_worker_init"](_Worker())
    assert typos.common_words.cache_info().currsize == 1


def test_a_worker_serves_requests_when_the_meaning_signal_cannot_load(monkeypatch, settings, db):
    from articles.search import semantic

    def broken():
        raise OSError("weights missing")

    settings.KB_SEARCH_MEANING = True
    monkeypatch.setattr(semantic, "encoder", broken)
    worker = _Worker()
    _gunicorn_config(monkeypatch)["post_worker_init"](worker)  # does not raise
    assert worker.errors == ["Could not load search's meaning signal before serving"]
