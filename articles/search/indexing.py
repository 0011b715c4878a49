"""
The write side of search: what a published article adds to the index and to
the vocabulary (and its meaning vectors, semantic.py), kept in step by `Article.save()` and `.delete()` in the same
transaction as the article, and rebuilt whole by `rebuild_index()`.

Only published articles are ever in the index. The models import this module,
so it looks the model classes up in Django's app registry instead of importing
them (see the package docstring).
"""

from collections import Counter
from collections.abc import Callable

from django.apps import apps
from django.db import transaction

from . import memo, vocabulary
from .backends import IndexRow, current_backend
from .semantic import (
    meaning_vectors_clear,
    meaning_vectors_delete,
    meaning_vectors_rebuild,
    meaning_vectors_store,
)
from .text import tokenize, with_compounds

CHUNK = 500


def index_rows(article, sections) -> list[IndexRow]:
    """The rows one article adds to the index: the whole article first, then each section."""
    rows = [
        IndexRow(
            key=-article.pk,
            article_id=article.pk,
            category_id=article.category_id,
            title=article.title,
            heading=" ".join(s.title for s in sections),
            tags=article.tags,
            summary=article.summary,
            body=with_compounds(" ".join([article.title, *(f"{s.title} {s.text}" for s in sections)])),
        )
    ]
    rows += [
        IndexRow(
            key=s.pk,
            article_id=article.pk,
            category_id=article.category_id,
            title=article.title,
            heading=s.title,
            tags=article.tags,
            summary=article.summary,
            body=with_compounds(f"{s.title} {s.text}"),
        )
        for s in sections
    ]
    return rows


def article_words(article, sections) -> set[str]:
    """The article's vocabulary words: what typo correction may suggest, counted per article."""
    text = " ".join([article.title, article.tags, article.summary, *(f"{s.title} {s.text}" for s in sections)])
    return vocabulary.article_vocabulary(text, tokenize(with_compounds(text)))


def index_article(article) -> None:
    """Add a published article's stored sections to the index and its words to the vocabulary."""
    if article.is_published:
        sections = list(article.sections.all())
        current_backend().add(index_rows(article, sections))
        vocabulary.count(article_words(article, sections), +1)
        meaning_vectors_store(article, sections)


def unindex_article(article_id: int) -> None:
    """Remove the stored version of an article from the index, before it changes or goes."""
    stored = apps.get_model("articles", "Article").objects.filter(pk=article_id).first()
    if stored is None or not stored.is_published:
        return
    current_backend().remove(article_id)
    vocabulary.count(article_words(stored, list(stored.sections.all())), -1)
    meaning_vectors_delete(article_id)


def compact_index() -> None:
    """
    Give the index back the compact layout a rebuild leaves, which saves
    scatter, without rebuilding it (`manage.py compact_search_index`, nightly).
    """
    with transaction.atomic():
        current_backend().compact()


def rebuild_index(progress: Callable[[int], object] | None = None) -> int:
    """Rebuild the index and the vocabulary from the published articles; returns how many."""
    backend = current_backend()
    articles = apps.get_model("articles", "Article").objects.published().prefetch_related("sections").order_by("pk")
    counts: Counter[str] = Counter()
    indexed = 0
    with transaction.atomic():
        backend.clear()
        meaning_vectors_clear()
        batch = []
        for article in articles.iterator(chunk_size=CHUNK):
            sections = list(article.sections.all())
            backend.add(index_rows(article, sections), rebuilding=True)
            counts.update(article_words(article, sections))
            batch.append((article, sections))
            if len(batch) == CHUNK:
                meaning_vectors_rebuild(batch)
                batch = []
            indexed += 1
            if progress:
                progress(1)
        meaning_vectors_rebuild(batch)
        vocabulary.replace(counts)
        backend.finish_index()
    backend.finish_rebuild()
    # What search keeps per content version (counts, lengths) and cached searches are out of date.
    memo.content_changed()
    return indexed
