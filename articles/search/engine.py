"""The public search API, independent of the database engine."""

import math
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection

from .query import (
    STOP_WORDS,
    ParsedQuery,
    SynonymTable,
    best_correction,
    make_snippet,
    normalize,
    parse_query,
    tokenize,
)
from .semantic import (
    fuse,
    meaning_vectors_clear,
    meaning_vectors_delete,
    meaning_vectors_rebuild,
    meaning_vectors_store,
)

# Articles ranked per query (the most a search can return), and how many of
# the best of them get their sections ranked too.
ARTICLE_CANDIDATES = 100
SECTION_CANDIDATES = 30
# How much the best section adds to its article's score.
SECTION_WEIGHT = 1.0
# A term in more articles than this says little about any one of them; see _rank().
BROAD_TERM_ARTICLES = 2000
PUBLISHED_COUNT_CACHE_KEY = "search:published-count"
MAX_LIMIT = 50
# How far down the ranking an exact title match is looked for.
TITLE_CHECK = 20
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
    # True when no word matched and the results are the articles nearest in meaning.
    by_meaning: bool = False


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
        from ..models import SearchWord

        candidates = [w for w in words if w.isalpha() and len(w) >= 4]
        # A word in the vocabulary is known; only the others ask the index (which
        # also knows other forms of a word, like "resetting" for "reset").
        in_vocabulary = set(SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True))
        unknown = [w for w in candidates if w not in in_vocabulary and not backend.is_known(w)]
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
    from ..models import Article, Category, Section  # here: the models import this package

    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    parsed = parse(text)
    if not parsed:
        return SearchPage(query=normalize(text), corrected="", total=0, results=[])

    category_id = None
    if category:
        category_id = Category.objects.filter(slug=category).values_list("pk", flat=True).first()
        if category_id is None:
            return SearchPage(query=parsed.text, corrected=parsed.corrected, total=0, results=[])
    ranked = _rank(parsed, category_id=category_id, needed=offset + limit)
    fused = fuse(ranked, parsed.corrected or parsed.text, category_id=category_id, needed=offset + limit)
    ranked = fused.ranked
    # Approved articles wait in the index until their publish date: the rule that
    # decides what customers see (published()) drops them here, so no job has to
    # add them to the index when the date comes.
    waiting = set(Article.objects.scheduled().values_list("pk", flat=True))
    if waiting:
        ranked = [item for item in ranked if item[0] not in waiting]
    # Only what a result shows (an article's body and rendered HTML are many
    # kilobytes), for the window and for the articles the exact-title check reads.
    shown = ranked[:TITLE_CHECK] + ranked[max(0, offset - 1) : offset + limit]
    articles = (
        Article.objects.published()
        .select_related("category")
        .only("title", "slug", "summary", "status", "category__name", "category__slug")
        .in_bulk([a for a, _, _ in shown])
    )
    ranked = _promote_exact_title(ranked, parsed, articles)
    window = ranked[offset : offset + limit]
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
    return SearchPage(
        query=parsed.text,
        corrected=parsed.corrected,
        total=len(ranked),
        results=results,
        by_meaning=fused.by_meaning and bool(ranked),
    )


def _best_snippet(texts: list[str], words: set[str]):
    """The first text that shows a query word, else the first non-empty one."""
    snippets = [make_snippet(text, words) for text in texts if text]
    for snippet in snippets:
        if any(hit for _, hit in snippet):
            return snippet
    return snippets[0] if snippets else []


def _term_frequencies(parsed: ParsedQuery) -> tuple[list[int], int]:
    """
    How many published articles each term is in (its most common alternative;
    for a phrase, its rarest word that is not a stop word), and how many there
    are. The engine counts word forms as its index stems them ("marke" counts
    the articles with "mark"); it counts only up to just past the broad-term
    threshold, and the vocabulary gives the exact figure above it.
    """
    from ..models import Article, SearchWord

    total = cache.get(PUBLISHED_COUNT_CACHE_KEY)
    if total is None:
        total = Article.objects.published().count()
        cache.set(PUBLISHED_COUNT_CACHE_KEY, total, 300)
    words = parsed.words
    counts = _backend().document_counts(words, cap=BROAD_TERM_ARTICLES + 1)
    broad = [w for w, n in counts.items() if n > BROAD_TERM_ARTICLES]
    for word, exact in SearchWord.objects.filter(word__in=broad).values_list("word", "document_count"):
        counts[word] = max(counts[word], exact)
    frequencies = []
    for term in parsed.terms:
        per_phrase = []
        for phrase in term.alternatives:
            telling = [w for w in phrase if w not in STOP_WORDS] or phrase
            per_phrase.append(min(counts.get(w, 0) for w in telling))
        frequencies.append(max(per_phrase, default=0))
    return frequencies, max(total, 1)


