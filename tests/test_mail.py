"""The outbox: each email claimed before it is sent, retried with backoff, never sent twice, never blocking."""

import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles.models import ContactRequest, OutgoingEmail
from articles.outbox import (
    MAX_ATTEMPTS,
    _record_sent,
    backoff,
    claim_timeout,
    outgoing_emails_claim,
    outgoing_emails_retry_now,
    outgoing_emails_send,
)
from articles.services import contact_request_create
from tests.mail_backends import FlakyBackend

pytestmark = pytest.mark.django_db
PROJECT = Path(__file__).resolve().parent.parent
Status = OutgoingEmail.Status


@pytest.fixture
def pending(settings):
    """Create contact requests whose emails wait in the outbox (as with KB_MAIL_DELIVERY=cron)."""
    settings.KB_MAIL_DELIVERY = "cron"

    def create(count=1, **fields):
        return [
            contact_request_create(
                name=fields.get("name", f"Customer {n}"),
                email=fields.get("email", f"c{n}@example.com"),
                subject=fields.get("subject", "Cannot log in"),
                message="I reset my password and still cannot sign in.",
            )
            for n in range(count)
        ]

    return create


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.FlakyBackend"
    yield FlakyBackend
    FlakyBackend.failures = 0


def make_due():
    OutgoingEmail.objects.filter(status=Status.PENDING).update(next_attempt_at=timezone.now())


def run_command(name="send_pending_notifications"):
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


