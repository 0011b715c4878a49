"""What search needs besides the index: synonyms, vocabulary and the search log."""

from django.db import models, transaction
from django.utils import timezone

from ..page_cache import content_changed
from ..search.synonyms import forget_synonyms


class SynonymGroup(models.Model):
    """Words and phrases that mean the same to customers, applied to every search."""

    terms = models.CharField(
        "terms",
        max_length=500,
        unique=True,
        help_text="Comma-separated words or phrases that mean the same, e.g. “sign in, log in, login”.",
    )

    class Meta:
        ordering = ["terms"]
        verbose_name = "synonym group"
        verbose_name_plural = "synonym groups"

    def __str__(self):
        return self.terms

    def save(self, *args, **kwargs):
        self.terms = ", ".join(dict.fromkeys(term.lower() for term in self.term_list))
        super().save(*args, **kwargs)
        self._forget_cached_groups()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._forget_cached_groups()
        return result

    @property
    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]

    @staticmethod
    def _forget_cached_groups():
        # Now for this process, and again at commit, in case another process
        # cached the old groups in between.
        forget_synonyms()
        transaction.on_commit(forget_synonyms)
        content_changed()  # cached searches used the old groups


class SearchWord(models.Model):
    """The index's vocabulary, from which spelling corrections are chosen."""

    word = models.CharField("word", max_length=40, unique=True)
    document_count = models.PositiveIntegerField("articles", default=1)

    class Meta:
        ordering = ["word"]
        verbose_name = "search word"
        verbose_name_plural = "search words"

    def __str__(self):
        return self.word


class SearchLog(models.Model):
    """
    One submitted search (not each keystroke of instant results), for finding
    content gaps. Holds no personal data: no user, no address, only the
    normalised query.
    """

    query = models.CharField("query", max_length=200, db_index=True)
    result_count = models.PositiveIntegerField("results")
    # When the search was made, not when its buffered row was written (articles/analytics_batches.py).
    created_at = models.DateTimeField("searched at", default=timezone.now, editable=False, db_index=True)
    # Null, not "", for rows logged before searches had tokens: unique allows any number of nulls.
    token = models.CharField(  # noqa: DJ001
        "token",
        max_length=20,
        unique=True,
        null=True,
        editable=False,
        help_text="A random id that the result links of the search carry, known before the row is written.",
    )
    clicked_article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="first result opened",
    )
    clicked_at = models.DateTimeField("opened at", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "search"
        verbose_name_plural = "search analytics"

    def __str__(self):
        return self.query