def _rank(parsed: ParsedQuery, *, category_id: int | None, needed: int) -> list[tuple[int, int | None, float]]:
    """
    (article, best section or None, score), best first, in two stages.

    Articles are ranked first as whole documents (each article is indexed as a
    whole as well as section by section), so evidence spread over several
    sections counts; then the sections of the best few are ranked, to add the
    best section's score and say where the answer is. Broad terms (found in
    more than BROAD_TERM_ARTICLES articles) are matched only in titles,
    headings, tags and summaries in the first stage, which keeps its cost
    bounded on large sites; if that finds too little, it runs again in full.
    """
    backend = _backend()
    frequencies, total = _term_frequencies(parsed)
    idf = [math.log(1 + total / max(1, df)) for df in frequencies]
    broad = [df > BROAD_TERM_ARTICLES for df in frequencies]
    options = {"idf": idf, "category_id": category_id, "limit": ARTICLE_CANDIDATES, "needed": needed}
    articles = backend.rank_articles(parsed, broad=broad, **options)
    if len(articles) < needed and any(broad):
        articles = backend.rank_articles(parsed, broad=[False] * len(broad), **options)
    head = articles[: max(SECTION_CANDIDATES, needed)]
    best: dict[int, tuple[int, float]] = {}
    for article_id, section_id, score in backend.rank_sections(parsed, idf=idf, article_ids=[a for a, _ in head]):
        best.setdefault(article_id, (section_id, score))  # sections come best first
    ranked = []
    for article_id, score in head:
        section_id, section_score = best.get(article_id, (None, 0.0))
        ranked.append((article_id, section_id, score + SECTION_WEIGHT * section_score))
    ranked.sort(key=lambda item: (-item[2], item[0]))
    return ranked + [(article_id, None, score) for article_id, score in articles[len(head) :]]


_COMPOUND = re.compile(r"\b([^\W_]+)-([^\W_]+)\b")


def with_compounds(text: str) -> str:
    """Add the joined form of hyphenated words, so "subusers" finds "sub-users"."""
    joined = {a + b for a, b in _COMPOUND.findall(text)}
    return f"{text} {' '.join(sorted(joined))}" if joined else text


def index_rows(article, sections) -> list[tuple]:
    """
    The rows one article adds to the index, the whole article then each
    section: (key, article id, category id, title, heading, tags, summary, body).
    """
    rows = [
        (
            -article.pk,
            article.pk,
            article.category_id,
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
            article.category_id,
            article.title,
            s.title,
            article.tags,
            article.summary,
            with_compounds(f"{s.title} {s.text}"),
        )
        for s in sections
    ]
    return rows


def _promote_exact_title(ranked, parsed: ParsedQuery, articles):
    """An article whose title is exactly the query goes first, linked without a section."""
    wanted = tokenize(parsed.text)
    for index, (article_id, _section_id, score) in enumerate(ranked[:TITLE_CHECK]):
        article = articles.get(article_id)
        if article is not None and tokenize(article.title) == wanted:
            return [(article_id, None, score)] + ranked[:index] + ranked[index + 1 :]
    return ranked


def index_article(article) -> None:
    """Add a published article's stored sections to the index (called from save())."""
    if article.is_published:
        sections = list(article.sections.all())
        _backend().add(index_rows(article, sections))
        _count_words(article_words(article, sections), +1)
        meaning_vectors_store(article, sections)


def unindex_article(article_id: int) -> None:
    """Remove the stored version of an article from the index, before it changes or goes."""
    from ..models import Article

    stored = Article.objects.filter(pk=article_id).first()
    if stored is None or not stored.is_published:
        return
    _backend().remove(article_id)
    _count_words(article_words(stored, list(stored.sections.all())), -1)
    meaning_vectors_delete(article_id)


def article_words(article, sections) -> set[str]:
    """The vocabulary: words typo correction may suggest, and how many articles have each."""
    text = " ".join([article.title, article.tags, article.summary, *(f"{s.title} {s.text}" for s in sections)])
    text = with_compounds(text)
    # Numbers (error codes) are counted too, so how common they are is known.
    return {
        word
        for word in tokenize(text)
        if (word.isalpha() and 3 <= len(word) <= 30) or (word.isdigit() and 3 <= len(word) <= 6)
    }


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
        meaning_vectors_clear()
        batch = []
        for article in articles.iterator(chunk_size=500):
            sections = list(article.sections.all())
            backend.add(index_rows(article, sections), rebuilding=True)
            counts.update(article_words(article, sections))
            batch.append((article, sections))
            if len(batch) == 500:
                meaning_vectors_rebuild(batch)
                batch = []
            indexed += 1
            if progress:
                progress(1)
        meaning_vectors_rebuild(batch)
        SearchWord.objects.bulk_create(
            [SearchWord(word=w, document_count=n) for w, n in counts.items()], batch_size=1000
        )
        backend.recount_documents()
    backend.finish_rebuild()
    return indexed
