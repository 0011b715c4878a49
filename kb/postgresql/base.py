"""
Django's PostgreSQL backend, with a connection health check that costs no round trip
when the connection is idle and the server has sent nothing, and prepared statements
for the reads that run on every page the page cache does not have.

Django's health check (`CONN_HEALTH_CHECKS`) runs `SELECT 1` before the first query of
each request on a kept connection, so that a worker's first request after the database
restarted reconnects instead of failing. On a page that reads one row, that was half of
the request's statements. A server that restarts, or ends a connection
(`pg_terminate_backend()`, an idle timeout), sends an error and closes the socket, so the
socket has something to read; a connection in use between requests never has (replies
are read in full when each statement runs). So a kept connection that is idle, not
marked broken and whose socket has nothing to read is taken as usable; anything else
gets `SELECT 1` as before, and is reconnected if that fails. A server that vanished
without closing its sockets is not seen by either check until the network times out.

`prepared_cursor()` gives a cursor (Django's, logged and wrapped as any other) whose
statements are prepared on the server the first time this connection runs them, then
only bound and executed: PostgreSQL parses and plans the article page's read once per
connection instead of at each request. Measured on that read, with a kept connection:
about 75 µs of CPU (the worker's and the server's together) instead of 220 µs. Only
the reads that ask for it are prepared: Django's other statements are sent as before
(with `DJANGO_DB_SERVER_SIDE_BINDING=1` psycopg binds them on the server too, but
Django leaves `prepare_threshold` unset, so it prepares none of them). Behind a pooler
that cannot keep prepared statements (PgBouncer in transaction mode before 1.21), set
`KB_DB_PREPARED_READS=0`.
"""

import select
import sys

from django.conf import settings
from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class PreparingCursor(base.ServerBindingCursor):
    """A cursor that prepares each statement it runs (once per connection: psycopg keeps the names)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if settings.KB_DB_PREPARED_READS and connection.prepare_threshold is None:
            # psycopg prepares nothing while the threshold is None, not even a statement run
            # with prepare=True; a threshold never reached keeps it to the statements that ask.
            connection.prepare_threshold = sys.maxsize
        return connection

    def prepared_cursor(self):
        """`cursor()`, whose statements are prepared (see the module docstring); `cursor()` when turned off."""
        if not settings.KB_DB_PREPARED_READS:
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(PreparingCursor(self.connection))

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and self._idle_with_nothing_to_read()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _idle_with_nothing_to_read(self) -> bool:
        connection = self.connection
        if connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return False
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            # Data, an end of stream (POLLHUP) or an error (POLLERR): ask the server.
            return not poller.poll(0)
        except (OSError, ValueError):
            return False
