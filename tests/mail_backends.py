"""Mail backends for tests: one that fails and then recovers, one that logs to a file across processes."""

import os
import smtplib
import threading
import time

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend


class FlakyBackend(BaseEmailBackend):
    """Refuses the connection `failures` times (class attribute), then delivers to `mail.outbox` like locmem."""

    failures = 0
    lock = threading.Lock()

    def send_messages(self, messages):
        with self.lock:
            if FlakyBackend.failures > 0:
                FlakyBackend.failures -= 1
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        for message in messages:
            message.message()
            mail.outbox.append(message)
        return len(messages)


class FileLogBackend(BaseEmailBackend):
    """
    Appends one line per delivered message (its Message-ID) to the file named by
    KB_TEST_MAIL_LOG, taking a little time per message so that overlapping
    senders really overlap. With KB_TEST_MAIL_BARRIER=DIR:N, each process's first
    delivery waits until N processes have reached theirs, so a slow start on a
    busy machine cannot let one sender finish before the other begins.
    """

    def send_messages(self, messages):
        _wait_at_barrier()
        for message in messages:
            time.sleep(float(os.environ.get("KB_TEST_MAIL_DELAY", "0.01")))
            line = f"{message.extra_headers['Message-ID']} {os.getpid()}-{threading.get_ident()}\n"
            with open(os.environ["KB_TEST_MAIL_LOG"], "a") as log:
                log.write(line)
        return len(messages)


_passed_barrier = False


def _wait_at_barrier(timeout: float = 150.0) -> None:
    global _passed_barrier
    barrier = os.environ.get("KB_TEST_MAIL_BARRIER")
    if not barrier or _passed_barrier:
        return
    folder, count = barrier.rsplit(":", 1)
    os.makedirs(folder, exist_ok=True)
    open(os.path.join(folder, str(os.getpid())), "w").close()
    deadline = time.monotonic() + timeout
    while len(os.listdir(folder)) < int(count) and time.monotonic() < deadline:
        time.sleep(0.01)
    _passed_barrier = True
