"""
PostgreSQL engine: weighted tsvectors with GIN indexes, one row per published
article as a whole (negative key) and per section, and pg_trgm over the
vocabulary for spelling candidates.

Weights: A title, B heading and tags, C summary, D body. A second, compact
table holds one row per published article with its category, length and a
small `head` vector without the body, where broad terms are looked for (see
engine._rank()): ranking many articles there reads a few megabytes, not the
large vectors. A third counts the articles holding each lexeme.
"""

from django.core.cache import cache
from django.db import connection

from .query import ParsedQuery, word_count

TABLE = "articles_search_pg"
HEADS = "articles_search_pg_heads"
LEXEMES = "articles_search_lexeme"
CONFIG = "english"
# ts_rank weights are listed D, C, B, A.
RANK_WEIGHTS = "{0.4, 0.6, 0.8, 1.0}"
# BM25's length normalisation, for head scores (see rank_articles()).
K1, B = 1.2, 0.75
AVERAGE_SIZE_CACHE_KEY = "search:postgres:average-size"

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
# The title's lexemes (weight A) of a head vector; an expression index covers it.
TITLE_VECTOR = "ts_filter(h.head, '{a}')"
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


def add(rows, *, rebuilding: bool = False) -> None:
    """
    Store index rows: (key, article_id, category_id, title, heading, tags, summary, body);
    see engine.index_rows(). A rebuild counts lexemes once at the end instead.
    """
    fields = ("title", "heading", "tags", "summary", "body")
    params = [
        {"key": key, "article_id": article, "category_id": category, "size": word_count(texts[-1])}
        | dict(zip(fields, map(_indexable, texts), strict=True))
        for key, article, category, *texts in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} (section_id, article_id, vector) VALUES (%(key)s, %(article_id)s, {_VECTOR})",
            params,
        )
        cursor.executemany(
            f"INSERT INTO {HEADS} (article_id, category_id, size, head)"
            f" VALUES (%(article_id)s, %(category_id)s, %(size)s, {_HEAD})",
            [row for row in params if row["key"] < 0],
        )
        if not rebuilding:
            _lock_lexemes(cursor)
            cursor.execute(
                f"""INSERT INTO {LEXEMES} AS l (lexeme, document_count)
                    SELECT lexeme, count(*) FROM {TABLE}, unnest(tsvector_to_array(vector)) AS lexeme
                    WHERE section_id = ANY(%s) GROUP BY lexeme
                    ON CONFLICT (lexeme) DO UPDATE SET document_count = l.document_count + EXCLUDED.document_count""",
                [[key for key, *_ in rows if key < 0]],
            )


def _lock_lexemes(cursor) -> None:
    """
    One writer at a time adjusts the lexeme counts, until its transaction ends:
    two saves touching many of the same lexemes in different orders would
    otherwise deadlock.
    """
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [LEXEMES])


def remove(article_id: int) -> None:
    with connection.cursor() as cursor:
        _lock_lexemes(cursor)
        cursor.execute(
            f"""UPDATE {LEXEMES} l SET document_count = l.document_count - 1
                FROM (SELECT unnest(tsvector_to_array(vector)) AS lexeme FROM {TABLE} WHERE section_id = %s) gone
                WHERE l.lexeme = gone.lexeme RETURNING l.lexeme, l.document_count""",
            [-article_id],
        )
        unused = [lexeme for lexeme, count in cursor.fetchall() if count <= 0]
        if unused:
            cursor.execute(f"DELETE FROM {LEXEMES} WHERE lexeme = ANY(%s)", [unused])
        cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = %s", [article_id])
        cursor.execute(f"DELETE FROM {HEADS} WHERE article_id = %s", [article_id])


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}, {HEADS}, {LEXEMES}")


def recount_documents() -> None:
    """Count every lexeme's articles in one pass (after a rebuild)."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {LEXEMES}")
        cursor.execute(
            f"""INSERT INTO {LEXEMES} (lexeme, document_count)
                SELECT word, ndoc FROM ts_stat('SELECT vector FROM {TABLE} WHERE section_id < 0')"""
        )


def finish_rebuild() -> None:
    """Nothing to give back: autovacuum analyses the new rows."""


def document_counts(words, *, cap: int) -> dict[str, int]:
    """How many published articles hold each word, in any form (exact: `cap` is not needed here)."""
    words = list(words)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT w, coalesce(max(l.document_count), 0) FROM unnest(%s::text[]) AS w
                LEFT JOIN LATERAL unnest(tsvector_to_array(to_tsvector('{CONFIG}', w))) AS x(lexeme) ON true
                LEFT JOIN {LEXEMES} l ON l.lexeme = x.lexeme
                GROUP BY w""",
            [words],
        )
        return dict(cursor.fetchall())


