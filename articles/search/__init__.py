"""
Article search: one function, `article_search()`, for the search page, the JSON
API, instant results and the contact form's suggestions.

The engine follows the database in use: SQLite FTS5 (the embedded default) or
PostgreSQL full-text search. Both index one row per article section and share
the query handling in `query.py` (normalising, stop words, synonyms, typos), so
they return the same shape of results and pass the same tests.

The index is written in the same transaction as the article (see
`Article.save()`), and only published articles are ever in it. An article
approved with a future publish date is indexed at once and left out of results
until that date, by the same rule as every page (`Article.objects.published()`).
"""

from .engine import (
    SearchPage,
    SearchResult,
    article_search,
    index_article,
    rebuild_index,
    unindex_article,
)

__all__ = [
    "SearchPage",
    "SearchResult",
    "article_search",
    "index_article",
    "rebuild_index",
    "unindex_article",
]
