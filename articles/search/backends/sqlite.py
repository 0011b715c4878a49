"""
SQLite engine: FTS5 tables (created by migrations 0002 and 0007).

`articles_search_fts` holds one row per published article as a whole (rowid:
minus the article id) and one per section (rowid: the section id), so
replacing an article's rows is a handful of rowid deletes rather than a scan.
`articles_search_head` holds each published article's title, headings, tags
and summary, and its length (rowid: the article id): broad terms are matched
there, since in the full rows a word found in most articles means walking most
of the index. The Porter stemmer handles word forms (resetting -> reset); a
trigram FTS5 table over the vocabulary (kept in step by triggers) finds
spelling candidates.

Each row names its article and category in a `doc` column with marker tokens
that start with a private-use character: normalize() removes such characters
from queries, so nothing a customer types can match them, and a query limited
to a few articles or a category says so inside the MATCH expression.
"""

import re
from collections.abc import Collection, Sequence
from os.path import commonprefix

from django.db import connection

from .. import vocabulary
from ..bm25 import term_score
from ..memo import remembered
from ..query import Term, WordCount
from ..text import tokenize, word_count
from .base import HeadField, HeadMatch, IndexRow

TABLE = "articles_search_fts"
HEAD_TABLE = "articles_search_head"
WORD_TRIGRAMS = "articles_searchword_trigram"

# Column weights: title, heading, tags, summary, body (then doc, never searched).
TEXT_WEIGHTS = (5.0, 3.0, 3.0, 2.0, 1.0)
_WEIGHTS = ", ".join(str(w) for w in (0.0, *TEXT_WEIGHTS, 0.0))  # article_id is unindexed
_HEAD_WEIGHTS = ", ".join(str(w) for w in (*TEXT_WEIGHTS[:4], 0.0))
# Section rows are told apart by their heading and body (the other columns repeat the
# article's, which its own score counts): column number -> weight.
SECTION_COLUMNS = {2: TEXT_WEIGHTS[1], 5: TEXT_WEIGHTS[4]}
MARKER = "\ue000"
# highlight() marks matched phrases with these.
_OPEN, _CLOSE = "\x01", "\x02"
_MARKED = re.compile(f"{_OPEN}(.*?){_CLOSE}", re.S)


def article_token(article_id: int) -> str:
    return f"{MARKER}a{article_id}"


def category_token(category_id: int) -> str:
    return f"{MARKER}c{category_id}"


def _doc(article_id: int, category_id: int) -> str:
    return f"{article_token(article_id)} {category_token(category_id)}"


def _quote(phrase) -> str:
    # Tokens hold only letters and digits (or a marker), so quoting keeps them literal.
    return '"' + " ".join(phrase) + '"'


def _any_of(phrases) -> str:
    return "(" + " OR ".join(_quote(p) for p in phrases) + ")"


def match_expression(terms: Sequence[Term]) -> str:
    """Terms joined with OR; bm25 then rewards rows that match more of them."""
    return " OR ".join(_any_of(term.alternatives) for term in terms)


def at_least_two(terms: Sequence[Term]) -> str:
    """Rows matching at least two of the terms: (a AND b) OR (a AND c) OR ..."""
    groups = [_any_of(t.alternatives) for t in terms]
    return " OR ".join(f"({groups[i]} AND {groups[j]})" for i in range(len(groups)) for j in range(i + 1, len(groups)))


def _only(tokens) -> str:
    return f"doc : {_any_of((t,) for t in tokens)}"


