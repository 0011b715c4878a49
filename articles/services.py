"""Writes with business rules: a contact request is stored before anything else happens."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Article, ContactRequest

logger = logging.getLogger(__name__)


def contact_request_create(
    *, name: str, email: str, subject: str, message: str, article: Article | None = None
) -> ContactRequest:
    """Store the request, then tell support by email once the row is committed."""
    request = ContactRequest.objects.create(name=name, email=email, subject=subject, message=message, article=article)
    transaction.on_commit(lambda: contact_request_notify(request_id=request.pk))
    return request


def contact_request_notify(*, request_id: int) -> bool:
    """
    Email support about one request. A failure is recorded on the request and
    never raised: the request is safe in the database, and
    `manage.py send_contact_notifications` retries it.
    """
    request = ContactRequest.objects.select_related("article").get(pk=request_id)
    if request.notified_at:
        return True
    body = render_to_string("articles/email/contact_request.txt", {"contact": request})
    try:
        send_mail(
            subject=f"[Help center] {request.subject}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[settings.KB_SUPPORT_EMAIL],
        )
    except Exception as error:  # any mail failure: keep the request, note why, retry later
        logger.warning("Could not email support about contact request %s: %s", request.pk, error)
        ContactRequest.objects.filter(pk=request.pk).update(
            notify_attempts=request.notify_attempts + 1, notify_error=str(error)[:500]
        )
        return False
    ContactRequest.objects.filter(pk=request.pk).update(
        notified_at=timezone.now(), notify_attempts=request.notify_attempts + 1, notify_error=""
    )
    return True


def contact_requests_notify_pending(*, max_attempts: int = 10) -> tuple[int, int]:
    """Retry every request whose notification has not gone out; returns (sent, failed)."""
    sent = failed = 0
    pending = ContactRequest.objects.filter(notified_at__isnull=True, notify_attempts__lt=max_attempts)
    for request_id in pending.values_list("pk", flat=True):
        if contact_request_notify(request_id=request_id):
            sent += 1
        else:
            failed += 1
    return sent, failed
