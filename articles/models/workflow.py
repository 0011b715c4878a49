"""Working copies: changes to a published article kept apart from the live text until approved."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from markdownx.models import MarkdownxField

from .content import Article, Category, validate_article_markdown


class ArticleRevision(models.Model):
    """
    A working copy of an article. Customers and search keep the live text until
    the copy is approved (`revision_approve()`), which saves it onto the article
    in one transaction. An article has at most one open working copy.
    """

    class State(models.TextChoices):
        OPEN = "open", "Open"
        APPROVED = "approved", "Approved"
        DISCARDED = "discarded", "Discarded"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions", verbose_name="article")
    title = models.CharField("title", max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name="category")
    summary = models.CharField("summary", max_length=300, blank=True)
    body = MarkdownxField(
        "body", blank=True, help_text="Markdown, as in the article.", validators=[validate_article_markdown]
    )
    tags = models.CharField("tags", max_length=255, blank=True)
    base_version = models.PositiveIntegerField(
        "based on version", help_text="The article's version when this copy was started."
    )
    state = models.CharField("state", max_length=20, choices=State.choices, default=State.OPEN, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="started by",
    )
    started_at = models.DateTimeField("started", auto_now_add=True)
    updated_at = models.DateTimeField("last saved", auto_now=True)
    version = models.PositiveIntegerField("version", default=0, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="approved or discarded by",
    )
    closed_at = models.DateTimeField("approved or discarded", null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "working copy"
        verbose_name_plural = "working copies"
        constraints = [
            models.UniqueConstraint(
                fields=["article"], condition=Q(state="open"), name="one_open_working_copy_per_article"
            )
        ]

    def __str__(self):
        return f"Working copy of “{self.article}”"

    def save(self, *args, **kwargs):
        self.version = (self.version or 0) + 1  # a form saved from an older version is refused
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:articles_articlerevision_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class ArticleDueForReview(Article):
    """Articles whose review date has passed or comes soon: the admin's stale-content list."""

    class Meta:
        proxy = True
        verbose_name = "article due for review"
        verbose_name_plural = "articles due for review"
