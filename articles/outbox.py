"""
Sending the outbox (`OutgoingEmail`): claim, send, record. The one place that
sends the help center's email.

Every sender (the web process's background thread after a commit, and
`manage.py send_pending_notifications` from cron) goes through
`outgoing_emails_send()`, which claims each row before sending it, so two
senders that overlap never send the same email twice:

- PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` picks rows no one else is
  claiming, and marks them "sending" in the same transaction.
- SQLite: one conditional UPDATE (pending -> sending, only where the row is still
  due) is atomic because SQLite has a single writer; the rows carrying our claim
  token are ours.

A claim that is never reported back (the sender died mid-send) goes stale after
`claim_timeout()` and another sender takes it over. A failure is recorded on the
row, never raised: the mail server being down reschedules the batch with
backoff, a message the server can never accept is marked failed with its reason,
and neither stops the others.
"""

import logging
import smtplib
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from .models import ContactRequest, OutgoingEmail

logger = logging.getLogger(__name__)

# After the 1st, 2nd, 3rd failed attempt: wait 1, 5, 30 minutes; then hourly.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=1))
# Ten attempts, about 6.5 hours of trying; then the email is marked failed and flagged in the admin.
MAX_ATTEMPTS = 10
CLAIM_BATCH = 10  # emails claimed (and sent over one connection) at a time


@dataclass
class SendSummary:
    sent: int = 0
    retry: int = 0  # failed this time, will be retried later
    failed: int = 0  # given up: shown in the admin
    unreachable: bool = False  # the mail server could not be reached: the run stopped there

    def __add__(self, other):
        return SendSummary(
            self.sent + other.sent,
            self.retry + other.retry,
            self.failed + other.failed,
            self.unreachable or other.unreachable,
        )

    def __str__(self):
        return f"sent {self.sent}, retry later {self.retry}, failed {self.failed}"


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def claim_timeout() -> timedelta:
    """
    How long a claim holds before another sender may take the email over. Far
    longer than a batch can take (each send is bounded by EMAIL_TIMEOUT), so a
    live sender is never overtaken; and a sender stops sending a batch whose
    claim is half-way to this (see `_deliver`).
    """
    return max(timedelta(minutes=10), timedelta(seconds=4 * (CLAIM_BATCH + 1) * settings.EMAIL_TIMEOUT))


def outgoing_emails_claim(
    *, limit: int = CLAIM_BATCH, ids: list[int] | None = None, now: datetime | None = None
) -> tuple[str, list[OutgoingEmail]]:
    """Claim up to `limit` due emails (only among `ids` when given); returns the claim token and the rows."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    due = OutgoingEmail.objects.due(now=now, stale_before=now - claim_timeout())
    if ids is not None:
        due = due.filter(pk__in=ids)
    due = due.order_by("next_attempt_at", "pk")
    claim = {"status": OutgoingEmail.Status.SENDING, "claim_token": token, "claimed_at": now}
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            picked = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            OutgoingEmail.objects.filter(pk__in=picked).update(attempts=F("attempts") + 1, **claim)
    else:
        # SQLite runs one writer at a time: one UPDATE picks the first due rows and
        # claims them, so two senders never pick the same rows. (Picking first and
        # claiming after let a sender that lost the race claim nothing, and stop
        # as if nothing were due while other emails waited.)
        OutgoingEmail.objects.filter(pk__in=due.values("pk")[:limit]).update(attempts=F("attempts") + 1, **claim)
    rows = OutgoingEmail.objects.filter(claim_token=token).select_related("contact_request__article")
    return token, list(rows.order_by("pk"))


def outgoing_emails_send(*, ids: list[int] | None = None, limit: int | None = None) -> SendSummary:
    """
    Send every email that is due (or only those among `ids`), batch by batch,
    until none is left or `limit` were tried, or the mail server cannot be
    reached: then the rest waits for the next run instead of costing each batch
    another EMAIL_TIMEOUT. Returns what happened.
    """
    summary = SendSummary()
    tried = 0
    while limit is None or tried < limit:
        batch_size = CLAIM_BATCH if limit is None else min(CLAIM_BATCH, limit - tried)
        token, batch = outgoing_emails_claim(limit=batch_size, ids=ids)
        if not batch:
            break
        tried += len(batch)
        summary += _deliver(batch, token)
        if summary.unreachable:
            break
    return summary


def outgoing_emails_retry_now(queryset) -> int:
    """Put failed or waiting emails back in line for the next sender, with a fresh set of attempts."""
    return queryset.exclude(status__in=[OutgoingEmail.Status.SENT, OutgoingEmail.Status.SENDING]).update(
        status=OutgoingEmail.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )


# --- Building and sending ------------------------------------------------------


def build_message(email: OutgoingEmail) -> EmailMessage:
    """The message for one outbox row. Raises ValueError (BadHeaderError) when it can never be sent."""
    contact_request = email.contact_request
    context = {"contact": contact_request, "site_name": "Help center"}
    if email.kind == OutgoingEmail.Kind.SUPPORT_NOTIFICATION:
        subject = f"[{contact_request.reference}] {contact_request.subject}"
        body = render_to_string("articles/email/contact_request.txt", context)
        reply_to = [contact_request.email]
    else:
        subject = f"We received your request {contact_request.reference}"
        body = render_to_string("articles/email/contact_acknowledgement.txt", context)
        reply_to = [settings.KB_SUPPORT_EMAIL]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=reply_to,
        # The same Message-ID on every attempt: should a send ever be repeated
        # (a sender that died after the server accepted it), mail clients merge the copies.
        headers={"Message-ID": f"<{email.kind}.{contact_request.reference.lower()}@{domain}>"},
    )
    message.message()  # header checks happen here: a line break in the subject raises BadHeaderError
    return message


def _is_permanent(error: Exception) -> bool:
    """A failure that retrying cannot fix: a malformed message, or the server's 5xx refusal of it."""
    if isinstance(error, ValueError):  # BadHeaderError, encoding errors
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):  # the server refused this message's content
        return error.smtp_code >= 500
    return False


