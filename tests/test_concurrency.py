"""
Concurrent writes during a read load, under gunicorn with several workers
(a short run of benchmarks/concurrency.py on the engine the suite runs on).
"""

import os
import socket
from urllib.parse import urlsplit, urlunsplit

import pytest

from benchmarks.concurrency import postgres_drop, postgres_recreate, run

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_url(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}"
        return
    parts = urlsplit(url)
    own = urlunsplit((parts.scheme, parts.netloc, f"/kb_concurrency_test_{os.getpid()}", parts.query, ""))
    postgres_recreate(own)
    yield own
    postgres_drop(own)


def test_every_acknowledged_write_is_stored_and_nothing_is_locked_out(database_url):
    result = run(database_url, writers=3, readers=3, duration=3, workers=3, port=_free_port())
    assert result["errors"] == 0, result["error_samples"]
    assert result["locked"] == 0 and result["server_errors"] == 0
    assert result["contact_acknowledged"] > 0 and result["search_acknowledged"] > 0
    assert result["contact_rows"] == result["contact_acknowledged"] == result["contact_sent"]
    assert result["search_rows"] == result["search_acknowledged"] == result["search_sent"]
    assert result["reads_ok"] == result["reads"] > 0
