"""
What an engine backend does for search: matching and scoring primitives, and
storing index rows. The ranking policy (which terms count as broad, the tiers,
how scores add up) is in rank.py and the same for every engine.
"""

from collections.abc import Collection, Sequence
from typing import Literal, NamedTuple, Protocol

from ..query import Term, WordCount


class IndexRow(NamedTuple):
    """
    One row of the index: an article as a whole (key: minus the article id) or
    one of its sections (key: the section id). `heading` is all the article's
    headings on a whole-article row.
    """

    key: int
    article_id: int
    category_id: int
    title: str
    heading: str
    tags: str
    summary: str
    body: str


class HeadMatch(NamedTuple):
    """An article whose head (title, headings, tags, summary) matched, its score there and its length in words."""

    article_id: int
    score: float
    length: int


# Where head matches are looked for: the whole head, or the title alone.
HeadField = Literal["head", "title"]


class SearchBackend(Protocol):
    """The primitives one database engine provides; implemented by `SQLiteBackend` and `PostgresBackend`."""

    vendor: str

    # --- Words -------------------------------------------------------------------------------------
    def is_known(self, word: str) -> bool:
        """Whether the word, or another form of it, is in the index."""

    def similar_words(self, word: str, limit: int = 50) -> list[tuple[str, int]]:
        """(vocabulary word, article count) for words sharing the most letter triples with `word`."""

    def word_counts(self, words: Sequence[str], *, cap: int) -> dict[str, WordCount]:
        """
        Each word's counts, in one statement where the engine can: `documents`
        exact up to `cap`; above it, at least `cap` and at least `vocabulary`.
        """

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
        """
        Articles whose whole text matches any of the terms: {article id: score}, the best `limit`.
        `matching` is each term's article count when known: how many rows there may be to rank.
        """

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
        """
        Articles with at least `at_least` (1 or 2) of the terms in their head (or title),
        among `article_ids` when given, the best `limit` by the engine's score there.
        """

    def average_length(self) -> float:
        """The average length of a published article, in words."""

    def score_sections(
        self, terms: Sequence[Term], *, idf: Sequence[float], article_ids: Collection[int]
    ) -> list[tuple[int, int, float]]:
        """(article id, section id, score) of these articles' sections that match any term, best first."""

    # --- Storing -----------------------------------------------------------------------------------
    def add(self, rows: Sequence[IndexRow], *, rebuilding: bool = False) -> None:
        """Store an article's rows (the whole article first); a rebuild counts words once at the end."""

    def remove(self, article_id: int) -> None:
        """Remove an article's rows."""

    def clear(self) -> None:
        """Remove every row (a rebuild starts here)."""

    def finish_index(self) -> None:
        """
        After a rebuild has written every row, in its transaction: what the engine
        derives from the whole index (word counts, a compact layout of the index).
        """

    def finish_rebuild(self) -> None:
        """After a rebuild has committed: give back what it used."""

    def compact(self) -> None:
        """
        Put back the index's most compact layout, which saves scatter (SQLite:
        one FTS5 segment per table); nothing where the engine keeps its own.
        """
