"""
Step 1 of a search: from what a customer typed to a structured query.

A query is a list of terms; each term is a set of alternatives (a word, or a
phrase from a synonym group such as "sign in" = "log in" = "login"). Codes such
as "5.7.1" or "api_user" are phrases of their parts. Words the index does not
know are corrected (typos.py); in instant search the unfinished last word is
completed from the vocabulary.

`parse_query()` does the work with the lookups passed in (and is tested
without a database); `parse()` passes it the real ones.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from . import vocabulary
from .backends import SearchBackend, current_backend
from .query import ParsedQuery, Term, WordCount
from .rank import BROAD_TERM_ARTICLES
from .synonyms import SynonymTable, synonym_table
from .text import STOP_WORDS, TOKEN, normalize
from .typos import make_corrector

MAX_TERMS = 12
# An unfinished last word of an instant search stands for the most common words it starts,
# once it has this many letters.
MIN_PREFIX = 3
PREFIX_COMPLETIONS = 5

# Runs of words joined by . _ : / or - ("5.7.1", "api_user", "sign-in").
_CHUNK = re.compile(r"[^\W_]+(?:[._:/-]+[^\W_]+)+|[^\W_]+")


def parse_query(
    text: str,
    *,
    synonyms: SynonymTable,
    correct: Callable[[list[str]], dict[str, str]] | None = None,
    complete: Callable[[str], list[str]] | None = None,
) -> ParsedQuery:
    """
    Build the structured query.

    `correct(words) -> {word: replacement}` proposes spelling corrections for
    words the index does not know; synonym words and stop words are never sent
    to it. `complete(word) -> [words]`, given for instant search, turns the last
    word, when it is not a complete known word, into the words it starts.
    """
    normalized = normalize(text)
    items = _items(normalized)[: MAX_TERMS * 2]
    if not items:
        return ParsedQuery(text=normalized, terms=())

    completions: list[str] = []
    last = items[-1]
    if complete is not None and isinstance(last, str) and last not in STOP_WORDS and last not in synonyms.words:
        completions = complete(last)

    corrections: dict[str, str] = {}
    if correct is not None:
        candidates = [
            t
            for t in dict.fromkeys(i for i in (items[:-1] if completions else items) if isinstance(i, str))
            if t not in STOP_WORDS and t not in synonyms.words and not t.isdigit()
        ]
        if candidates:
            corrections = correct(candidates)
    fixed = [corrections.get(i, i) if isinstance(i, str) else i for i in items]

    terms: list[Term] = []
    i = 0
    while i < len(fixed):
        item = fixed[i]
        if isinstance(item, tuple):  # a code such as 5.7.1: its parts, in order
            terms.append(Term((item,)))
            i += 1
            continue
        if completions and i == len(fixed) - 1:
            terms.append(Term(tuple((word,) for word in dict.fromkeys([item, *completions]))))
            break
        end = next((j for j in range(i, len(fixed)) if isinstance(fixed[j], tuple)), len(fixed))
        found = synonyms.match(fixed[:end], i)
        if found:
            size, alternatives = found
            terms.append(Term(alternatives))
            i += size
            continue
        # Stop words and lone letters or digits say nothing about what is wanted.
        if item not in STOP_WORDS and len(item) > 1:
            terms.append(Term(((item,),)))
        i += 1
    # A query made only of stop words ("how do i") finds nothing, on every engine.
    # Forms of one word ("list lists") are one term: the engines match every form anyway.
    unique: dict = {}
    for term in terms:
        unique.setdefault(term.stems, term)
    terms = list(unique.values())[:MAX_TERMS]
    shown = {tuple(TOKEN.findall(chunk)): chunk for chunk in _CHUNK.findall(normalized)}
    corrected = " ".join(i if isinstance(i, str) else shown.get(i, " ".join(i)) for i in fixed) if corrections else ""
    return ParsedQuery(text=normalized, terms=tuple(terms), corrected=corrected)


def _items(normalized: str) -> list:
    """
    Words, and codes kept whole: a run of parts joined by punctuation that
    holds a digit or an underscore ("5.7.1", "api_user") becomes one phrase,
    so it matches those parts in that order rather than each digit anywhere.
    """
    items: list = []
    for chunk in _CHUNK.findall(normalized):
        parts = TOKEN.findall(chunk)
        if len(parts) > 1 and (any(ch.isdigit() for ch in chunk) or "_" in chunk):
            items.append(tuple(parts))
        else:
            items.extend(parts)
    return items


def complete_word(word: str) -> list[str]:
    """
    The most common vocabulary words that `word` starts, when it is not itself a
    complete vocabulary word (then: none): "webho" -> ["webhook", "webhooks", ...].
    """
    if len(word) < MIN_PREFIX or not word.isalpha():
        return []
    found = vocabulary.starting_with(word, PREFIX_COMPLETIONS + 1)
    if word in found:
        return []
    return found[:PREFIX_COMPLETIONS]


class QueryWordCounts:
    """
    The counts of the words one query asks about, read from the engine once
    (`SearchBackend.word_counts()`, as ranking uses them): typo correction asks
    which words the vocabulary and the index know, ranking how many articles
    hold each, and most queries need one statement for both.
    """

    def __init__(self, backend: SearchBackend):
        self.backend = backend
        self.read: dict[str, WordCount] = {}

    def of(self, words: Iterable[str]) -> dict[str, WordCount]:
        words = list(dict.fromkeys(words))
        missing = [word for word in words if word not in self.read]
        if missing:
            self.read.update(self.backend.word_counts(missing, cap=BROAD_TERM_ARTICLES + 1))
        return {word: self.read[word] for word in words}

    def known(self, words: list[str]) -> set[str]:
        """Those of `words` that are vocabulary words."""
        return {word for word, count in self.of(words).items() if count.vocabulary}

    def is_known(self, word: str) -> bool:
        """Whether the index holds the word in any form."""
        return self.of([word])[word].documents > 0


def parse(text: str, *, prefix: bool = False) -> ParsedQuery:
    """
    The query, with the site's synonyms, typo correction against its vocabulary
    and index, and (`prefix`: instant search, as the customer types) the last
    word completed. It carries the counts of the words it read, for ranking.
    """
    backend = current_backend()
    counts = QueryWordCounts(backend)
    # The typed words, read together before correction asks about some of them.
    counts.of(word for word in TOKEN.findall(normalize(text)) if word not in STOP_WORDS and len(word) > 1)
    correct = make_corrector(
        known=counts.known,
        is_known=counts.is_known,
        similar_words=backend.similar_words,
        counts=vocabulary.document_counts,
    )
    parsed = parse_query(text, synonyms=synonym_table(), correct=correct, complete=complete_word if prefix else None)
    return replace(parsed, counts=counts.read)
