"""
Editors' controls over search: a per-article boost and pinned results.

- A **boost** (`Article.search_boost`, -10 to +10) multiplies the article's
  score by 1 + boost/20 (x0.5 to x1.5) and the ranking is sorted again. It only
  reorders the articles that already matched: it never brings in one that did
  not.
- A **pin** (`PinnedSearch`) says "when someone searches X, show article Y
  first". When the search's query, or its typo-corrected form, has the words
  of a pin's query (`pin_key()`: the words as search reads them, so
  "Reset Password?" is "reset password"), the pinned articles that customers
  can see come first, in the pins' order and within the category asked for,
  then the rest of the ranking without them.

`apply_controls()` is the one step the pipeline calls, after the other signals
and before the exact-title promotion, which it then leaves the pinned results
above (a pin is an editor's explicit choice for exactly that query).

Cost per search: none from the database. Each process holds the boosts (only
the non-zero ones) and the pins of live articles in a small `SearchControls`,
loaded once and again whenever the site's content version changes (memo.py):
every save or delete of an article or a pin (bulk writes included) gives a
new one.
"""

from dataclasses import dataclass, field
from operator import attrgetter

from django.apps import apps

from .memo import remembered
from .query import ParsedQuery
from .rank import Ranked
from .text import STOP_WORDS, normalize, tokenize

MIN_BOOST = -10
MAX_BOOST = 10
# A boost of +10 multiplies a score by 1.5, -10 by 0.5.
BOOST_STEP = 0.05


def pin_key(text: str) -> str:
    """A query as pins compare it: its words, lower case, single spaces ("Reset  Password?" -> "reset password")."""
    return " ".join(tokenize(normalize(text)))


def pin_key_problem(key: str) -> str | None:
    """Why a pin's (normalised) query could never fire, or None."""
    words = key.split()
    if not words:
        return "Enter a query with at least one word (letters or digits)."
    if all(word in STOP_WORDS or len(word) < 2 for word in words):
        return "This query has only very common words (such as “how do i”); search ignores them, so a pin never shows."
    return None


def boost_factor(boost: int) -> float:
    return 1 + BOOST_STEP * max(MIN_BOOST, min(MAX_BOOST, boost))


def boosted_score(score: float, boost: int) -> float:
    return _scaled(score, boost_factor(boost))


def _scaled(score: float, factor: float) -> float:
    # A negative score (possible by meaning) is divided instead, so a boost always helps.
    return score * factor if score >= 0 else score / factor


@dataclass(frozen=True)
class SearchControls:
    """What the controls need per search, in memory."""

    # Article id -> boost factor, for articles with a non-zero boost.
    factors: dict[int, float] = field(default_factory=dict)
    # Pin key -> ((article id, category id), ...) in the pins' order; live articles only.
    pins: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)


def load_controls() -> SearchControls:
    """Read the boosts and pins of the articles customers can see (two small queries)."""
    published = apps.get_model("articles", "Article").objects.published()
    boosts = published.exclude(search_boost=0).values_list("pk", "search_boost")
    pins: dict[str, list[tuple[int, int]]] = {}
    rows = (
        apps.get_model("articles", "PinnedSearch")
        .objects.filter(article__in=published)
        .order_by("query", "position", "article__slug")
        .values_list("query", "article_id", "article__category_id")
    )
    for query, article_id, category_id in rows:
        pins.setdefault(query, []).append((article_id, category_id))
    return SearchControls(
        factors={pk: boost_factor(boost) for pk, boost in boosts},
        pins={key: tuple(found) for key, found in pins.items()},
    )


def search_controls() -> SearchControls:
    return remembered("controls", load_controls)


def apply_controls(parsed: ParsedQuery, ranked: list[Ranked], *, category_id: int | None) -> tuple[list[Ranked], int]:
    """
    The ranking with boosts applied and pinned articles first; and how many
    pinned results lead it (the later exact-title promotion stays below them).
    """
    controls = search_controls()
    if controls.factors:
        ranked = _boost(ranked, controls.factors)
    pinned = _pinned(parsed, controls.pins, category_id)
    if not pinned:
        return ranked, 0
    found = {r.article_id: r for r in ranked}
    top = ranked[0].score if ranked else 0.0
    # A pinned article that matched keeps its best section; one that did not is linked as a whole.
    first = [found.get(article_id) or Ranked(article_id, None, top) for article_id in pinned]
    rest = [r for r in ranked if r.article_id not in set(pinned)]
    return first + rest, len(first)


def _boost(ranked: list[Ranked], factors: dict[int, float]) -> list[Ranked]:
    if factors.keys().isdisjoint(r.article_id for r in ranked):
        return ranked
    scored = [
        r
        if (factor := factors.get(r.article_id)) is None
        else Ranked(r.article_id, r.section_id, _scaled(r.score, factor))
        for r in ranked
    ]
    # Stable, also in reverse: equal scores keep the ranking's own order.
    scored.sort(key=attrgetter("score"), reverse=True)
    return scored


def _pinned(parsed: ParsedQuery, pins: dict, category_id: int | None) -> list[int]:
    if not pins:
        return []
    for text in (parsed.text, parsed.corrected):
        found = pins.get(pin_key(text)) if text else None
        if found:
            return [article_id for article_id, category in found if category_id is None or category == category_id]
    return []
