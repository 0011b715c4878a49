"""
Typo correction: a word the index does not know is replaced by the closest
vocabulary word, if one is close enough.

Distance is Damerau's (optimal string alignment): a deleted, added or changed
letter is one edit, and so are two neighbouring letters swapped ("pasword",
"pasrword" and "psasword" are each one edit from "password"). How many edits a
word may have depends on its length: `allowed_edits()`. The rule was measured
with `benchmarks/typos.py`; see the README.

Among candidates at the same distance, the likelier typo wins before the more
common word (a noisy channel's tie-break, `typo_cost()`): people rarely get a
word's first letter wrong, and they often miss or double a letter that is
doubled, or hit a key next to the one meant. Among 10,000 articles' words,
"acount" is one edit from "count" (in more articles) and from "account".

Common English words are never corrected, even when the index does not know
them: "pretending" is not a typo of "presenting", nor "unwanted" of "wanted"
(`is_common_word()`).
"""

from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

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


# SCOWL's "small" list (size 35): about 40,000 lower-case words, inflections and
# American and British spellings included, for 4 MB of memory. A typo that is itself
# such a word ("sever" for "server") is left as typed, as if the index knew the word.
COMMON_WORDS_FILE = Path(__file__).resolve().parent / "data" / "english-words.txt"


@cache
def common_words() -> frozenset[str]:
    """The common English words of COMMON_WORDS_FILE (its lines not starting with "#")."""
    lines = COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_common_word(word: str) -> bool:
    """Whether `word` is a real English word that no site's vocabulary should replace."""
    return word in common_words()


# QWERTY rows, each shifted right of the one above by these fractions of a key.
_ROWS = (("qwertyuiop", 0.0), ("asdfghjkl", 0.25), ("zxcvbnm", 0.75))
_KEY_AT = {key: (row, column + shift) for row, (keys, shift) in enumerate(_ROWS) for column, key in enumerate(keys)}


def adjacent_keys(a: str, b: str) -> bool:
    """Whether keys `a` and `b` touch on a QWERTY keyboard ("s": "a", "d", "w", "e", "z", "x")."""
    if a == b or a not in _KEY_AT or b not in _KEY_AT:
        return False
    (row_a, x_a), (row_b, x_b) = _KEY_AT[a], _KEY_AT[b]
    if row_a == row_b:
        return abs(x_a - x_b) <= 1
    return abs(row_a - row_b) == 1 and abs(x_a - x_b) < 1


# What a likely typo costs in typo_cost(), against 1 for any other edit (two swapped
# neighbours included: at half, nothing moved in benchmarks/relevance.py).
LIKELY_EDIT = 0.5


def typo_cost(typed: str, meant: str) -> float:
    """
    The edits from `meant` to `typed`, the likely ones (LIKELY_EDIT) counting
    less: a doubled letter typed once or a letter typed twice ("acount" for
    "account"), and a key next to the one meant ("invoixe" for "invoice").
    """
    rows, columns = len(typed) + 1, len(meant) + 1
    cost = [[0.0] * columns for _ in range(rows)]
    for i in range(1, rows):
        cost[i][0] = cost[i - 1][0] + _extra_letter(typed, i - 1)
    for j in range(1, columns):
        cost[0][j] = cost[0][j - 1] + _extra_letter(meant, j - 1)
    for i in range(1, rows):
        for j in range(1, columns):
            a, b = typed[i - 1], meant[j - 1]
            change = 0.0 if a == b else LIKELY_EDIT if adjacent_keys(a, b) else 1.0
            value = min(
                cost[i - 1][j] + _extra_letter(typed, i - 1),
                cost[i][j - 1] + _extra_letter(meant, j - 1),
                cost[i - 1][j - 1] + change,
            )
            if i > 1 and j > 1 and a == meant[j - 2] and typed[i - 2] == b:
                value = min(value, cost[i - 2][j - 2] + 1.0)
            cost[i][j] = value
    return cost[-1][-1]


def _extra_letter(word: str, i: int) -> float:
    """The cost of `word[i]` being left out of the other word: less when it doubles a neighbour."""
    doubled = (i > 0 and word[i - 1] == word[i]) or (i + 1 < len(word) and word[i + 1] == word[i])
    return LIKELY_EDIT if doubled else 1.0


# Off, candidates as close are told apart by their article count alone (the rule
# before the noisy channel's tie-breaks; benchmarks/typos.py --articles-first).
NOISY_CHANNEL = True


def changes_first_letter(typed: str, meant: str) -> bool:
    """Whether `typed` starts with another letter than `meant`, other than by its first two letters swapped ("pai")."""
    return typed[:1] != meant[:1] and typed[:2] != meant[1::-1]


def best_correction(word: str, candidates: Iterable[tuple[str, int]], *, limit: int | None = None) -> str | None:
    """
    The closest candidate, if within `limit` edits (by default,
    `allowed_edits(word)`): fewest edits, then the same first letter, then the
    likelier typo (`typo_cost()`), then most articles, then alphabetical.
    """
    limit = allowed_edits(word) if limit is None else limit
    closest: list[tuple[str, int]] = []
    for candidate, frequency in candidates:
        if candidate == word:
            return None
        distance = edit_distance(word, candidate, limit)
        if distance < limit + 1:
            closest, limit = ([] if distance < limit else closest), distance
            closest.append((candidate, frequency))
    if not closest:
        return None

    def likelier(candidate: str) -> tuple:
        return (changes_first_letter(word, candidate), typo_cost(word, candidate)) if NOISY_CHANNEL else ()

    # typo_cost() only for the candidates at the fewest edits, which are few.
    return min(closest, key=lambda item: (*likelier(item[0]), -item[1], item[0]))[0]


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
    Common English words (`is_common_word()`) are left as they are.
    """

    def correct(words: list[str]) -> dict[str, str]:
        correctable = [w for w in words if w.isalpha() and (allowed_edits(w) > 0 or len(w) >= SWAPS_FROM)]
        candidates = [w for w in correctable if not is_common_word(w)]
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
