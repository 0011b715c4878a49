"""
PostgreSQL engine: a weighted tsvector per published article section, with a
GIN index, and pg_trgm over the vocabulary for spelling candidates.

Weights: A title, B heading and tags, C summary, D body.
"""

from django.db import connection

from .query import ParsedQuery

TABLE = "articles_search_pg"
CONFIG = "english"
# ts_rank weights are listed D, C, B, A.
RANK_WEIGHTS = "{0.4, 0.6, 0.8, 1.0}"

CREATE_SQL = [
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        section_id bigint PRIMARY KEY,
        article_id bigint NOT NULL,
        vector tsvector NOT NULL)""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_vector ON {TABLE} USING gin (vector)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_article ON {TABLE} (article_id)",
    "CREATE INDEX IF NOT EXISTS articles_searchword_trgm ON articles_searchword USING gin (word gin_trgm_ops)",
]
DROP_SQL = [f"DROP TABLE IF EXISTS {TABLE}", "DROP INDEX IF EXISTS articles_searchword_trgm"]

_VECTOR = f"""(setweight(to_tsvector('{CONFIG}', %s), 'A') || setweight(to_tsvector('{CONFIG}', %s), 'B')
    || setweight(to_tsvector('{CONFIG}', %s), 'B') || setweight(to_tsvector('{CONFIG}', %s), 'C')
    || setweight(to_tsvector('{CONFIG}', %s), 'D'))"""


def _phrase(phrase: tuple[str, ...], weights: str = "") -> str:
    # Tokens hold only letters and digits; quoting keeps each one a literal lexeme.
    suffix = f":{weights}" if weights else ""
    return " <-> ".join(f"'{word}'{suffix}" for word in phrase)


def term_tsquery(term, broad: bool = False) -> str:
    """One term's alternatives; a broad term only matches title, headings, tags and summary (A, B, C)."""
    return "(" + " | ".join(_phrase(p, "ABC" if broad else "") for p in term.alternatives) + ")"


def tsquery_text(parsed: ParsedQuery, broad: list[bool] | None = None) -> str:
    """Terms joined with OR (|), each a group of alternative phrases."""
    broad = broad or [False] * len(parsed.terms)
    return " | ".join(term_tsquery(term, b) for term, b in zip(parsed.terms, broad, strict=True))


def _indexable(text: str) -> str:
    # PostgreSQL's parser reads "<script>alert(1)</script>" as one tag token and drops
    # the words inside; articles quote such markup as text, and it must stay findable.
    return text.replace("<", " ").replace(">", " ")


def add(rows) -> None:
    """Store index rows: (key, article_id, title, heading, tags, summary, body); see engine.index_rows()."""
    rows = [(key, article_id, *map(_indexable, texts)) for key, article_id, *texts in rows]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} (section_id, article_id, vector) VALUES (%s, %s, {_VECTOR})",
            rows,
        )


def remove(article_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = %s", [article_id])


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")


def _rank_sql(parsed: ParsedQuery, broad: list[bool], idf) -> tuple[str, list]:
    """
    A BM25-like score: each term ranked on its own by ts_rank and weighted by
    its inverse document frequency. ts_rank alone has no notion of how rare a
    word is, and on an OR query one heavily weighted common word would outrank
    a row that matches everything else.
    """
    parts, params = [], []
    for term, is_broad, weight in zip(parsed.terms, broad, idf, strict=True):
        parts.append(f"%s * ts_rank('{RANK_WEIGHTS}', f.vector, to_tsquery('{CONFIG}', %s), 0)")
        params += [weight, term_tsquery(term, is_broad)]
    return " + ".join(parts), params


def rank_articles(parsed: ParsedQuery, *, broad, idf, category: str | None, limit: int) -> list[tuple[int, float]]:
    """(article_id, score) from the whole-article rows (section_id < 0), best first."""
    rank, params = _rank_sql(parsed, broad, idf)
    sql = f"SELECT f.article_id, {rank} AS rank FROM to_tsquery('{CONFIG}', %s) q CROSS JOIN {TABLE} f"
    params.append(tsquery_text(parsed, broad))
    where = "f.section_id < 0 AND f.vector @@ q"
    if category:
        sql += " JOIN articles_article a ON a.id = f.article_id JOIN articles_category c ON c.id = a.category_id"
        where += " AND c.slug = %s"
        params.append(category)
    sql += f" WHERE {where} ORDER BY rank DESC, f.article_id LIMIT %s"
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(a), float(r)) for a, r in cursor.fetchall()]


def rank_sections(parsed: ParsedQuery, *, idf, article_ids: list[int]) -> list[tuple[int, int, float]]:
    """(article_id, section_id, score) for the sections of these articles, best first."""
    if not article_ids:
        return []
    full = [False] * len(parsed.terms)
    rank, params = _rank_sql(parsed, full, idf)
    # Fetch these articles' rows by article_id first (MATERIALIZED keeps the
    # planner from starting with the full-text index, which for a common word
    # means every matching row of the site).
    sql = f"""WITH f AS MATERIALIZED (
            SELECT article_id, section_id, vector FROM {TABLE} WHERE article_id = ANY(%s) AND section_id > 0)
        SELECT f.article_id, f.section_id, {rank} AS rank
        FROM to_tsquery('{CONFIG}', %s) q CROSS JOIN f
        WHERE f.vector @@ q
        ORDER BY rank DESC, f.section_id"""
    params = [list(article_ids), *params, tsquery_text(parsed)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(a), int(s), float(r)) for a, s, r in cursor.fetchall()]


def is_known(word: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {TABLE} WHERE vector @@ to_tsquery('{CONFIG}', %s))",
            [f"'{word}'"],
        )
        return bool(cursor.fetchone()[0])


def similar_words(word: str, limit: int = 50) -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT word, document_count FROM articles_searchword
               WHERE word %% %s AND length(word) BETWEEN %s AND %s
               ORDER BY similarity(word, %s) DESC LIMIT %s""",
            [word, len(word) - 2, len(word) + 2, word, limit],
        )
        return cursor.fetchall()
