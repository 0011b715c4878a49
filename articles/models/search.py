"""What search needs besides the index: synonyms, pinned results, vocabulary and the search log."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from ..page_cache import content_changed, content_memo
from ..search import controls, memo
from .content import Article, PageContentQuerySet

# Each process holds what search reads per content version (boosts, pins, ...) until it changes (search/memo.py).
memo.follow_content_memo(content_memo, content_changed)


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
        # The synonym table and cached searches are kept per content version.
        content_changed()


class PinnedSearch(models.Model):
    """“When someone searches X, show article Y first”: an editor's choice for one query."""

    query = models.CharField(
        "search query",
        max_length=200,
        help_text="What customers type, e.g. “reset password”. Matched on its words, ignoring case and "
        "punctuation (also when search corrects a typo into it); stored as search reads it.",
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="pins",
        verbose_name="article",
        help_text="Shown first while it is published; a draft, archived or scheduled article is never shown.",
    )
    position = models.PositiveSmallIntegerField(
        "position",
        default=1,
        help_text="When several articles are pinned for one query, lower numbers come first.",
    )
    note = models.CharField(
        "note", max_length=200, blank=True, help_text="Why it is pinned, for other editors; customers never see it."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = PageContentQuerySet.as_manager()

    class Meta:
        ordering = ["query", "position", "article__slug"]
        verbose_name = "pinned search result"
        verbose_name_plural = "pinned search results"
        constraints = [
            models.UniqueConstraint(
                fields=["query", "article"],
                name="unique_pinned_search",
                violation_error_message="This article is already pinned for this query.",
            )
        ]

    def __str__(self):
        return f"{self.query} → {self.article}"

    def save(self, *args, **kwargs):
        self.query = controls.pin_key(self.query)
        super().save(*args, **kwargs)
        content_changed()  # cached searches and each process's pins

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        content_changed()
        return result

    def clean(self):
        super().clean()
        self.query = controls.pin_key(self.query)
        problem = controls.pin_key_problem(self.query)
        if problem:
            raise ValidationError({"query": problem})


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
