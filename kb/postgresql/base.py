"""
Django's PostgreSQL backend, with a connection health check that costs no round trip
when the connection is idle and the server has sent nothing.

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
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
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