def _lost_connection(error: Exception) -> bool:
    """The server went away: the rest of the batch would only wait for it too."""
    return isinstance(error, (smtplib.SMTPServerDisconnected, socket.timeout, ConnectionError))


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _deliver(batch: list[OutgoingEmail], token: str) -> SendSummary:
    summary = SendSummary()
    started = timezone.now()
    give_back_after = started + claim_timeout() / 2
    ready = []
    for email in batch:
        try:
            ready.append((email, build_message(email)))
        except Exception as error:
            summary += _record_failure(email, token, error, permanent=True)
    if not ready:
        return summary
    mail_connection = get_connection(fail_silently=False)  # the backend reads EMAIL_TIMEOUT
    try:
        mail_connection.open()
    except Exception as error:  # the server is unreachable: try the whole batch again later
        logger.warning("Could not connect to the mail server: %s", error)
        for email, _ in ready:
            summary += _record_failure(email, token, error, permanent=False)
        summary.unreachable = True
        return summary
    try:
        for position, (email, message) in enumerate(ready):
            if timezone.now() > give_back_after:
                # Our claim is getting old; hand the rest back rather than risk a double send.
                _release([e for e, _ in ready[position:]], token)
                break
            try:
                if mail_connection.send_messages([message]) != 1:
                    raise smtplib.SMTPException("The mail backend did not send the message.")
            except Exception as error:
                logger.warning("Could not send %s (outgoing email %s): %s", email.kind, email.pk, error)
                summary += _record_failure(email, token, error, permanent=_is_permanent(error))
                if _lost_connection(error):
                    for later, _ in ready[position + 1 :]:
                        summary += _record_failure(later, token, error, permanent=False)
                    summary.unreachable = True
                    break
            else:
                summary += _record_sent(email, token)
    finally:
        try:
            mail_connection.close()
        except Exception:  # closing a broken connection must not hide what was recorded
            pass
    return summary


def _finish(email: OutgoingEmail, token: str, **fields) -> bool:
    """Record the outcome, only while the claim is still ours."""
    updated = OutgoingEmail.objects.filter(pk=email.pk, claim_token=token).update(
        claim_token="", claimed_at=None, **fields
    )
    if not updated:
        logger.warning("Outgoing email %s was taken over by another sender before its outcome was recorded.", email.pk)
    return bool(updated)


def _record_sent(email: OutgoingEmail, token: str) -> SendSummary:
    now = timezone.now()
    _finish(email, token, status=OutgoingEmail.Status.SENT, sent_at=now, last_error="")
    if email.kind == OutgoingEmail.Kind.SUPPORT_NOTIFICATION:
        ContactRequest.objects.filter(pk=email.contact_request_id, notified_at__isnull=True).update(notified_at=now)
    return SendSummary(sent=1)


def _record_failure(email: OutgoingEmail, token: str, error: Exception, *, permanent: bool) -> SendSummary:
    if permanent or email.attempts >= MAX_ATTEMPTS:
        _finish(email, token, status=OutgoingEmail.Status.FAILED, last_error=_describe(error))
        logger.error("Gave up on outgoing email %s after %s attempt(s): %s", email.pk, email.attempts, error)
        return SendSummary(failed=1)
    _finish(
        email,
        token,
        status=OutgoingEmail.Status.PENDING,
        next_attempt_at=timezone.now() + backoff(email.attempts),
        last_error=_describe(error),
    )
    return SendSummary(retry=1)


def _release(emails: list[OutgoingEmail], token: str) -> None:
    """Hand claimed emails back untried: due now, and the claim's attempt not counted."""
    OutgoingEmail.objects.filter(pk__in=[e.pk for e in emails], claim_token=token).update(
        status=OutgoingEmail.Status.PENDING, claim_token="", claimed_at=None, attempts=F("attempts") - 1
    )
