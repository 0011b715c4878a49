"""What customers tell us about articles: helpful or not, fixed or not."""

from django.db import models

from .content import Article


class ArticleFeedback(models.Model):
    """
    One visitor's answer to “Was this helpful?” (the whole article) or “Did this
    fix it?” (one ## section). A visitor is a random key kept in their session:
    no user, no address, nothing that names a person is stored with a vote.
    """

    class Reason(models.TextChoices):
        UNCLEAR = "unclear", "It was hard to understand"
        INCOMPLETE = "incomplete", "Something was missing"
        WRONG = "wrong", "It was wrong or out of date"
        NOT_MY_PROBLEM = "not-my-problem", "It was about a different problem"
        OTHER = "other", "Something else"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback", verbose_name="article")
    section_anchor = models.CharField(
        "section",
        max_length=300,
        blank=True,
        help_text="The ## section's anchor for “Did this fix it?”; empty for the whole article.",
    )
    visitor_key = models.CharField("visitor", max_length=32, help_text="A random key from the visitor's session.")
    helpful = models.BooleanField("helpful")
    reason = models.CharField("reason", max_length=20, choices=Reason.choices, blank=True)
    comment = models.TextField("comment", max_length=1000, blank=True)
    created_at = models.DateTimeField("first answered", auto_now_add=True)
    updated_at = models.DateTimeField("last answered", auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "article feedback"
        verbose_name_plural = "article feedback"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "section_anchor", "visitor_key"], name="one_feedback_per_visitor_and_place"
            )
        ]

    def __str__(self):
        place = f"{self.article} #{self.section_anchor}" if self.section_anchor else str(self.article)
        return f"{'Yes' if self.helpful else 'No'}: {place}"

    def get_absolute_url(self):
        url = self.article.get_absolute_url()
        return f"{url}#{self.section_anchor}" if self.section_anchor else url
