"""
From what a customer typed to a structured query both engines understand.

A query is a list of terms; each term is a set of alternatives (a word, or a
phrase from a synonym group such as "sign in" = "log in" = "login"). Only
letters and digits survive tokenizing, so nothing the customer types can reach
an engine's query language as syntax.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_PHRASE_WORDS = 3

_TOKEN = re.compile(r"[^\W_]+")
# Runs of words joined by . _ : / or - ("5.7.1", "api_user", "sign-in").
_CHUNK = re.compile(r"[^\W_]+(?:[._:/-]+[^\W_]+)+|[^\W_]+")

STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are aren as at be because been before being below
    between both but by can cannot cant could couldn did didn do does doesn doing don dont down during each
    few for from further get gets getting got had hadn has hasn have haven having he her here hers herself him
    himself his how i if in into is isn it its itself just let me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own please same she should shouldn so some such t than
    that the their theirs them themselves then there these they this those through to too under until up very
    was wasn we were weren what when where which while who whom why will with won would wouldn you your yours
    yourself yourselves s ll re ve d m im ive keep keeps still anymore
    """.split()
)


def tokenize(text: str) -> list[str]:
    """Lower-cased letter/digit runs: the words an index knows, and nothing else."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text or "").lower())


def word_count(text: str) -> int:
    """Words in an indexed text, near enough for length normalisation (and cheap)."""
    return text.count(" ") + 1


def normalize(text: str) -> str:
    """A query as the engines see it: NFKC, lower case, no control characters, bounded length."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.lower().split())[:MAX_QUERY_CHARS]


@dataclass(frozen=True)
class Term:
    """One thing the customer asked for, with its accepted alternatives (typed form first)."""

    alternatives: tuple[tuple[str, ...], ...]

    @property
    def words(self) -> set[str]:
        return {word for phrase in self.alternatives for word in phrase}

    @property
    def stems(self) -> tuple:
        return tuple(tuple(_stem(word) for word in phrase) for phrase in self.alternatives)


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


class SynonymTable:
    """Phrase -> group lookup built from the staff-edited synonym groups."""

    def __init__(self, groups: list[list[str]]):
        self.groups: list[tuple[tuple[str, ...], ...]] = []
        self.phrase_group: dict[tuple[str, ...], int] = {}
        for group in groups:
            phrases = tuple(dict.fromkeys(p for p in (tuple(tokenize(item)) for item in group) if p))
            if len(phrases) < 2:
                continue
            index = len(self.groups)
            self.groups.append(phrases)
            for phrase in phrases:
                self.phrase_group.setdefault(phrase, index)
        self.words = {word for phrase in self.phrase_group for word in phrase}

    def match(self, tokens: list[str], start: int) -> tuple[int, tuple[tuple[str, ...], ...]] | None:
        """The longest phrase starting at `start`: (length, alternatives with it first)."""
        for size in range(min(MAX_PHRASE_WORDS, len(tokens) - start), 0, -1):
            phrase = tuple(tokens[start : start + size])
            group = self.phrase_group.get(phrase)
            if group is not None:
                others = tuple(p for p in self.groups[group] if p != phrase)
                return size, (phrase, *others)
        return None


def parse_query(text: str, *, synonyms: SynonymTable, correct=None) -> ParsedQuery:
    """
    Build the structured query.

    `correct(words) -> {word: replacement}` proposes spelling corrections for
    words the index does not know; synonym words and stop words are never sent
    to it.
    """
    normalized = normalize(text)
    items = _items(normalized)[: MAX_TERMS * 2]
    if not items:
        return ParsedQuery(text=normalized, terms=())

    corrections: dict[str, str] = {}
    if correct is not None:
        candidates = [
            t
            for t in dict.fromkeys(i for i in items if isinstance(i, str))
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
    shown = {tuple(_TOKEN.findall(chunk)): chunk for chunk in _CHUNK.findall(normalized)}
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
        parts = _TOKEN.findall(chunk)
        if len(parts) > 1 and (any(ch.isdigit() for ch in chunk) or "_" in chunk):
            items.append(tuple(parts))
        else:
            items.extend(parts)
    return items


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a transposition counts as one edit), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        row_min = i
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            row_min = min(row_min, value)
        if row_min > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_edits(word: str) -> int:
    """Short words tolerate one typo, longer ones two (more would change the word)."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 6 else 2


def best_correction(word: str, candidates: list[tuple[str, int]]) -> str | None:
    """The closest candidate (fewest edits, then most documents), if close enough."""
    limit = allowed_edits(word)
    best: tuple[int, int, str] | None = None
    for candidate, frequency in candidates:
        if candidate == word:
            return None
        distance = edit_distance(word, candidate, limit)
        if distance <= limit:
            key = (distance, -frequency, candidate)
            if best is None or key < best:
                best = key
    return best[2] if best else None


SNIPPET_WORDS = 30


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A rough stem, only to decide what to highlight (the engines do real stemming)."""
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            stem = word[: -len(suffix)]
            # resetting -> resett -> reset
            return stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz" else stem
    return word


def make_snippet(text: str, words: set[str], size: int = SNIPPET_WORDS) -> list[tuple[str, bool]]:
    """
    The window of `text` with the most query words, as (fragment, highlighted)
    pairs; the template escapes each fragment and wraps highlighted ones in <mark>.
    """
    stems = {_stem(w) for w in words}
    parts = re.split(r"([^\W_]+)", text)
    # parts alternates separator, word, separator, word, ...
    word_positions = [i for i in range(1, len(parts), 2)]
    hits = [_stem(parts[i].lower()) in stems for i in word_positions]
    if not word_positions:
        return [(text, False)] if text else []
    best_start, best_count = 0, -1
    running = sum(hits[:size])
    for start in range(0, max(1, len(word_positions) - size + 1)):
        if start:
            running += (hits[start + size - 1] if start + size - 1 < len(hits) else 0) - hits[start - 1]
        if running > best_count:
            best_start, best_count = start, running
    first = word_positions[best_start]
    last_index = min(best_start + size, len(word_positions)) - 1
    last = word_positions[last_index]
    fragments: list[tuple[str, bool]] = []
    if best_start > 0:
        fragments.append(("… ", False))
    for i in range(first, last + 1):
        piece = parts[i]
        if i % 2 == 1:
            fragments.append((piece, hits[(i - 1) // 2]))
        elif piece:
            fragments.append((piece, False))
    if last_index < len(word_positions) - 1:
        fragments.append((" …", False))
    return fragments
