"""
Article search: one function, `article_search()`, for the search page, the JSON
API, instant results and the contact form's suggestions.

A query flows one way (pipeline.py):

    text.py        words, as both the query and the index see them
    parse.py       step 1: normalise, keep codes whole, correct typos (typos.py),
                   add synonyms (synonyms.py), complete an unfinished last word
                   (vocabulary.py); gives a query.ParsedQuery
    rank.py        step 2: the ranking policy, the same on every engine
                   (broad terms, tiers, BM25 weighting from bm25.py, other signals)
    backends/      the engine's matching and scoring primitives, behind the
                   `SearchBackend` protocol: SQLite FTS5 or PostgreSQL full-text
                   search, following the database in use
    sections.py    step 3: the best section of the best few articles
    snippets.py    step 4: the text shown under each result

The meaning signal (semantic.py, with its model in embedding.py) joins the
lexical ranking in rank.py's `fuse()`. Editors' boosts and pinned results
(controls.py) are applied after it, before the exact-title promotion.

What changes only with the site's content (the controls, the articles waiting
for their publish date, the categories, SQLite's head lengths) is read once
per content version and kept in each process (memo.py), and a query's word
counts once per search (parse.py's `QueryWordCounts`): a search runs about
five statements.

The write side is apart: indexing.py adds and removes an article's index rows,
vocabulary counts and meaning vectors in the same transaction as
`Article.save()`, and rebuilds everything (`manage.py rebuild_search_index`).
The index tables are created by the migrations, which carry their own SQL.
Only published articles are ever in the index; an article approved with a
future publish date is indexed at once and left out of results until that
date, by the same rule as every page (`Article.objects.published()`).

Import direction: the models import indexing.py and memo.py (to keep the
index in step and to hand search the content version), so nothing in this
package imports `articles.models`; the modules that read or write model rows
look the model classes up in Django's app registry (`django.apps.apps.get_model`)
when they run. The arrows then all point one way, and every module here can be imported
before Django has loaded the models.
"""

from .indexing import compact_index, index_article, rebuild_index, unindex_article
from .pipeline import MAX_LIMIT, SearchPage, SearchResult, article_search

__all__ = [
    "MAX_LIMIT",
    "SearchPage",
    "SearchResult",
    "article_search",
    "compact_index",
    "index_article",
    "rebuild_index",
    "unindex_article",
]
