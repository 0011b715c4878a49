"""One log line per request, plain or JSON (kb/request_log.py)."""

import json
import logging

import pytest

from kb.request_log import JsonFormatter

pytestmark = pytest.mark.django_db


def test_each_request_is_logged_with_method_path_status_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="kb.requests"):
        client.get("/no-such-page/?q=secret+words")
    [record] = [r for r in caplog.records if r.name == "kb.requests"]
    assert (record.method, record.path, record.status) == ("GET", "/no-such-page/", 404)
    assert record.duration_ms >= 0
    assert "secret" not in record.getMessage()  # the query string stays out of the logs


def test_json_lines_carry_the_request_fields(client, caplog):
    with caplog.at_level(logging.INFO, logger="kb.requests"):
        client.get("/healthz")
    [record] = [r for r in caplog.records if r.name == "kb.requests"]
    entry = json.loads(JsonFormatter().format(record))
    assert entry["method"] == "GET" and entry["path"] == "/healthz" and entry["status"] == 200
    assert isinstance(entry["duration_ms"], float)
    assert entry["level"] == "INFO" and entry["logger"] == "kb.requests"


def test_json_lines_escape_what_customers_type():
    record = logging.LogRecord("kb.requests", logging.INFO, "", 0, "GET %s", ('/a"b\n',), None)
    record.path = '/a"b\n'
    line = JsonFormatter().format(record)
    assert "\n" not in line and json.loads(line)["path"] == '/a"b\n'