def _select(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class SQLiteBackend:
    vendor = "sqlite"

    # --- Words -------------------------------------------------------------------------------------

    def is_known(self, word: str) -> bool:
        return bool(_select(f"SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT 1", [_quote((word,))]))

    def similar_words(self, word: str, limit: int = 50) -> list[tuple[str, int]]:
        trigrams = {word[i : i + 3] for i in range(len(word) - 2)}
        if not trigrams:
            return []
        expression = " OR ".join(f'"{t}"' for t in sorted(trigrams))
        return _select(
            f"""SELECT w.word, w.document_count FROM {WORD_TRIGRAMS} t
                JOIN articles_searchword w ON w.id = t.rowid
                WHERE {WORD_TRIGRAMS} MATCH %s AND length(w.word) BETWEEN %s AND %s
                ORDER BY t.rank LIMIT %s""",
            [expression, len(word) - 2, len(word) + 2, limit],
        )

    def word_counts(self, words: Sequence[str], *, cap: int) -> dict[str, WordCount]:
        """
        The vocabulary's counts, then the index's for the other forms of a word
        ("marke" counts the articles with "mark"): the whole-article rows come
        first in rowid order, so counting stops after `cap` of them. One
        statement for all the words.

        A word the vocabulary already counts in `cap` articles or more is in at
        least as many in any form: its vocabulary count is the answer, and the
        index is not walked for it (for a common word, `cap` rows of it).
        """
        words = list(dict.fromkeys(words))
        if not words:
            return {}
        exact = vocabulary.document_counts(words)
        documents = {word: n for word, n in exact.items() if n >= cap}
        rest = [word for word in words if word not in documents]
        if rest:
            count = f"(SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid < 0 LIMIT %s))"
            params = [value for word in rest for value in (_quote((word,)), cap)]
            [row] = _select(f"SELECT {', '.join([count] * len(rest))}", params)
            documents.update(zip(rest, row, strict=True))
        return {word: WordCount(exact.get(word, 0), documents[word]) for word in words}

    # --- Matching and scoring ----------------------------------------------------------------------

    def match_articles(
        self,
        terms: Sequence[Term],
        *,
        idf: Sequence[float],
        category_id: int | None,
        limit: int,
        matching: Sequence[int] | None = None,
    ) -> dict[int, float]:
        """Scored by FTS5's bm25() over the whole-article rows (it weighs rare terms itself); `matching` unused."""
        in_category = f" AND {_only([category_token(category_id)])}" if category_id is not None else ""
        rows = _select(
            f"SELECT -rowid, bm25({TABLE}, {_WEIGHTS}) AS rank FROM {TABLE}"
            f" WHERE {TABLE} MATCH %s AND rowid < 0 ORDER BY rank LIMIT %s",
            [f"({match_expression(terms)}){in_category}", limit],
        )
        return {int(a): -float(r) for a, r in rows}

    def match_heads(
        self,
        terms: Sequence[Term],
        *,
        idf: Sequence[float],
        field: HeadField,
        at_least: int,
        category_id: int | None,
        article_ids: Collection[int] | None,
        limit: int | None,
    ) -> list[HeadMatch]:
        expression = at_least_two(terms) if at_least >= 2 and len(terms) >= 2 else match_expression(terms)
        if field == "title":
            expression = f"title : ({expression})"
        expression = f"({expression})"
        if category_id is not None:
            expression += f" AND {_only([category_token(category_id)])}"
        if article_ids is not None:
            if not article_ids:
                return []
            expression += f" AND {_only(article_token(a) for a in article_ids)}"
        sql = (
            f"SELECT rowid, bm25({HEAD_TABLE}, {_HEAD_WEIGHTS}) AS rank FROM {HEAD_TABLE} WHERE {HEAD_TABLE} MATCH %s"
        )
        params: list = [expression]
        if limit is not None:
            sql += " ORDER BY rank LIMIT %s"
            params.append(limit)
        rows = _select(sql, params)
        if not rows:
            return []
        # Reading the length in the ranking query would fetch the stored row of every
        # match, most of the site for a common word: the lengths are held in memory.
        sizes = remembered("sqlite-head-sizes", _head_sizes)
        average = self.average_length()
        return [HeadMatch(int(a), -float(rank), sizes.get(int(a), average)) for a, rank in rows]

    def average_length(self) -> float:
        return remembered(
            "sqlite:average-length", lambda: _select(f"SELECT avg(size) FROM {HEAD_TABLE}", [])[0][0] or 1.0
        )

    def score_sections(
        self, terms: Sequence[Term], *, idf: Sequence[float], article_ids: Collection[int]
    ) -> list[tuple[int, int, float]]:
        """
        The articles are named through their marker tokens inside the MATCH: FTS5
        then walks the few rows that carry them. The rows are scored here, with
        BM25 over highlight() output and the given document frequencies: FTS5's
        bm25() would first count every row of the site holding each term.
        """
        if not article_ids:
            return []
        columns = ", ".join(f"highlight({TABLE}, {c}, char(1), char(2))" for c in SECTION_COLUMNS)
        rows = _select(
            f"SELECT article_id, rowid, {columns} FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid > 0",
            [f"({match_expression(terms)}) AND {_only(article_token(a) for a in article_ids)}"],
        )
        if not rows:
            return []
        matcher = _TermMatcher(terms)
        counted = [(int(a), int(s), *_term_hits(texts, matcher)) for a, s, *texts in rows]
        average = sum(length for *_, length in counted) / len(counted) or 1.0
        scored = [
            (article_id, section_id, sum(term_score(idf[t], tf, length, average) for t, tf in hits.items()))
            for article_id, section_id, hits, length in counted
        ]
        scored.sort(key=lambda item: (-item[2], item[1]))
        return scored

    # --- Storing -----------------------------------------------------------------------------------

    def add(self, rows: Sequence[IndexRow], *, rebuilding: bool = False) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE}(rowid, article_id, title, heading, tags, summary, body, doc)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        r.key,
                        r.article_id,
                        r.title,
                        r.heading,
                        r.tags,
                        r.summary,
                        r.body,
                        _doc(r.article_id, r.category_id),
                    )
                    for r in rows
                ],
            )
            cursor.executemany(
                f"INSERT INTO {HEAD_TABLE}(rowid, title, heading, tags, summary, doc, size)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        r.article_id,
                        r.title,
                        r.heading,
                        r.tags,
                        r.summary,
                        _doc(r.article_id, r.category_id),
                        word_count(r.body),
                    )
                    for r in rows
                    if r.key < 0
                ],
            )

    def remove(self, article_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE rowid = %s"
                " OR rowid IN (SELECT id FROM articles_section WHERE article_id = %s)",
                [-article_id, article_id],
            )
            cursor.execute(f"DELETE FROM {HEAD_TABLE} WHERE rowid = %s", [article_id])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(f"DELETE FROM {HEAD_TABLE}")

    def finish_index(self) -> None:
        """
        Merge each FTS5 index into one segment ('optimize'). A rebuild leaves
        a score of segments, and every term of a query is looked up in each
        of them: at 10,000 articles the section stage's match took 0.9 ms
        against 0.35 ms on the merged index. Document counts need no
        recount: they come from the index itself (see word_counts()).
        """
        self.compact()

    def compact(self) -> None:
        """
        Merge each FTS5 index into one segment. Every save adds segments (300
        saves after a rebuild left 15), which FTS5's own merging bounds but
        does not bring back to one. 1.5 s at 10,000 articles.
        """
        with connection.cursor() as cursor:
            for table in (TABLE, HEAD_TABLE):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES('optimize')")

    def finish_rebuild(self) -> None:
        """A rebuild writes the whole index in one transaction: give the write-ahead log's space back."""
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            if cursor.fetchone()[0] == "wal" and not connection.in_atomic_block:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _head_sizes() -> dict[int, int]:
    """Every published article's length in words, by id (read once per content version)."""
    return dict(_select(f"SELECT rowid, size FROM {HEAD_TABLE}", []))


