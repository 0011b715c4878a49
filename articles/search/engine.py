"""The public search API, independent of the database engine."""

import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection

from .query import (
    ParsedQuery,
    SynonymTable,
    best_correction,
    make_snippet,
    normalize,
    parse_query,
    tokenize,
)

# How many section hits are ranked per query before grouping by article.
CANDIDATE_SECTIONS = 300
MAX_LIMIT = 50
SYNONYMS_CACHE_KEY = "search:synonyms:v1"


@dataclass(frozen=True)
class SearchResult:
    article_id: int
    title: str
    slug: str
    url: str
    category: str
    category_slug: str
    summary: str
    section_title: str
    section_anchor: str
    snippet: list[tuple[str, bool]] = field(default_factory=list)
    score: float = 0.0

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)


@dataclass(frozen=True)
class SearchPage:
    query: str
    corrected: str
    total: int
    results: list[SearchResult]


def _backend():
    if connection.vendor == "postgresql":
        from . import postgres

        return postgres
    from . import sqlite

    return sqlite


def synonym_table() -> SynonymTable:
    """The staff-edited synonym groups, cached until one of them changes."""
    groups = cache.get(SYNONYMS_CACHE_KEY)
    if groups is None:
        from ..models import SynonymGroup

        groups = [group.term_list for group in SynonymGroup.objects.all()]
        cache.set(SYNONYMS_CACHE_KEY, groups, 3600)
    return SynonymTable(groups)


def forget_synonyms() -> None:
    cache.delete(SYNONYMS_CACHE_KEY)


def _corrector(backend):
    def correct(words: list[str]) -> dict[str, str]:
        unknown = [w for w in words if w.isalpha() and len(w) >= 4 and not backend.is_known(w)]
        corrections = {}
        for word in unknown:
            replacement = best_correction(word, backend.similar_words(word))
            if replacement:
                corrections[word] = replacement
        return corrections

    return correct


def parse(text: str) -> ParsedQuery:
    backend = _backend()
    return parse_query(text, synonyms=synonym_table(), correct=_corrector(backend))


def article_search(text: str, *, category: str | None = None, limit: int = 10, offset: int = 0) -> SearchPage:
    """
    Published articles matching `text`, best first, each pointing at its best section.

    `category` is a category slug; `limit` is capped at MAX_LIMIT. Any input is
    safe: it is tokenized to letters and digits before it reaches an engine.
    """
    from ..models import Article

    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    parsed = parse(text)
    if not parsed:
        return SearchPage(query=normalize(text), corrected="", total=0, results=[])

    backend = _backend()
    if backend.NEEDS_IDF:
        hits = backend.search(parsed, category=category, limit=CANDIDATE_SECTIONS, idf=_term_idf(parsed))
    else:
        hits = backend.search(parsed, category=category, limit=CANDIDATE_SECTIONS)
    ranked = _group_by_article(hits)
    ranked = _promote_exact_title(ranked, parsed)
    window = ranked[offset : offset + limit]

    # Only what a result shows: an article's body and rendered HTML are many kilobytes.
    articles = (
        Article.objects.published()
        .select_related("category")
        .only("title", "slug", "summary", "status", "category__name", "category__slug")
        .in_bulk([a for a, _, _ in window])
    )
    from ..models import Section

    sections = Section.objects.only("title", "anchor", "text").in_bulk([s for _, s, _ in window if s])
    words = parsed.words
    results = []
    for article_id, section_id, score in window:
        article = articles.get(article_id)
        section = sections.get(section_id)
        if article is None:
            continue
        snippet = _best_snippet([section.text if section else "", article.summary], words)
        results.append(
            SearchResult(
                article_id=article.pk,
                title=article.title,
                slug=article.slug,
                url=f"{article.get_absolute_url()}#{section.anchor}"
                if section and section.anchor
                else article.get_absolute_url(),
                category=article.category.name,
                category_slug=article.category.slug,
                summary=article.summary,
                section_title=section.title if section else "",
                section_anchor=section.anchor if section else "",
                snippet=snippet,
                score=score,
            )
        )
    return SearchPage(query=parsed.text, corrected=parsed.corrected, total=len(ranked), results=results)


def _best_snippet(texts: list[str], words: set[str]):
    """The first text that shows a query word, else the first non-empty one."""
    snippets = [make_snippet(text, words) for text in texts if text]
    for snippet in snippets:
        if any(hit for _, hit in snippet):
            return snippet
    return snippets[0] if snippets else []


def _term_idf(parsed: ParsedQuery) -> list[float]:
    """log(1 + N / df) per term, from the vocabulary's document counts (rarest alternative wins)."""
    import math

    from ..models import Article, SearchWord

    total = cache.get("search:published-count")
    if total is None:
        total = Article.objects.published().count()
        cache.set("search:published-count", total, 300)
    counts = dict(SearchWord.objects.filter(word__in=parsed.words).values_list("word", "document_count"))
    weights = []
    for term in parsed.terms:
        frequencies = [min((counts.get(w, 1) for w in phrase), default=1) for phrase in term.alternatives]
        weights.append(math.log(1 + max(total, 1) / max(1, max(frequencies))))
    return weights


