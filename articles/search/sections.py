"""
Step 3 of a search: for the best few articles, the section that answers.

Each article is indexed as a whole as well as section by section. The article
stage (rank.py) ranks whole articles, so evidence spread over several sections
counts; this stage ranks the sections of the best few, adds the best section's
score to its article's, and says where in the article the answer is.
"""

from .backends import SearchBackend
from .query import ParsedQuery
from .rank import Ranked, TermWeights

# How many of the best articles get their sections ranked (at least: a page's worth).
SECTION_CANDIDATES = 15
# How much the best section adds to its article's score.
SECTION_WEIGHT = 1.0


def with_best_sections(
    parsed: ParsedQuery,
    articles: list[tuple[int, float]],
    *,
    backend: SearchBackend,
    weights: TermWeights,
    needed: int,
) -> list[Ranked]:
    """The ranked articles with their best section; the head re-sorted by article + section score."""
    head = articles[: max(SECTION_CANDIDATES, needed)]
    best: dict[int, tuple[int, float]] = {}
    for article_id, section_id, score in backend.score_sections(
        parsed.terms, idf=weights.idf, article_ids=[a for a, _ in head]
    ):
        best.setdefault(article_id, (section_id, score))  # sections come best first
    ranked = []
    for article_id, score in head:
        section_id, section_score = best.get(article_id, (None, 0.0))
        ranked.append(Ranked(article_id, section_id, score + SECTION_WEIGHT * section_score))
    ranked.sort(key=lambda r: (-r.score, r.article_id))
    return ranked + [Ranked(article_id, None, score) for article_id, score in articles[len(head) :]]
