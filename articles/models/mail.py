"""
The outbox: one row per email the help center sends.

A contact request and its emails are written in one transaction, so nothing is
lost; `articles.outbox` claims each row before sending it, so nothing is sent
twice.
"""

from django.db import models
from django.utils import timezone

from .requests import ContactRequest


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self, *, now, stale_before):
        """
        Rows a sender may claim: pending and due, or claimed by a sender that
        has not reported back since `stale_before` (it died mid-send).
        """
        return self.filter(
            models.Q(status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=now)
            | models.Q(status=OutgoingEmail.Status.SENDING, claimed_at__lt=stale_before)
        )


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        SUPPORT_NOTIFICATION = "support_notification", "Notification to support"
        CUSTOMER_ACKNOWLEDGEMENT = "customer_acknowledgement", "Acknowledgement to the customer"

    contact_request = models.ForeignKey(
        ContactRequest, on_delete=models.CASCADE, related_name="emails", verbose_name="contact request"
    )
    kind = models.CharField("kind", max_length=40, choices=Kind.choices)
    to = models.EmailField("to")
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("attempts", default=0)
    next_attempt_at = models.DateTimeField(
        "next attempt", default=timezone.now, help_text="A pending email is sent at or after this time."
    )
    claimed_at = models.DateTimeField(
        "claimed", null=True, blank=True, help_text="When a sender took this email; a stale claim is taken over."
    )
    claim_token = models.CharField("claim token", max_length=32, blank=True, editable=False)
    sent_at = models.DateTimeField("sent", null=True, blank=True)
    last_error = models.CharField("last error", max_length=500, blank=True)
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outgoing email"
        verbose_name_plural = "outgoing emails"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outgoing_email_due")]
        constraints = [
            models.UniqueConstraint(fields=["contact_request", "kind"], name="one_email_of_each_kind_per_request")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.contact_request.reference}"
