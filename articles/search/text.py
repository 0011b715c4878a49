"""
Text as search sees it, on both sides: what a customer types and what the index
stores are cut into words by the same rules.

Only letters and digits survive `tokenize()`, so nothing a customer types can
reach an engine's query language as syntax.
"""

import re
import unicodedata
from functools import lru_cache

MAX_QUERY_CHARS = 200

TOKEN = re.compile(r"[^\W_]+")
_COMPOUND = re.compile(r"\b([^\W_]+)-([^\W_]+)\b")

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
    return TOKEN.findall(unicodedata.normalize("NFKC", text or "").lower())


def word_count(text: str) -> int:
    """Words in an indexed text, near enough for length normalisation (and cheap)."""
    return text.count(" ") + 1


def normalize(text: str) -> str:
    """A query as the engines see it: NFKC, lower case, no control characters, bounded length."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.lower().split())[:MAX_QUERY_CHARS]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """
    A rough stem, to tell forms of one word apart from other words (highlighting,
    one term per word); the engines do their own, real stemming.
    """
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            base = word[: -len(suffix)]
            # resetting -> resett -> reset
            return base[:-1] if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz" else base
    return word


def compounds(text: str) -> list[str]:
    """The joined forms of hyphenated words in `text` ("sub-users" -> "subusers"), sorted."""
    return sorted({a + b for a, b in _COMPOUND.findall(text)})


def with_compounds(text: str) -> str:
    """`text` plus the joined form of its hyphenated words, so "subusers" finds "sub-users"."""
    joined = compounds(text)
    return f"{text} {' '.join(joined)}" if joined else text
