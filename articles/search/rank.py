"""
Step 2 of a search: the ranking policy, the same on every engine.

1. How rare each term is: its document frequency (the most common of its
   alternatives; for a phrase, its rarest word that is not a stop word) gives
   its idf. A term in more than BROAD_TERM_ARTICLES articles is *broad*: it
   says little about any one article, and matching it in every article's
   full text would walk most of a large site's index.
2. Articles: those with a selective term are ranked on their whole text (the
   engine's score), plus what the broad terms score in their head (title,
   headings, tags, summary). Articles with only broad terms are looked for in
   the head alone, in tiers that stop once the page is full: at least two of
   the terms in the head, then any in the title, then any in the head. Head
   scores are weighed by the article's length, as BM25 weighs a whole-article
   match (bm25.py): the head alone cannot tell a short article about a subject
   from a long one that mentions it in a heading. If the narrow pass finds
   fewer articles than the page needs, it runs again with no term broad.
3. Sections (sections.py) add the best section's score to the best few.
4. Other signals join in `fuse()`: the meaning signal (semantic.py) blends
   closeness in meaning into the scores, and offers the nearest articles when
   no word matched.

The engine backend (backends/) only matches and scores; this module decides.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.apps import apps

from . import semantic
from .backends import SearchBackend
from .bm25 import length_weight
from .memo import remembered
from .query import ParsedQuery, WordCount
from .text import STOP_WORDS

# Articles ranked per query (the most a search can return).
ARTICLE_CANDIDATES = 100
# A term in more articles than this is broad (see above).
BROAD_TERM_ARTICLES = 2000
# Head matches read per article wanted, to weigh by article length after the engine's first cut.
HEAD_CANDIDATES = 3
# Whole-article matches read per article wanted, before the broad terms' head scores are added.
SELECTIVE_CANDIDATES = 1


@dataclass(frozen=True)
class Ranked:
    """An article in the ranking, the section to link to (None: the article itself) and its score."""

    article_id: int
    section_id: int | None
    score: float


@dataclass(frozen=True)
class TermWeights:
    """Per term of the parsed query: its idf, whether it is broad, and how many articles hold it."""

    idf: list[float]
    broad: list[bool]
    documents: list[int] | None = None


def published_count() -> int:
    """How many articles are public, for the terms' idf: counted once per content version."""
    return remembered("published-count", _count_published)


def _count_published() -> int:
    return apps.get_model("articles", "Article").objects.published().count()


def document_frequencies(parsed: ParsedQuery, backend: SearchBackend) -> list[int]:
    """
    How many published articles each term is in: its most common alternative;
    for a phrase, its rarest word that is not a stop word. The engine counts
    word forms as its index stems them; it counts only up to just past the
    broad-term threshold, and gives the vocabulary's exact figure above it.
    Parsing has read most of the words already (`parsed.counts`).
    """
    counts = word_documents(parsed.words, backend, known=parsed.counts)
    frequencies = []
    for term in parsed.terms:
        per_phrase = []
        for phrase in term.alternatives:
            telling = [w for w in phrase if w not in STOP_WORDS] or phrase
            per_phrase.append(min(counts.get(w, 0) for w in telling))
        frequencies.append(max(per_phrase, default=0))
    return frequencies


def word_documents(words, backend: SearchBackend, *, known: Mapping[str, WordCount]) -> dict[str, int]:
    """How many published articles hold each word in any form (see above): `known`, and the others from the engine."""
    missing = sorted(set(words) - known.keys())
    read = backend.word_counts(missing, cap=BROAD_TERM_ARTICLES + 1) if missing else {}
    return {word: (known.get(word) or read[word]).documents for word in words}


def term_weights(parsed: ParsedQuery, backend: SearchBackend) -> TermWeights:
    frequencies = document_frequencies(parsed, backend)
    total = max(published_count(), 1)
    return TermWeights(
        idf=[math.log(1 + total / max(1, df)) for df in frequencies],
        broad=[df > BROAD_TERM_ARTICLES for df in frequencies],
        documents=frequencies,
    )


def rank_articles(
    parsed: ParsedQuery, *, backend: SearchBackend, weights: TermWeights, category_id: int | None, needed: int
) -> list[tuple[int, float]]:
    """(article id, score), best first: the article stage (2. above), at most ARTICLE_CANDIDATES."""
    found = _rank_articles(parsed, backend, weights, weights.broad, category_id, needed)
    if len(found) < needed and any(weights.broad):
        found = _rank_articles(parsed, backend, weights, [False] * len(weights.broad), category_id, needed)
    return found


def _rank_articles(parsed, backend, weights, broad, category_id, needed):
    idf = weights.idf
    selective = [(t, w) for t, w, b in zip(parsed.terms, idf, broad, strict=True) if not b]
    wide = [(t, w) for t, w, b in zip(parsed.terms, idf, broad, strict=True) if b]
    wide_terms, wide_idf = [t for t, _ in wide], [w for _, w in wide]
    average = backend.average_length() if wide else 1.0
    scores: dict[int, float] = {}
    if selective:
        scores = backend.match_articles(
            [t for t, _ in selective],
            idf=[w for _, w in selective],
            category_id=category_id,
            limit=SELECTIVE_CANDIDATES * ARTICLE_CANDIDATES,
            matching=weights.documents and [d for d, b in zip(weights.documents, broad, strict=True) if not b],
        )
        if wide and scores:
            for match in backend.match_heads(
                wide_terms, idf=wide_idf, field="head", at_least=1, category_id=None, article_ids=list(scores),
                limit=None,
            ):  # fmt: skip
                scores[match.article_id] += match.score * length_weight(match.length, average)
    if wide:
        # From the narrowest to the widest, until the page is full.
        tiers = [("head", 2)] if len(wide) >= 2 else []
        tiers += [("title", 1), ("head", 1)]
        for field, at_least in tiers:
            matches = backend.match_heads(
                wide_terms, idf=wide_idf, field=field, at_least=at_least, category_id=category_id,
                article_ids=None, limit=HEAD_CANDIDATES * ARTICLE_CANDIDATES,
            )  # fmt: skip
            for match in matches:
                # An article with a selective match already counts its head.
                scores.setdefault(match.article_id, match.score * length_weight(match.length, average))
            if len(scores) >= needed:
                break
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:ARTICLE_CANDIDATES]


def fuse(
    parsed: ParsedQuery, ranked: list[Ranked], *, category_id: int | None, needed: int
) -> tuple[list[Ranked], bool]:
    """
    Other signals join the lexical ranking here. The meaning signal
    (semantic.py) blends each candidate's closeness in meaning with its lexical
    score and adds articles close in meaning; when no word matched, it offers
    the nearest articles, and says so (the second value, `by_meaning`). It is
    given the query after typo correction and its synonym groups' other words.
    Without its model, the lexical ranking stands.
    """
    fused = semantic.fuse(
        [(r.article_id, r.section_id, r.score) for r in ranked],
        parsed.corrected or parsed.text,
        category_id=category_id,
        needed=needed,
        synonyms=semantic.synonym_text(parsed),
    )
    return [Ranked(article_id, section_id, score) for article_id, section_id, score in fused.ranked], fused.by_meaning


def promote_exact_title(
    ranked: list[Ranked], wanted: list[str], titles: dict[int, list[str]], depth: int
) -> list[Ranked]:
    """
    An article among the first `depth` whose title's words are exactly the query's
    goes first, linked without a section.
    """
    for index, r in enumerate(ranked[:depth]):
        if titles.get(r.article_id) == wanted:
            return [Ranked(r.article_id, None, r.score)] + ranked[:index] + ranked[index + 1 :]
    return ranked
