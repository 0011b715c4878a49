"""
Step 4 of a search: the text shown under a result, with the query's words
marked. Fragments are (text, highlighted) pairs; the template escapes each one
and wraps the highlighted ones in <mark>.
"""

import re
from bisect import bisect_left

from .text import stem

SNIPPET_WORDS = 30
_WORD = re.compile(r"([^\W_]+)")

Snippet = list[tuple[str, bool]]


def make_snippet(text: str, words: set[str], size: int = SNIPPET_WORDS) -> Snippet:
    """The window of `size` words of `text` with the most query words (any form of them) marked."""
    stems = {stem(w) for w in words}
    parts = _WORD.split(text)
    # parts alternates separator, word, separator, word, ...
    tokens = parts[1::2]
    if not tokens:
        return [(text, False)] if text else []
    marked = _forms_of(set(tokens), stems)
    positions = [i for i, token in enumerate(tokens) if token in marked]
    # The first window with the most hits starts at the text's start or just where a hit
    # enters it at its far end: only those starts are counted.
    best_start, best_count = 0, -1
    for start in sorted({0, *(max(0, p - size + 1) for p in positions)}):
        count = bisect_left(positions, start + size) - bisect_left(positions, start)
        if count > best_count:
            best_start, best_count = start, count
    last_index = min(best_start + size, len(tokens)) - 1
    first, last = 2 * best_start + 1, 2 * last_index + 1
    fragments: Snippet = []
    if best_start > 0:
        fragments.append(("… ", False))
    for i in range(first, last + 1):
        piece = parts[i]
        if i % 2 == 1:
            fragments.append((piece, piece in marked))
        elif piece:
            fragments.append((piece, False))
    if last_index < len(tokens) - 1:
        fragments.append((" …", False))
    return fragments


def _forms_of(tokens: set[str], stems: set[str]) -> set[str]:
    """
    Those of `tokens` whose stem is one of `stems`. A stem is the start of its
    word, so only the words that start with one of them are stemmed: each
    distinct word is looked at once, with a test in C for most of them.
    """
    starts = tuple(stems)
    return {token for token in tokens if (lower := token.lower()).startswith(starts) and stem(lower) in stems}


def best_snippet(texts: list[str], words: set[str]) -> Snippet:
    """The snippet of the first text that shows a query word, else of the first non-empty one."""
    first: Snippet = []
    for text in texts:
        if not text:
            continue
        snippet = make_snippet(text, words)
        if any(hit for _, hit in snippet):
            return snippet
        first = first or snippet
    return first
