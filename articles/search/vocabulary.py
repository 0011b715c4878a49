"""
The vocabulary: every word of the published articles with the number of
articles that hold it. Typo correction chooses its suggestions here, instant
search completes an unfinished last word from it, and the ranking reads exact
counts of very common words from it.

The rows are `SearchWord` objects. The models import this package's write side,
so the model class is looked up in Django's app registry when it is needed
(see the package docstring) rather than imported.
"""

from collections.abc import Iterable

from django.apps import apps
from django.db import connection
from django.db.models import F

MIN_LENGTH, MAX_LENGTH = 3, 30
BATCH = 500


def search_word_model():
    return apps.get_model("articles", "SearchWord")


def article_vocabulary(text: str, tokens: Iterable[str]) -> set[str]:
    """The vocabulary words among `tokens`: words of 3 to 30 letters, and numbers (error codes) of 3 to 6 digits."""
    return {
        word
        for word in tokens
        if (word.isalpha() and MIN_LENGTH <= len(word) <= MAX_LENGTH) or (word.isdigit() and 3 <= len(word) <= 6)
    }


def known(words: Iterable[str]) -> set[str]:
    """Those of `words` that are vocabulary words."""
    return set(document_counts(words))


def document_counts(words: Iterable[str]) -> dict[str, int]:
    """Exact article counts of those of `words` in the vocabulary."""
    words = list(dict.fromkeys(words))
    if not words:
        return {}
    # Plain SQL on the unique index: asked for on every search, where building the
    # ORM query would cost more than answering it.
    table = connection.ops.quote_name(search_word_model()._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word, document_count FROM {table} WHERE word IN ({', '.join(['%s'] * len(words))})", words
        )
        return dict(cursor.fetchall())


def starting_with(prefix: str, limit: int) -> list[str]:
    """Up to `limit` vocabulary words that start with `prefix` (itself included), the most common first."""
    # A range on the unique index rather than LIKE, which PostgreSQL cannot serve
    # from a b-tree index under a non-C collation.
    rows = (
        search_word_model()
        .objects.filter(word__gte=prefix, word__lt=prefix + "\uffff")
        .order_by("-document_count", "word")
        .values_list("word", flat=True)[: limit * 4]
    )
    return [word for word in rows if word.startswith(prefix)][:limit]


def count(words: set[str], change: int) -> None:
    """Add `change` (+1 or -1) to each word's article count; words no article holds any more leave."""
    if not words:
        return
    model = search_word_model()
    if change > 0:
        model.objects.bulk_create(
            [model(word=w, document_count=0) for w in words], ignore_conflicts=True, batch_size=BATCH
        )
    model.objects.filter(word__in=words).update(document_count=F("document_count") + change)
    if change < 0:
        model.objects.filter(word__in=words, document_count__lte=0).delete()


def replace(counts: dict[str, int]) -> None:
    """The whole vocabulary, from a rebuild."""
    model = search_word_model()
    model.objects.all().delete()
    model.objects.bulk_create([model(word=w, document_count=n) for w, n in counts.items()], batch_size=1000)
