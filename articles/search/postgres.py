"""
PostgreSQL engine: weighted tsvectors with GIN indexes, one row per published
article as a whole (negative key) and per section, and pg_trgm over the
vocabulary for spelling candidates.

Weights: A title, B heading and tags, C summary, D body. Each row also keeps a
small `head` vector without the body, where broad terms are looked for (see
engine._rank()): it stays small enough to be stored inline, so ranking many
rows on it never unpacks large vectors.
"""

from django.db import connection, transaction

from .query import ParsedQuery

TABLE = "articles_search_pg"
CONFIG = "english"
# ts_rank weights are listed D, C, B, A.
RANK_WEIGHTS = "{0.4, 0.6, 0.8, 1.0}"

CREATE_SQL = [
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        section_id bigint PRIMARY KEY,
        article_id bigint NOT NULL,
        vector tsvector NOT NULL,
        head tsvector NOT NULL)""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_vector ON {TABLE} USING gin (vector)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_head ON {TABLE} USING gin (head) WHERE section_id < 0",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_article ON {TABLE} (article_id)",
    "CREATE INDEX IF NOT EXISTS articles_searchword_trgm ON articles_searchword USING gin (word gin_trgm_ops)",
]
DROP_SQL = [f"DROP TABLE IF EXISTS {TABLE}", "DROP INDEX IF EXISTS articles_searchword_trgm"]

_HEAD = f"""(setweight(to_tsvector('{CONFIG}', %(title)s), 'A') || setweight(to_tsvector('{CONFIG}', %(heading)s), 'B')
    || setweight(to_tsvector('{CONFIG}', %(tags)s), 'B') || setweight(to_tsvector('{CONFIG}', %(summary)s), 'C'))"""
_VECTOR = f"""({_HEAD} || setweight(to_tsvector('{CONFIG}', %(body)s), 'D'))"""


def _phrase(phrase: tuple[str, ...]) -> str:
    # Tokens hold only letters and digits; quoting keeps each one a literal lexeme.
    return " <-> ".join(f"'{word}'" for word in phrase)


def term_tsquery(term) -> str:
    """One term's alternatives."""
    return "(" + " | ".join(_phrase(p) for p in term.alternatives) + ")"


def tsquery_text(terms) -> str:
    """Terms joined with OR (|)."""
    return " | ".join(term_tsquery(term) for term in terms)


def _indexable(text: str) -> str:
    # PostgreSQL's parser reads "<script>alert(1)</script>" as one tag token and drops
    # the words inside; articles quote such markup as text, and it must stay findable.
    return text.replace("<", " ").replace(">", " ")


def add(rows) -> None:
    """Store index rows: (key, article_id, title, heading, tags, summary, body); see engine.index_rows()."""
    fields = ("title", "heading", "tags", "summary", "body")
    params = [
        {"key": key, "article_id": article_id, **dict(zip(fields, map(_indexable, texts), strict=True))}
        for key, article_id, *texts in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} (section_id, article_id, vector, head)"
            f" VALUES (%(key)s, %(article_id)s, {_VECTOR}, {_HEAD})",
            params,
        )


def remove(article_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = %s", [article_id])


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")


def _rank_sql(terms, idf, column: str) -> tuple[str, list]:
    """
    A BM25-like score: each term ranked on its own by ts_rank and weighted by
    its inverse document frequency. ts_rank alone has no notion of how rare a
    word is, and on an OR query one heavily weighted common word would outrank
    a row that matches everything else.
    """
    parts, params = [], []
    for term, weight in zip(terms, idf, strict=True):
        parts.append(f"%s * ts_rank('{RANK_WEIGHTS}', f.{column}, to_tsquery('{CONFIG}', %s), 0)")
        params += [weight, term_tsquery(term)]
    return " + ".join(parts) or "0", params


def rank_articles(parsed: ParsedQuery, *, broad, idf, category: str | None, limit: int) -> list[tuple[int, float]]:
    """
    (article_id, score) from the whole-article rows (section_id < 0), best first.

    Rows with a selective term anywhere are ranked on the full vector (plus the
    broad terms on the head); rows with only broad terms, in the head, are
    ranked on the small head vector alone.
    """
    selective = [(t, w) for t, w, b in zip(parsed.terms, idf, broad, strict=True) if not b]
    wide = [(t, w) for t, w, b in zip(parsed.terms, idf, broad, strict=True) if b]
    head_rank, head_params = _rank_sql([t for t, _ in wide], [w for _, w in wide], "head")
    parts, params = [], []
    if selective:
        rank, rank_params = _rank_sql([t for t, _ in selective], [w for _, w in selective], "vector")
        parts.append(
            f"""SELECT f.article_id, {rank} + {head_rank} AS rank FROM {TABLE} f
            WHERE f.section_id < 0 AND f.vector @@ to_tsquery('{CONFIG}', %s)"""
        )
        params += [*rank_params, *head_params, tsquery_text([t for t, _ in selective])]
    if wide:
        parts.append(
            f"""SELECT f.article_id, {head_rank} AS rank FROM {TABLE} f
            WHERE f.section_id < 0 AND f.head @@ to_tsquery('{CONFIG}', %s)"""
        )
        params += [*head_params, tsquery_text([t for t, _ in wide])]
    # An article in both parts keeps its higher (first part's) score.
    sql = f"SELECT h.article_id, MAX(h.rank) AS score FROM ({' UNION ALL '.join(parts)}) h"
    if category:
        sql += " JOIN articles_article a ON a.id = h.article_id JOIN articles_category c ON c.id = a.category_id"
        sql += " WHERE c.slug = %s"
        params.append(category)
    sql += " GROUP BY h.article_id ORDER BY score DESC, h.article_id LIMIT %s"
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(a), float(r)) for a, r in cursor.fetchall()]


def rank_sections(parsed: ParsedQuery, *, idf, article_ids: list[int]) -> list[tuple[int, int, float]]:
    """(article_id, section_id, score) for the sections of these articles, best first."""
    if not article_ids:
        return []
    rank, rank_params = _rank_sql(parsed.terms, idf, "vector")
    # Fetch these articles' rows by article_id first (MATERIALIZED keeps the
    # planner from starting with the full-text index, which for a common word
    # means every matching row of the site).
    sql = f"""WITH f AS MATERIALIZED (
            SELECT article_id, section_id, vector FROM {TABLE} WHERE article_id = ANY(%s) AND section_id > 0)
        SELECT f.article_id, f.section_id, {rank} AS rank FROM f
        WHERE f.vector @@ to_tsquery('{CONFIG}', %s)
        ORDER BY rank DESC, f.section_id"""
    params = [list(article_ids), *rank_params, tsquery_text(parsed.terms)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(a), int(s), float(r)) for a, s, r in cursor.fetchall()]


def is_known(word: str) -> bool:
    """Whether the word, or another form of it, is in the index."""
    with transaction.atomic(), connection.cursor() as cursor:
        # For a word the statistics have never seen, EXISTS makes the planner bet
        # on a sequential scan finding a row early; for a word that is nowhere, that
        # reads every row (seconds on a large site). The GIN index answers at once.
        cursor.execute("SET LOCAL enable_seqscan = off")
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