# How much the best section adds to the whole article's score.
SECTION_WEIGHT = 1.0


def _group_by_article(hits):
    """
    (article, best section, score) per article, best first.

    Each article is indexed twice over: as a whole (key -article_id), which
    collects evidence spread across its sections, and section by section
    (key = section id), which says where in it the answer is.
    """
    whole: dict[int, float] = {}
    best: dict[int, tuple[int, float]] = {}
    for article_id, key, score in hits:
        if key < 0:
            whole[article_id] = score
        elif article_id not in best:  # hits come best first
            best[article_id] = (key, score)
    ranked = []
    for article_id in whole.keys() | best.keys():
        section_id, section_score = best.get(article_id, (None, 0.0))
        ranked.append((article_id, section_id, whole.get(article_id, 0.0) + SECTION_WEIGHT * section_score))
    ranked.sort(key=lambda item: (-item[2], item[0]))
    return ranked


_COMPOUND = re.compile(r"\b([^\W_]+)-([^\W_]+)\b")


def with_compounds(text: str) -> str:
    """Add the joined form of hyphenated words, so "subusers" finds "sub-users"."""
    joined = {a + b for a, b in _COMPOUND.findall(text)}
    return f"{text} {' '.join(sorted(joined))}" if joined else text


def index_rows(article, sections) -> list[tuple]:
    """The rows one article adds to the index: the whole article, then each section."""
    rows = [
        (
            -article.pk,
            article.pk,
            article.title,
            " ".join(s.title for s in sections),
            article.tags,
            article.summary,
            with_compounds(" ".join([article.title, *(f"{s.title} {s.text}" for s in sections)])),
        )
    ]
    rows += [
        (
            s.pk,
            article.pk,
            article.title,
            s.title,
            article.tags,
            article.summary,
            with_compounds(f"{s.title} {s.text}"),
        )
        for s in sections
    ]
    return rows


def _promote_exact_title(ranked, parsed: ParsedQuery):
    """An article whose title is exactly the query goes first, linked without a section."""
    from ..models import Article

    top = [a for a, _, _ in ranked[:20]]
    wanted = tokenize(parsed.text)
    titles = dict(Article.objects.filter(pk__in=top).values_list("pk", "title")) if top else {}
    for index, (article_id, _section_id, score) in enumerate(ranked[:20]):
        if tokenize(titles.get(article_id, "")) == wanted:
            return [(article_id, None, score)] + ranked[:index] + ranked[index + 1 :]
    return ranked


def index_article(article) -> None:
    """Add a published article's stored sections to the index (called from save())."""
    if article.is_published:
        sections = list(article.sections.all())
        _backend().add(index_rows(article, sections))
        _count_words(article_words(article, sections), +1)


def unindex_article(article_id: int) -> None:
    """Remove the stored version of an article from the index, before it changes or goes."""
    from ..models import Article

    stored = Article.objects.filter(pk=article_id).first()
    if stored is None or not stored.is_published:
        return
    _backend().remove(article_id)
    _count_words(article_words(stored, list(stored.sections.all())), -1)


def article_words(article, sections) -> set[str]:
    """The words typo correction may suggest: letters only, of a sensible length."""
    text = " ".join([article.title, article.tags, article.summary, *(f"{s.title} {s.text}" for s in sections)])
    text = with_compounds(text)
    return {word for word in tokenize(text) if word.isalpha() and 3 <= len(word) <= 30}


def _count_words(words: set[str], change: int) -> None:
    """Keep each vocabulary word's count of published articles exact."""
    from django.db.models import F

    from ..models import SearchWord

    if not words:
        return
    if change > 0:
        SearchWord.objects.bulk_create(
            [SearchWord(word=w, document_count=0) for w in words], ignore_conflicts=True, batch_size=500
        )
    SearchWord.objects.filter(word__in=words).update(document_count=F("document_count") + change)
    if change < 0:
        SearchWord.objects.filter(word__in=words, document_count__lte=0).delete()


def rebuild_index(progress=None) -> int:
    """Rebuild the index and the vocabulary from published articles; returns how many."""
    from collections import Counter

    from django.db import transaction

    from ..models import Article, SearchWord

    backend = _backend()
    articles = Article.objects.published().prefetch_related("sections").order_by("pk")
    counts: Counter[str] = Counter()
    indexed = 0
    with transaction.atomic():
        backend.clear()
        SearchWord.objects.all().delete()
        for article in articles.iterator(chunk_size=500):
            sections = list(article.sections.all())
            backend.add(index_rows(article, sections))
            counts.update(article_words(article, sections))
            indexed += 1
            if progress:
                progress(1)
        SearchWord.objects.bulk_create(
            [SearchWord(word=w, document_count=n) for w, n in counts.items()], batch_size=1000
        )
    return indexed