def _rank_sql(terms, idf, vector: str) -> tuple[str, list]:
    """
    A BM25-like score: each term ranked on its own by ts_rank and weighted by
    its inverse document frequency. ts_rank alone has no notion of how rare a
    word is, and on an OR query one heavily weighted common word would outrank
    a row that matches everything else.
    """
    parts, params = [], []
    for term, weight in zip(terms, idf, strict=True):
        parts.append(f"%s * ts_rank('{RANK_WEIGHTS}', {vector}, to_tsquery('{CONFIG}', %s), 0)")
        params += [weight, term_tsquery(term)]
    return " + ".join(parts) or "0", params


def _select(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _average_size() -> float:
    return cache.get_or_set(
        AVERAGE_SIZE_CACHE_KEY, lambda: float(_select(f"SELECT avg(size) FROM {HEADS}", [])[0][0] or 1.0), 300
    )


def at_least_two(terms) -> str:
    """Rows matching at least two of the terms: (a & b) | (a & c) | ..."""
    groups = [term_tsquery(t) for t in terms]
    return " | ".join(f"({groups[i]} & {groups[j]})" for i in range(len(groups)) for j in range(i + 1, len(groups)))


def rank_articles(
    parsed: ParsedQuery, *, broad, idf, category_id: int | None, limit: int, needed: int
) -> list[tuple[int, float]]:
    """
    (article_id, score), best first.

    Articles with a selective term anywhere are ranked on their whole-article
    vector (plus the broad terms on their head). Articles with only broad terms
    are ranked on their head alone, in tiers that stop once the page is full: two of
    the terms in the head, then any in the title, then any in the head (each
    of the wider tiers can hold most of a large site's articles).
    """
    selective = [(t, w) for t, w, b in zip(parsed.terms, idf, broad, strict=True) if not b]
    wide = [(t, w) for t, w, b in zip(parsed.terms, idf, broad, strict=True) if b]
    head_rank, head_params = _rank_sql([t for t, _ in wide], [w for _, w in wide], "h.head")
    # The head alone cannot tell a short article about a subject from a long one that
    # mentions it in a heading: weigh head scores by article length, as BM25 would.
    head_rank = f"({head_rank}) * {K1 + 1} / (1 + {K1} * (1 - {B} + {B} * h.size / %s))"
    head_params = [*head_params, _average_size()]
    in_category, category_params = ("AND h.category_id = %s", [category_id]) if category_id is not None else ("", [])
    scores: dict[int, float] = {}
    if selective:
        rank, rank_params = _rank_sql([t for t, _ in selective], [w for _, w in selective], "f.vector")
        for article_id, score in _select(
            f"""SELECT f.article_id, {rank} + {head_rank} AS rank
            FROM {TABLE} f JOIN {HEADS} h ON h.article_id = f.article_id
            WHERE f.section_id < 0 AND f.vector @@ to_tsquery('{CONFIG}', %s) {in_category}
            ORDER BY rank DESC, f.article_id LIMIT %s""",
            [*rank_params, *head_params, tsquery_text([t for t, _ in selective]), *category_params, limit],
        ):
            scores[int(article_id)] = float(score)
    if wide:
        # From the narrowest to the widest, until the page is full.
        terms = [t for t, _ in wide]
        tiers = [("h.head", at_least_two(terms))] if len(terms) >= 2 else []
        tiers += [(TITLE_VECTOR, tsquery_text(terms)), ("h.head", tsquery_text(terms))]
        for vector, query in tiers:
            for article_id, score in _select(
                f"""SELECT h.article_id, {head_rank} AS rank FROM {HEADS} h
                WHERE {vector} @@ to_tsquery('{CONFIG}', %s) {in_category}
                ORDER BY rank DESC, h.article_id LIMIT %s""",
                [*head_params, query, *category_params, limit],
            ):
                scores.setdefault(int(article_id), float(score))  # a selective match already counts the head
            if len(scores) >= needed:
                break
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]


def rank_sections(parsed: ParsedQuery, *, idf, article_ids: list[int]) -> list[tuple[int, int, float]]:
    """(article_id, section_id, score) for the sections of these articles, best first."""
    if not article_ids:
        return []
    rank, rank_params = _rank_sql(parsed.terms, idf, "f.vector")
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
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT EXISTS (SELECT 1 FROM {LEXEMES}
                WHERE lexeme = ANY(tsvector_to_array(to_tsvector('{CONFIG}', %s))))""",
            [word],
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
