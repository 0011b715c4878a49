"""
What happens in a help-center visit, for the support analytics: article views
per day, and the steps of a visit that may end in a contact request.

A visit is identified by a random key kept in the customer's session, never by
anything personal.
"""

from django.db import models
from django.utils import timezone

from .content import Article


class VisitEvent(models.Model):
    """One step of a visit: a search, suggestions shown or opened on the contact form, a request sent."""

    class Kind(models.TextChoices):
        SEARCH = "search", "Searched"
        SUGGESTIONS_SHOWN = "suggestions_shown", "Shown suggested articles"
        SUGGESTION_OPENED = "suggestion_opened", "Opened a suggested article"
        REQUEST_SENT = "request_sent", "Sent a contact request"

    visit_key = models.CharField("visit", max_length=32, db_index=True, help_text="A random key from the session.")
    kind = models.CharField("what happened", max_length=20, choices=Kind.choices)
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="article"
    )
    query = models.CharField("search", max_length=200, blank=True, help_text="The normalised query of a search.")
    # When it happened, not when its buffered row was written (a search's: articles/analytics_batches.py).
    created_at = models.DateTimeField("when", default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "visit event"
        verbose_name_plural = "visit events"
        indexes = [models.Index(fields=["kind", "created_at"], name="visit_event_kind_time")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class ArticleViewCount(models.Model):
    """Views of one article on one day, flushed in batches from counters in the cache."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="view_counts", verbose_name="article")
    date = models.DateField("day")
    views = models.PositiveIntegerField("views", default=0)

    class Meta:
        ordering = ["-date", "article"]
        verbose_name = "article views"
        verbose_name_plural = "support analytics"
        constraints = [models.UniqueConstraint(fields=["article", "date"], name="one_view_count_per_article_and_day")]

    def __str__(self):
        return f"{self.article}: {self.views} on {self.date}"
