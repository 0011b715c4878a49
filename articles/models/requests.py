"""What customers send when the articles did not help, and how agents work it."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from .content import Article

# No 0/O, 1/I/L or U: a reference read out over the phone is not misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    """A short, non-sequential code the customer can quote, e.g. 'K7MQ-4XR2'."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


class ContactRequest(models.Model):
    """A customer's “still need help” message, stored before anything else happens."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        OPEN = "open", "Open"
        WAITING = "waiting", "Waiting on customer"
        RESOLVED = "resolved", "Resolved"

    reference = models.CharField(
        "reference",
        max_length=12,
        unique=True,
        default=new_reference,
        editable=False,
        help_text="The short code the customer was given to quote.",
    )
    name = models.CharField("name", max_length=120)
    email = models.EmailField("email")
    subject = models.CharField("subject", max_length=200)
    message = models.TextField("message", max_length=10000)
    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_requests",
        verbose_name="article",
        help_text="The article the customer was reading.",
    )
    context = models.JSONField(
        "visit context",
        default=dict,
        blank=True,
        help_text="What the customer did in this visit before writing: searches, suggestions opened, votes.",
    )
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField("received", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("updated", auto_now=True)
    first_worked_at = models.DateTimeField(
        "first worked",
        null=True,
        blank=True,
        editable=False,
        help_text="When an agent first changed the status or took the request (time to first response).",
    )
    notified_at = models.DateTimeField(
        "support notified", null=True, blank=True, help_text="Empty while the email to support has not gone out."
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_requests",
        verbose_name="assignee",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "contact request"
        verbose_name_plural = "contact requests"

    def __str__(self):
        return f"{self.reference}: {self.subject}"

    def save(self, *args, **kwargs):
        # The first status change away from "new", or the first assignment,
        # starts the clock the support dashboard's "time to first response" reads.
        if self.first_worked_at is None and (self.status != self.Status.NEW or self.assignee_id is not None):
            self.first_worked_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "first_worked_at"}
        super().save(*args, **kwargs)


class ContactNote(models.Model):
    """An agent's internal note on a request; never shown to the customer."""

    contact_request = models.ForeignKey(
        ContactRequest, on_delete=models.CASCADE, related_name="notes", verbose_name="contact request"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="contact_notes",
        verbose_name="author",
    )
    body = models.TextField("note", max_length=5000)
    created_at = models.DateTimeField("written", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "internal note"
        verbose_name_plural = "internal notes"

    def __str__(self):
        return f"Note by {self.author or 'a removed user'} on {self.contact_request.reference}"
