"""The PostgreSQL backend's health check (kb/postgresql/base.py): no round trip on a quiet connection."""

import select
from unittest import mock

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


@pytest.fixture
def kept():
    """A second connection to the test database, health checks on, as a server process keeps one."""
    from kb.postgresql.base import DatabaseWrapper

    wrapper = DatabaseWrapper({**connection.settings_dict, "CONN_HEALTH_CHECKS": True}, alias=connection.alias)
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _next_request(wrapper):
    wrapper.health_check_done = False  # as close_old_connections() leaves it between requests


def test_the_settings_use_the_backend_with_the_quiet_health_check():
    assert connection.settings_dict["ENGINE"] == "kb.postgresql"


def test_a_quiet_kept_connection_is_used_without_a_select_1(kept):
    _next_request(kept)
    with mock.patch.object(kept, "is_usable", wraps=kept.is_usable) as is_usable:
        with kept.cursor() as cursor:
            cursor.execute("SELECT 2")
            assert cursor.fetchone() == (2,)
    is_usable.assert_not_called()
    assert kept.health_check_done


def test_a_connection_the_server_ended_is_replaced_before_the_next_query(kept):
    ended_pid = kept.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [ended_pid])
    # The server's error and end of stream reach the socket.
    poller = select.poll()
    poller.register(kept.connection.fileno(), select.POLLIN)
    assert poller.poll(5000)
    _next_request(kept)
    with mock.patch.object(kept, "is_usable", wraps=kept.is_usable) as is_usable:
        with kept.cursor() as cursor:  # a query, not an error
            cursor.execute("SELECT pg_backend_pid()")
            new_pid = cursor.fetchone()[0]
    is_usable.assert_called_once()
    assert new_pid != ended_pid


def test_a_connection_inside_a_transaction_gets_the_full_check(kept):
    kept.set_autocommit(False)
    try:
        with kept.cursor() as cursor:
            cursor.execute("SELECT 1")
        _next_request(kept)
        with mock.patch.object(kept, "is_usable", return_value=True) as is_usable:
            kept.close_if_health_check_failed()
        is_usable.assert_called_once()
    finally:
        kept.rollback()
        kept.set_autocommit(True)


def _prepared_article_reads():
    with connection.cursor() as cursor:
        sql = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s"
        cursor.execute(sql, ['%"articles_article" t%'])
        return cursor.fetchone()[0]


def test_the_article_page_s_read_is_a_statement_prepared_once_per_connection(make_article, settings):
    from articles import selectors

    settings.KB_PAGE_CACHE = False
    first = make_article("Printer offline", "## Check the cable\nText.")
    second = make_article("Scanner offline", "## Check the lid\nText.")
    before = _prepared_article_reads()
    found = [selectors.public_article(article.slug) for article in (first, second, first)]
    assert [article.pk for article in found] == [first.pk, second.pk, first.pk]
    assert _prepared_article_reads() == before + 1


def test_the_reads_are_not_prepared_when_turned_off(make_article, settings):
    from articles import selectors

    settings.KB_DB_PREPARED_READS = False
    article = make_article("Printer offline", "## Check the cable\nText.")
    before = _prepared_article_reads()
    assert selectors.public_article(article.slug).pk == article.pk
    assert _prepared_article_reads() == before
