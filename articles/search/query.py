"""
The structured query that parsing produces and every later step reads: a list
of terms, each a set of alternatives (a word or a phrase). Only letters and
digits are in it, so nothing a customer types reaches an engine as syntax.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .text import stem


class WordCount(NamedTuple):
    """
    How many published articles hold a word: as this very word (its vocabulary
    count; 0 when it is not a vocabulary word), and in any form, as the index
    stems it (`documents`).
    """

    vocabulary: int
    documents: int


@dataclass(frozen=True)
class Term:
    """One thing the customer asked for, with its accepted alternatives (typed form first)."""

    alternatives: tuple[tuple[str, ...], ...]

    @property
    def words(self) -> set[str]:
        return {word for phrase in self.alternatives for word in phrase}

    @property
    def stems(self) -> tuple:
        return tuple(tuple(stem(word) for word in phrase) for phrase in self.alternatives)


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the normalised query as typed
    terms: tuple[Term, ...]
    corrected: str = ""  # the query after typo correction, when it changed
    # The counts of the words parsing read (typo correction asks for them), for ranking to reuse.
    counts: Mapping[str, WordCount] = field(default_factory=dict, compare=False)

    @property
    def words(self) -> set[str]:
        return {word for term in self.terms for word in term.words}

    def __bool__(self):
        return bool(self.terms)
