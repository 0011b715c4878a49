"""
When the outbox is sent after a contact request is committed.

`deliver_after_commit(ids)` is registered with `transaction.on_commit()`; what
it does depends on `settings.KB_MAIL_DELIVERY`:

- "thread" (the default): hand the ids to this process's background sender
  thread and return at once, so the customer's thank-you page never waits on
  the mail server. The thread sends through `outbox.outgoing_emails_send()`,
  the same claim-before-send path as the command, so the two never double-send.
- "cron": do nothing; `manage.py send_pending_notifications`, run every minute,
  sends everything (for hosts that want no threads in web processes).
- "immediate": send in the committing thread (tests and scripts; never a web server).

Whatever the thread has not finished when the process exits stays pending (or
its claim goes stale) and the command sends it: the thread is the fast path,
the command the safety net.
"""

import logging
import os
import queue
import threading

from django.conf import settings
from django.db import connections

from .outbox import outgoing_emails_send

logger = logging.getLogger(__name__)

_STOP = object()


class _Sender:
    """One daemon thread per process, started on first use (and again in a forked child)."""

    def __init__(self):
        self.queue = queue.Queue()
        self.lock = threading.Lock()
        self.thread = None

    def wake(self, ids: list[int]) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
                self.thread.start()
        for pk in ids:
            self.queue.put(pk)

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is _STOP:
                self.queue.task_done()
                return
            ids = [item]
            # Take everything that arrived meanwhile: one claim and one SMTP connection for all of it.
            stop = False
            while True:
                try:
                    more = self.queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop = True
                    self.queue.task_done()
                    break
                ids.append(more)
            try:
                summary = outgoing_emails_send(ids=ids)
                logger.info("Outbox after commit: %s", summary)
            except Exception:  # the rows stay pending; the command sends them
                logger.exception("The background sender could not send outgoing emails %s", ids)
            finally:
                # Never hold a database connection while idle (or blocked on a mail server).
                connections.close_all()
                for _ in ids:
                    self.queue.task_done()
            if stop:
                return

    def wait_idle(self) -> None:
        """Block until everything handed over so far was tried (tests and scripts)."""
        self.queue.join()

    def stop(self, timeout: float | None = None) -> None:
        """Let the thread finish what it holds, then end it."""
        with self.lock:
            thread = self.thread
            self.thread = None
        if thread is not None and thread.is_alive():
            self.queue.put(_STOP)
            thread.join(timeout)


_sender = _Sender()


def _after_fork_in_child() -> None:
    # A forked worker (gunicorn --preload) inherits no running thread and
    # possibly a held lock: start from a clean sender.
    global _sender
    _sender = _Sender()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def deliver_after_commit(ids: list[int]) -> None:
    mode = settings.KB_MAIL_DELIVERY
    if mode == "thread":
        _sender.wake(ids)
    elif mode == "immediate":
        try:
            outgoing_emails_send(ids=ids)
        except Exception:  # like the thread: the rows stay pending for the command
            logger.exception("Could not send outgoing emails %s", ids)


def background_sender_wait_idle() -> None:
    _sender.wait_idle()


def background_sender_stop(timeout: float | None = None) -> None:
    _sender.stop(timeout)
