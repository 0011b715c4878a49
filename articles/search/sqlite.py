"""
SQLite engine: an FTS5 table with one row per published article section.

Rows are keyed by the section's id (the FTS rowid), so replacing an article's
rows is a handful of rowid deletes rather than a scan. The Porter stemmer
handles word forms (resetting -> reset); a trigram FTS5 table over the
vocabulary (kept in step by triggers, see the migrations) finds spelling
candidates.
"""

from django.db import connection

from .query import ParsedQuery

TABLE = "articles_search_fts"
WORD_TRIGRAMS = "articles_searchword_trigram"

# bm25 weights, in column order: article_id (unindexed), title, heading, tags, summary, body, doc.
WEIGHTS = (0.0, 5.0, 3.0, 3.0, 2.0, 1.0, 0.0)
_WEIGHTS = ", ".join(str(w) for w in WEIGHTS)
# FTS5 column filters: where terms are looked for (never in `doc`), and where broad ones are.
TEXT_COLUMNS = "{title heading tags summary body}"
HEAD_COLUMNS = "{title heading tags summary}"

CREATE_SQL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
        article_id UNINDEXED, title, heading, tags, summary, body, doc,
        tokenize = 'porter unicode61 remove_diacritics 2')""",
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {WORD_TRIGRAMS} USING fts5(
        word, content='articles_searchword', content_rowid='id', tokenize='trigram')""",
    f"""CREATE TRIGGER IF NOT EXISTS articles_searchword_ai AFTER INSERT ON articles_searchword BEGIN
        INSERT INTO {WORD_TRIGRAMS}(rowid, word) VALUES (new.id, new.word); END""",
    f"""CREATE TRIGGER IF NOT EXISTS articles_searchword_ad AFTER DELETE ON articles_searchword BEGIN
        INSERT INTO {WORD_TRIGRAMS}({WORD_TRIGRAMS}, rowid, word) VALUES ('delete', old.id, old.word); END""",
]
DROP_SQL = [
    "DROP TRIGGER IF EXISTS articles_searchword_ai",
    "DROP TRIGGER IF EXISTS articles_searchword_ad",
    f"DROP TABLE IF EXISTS {WORD_TRIGRAMS}",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def _quote(phrase: tuple[str, ...]) -> str:
    # Tokens hold only letters and digits, so quoting is enough to keep them literal.
    return '"' + " ".join(phrase) + '"'


def match_expression(parsed: ParsedQuery, broad: list[bool] | None = None) -> str:
    """
    Terms joined with OR; bm25 then rewards rows that match more of them.
    A broad term is looked for only in the title, headings, tags and summary.
    """
    broad = broad or [False] * len(parsed.terms)
    groups = []
    for term, is_broad in zip(parsed.terms, broad, strict=True):
        alternatives = " OR ".join(_quote(phrase) for phrase in term.alternatives)
        groups.append(f"({HEAD_COLUMNS if is_broad else TEXT_COLUMNS} : ({alternatives}))")
    return " OR ".join(groups)


def _doc_token(article_id: int) -> str:
    """Each row names its article in the `doc` column, so a query can be limited to a few articles."""
    return f"doc{article_id}"


def add(rows) -> None:
    """Store index rows: (key, article_id, title, heading, tags, summary, body); see engine.index_rows()."""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE}(rowid, article_id, title, heading, tags, summary, body, doc)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [(*row, _doc_token(row[1])) for row in rows],
        )


def remove(article_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE rowid = %s"
            " OR rowid IN (SELECT id FROM articles_section WHERE article_id = %s)",
            [-article_id, article_id],
        )


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")


def rank_articles(parsed: ParsedQuery, *, broad, idf, category: str | None, limit: int) -> list[tuple[int, float]]:
    """(article_id, score) from the whole-article rows (rowid < 0), best first."""
    sql = f"SELECT f.article_id, bm25({TABLE}, {_WEIGHTS}) AS rank FROM {TABLE} f"
    params: list = [match_expression(parsed, broad)]
    where = f"{TABLE} MATCH %s AND f.rowid < 0"
    if category:
        sql += " JOIN articles_article a ON a.id = f.article_id JOIN articles_category c ON c.id = a.category_id"
        where += " AND c.slug = %s"
        params.append(category)
    sql += f" WHERE {where} ORDER BY rank LIMIT %s"
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(a), -float(r)) for a, r in cursor.fetchall()]


def rank_sections(parsed: ParsedQuery, *, idf, article_ids: list[int]) -> list[tuple[int, int, float]]:
    """
    (article_id, section_id, score) for the sections of these articles, best first.

    The articles are named through their `doc` tokens inside the MATCH: FTS5
    then walks the few rows that carry them, where a `rowid IN (...)` filter
    would score every row matching a common word first.
    """
    if not article_ids:
        return []
    docs = " OR ".join(f'"{_doc_token(a)}"' for a in article_ids)
    expression = f"({match_expression(parsed)}) AND doc : ({docs})"
    sql = f"""SELECT f.article_id, f.rowid, bm25({TABLE}, {_WEIGHTS}) AS rank FROM {TABLE} f
        WHERE {TABLE} MATCH %s AND f.rowid > 0 ORDER BY rank"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression])
        return [(int(a), int(s), -float(r)) for a, s, r in cursor.fetchall()]


def is_known(word: str) -> bool:
    """Whether the word, or another form of it, is in the index."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT 1", [f"{TEXT_COLUMNS} : {_quote((word,))}"]
        )
        return cursor.fetchone() is not None


def similar_words(word: str, limit: int = 50) -> list[tuple[str, int]]:
    """Vocabulary words sharing the most trigrams with `word`."""
    trigrams = {word[i : i + 3] for i in range(len(word) - 2)}
    if not trigrams:
        return []
    expression = " OR ".join(f'"{t}"' for t in sorted(trigrams))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT w.word, w.document_count FROM {WORD_TRIGRAMS} t
                JOIN articles_searchword w ON w.id = t.rowid
                WHERE {WORD_TRIGRAMS} MATCH %s AND length(w.word) BETWEEN %s AND %s
                ORDER BY t.rank LIMIT %s""",
            [expression, len(word) - 2, len(word) + 2, limit],
        )
        return cursor.fetchall()
