"""
The structured query that parsing produces and every later step reads: a list
of terms, each a set of alternatives (a word or a phrase). Only letters and
digits are in it, so nothing a customer types reaches an engine as syntax.
"""

from dataclasses import dataclass

from .text import stem


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

    @property
    def words(self) -> set[str]:
        return {word for term in self.terms for word in term.words}

    def __bool__(self):
        return bool(self.terms)
