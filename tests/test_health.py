"""/healthz: the database and the cache, and a 503 that names what is down."""

import pytest
from django.db import OperationalError, connection, connections

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_the_database_and_the_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_naming_the_cache_when_it_is_down(client, settings):
    # Nothing listens on port 1: every cache call fails to connect.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["cache"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("error: ")


def test_healthz_answers_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert response.json()["checks"] == {"database": "error: OperationalError", "cache": "ok"}


def test_healthz_does_not_reveal_error_details(client, monkeypatch):
    def refuse():
        raise OperationalError('could not connect to server at "db.internal" (10.0.0.5), port 5432')

    monkeypatch.setattr(connection, "cursor", refuse)
    assert "db.internal" not in client.get("/healthz").content.decode()


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_healthz_checks_the_read_replica_when_there_is_one(client, settings, monkeypatch):
    settings.KB_READ_REPLICA = "replica"
    assert client.get("/healthz").json()["checks"] == {"database": "ok", "database replica": "ok", "cache": "ok"}

    def refuse():
        raise OperationalError("replica down")

    monkeypatch.setattr(connections["replica"], "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database replica"]
