"""
`article_search()`: a query's way through search, one step after the other.

    parse     (parse.py)     normalise, keep codes whole, correct typos, add synonyms
    rank      (rank.py)      the ranking policy, over the engine's primitives (backends/)
    sections  (sections.py)  the best section of the best few articles
    snippets  (snippets.py)  the text shown under each result, query words marked
"""

from dataclasses import dataclass, field

from . import catalog
from . import rank as ranking
from .backends import current_backend
from .controls import apply_controls
from .parse import parse
from .query import ParsedQuery
from .sections import with_best_sections
from .snippets import Snippet, best_snippet
from .text import normalize, tokenize

MAX_LIMIT = 50
# How far down the ranking an exact title match is looked for.
TITLE_CHECK = 20


@dataclass(frozen=True)
class SearchResult:
    article_id: int
    title: str
    slug: str
    url: str
    category: str
    category_slug: str
    summary: str
    section_title: str
    section_anchor: str
    snippet: Snippet = field(default_factory=list)
    score: float = 0.0

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)


@dataclass(frozen=True)
class SearchPage:
    query: str
    corrected: str
    total: int
    results: list[SearchResult]
    # True when no word matched and the results are the articles nearest in meaning.
    by_meaning: bool = False


def article_search(
    text: str, *, category: str | None = None, limit: int = 10, offset: int = 0, prefix: bool = False
) -> SearchPage:
    """
    Published articles matching `text`, best first, each pointing at its best section.

    `category` is a category slug; `limit` is capped at MAX_LIMIT. `prefix`
    (instant results, as the customer types) reads the last word as possibly
    unfinished. Any input is safe: it is tokenized to letters and digits before
    it reaches an engine.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    parsed = parse(text, prefix=prefix)
    if not parsed:
        return SearchPage(query=normalize(text), corrected="", total=0, results=[])
    category_id = None
    if category:
        category_id = catalog.category_id(category)
        if category_id is None:
            return SearchPage(query=parsed.text, corrected=parsed.corrected, total=0, results=[])

    needed = offset + limit
    ranked, by_meaning = _rank(parsed, category_id=category_id, needed=needed)
    # Approved articles wait in the index until their publish date: the rule that
    # decides what customers see (published()) drops them here, so no job has to
    # add them to the index when the date comes.
    waiting = catalog.scheduled()
    if waiting:
        ranked = [r for r in ranked if r.article_id not in waiting]
    # Editors' boosts and pins (controls.py): before the articles are read, which they may bring in.
    ranked, pinned = apply_controls(parsed, ranked, category_id=category_id)
    # Only what a result shows (an article's body and rendered HTML are many
    # kilobytes), for the window and for the articles the exact-title check reads.
    # The promotion below moves one of the first TITLE_CHECK to the top without a
    # section, so the window's sections are among those of ranked[offset - 1:needed].
    near_window = ranked[max(0, offset - 1) : needed]
    shown = catalog.shown(
        (r.article_id for r in ranked[:TITLE_CHECK] + near_window), (r.section_id for r in near_window)
    )
    titles = {pk: tokenize(article.title) for pk, article in shown.articles.items()}
    # A pinned result stays above an exact title match: the editor chose it for this very query.
    ranked = ranked[:pinned] + ranking.promote_exact_title(ranked[pinned:], tokenize(parsed.text), titles, TITLE_CHECK)
    window = ranked[offset:needed]
    return SearchPage(
        query=parsed.text,
        corrected=parsed.corrected,
        total=len(ranked),
        results=_results(window, shown, parsed),
        by_meaning=by_meaning and bool(ranked) and not pinned,
    )


def _rank(parsed: ParsedQuery, *, category_id: int | None, needed: int) -> tuple[list[ranking.Ranked], bool]:
    """The ranking: rank.py's article stage, sections.py, then other signals; and whether it is by meaning."""
    backend = current_backend()
    weights = ranking.term_weights(parsed, backend)
    articles = ranking.rank_articles(parsed, backend=backend, weights=weights, category_id=category_id, needed=needed)
    ranked = with_best_sections(parsed, articles, backend=backend, weights=weights, needed=needed)
    return ranking.fuse(parsed, ranked, category_id=category_id, needed=needed)


def _results(window: list[ranking.Ranked], shown: catalog.Shown, parsed: ParsedQuery) -> list[SearchResult]:
    results = []
    for r in window:
        article = shown.articles.get(r.article_id)
        if article is None:
            continue
        section = shown.sections.get(r.section_id)
        url = article.url
        results.append(
            SearchResult(
                article_id=article.id,
                title=article.title,
                slug=article.slug,
                url=f"{url}#{section.anchor}" if section and section.anchor else url,
                category=article.category,
                category_slug=article.category_slug,
                summary=article.summary,
                section_title=section.title if section else "",
                section_anchor=section.anchor if section else "",
                snippet=best_snippet([section.text if section else "", article.summary], parsed.words),
                score=r.score,
            )
        )
    return results
