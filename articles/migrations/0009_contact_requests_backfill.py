"""
Existing contact requests: each gets a reference; a request already worked on
gets its last update as its first-worked time (the best estimate there is); a
request whose support notification never went out gets a pending email in the
outbox, carrying over its attempts and last error, so the sender picks it up.
"""

import secrets

from django.conf import settings
from django.db import migrations

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # as in articles/models/requests.py when this was written


def backfill(apps, schema_editor):
    ContactRequest = apps.get_model("articles", "ContactRequest")
    OutgoingEmail = apps.get_model("articles", "OutgoingEmail")
    taken = set()
    for contact_request in ContactRequest.objects.order_by("pk").iterator():
        reference = None
        while reference is None or reference in taken:
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
            reference = f"{code[:4]}-{code[4:]}"
        taken.add(reference)
        contact_request.reference = reference
        if contact_request.status != "new" or contact_request.assignee_id:
            contact_request.first_worked_at = contact_request.updated_at
        contact_request.save(update_fields=["reference", "first_worked_at"])
        if contact_request.notified_at is None:
            OutgoingEmail.objects.create(
                contact_request=contact_request,
                kind="support_notification",
                to=settings.KB_SUPPORT_EMAIL,
                attempts=min(contact_request.notify_attempts, 1),
                last_error=contact_request.notify_error,
            )


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_contact_queue_and_outbox")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
