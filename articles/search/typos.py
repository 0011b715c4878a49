"""
Typo correction: a word the index does not know is replaced by the closest
vocabulary word, if one is close enough.

Distance is Damerau's (optimal string alignment): a deleted, added or changed
letter is one edit, and so are two neighbouring letters swapped ("pasword",
"pasrword" and "psasword" are each one edit from "password"). How many edits a
word may have depends on its length: `allowed_edits()`. The rule was measured
with `benchmarks/typos.py`; see the README.
"""

from collections.abc import Callable, Iterable

LETTERS = "abcdefghijklmnopqrstuvwxyz"


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
    """Words of 4 or 5 letters tolerate one typo, longer ones two; shorter ones none (but see SWAPS_FROM)."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 6 else 2


# Words this long but allowed no edit are still corrected when two swapped letters
# give a vocabulary word ("sms" typed "ssm"): other typos of a three-letter word
# give another word too often.
SWAPS_FROM = 3


def best_correction(word: str, candidates: Iterable[tuple[str, int]], *, limit: int | None = None) -> str | None:
    """
    The closest candidate (fewest edits, then most articles, then alphabetical),
    if within `limit` edits (by default, `allowed_edits(word)`).
    """
    limit = allowed_edits(word) if limit is None else limit
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


def swapped(word: str) -> set[str]:
    """`word` with two neighbouring letters swapped, each way it can be."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)} - {word}


def one_edit_variants(word: str) -> set[str]:
    """
    Every string one edit from `word` (Norvig's generator): for short words,
    whose misspellings share few or no letter triples with the word meant
    ("smpt" and "smtp" share none), a trigram search cannot find the candidates.
    """
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = swapped(word)
    changes = {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    inserts = {a + c + b for a, b in splits for c in LETTERS}
    return (deletes | swaps | changes | inserts) - {word}


# Up to this length, candidates are the vocabulary words one edit away; longer words
# share enough letter triples with what was meant for the engine's trigram search,
# except after a swap, which breaks three of them: swapped forms are looked up too.
SHORT_WORD = 6


def make_corrector(
    *,
    known: Callable[[list[str]], set[str]],
    is_known: Callable[[str], bool],
    similar_words: Callable[[str], list[tuple[str, int]]],
    counts: Callable[[list[str]], dict[str, int]],
) -> Callable[[list[str]], dict[str, str]]:
    """
    `correct(words) -> {word: replacement}` over a vocabulary (`known`, `counts`)
    and an index (`is_known` also knows other forms of a word, like "resetting"
    for "reset"; `similar_words` finds candidates by shared letter triples).
    """

    def correct(words: list[str]) -> dict[str, str]:
        candidates = [w for w in words if w.isalpha() and (allowed_edits(w) > 0 or len(w) >= SWAPS_FROM)]
        in_vocabulary = known(candidates)
        unknown = [w for w in candidates if w not in in_vocabulary and not is_known(w)]
        corrections = {}
        for word in unknown:
            limit = allowed_edits(word)
            if limit == 0:
                options, limit = list(counts(sorted(swapped(word))).items()), 1
            elif len(word) <= SHORT_WORD:
                options = list(counts(sorted(one_edit_variants(word))).items())
            else:
                options = similar_words(word) + list(counts(sorted(swapped(word))).items())
            replacement = best_correction(word, options, limit=limit)
            if replacement:
                corrections[word] = replacement
        return corrections

    return correct