def _term_hits(texts, matcher) -> tuple[dict[int, float], int]:
    """({term index: weighted hits}, row length in words) from highlighted columns."""
    hits: dict[int, float] = {}
    length = 0
    for text, weight in zip(texts, SECTION_COLUMNS.values(), strict=True):
        if not text:
            continue
        length += word_count(text)
        for span in _MARKED.findall(text):
            for term, share in matcher.match(span):
                hits[term] = hits.get(term, 0.0) + weight * share
    return hits, length


class _TermMatcher:
    """Which query term a highlighted span spells (the index stems, so forms differ)."""

    def __init__(self, terms):
        self.words = [
            (index, word, 1 / len(phrase))
            for index, term in enumerate(terms)
            for phrase in term.alternatives
            for word in phrase
        ]
        self.cache: dict[str, tuple[int, float] | None] = {}
        self.spans: dict[str, list[tuple[int, float]]] = {}

    def match(self, span: str) -> list[tuple[int, float]]:
        """(term index, share of the term's phrase) for each word of the span that belongs to a term."""
        found = self.spans.get(span)
        if found is None:
            found = self.spans[span] = [hit for hit in map(self._cached, tokenize(span)) if hit]
        return found

    def _cached(self, token):
        if token not in self.cache:
            self.cache[token] = self._best(token)
        return self.cache[token]

    def _best(self, token):
        best, best_shared = None, 0
        for index, word, share in self.words:
            if word == token:
                return index, share
            shared = len(commonprefix([word, token]))
            if shared >= 3 and len(word) - shared <= 3 and len(token) - shared <= 3 and shared > best_shared:
                best, best_shared = (index, share), shared
        return best