@pytest.fixture
def hanging_smtp_server():
    """A server on 127.0.0.1 that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- Retries --------------------------------------------------------------------------


def test_a_mail_server_that_fails_then_recovers_delivers_everything_once(pending, flaky):
    pending(2)
    flaky.failures = 1

    first = run_command()

    assert "sent 0, retry later 4, failed 0" in first
    for email in OutgoingEmail.objects.all():
        assert email.status == Status.PENDING and email.attempts == 1
        assert "Connection unexpectedly closed" in email.last_error
        assert timedelta(seconds=50) < email.next_attempt_at - timezone.now() <= timedelta(minutes=1)
    assert "sent 0, retry later 0" in run_command()  # nothing is due before the backoff ends

    make_due()
    assert "sent 4, retry later 0, failed 0" in run_command()
    assert len(mail.outbox) == 4 and set(OutgoingEmail.objects.values_list("status", flat=True)) == {Status.SENT}
    assert ContactRequest.objects.filter(notified_at__isnull=True).count() == 0
    assert "sent 0" in run_command()  # and nothing goes out a second time


def test_retries_back_off_1_5_30_minutes_then_hourly():
    assert [backoff(n) for n in range(1, 7)] == [timedelta(minutes=m) for m in (1, 5, 30, 60, 60, 60)]


def test_an_email_that_keeps_failing_is_retried_up_to_the_limit_then_marked_failed(pending, flaky):
    pending(1)
    OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.CUSTOMER_ACKNOWLEDGEMENT).delete()
    flaky.failures = 1000
    waits = []
    for _ in range(MAX_ATTEMPTS):
        make_due()
        before = timezone.now()
        summary = outgoing_emails_send()
        email = OutgoingEmail.objects.get()
        if email.status == Status.PENDING:
            waits.append(round((email.next_attempt_at - before).total_seconds() / 60))
    assert waits == [1, 5, 30] + [60] * (MAX_ATTEMPTS - 4)
    assert (email.status, email.attempts, summary.failed) == (Status.FAILED, MAX_ATTEMPTS, 1)
    assert "Connection unexpectedly closed" in email.last_error
    make_due()
    assert outgoing_emails_send().sent == 0  # a failed email waits for someone to look at it


def test_an_email_that_can_never_be_sent_fails_alone_and_the_command_still_succeeds(pending):
    bad = pending(1, subject="Hello\nBcc: victim@example.com")[0]  # stored without going through the form
    pending(2)

    out = run_command()

    assert "sent 5, retry later 0, failed 1" in out and "admin" in out
    failed = OutgoingEmail.objects.get(status=Status.FAILED)
    assert failed.contact_request == bad and failed.kind == OutgoingEmail.Kind.SUPPORT_NOTIFICATION
    assert "BadHeaderError" in failed.last_error and failed.attempts == 1
    assert len(mail.outbox) == 5


def test_an_unreachable_mail_server_leaves_every_email_pending_with_the_reason(pending, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    pending(2)

    summary = outgoing_emails_send()

    assert (summary.sent, summary.retry, summary.failed) == (0, 4, 0)
    assert all("ConnectionRefusedError" in e.last_error for e in OutgoingEmail.objects.all())
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_an_unreachable_mail_server_stops_the_run_and_the_rest_waits_for_the_next(pending, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    pending(12)

    out = run_command()

    assert "sent 0, retry later 10, failed 0" in out and "could not be reached" in out
    assert OutgoingEmail.objects.filter(attempts=0, status=Status.PENDING).count() == 14
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert "sent 14" in run_command()  # the untried ones are due at once; the others after their backoff


def test_EMAIL_TIMEOUT_bounds_the_wait_for_a_mail_server_that_never_answers(pending, settings, hanging_smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", hanging_smtp_server, 0.5
    assert get_connection().timeout == 0.5
    pending(3)

    started = time.monotonic()
    summary = outgoing_emails_send()
    elapsed = time.monotonic() - started

    assert elapsed < 3, "one timeout for the batch, not one per email"
    assert summary.retry == 6
    assert all("timed out" in e.last_error for e in OutgoingEmail.objects.all())


def test_the_admin_can_put_a_failed_email_back_in_line(pending):
    pending(1)
    OutgoingEmail.objects.update(status=Status.FAILED, attempts=MAX_ATTEMPTS, last_error="550 No such user")
    assert outgoing_emails_retry_now(OutgoingEmail.objects.all()) == 2
    assert outgoing_emails_send().sent == 2


# --- Claims ------------------------------------------------------------------------------


def test_claims_never_share_an_email(pending):
    pending(3)
    _, first = outgoing_emails_claim(limit=4)
    _, second = outgoing_emails_claim(limit=4)
    _, third = outgoing_emails_claim(limit=4)
    assert len(first) == 4 and len(second) == 2 and third == []
    assert not {e.pk for e in first} & {e.pk for e in second}
    assert all(e.status == Status.SENDING and e.attempts == 1 for e in first + second)


def test_a_stale_claim_is_taken_over_and_a_fresh_one_is_left_alone(pending):
    pending(2)
    stale, fresh = ContactRequest.objects.order_by("pk")
    now = timezone.now()
    stale.emails.update(
        status=Status.SENDING, claimed_at=now - claim_timeout() - timedelta(seconds=1), claim_token="x"
    )
    fresh.emails.update(status=Status.SENDING, claimed_at=now - timedelta(seconds=5), claim_token="y")

    summary = outgoing_emails_send()

    assert summary.sent == 2
    assert set(stale.emails.values_list("status", flat=True)) == {Status.SENT}
    assert set(fresh.emails.values_list("status", flat=True)) == {Status.SENDING}


def test_a_sender_whose_claim_was_taken_over_does_not_overwrite_the_outcome(pending):
    pending(1)
    token, (email, _) = outgoing_emails_claim(limit=2)
    OutgoingEmail.objects.filter(pk=email.pk).update(claim_token="someone-else")
    _record_sent(email, token)
    email.refresh_from_db()
    assert email.status == Status.SENDING and email.claim_token == "someone-else"


def test_the_old_command_name_still_works(pending):
    pending(1)
    assert "sent 2" in run_command("send_contact_notifications")


def test_the_command_fails_when_the_database_does_not_answer(monkeypatch):
    def unreachable(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("articles.management.commands.send_pending_notifications.outgoing_emails_send", unreachable)
    with pytest.raises(CommandError, match="could not connect"):
        run_command()


# --- Two real senders at once, each with its own database connection --------------------


def _subprocess_env(tmp_path) -> dict:
    settings_dict = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kb.settings",
        "EMAIL_BACKEND": "tests.mail_backends.FileLogBackend",
        "KB_TEST_MAIL_LOG": str(tmp_path / "sent.log"),
        "KB_TEST_MAIL_DELAY": "0.03",
        "KB_MAIL_DELIVERY": "cron",
        "REDIS_URL": "",
        "PYTHONPATH": str(PROJECT),
    }
    if connection.vendor == "postgresql":
        # The transactional test database: rows committed here are visible there.
        user, password = settings_dict["USER"], settings_dict["PASSWORD"]
        auth = f"{user}:{password}@" if password else f"{user}@"
        env["DATABASE_URL"] = (
            f"postgres://{auth}{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
        )
    else:
        # pytest-django's SQLite test database lives in memory, where no other process
        # can reach it: the senders share a file database instead, as in production.
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'outbox.sqlite3'}"
        manage(env, "migrate", "--noinput", "-v", "0")
    return env


def manage(env, *args, wait=True):
    command = [sys.executable, str(PROJECT / "manage.py"), *args]
    if wait:
        subprocess.run(command, env=env, cwd=PROJECT, check=True, capture_output=True, timeout=120)
        return None
    return subprocess.Popen(command, env=env, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def process(env, *args, wait=True):
    """Run `python -m tests.outbox_processes ARGS` (see there)."""
    command = [sys.executable, "-m", "tests.outbox_processes", *args]
    if wait:
        result = subprocess.run(command, env=env, cwd=PROJECT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout
    return subprocess.Popen(command, env=env, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def start_sender(env, name):
    if name == "retry run":
        return manage(env, "send_pending_notifications", wait=False)
    return process({**env, "KB_MAIL_DELIVERY": "thread"}, "after-commit", wait=False)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["retry run", "web worker's after-commit send"])
@pytest.mark.parametrize("second", ["retry run"])
def test_two_senders_started_together_deliver_each_email_exactly_once(tmp_path, first, second):
    env = _subprocess_env(tmp_path)
    process(env, "create", "30")

    env["KB_TEST_MAIL_BARRIER"] = f"{tmp_path / 'barrier'}:2"  # each waits with its first batch for the other
    runs = [start_sender(env, name) for name in (first, second)]
    outputs = [run.communicate(timeout=240) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    lines = (tmp_path / "sent.log").read_text().splitlines()
    message_ids = [line.split()[0] for line in lines]
    assert len(message_ids) == 60 and len(set(message_ids)) == 60  # 30 requests x (support + acknowledgement)
    assert len({line.split()[1].split("-")[0] for line in lines}) == 2, "both senders took part"
    if connection.vendor == "postgresql":
        assert OutgoingEmail.objects.filter(status=Status.SENT).count() == 60


# --- After the commit: a background thread, never the customer's request ----------------
# In a process of its own, on a database it shares with this test (a file on SQLite):
# the background thread needs its own connection to committed rows.


def post_in_a_web_process(env, count):
    env = {**env, "KB_MAIL_DELIVERY": "thread", "KB_RATE_LIMITS": "0", "DJANGO_ALLOWED_HOSTS": "testserver"}
    return json.loads(process(env, "post", str(count)).strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_background_thread_sends_both_emails_after_the_commit(tmp_path):
    env = _subprocess_env(tmp_path)
    report = post_in_a_web_process(env, 3)
    assert [status for status, _, _ in report["emails"]] == [Status.SENT] * 6
    assert len((tmp_path / "sent.log").read_text().splitlines()) == 6


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_contact_post_never_waits_on_a_hanging_mail_server(tmp_path, hanging_smtp_server):
    # The latency itself (p99) is measured by benchmarks/contact_mail.py; here, no
    # post may take anywhere near EMAIL_TIMEOUT, as it would if it talked to the server.
    env = _subprocess_env(tmp_path)
    env.update(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(hanging_smtp_server),
        EMAIL_TIMEOUT="3",
    )
    report = post_in_a_web_process(env, 20)

    assert max(report["timings"]) < 1.5
    assert len(report["emails"]) == 40
    assert {status for status, _, _ in report["emails"]} == {Status.PENDING}
    tried = [(error, when) for _, error, when in report["emails"] if error]
    assert tried and all(
        "timed out" in error and datetime.fromisoformat(when) > timezone.now() for error, when in tried
    )


# --- Requests stored before the outbox existed ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_requests_from_before_the_outbox_get_a_reference_and_their_pending_notification(settings):
    before = [("articles", "0007_search_head_and_lexemes")]  # the migration before the outbox
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("articles")
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("articles", "ContactRequest")
    waiting = old.objects.create(
        name="Ann", email="ann@example.com", subject="Help", message="Locked out.", notify_attempts=3,
        notify_error="timed out",
    )  # fmt: skip
    done = old.objects.create(
        name="Bob", email="bob@example.com", subject="Help", message="Fine now.", status="open",
        notified_at=timezone.now(),
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)

    waiting, done = ContactRequest.objects.get(pk=waiting.pk), ContactRequest.objects.get(pk=done.pk)
    assert waiting.reference != done.reference and len(waiting.reference) == 9
    assert waiting.first_worked_at is None and done.first_worked_at is not None
    email = OutgoingEmail.objects.get()
    assert (email.contact_request, email.kind, email.status) == (waiting, "support_notification", Status.PENDING)
    assert email.last_error == "timed out" and email.to == settings.KB_SUPPORT_EMAIL
    assert outgoing_emails_send().sent == 1


# --- Settings ---------------------------------------------------------------------------------


def _settings_from(env: dict) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.KB_MAIL_DELIVERY, settings.EMAIL_TIMEOUT)"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("KB_", "EMAIL_"))}
    environment.update(env, DJANGO_SETTINGS_MODULE="kb.settings")
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=environment, capture_output=True, text=True)


def test_delivery_and_timeout_come_from_the_environment():
    assert _settings_from({}).stdout.split() == ["thread", "10.0"]
    assert _settings_from({"KB_MAIL_DELIVERY": "cron", "EMAIL_TIMEOUT": "2.5"}).stdout.split() == ["cron", "2.5"]
    refused = _settings_from({"KB_MAIL_DELIVERY": "sometimes"})
    assert refused.returncode != 0 and "KB_MAIL_DELIVERY must be thread, cron or immediate" in refused.stderr
