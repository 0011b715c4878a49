"""
Step 4 of a search: the text shown under a result, with the query's words
marked. Fragments are (text, highlighted) pairs; the template escapes each one
and wraps the highlighted ones in <mark>.
"""

import re

from .text import stem

SNIPPET_WORDS = 30
_WORD = re.compile(r"([^\W_]+)")

Snippet = list[tuple[str, bool]]


def make_snippet(text: str, words: set[str], size: int = SNIPPET_WORDS) -> Snippet:
    """The window of `size` words of `text` with the most query words (any form of them) marked."""
    stems = {stem(w) for w in words}
    parts = _WORD.split(text)
    # parts alternates separator, word, separator, word, ...
    word_positions = list(range(1, len(parts), 2))
    hits = [stem(parts[i].lower()) in stems for i in word_positions]
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
    fragments: Snippet = []
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
