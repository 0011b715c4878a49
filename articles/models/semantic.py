"""Meaning vectors: one per published article and one per section, for the semantic signal of search."""

from django.db import models


class MeaningVector(models.Model):
    """
    The embedding of an article as a whole (no section) or of one of its
    sections, written with the search index (articles/search/semantic.py) and
    read by search into memory. Stored as float16 bytes so it needs no database
    extension: 512 bytes for the 256 numbers of the current model.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="meaning_vectors", verbose_name="article"
    )
    section = models.ForeignKey(
        "articles.Section",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="section",
        help_text="Empty for the vector of the whole article.",
    )
    model = models.CharField(
        "model", max_length=40, help_text="Which embedding model made the vector; others are ignored."
    )
    vector = models.BinaryField("vector")

    class Meta:
        ordering = ["article", "id"]
        verbose_name = "meaning vector"
        verbose_name_plural = "meaning vectors"

    def __str__(self):
        return f"{self.article_id}/{self.section_id or 'article'} ({self.model})"
