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
    Appends one line per delivered message (its Message-ID and the sender's
    process and thread) to the file named by KB_TEST_MAIL_LOG, taking a little
    time per message. With KB_TEST_MAIL_SENDERS=N, each process's first send
    waits (up to 60 s) until N processes have reached theirs, so N senders
    started together really overlap, however loaded the machine is.
    """

    waited = False

    def send_messages(self, messages):
        self._wait_for_the_other_senders()
        for message in messages:
            time.sleep(float(os.environ.get("KB_TEST_MAIL_DELAY", "0.01")))
            line = f"{message.extra_headers['Message-ID']} {os.getpid()}-{threading.get_ident()}\n"
            with open(os.environ["KB_TEST_MAIL_LOG"], "a") as log:
                log.write(line)
        return len(messages)

    @classmethod
    def _wait_for_the_other_senders(cls):
        senders = int(os.environ.get("KB_TEST_MAIL_SENDERS", "0"))
        if cls.waited or senders < 2:
            return
        cls.waited = True
        log = os.environ["KB_TEST_MAIL_LOG"]
        with open(f"{log}.ready-{os.getpid()}", "w"):
            pass
        deadline = time.monotonic() + 60
        folder, name = os.path.split(log)
        while time.monotonic() < deadline:
            if sum(entry.startswith(f"{name}.ready-") for entry in os.listdir(folder or ".")) >= senders:
                return
            time.sleep(0.02)
