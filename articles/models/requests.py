"""What customers send when the articles did not help."""

from django.conf import settings
from django.db import models

from .content import Article


class ContactRequest(models.Model):
    """A customer's “still need help” message, stored before anything else happens."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        OPEN = "open", "In progress"
        RESOLVED = "resolved", "Resolved"

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
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField("received", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("updated", auto_now=True)
    notified_at = models.DateTimeField(
        "support notified", null=True, blank=True, help_text="Empty while the email to support has not gone out."
    )
    notify_attempts = models.PositiveSmallIntegerField("notification attempts", default=0)
    notify_error = models.CharField("last notification error", max_length=500, blank=True)
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
        return f"{self.subject} ({self.email})"
