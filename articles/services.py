"""Writes with business rules: a contact request is stored before anything else happens."""

from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction

from .models import Article, ContactRequest, OutgoingEmail
from .outbox_worker import deliver_after_commit

# Bounds on the visit context a request carries (it comes from the session).
CONTEXT_LIST_ITEMS = 50
CONTEXT_TEXT_LENGTH = 300


def contact_context_clean(raw: object) -> dict:
    """
    The visit context in its one stored shape, bounded, whatever was handed in:
    {"searches": [str], "suggestions_opened": [str], "feedback": [{"article", "section", "vote"}]}.
    """
    raw = raw if isinstance(raw, dict) else {}

    def texts(value) -> list[str]:
        items = value if isinstance(value, list) else []
        return [str(item)[:CONTEXT_TEXT_LENGTH] for item in items if isinstance(item, (str, int))][
            -CONTEXT_LIST_ITEMS:
        ]

    votes = []
    for vote in raw.get("feedback") if isinstance(raw.get("feedback"), list) else []:
        if isinstance(vote, dict):
            votes.append(
                {key: str(vote.get(key) or "")[:CONTEXT_TEXT_LENGTH] for key in ("article", "section", "vote")}
            )
    context = {
        "searches": texts(raw.get("searches")),
        "suggestions_opened": texts(raw.get("suggestions_opened")),
        "feedback": votes[-CONTEXT_LIST_ITEMS:],
    }
    return {key: value for key, value in context.items() if value}


def contact_request_create(
    *,
    name: str,
    email: str,
    subject: str,
    message: str,
    article: Article | None = None,
    context: dict | None = None,
) -> ContactRequest:
    """
    Store the request and its two emails (to support, and the acknowledgement
    to the customer) in one transaction; they are sent after the commit
    (`outbox_worker.deliver_after_commit`) and retried by
    `manage.py send_pending_notifications` until they go out.
    """
    fields = {
        "name": name,
        "email": email,
        "subject": subject,
        "message": message,
        "article": article,
        "context": contact_context_clean(context),
    }
    with transaction.atomic():
        contact_request = _create_with_unique_reference(fields)
        ids = [
            OutgoingEmail.objects.create(contact_request=contact_request, kind=kind, to=to).pk
            for kind, to in [
                (OutgoingEmail.Kind.SUPPORT_NOTIFICATION, settings.KB_SUPPORT_EMAIL),
                (OutgoingEmail.Kind.CUSTOMER_ACKNOWLEDGEMENT, email),
            ]
        ]
        transaction.on_commit(partial(deliver_after_commit, ids))
    return contact_request


def _create_with_unique_reference(fields: dict) -> ContactRequest:
    # References are random: a collision is very unlikely (30^8 codes), and harmless, since we draw again.
    for attempt in range(3):
        try:
            with transaction.atomic():
                return ContactRequest.objects.create(**fields)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
