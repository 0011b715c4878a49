"""
PostgreSQL engine: weighted tsvectors with GIN indexes (created by migrations
0002 and 0007), and pg_trgm over the vocabulary for spelling candidates.

`articles_search_pg` holds one vector per published article as a whole
(negative key) and per section. Weights: A title, B heading and tags, C summary,
D body. `articles_search_pg_heads` holds one row per published article with its
category, its length and a small `head` vector without the body, where broad
terms are matched: ranking many articles there reads a few megabytes, not the
large vectors. `articles_search_lexeme` counts the articles holding each lexeme.
"""

from collections.abc import Collection, Sequence
from typing import NamedTuple

import psycopg
from django.db import connection

from ..memo import remembered
from ..query import Term, WordCount
from ..text import word_count
from .base import HeadField, HeadMatch, IndexRow

TABLE = "articles_search_pg"
HEADS = "articles_search_pg_heads"
LEXEMES = "articles_search_lexeme"
CONFIG = "english"
# ts_rank weights, listed D (body), C (summary), B (headings, tags), A (title).
WEIGHTS = (0.4, 0.6, 0.8, 1.0)
RANK_WEIGHTS = "{" + ", ".join(map(str, WEIGHTS)) + "}"
# The weight of a body word's positions (D): the lowest.
BODY_WEIGHT = min(WEIGHTS)
# From how many matching articles (as the words' counts say) whole-article ranking
# ranks the likely rows first. ts_rank() of a term whose words are all in the body
# (weight D) is below BODY_WEIGHT when the term is one word or alternatives (`a | b`):
# a word's rank is its best-weighted position's weight plus the others' divided by
# (n + 1)², over π²/6, which for equal weights stays below the weight. For a phrase
# alone it is below 1.0. So an article with none of the query's words in its head and
# words of only one term scores less than that term's idf times its bound.
# The others (a query word in the head, or words of two terms) are ranked first; if
# the best `limit` of them all score more than any such bound, no other row can reach
# them, and the thousands of rows a common word brings are never ranked.
RANK_LIKELY_FROM = 1000
# The title's lexemes (weight A) of a head vector; an expression index covers it.
TITLE_VECTOR = "ts_filter(h.head, '{a}')"
_HEAD = f"""(setweight(to_tsvector('{CONFIG}', %(title)s), 'A') || setweight(to_tsvector('{CONFIG}', %(heading)s), 'B')
    || setweight(to_tsvector('{CONFIG}', %(tags)s), 'B') || setweight(to_tsvector('{CONFIG}', %(summary)s), 'C'))"""
_VECTOR = f"""({_HEAD} || setweight(to_tsvector('{CONFIG}', %(body)s), 'D'))"""


def _phrase(phrase: tuple[str, ...]) -> str:
    # Tokens hold only letters and digits; quoting keeps each one a literal lexeme.
    return " <-> ".join(f"'{word}'" for word in phrase)


def term_tsquery(term: Term) -> str:
    """One term's alternatives."""
    return "(" + " | ".join(_phrase(p) for p in term.alternatives) + ")"


def tsquery_text(terms: Sequence[Term]) -> str:
    """Terms joined with OR (|)."""
    return " | ".join(term_tsquery(term) for term in terms)


def at_least_two(terms: Sequence[Term]) -> str:
    """
    Rows matching at least two of the terms: (a & (b | c | d)) | (b & (c | d)) | (c & d).
    The same rows as every pair spelt out, (a & b) | (a & c) | ..., with half the operands
    for a long query to test on each candidate row.
    """
    return _at_least_two([term_tsquery(t) for t in terms])


def _at_least_two(groups: Sequence[str]) -> str:
    return " | ".join(f"({groups[i]} & ({' | '.join(groups[i + 1 :])}))" for i in range(len(groups) - 1))


def term_words(term: Term) -> str:
    """Any word of the term's alternatives, phrases or not: what ts_rank() looks up for it."""
    return "(" + " | ".join(f"'{word}'" for word in sorted(term.words)) + ")"


class _Ranking(NamedTuple):
    """
    The tsqueries of a statement, made once in a `q` row it joins (`cte`), and
    the score over them (`rank`), each with its parameters (the CTE's come first
    in the statement's text). In a `to_tsquery()` call written inline, a prepared
    statement's generic plan (a connection with server-side binding reuses one
    after five runs) parses the query text again for every row: 77 ms instead
    of 15 to rank 3,631 rows.
    """

    cte: str
    cte_params: list
    rank: str
    rank_params: list


def _ranking(terms: Sequence[Term], idf: Sequence[float], match: str, vector: str) -> _Ranking:
    """
    A BM25-like score: each term ranked on its own by ts_rank and weighted by
    its inverse document frequency. ts_rank alone has no notion of how rare a
    word is, and on an OR query one heavily weighted common word would outrank
    a row that matches everything else. `q.query` is `match`, which rows must match.
    """
    columns = [f"to_tsquery('{CONFIG}', %s) AS query"]
    columns += [f"to_tsquery('{CONFIG}', %s) AS t{i}" for i in range(len(terms))]
    rank = " + ".join(f"%s * ts_rank('{RANK_WEIGHTS}', {vector}, q.t{i}, 0)" for i in range(len(terms)))
    return _Ranking(
        cte=f"q AS MATERIALIZED (SELECT {', '.join(columns)})",
        cte_params=[match, *(term_tsquery(term) for term in terms)],
        rank=rank or "0",
        rank_params=list(idf[: len(terms)]),
    )


def _likely_first(terms: Sequence[Term], matching: Sequence[int] | None) -> bool:
    """
    Whether to rank the likely rows first (see RANK_LIKELY_FROM): when many rows
    match, and no term is a phrase alone, whose bound (1.0) would rarely be beaten.
    """
    if matching is None or sum(matching) < RANK_LIKELY_FROM:
        return False
    return all(len(term.alternatives) > 1 or len(term.alternatives[0]) == 1 for term in terms)


def _indexable(text: str) -> str:
    # PostgreSQL's parser reads "<script>alert(1)</script>" as one tag token and drops
    # the words inside; articles quote such markup as text, and it must stay findable.
    return text.replace("<", " ").replace(">", " ")


def _select(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _select_through_indexes(sql: str, params) -> list[tuple]:
    """
    `sql` planned without sequential scans, in the same round trip. The planner
    costs a full-text match the same whatever the query, so for a pasted error
    message (a dozen common words, "at least two of them") it read every head
    and tested the whole query on each: 10 to 40 ms at 10,000 articles, against
    2 ms through the GIN index. SET LOCAL lasts until the statement's implicit
    transaction ends; inside a transaction the setting is put back at once.
    """
    with _client_bound_cursor() as cursor:
        cursor.execute(f"SET LOCAL enable_seqscan = off; {sql}; SET LOCAL enable_seqscan TO DEFAULT", params)
        cursor.nextset()  # the results of the statements in turn: the SET's, then the query's
        return cursor.fetchall()


def _client_bound_cursor():
    """
    A cursor that binds parameters in the client, as Django does by default:
    only then can one execute() send several statements. With server-side
    binding (DJANGO_DB_SERVER_SIDE_BINDING) each execute() is one statement,
    and SET LOCAL on its own would end with its own implicit transaction.
    """
    from django.db.backends.postgresql.base import Cursor

    connection.ensure_connection()
    if issubclass(connection.connection.cursor_factory, psycopg.ClientCursor):
        return connection.cursor()
    return connection._prepare_cursor(Cursor(connection.connection))


def _lock_lexemes(cursor) -> None:
    """
    One writer at a time adjusts the lexeme counts, until its transaction ends:
    two saves touching many of the same lexemes in different orders would
    otherwise deadlock.
    """
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [LEXEMES])


class PostgresBackend:
    vendor = "postgresql"

    # --- Words -------------------------------------------------------------------------------------

    def is_known(self, word: str) -> bool:
        rows = _select(
            f"""SELECT EXISTS (SELECT 1 FROM {LEXEMES}
                WHERE lexeme = ANY(tsvector_to_array(to_tsvector('{CONFIG}', %s))))""",
            [word],
        )
        return bool(rows[0][0])

    def similar_words(self, word: str, limit: int = 50) -> list[tuple[str, int]]:
        return _select(
            """SELECT word, document_count FROM articles_searchword
               WHERE word %% %s AND length(word) BETWEEN %s AND %s
               ORDER BY similarity(word, %s) DESC LIMIT %s""",
            [word, len(word) - 2, len(word) + 2, word, limit],
        )

    def word_counts(self, words: Sequence[str], *, cap: int) -> dict[str, WordCount]:
        """
        From the vocabulary and the lexeme counts in one statement: `documents`
        exact, for the word in any form (so `cap` does not bound the work here);
        from `cap` on, the vocabulary's count when higher.
        """
        rows = _select(
            f"""SELECT n.w, coalesce(v.document_count, 0),
                    CASE WHEN n.lexemes >= %s THEN greatest(n.lexemes, coalesce(v.document_count, 0))
                    ELSE n.lexemes END
                FROM (SELECT w, coalesce(max(l.document_count), 0) AS lexemes FROM unnest(%s::text[]) AS w
                    LEFT JOIN LATERAL unnest(tsvector_to_array(to_tsvector('{CONFIG}', w))) AS x(lexeme) ON true
                    LEFT JOIN {LEXEMES} l ON l.lexeme = x.lexeme
                    GROUP BY w) n
                LEFT JOIN articles_searchword v ON v.word = n.w""",
            [cap, list(dict.fromkeys(words))],
        )
        return {word: WordCount(vocabulary, documents) for word, vocabulary, documents in rows}

    # --- Matching and scoring ----------------------------------------------------------------------

    def match_articles(
        self,
        terms: Sequence[Term],
        *,
        idf: Sequence[float],
        category_id: int | None,
        limit: int,
        matching: Sequence[int] | None = None,
    ) -> dict[int, float]:
        ranking = _ranking(terms, idf, tsquery_text(terms), "f.vector")
        join, in_category, category_params = "", "", []
        if category_id is not None:
            join = f"JOIN {HEADS} h ON h.article_id = f.article_id"
            in_category, category_params = "AND h.category_id = %s", [category_id]
        every = f"""SELECT f.article_id, {ranking.rank} AS rank FROM q, {TABLE} f {join}
            WHERE f.section_id < 0 AND f.vector @@ q.query {in_category}"""
        if not _likely_first(terms, matching):
            rows = _select(
                f"WITH {ranking.cte} {every} ORDER BY rank DESC, f.article_id LIMIT %s",
                [*ranking.cte_params, *ranking.rank_params, *category_params, limit],
            )
            return {int(a): float(score) for a, score in rows}
        # Many rows match: rank first those that can reach the page (see RANK_LIKELY_FROM),
        # and the others only if the best `limit` of those do not prove that enough.
        groups = [term_words(term) for term in terms]
        two, two_column, two_params = "", "", []
        if len(terms) >= 2:
            two = f"UNION SELECT w.section_id FROM words, {TABLE} w WHERE w.section_id < 0 AND w.vector @@ words.two"
            two_column, two_params = f", to_tsquery('{CONFIG}', %s) AS two", [_at_least_two(groups)]
        body_only_best = ", ".join(
            f"%s * CASE WHEN strpos(q.t{i}::text, '|') > 0 OR strpos(q.t{i}::text, '<') = 0"
            f" THEN {BODY_WEIGHT} ELSE 1.0 END"
            for i in range(len(terms))
        )
        rows = _select(
            f"""WITH {ranking.cte}, words AS MATERIALIZED (SELECT to_tsquery('{CONFIG}', %s) AS any{two_column}),
            likely AS MATERIALIZED (
                SELECT f.article_id, {ranking.rank} AS rank FROM q, {TABLE} f {join}
                WHERE f.section_id = ANY(ARRAY(
                        SELECT -hw.article_id FROM words, {HEADS} hw WHERE hw.head @@ words.any {two}))
                    AND f.vector @@ q.query {in_category}),
            proven AS MATERIALIZED (SELECT coalesce(
                (SELECT rank FROM likely ORDER BY rank DESC, article_id OFFSET %s LIMIT 1)
                > (SELECT greatest({body_only_best}) FROM q), false) AS enough)
            SELECT article_id, rank FROM likely
            UNION ALL ({every} AND NOT (SELECT enough FROM proven)
                AND NOT EXISTS (SELECT FROM likely WHERE likely.article_id = f.article_id))
            ORDER BY rank DESC, article_id LIMIT %s""",
            [
                *ranking.cte_params,
                " | ".join(groups),
                *two_params,
                *ranking.rank_params,
                *category_params,
                limit - 1,
                *idf[: len(terms)],
                *ranking.rank_params,
                *category_params,
                limit,
            ],
        )
        return {int(a): float(score) for a, score in rows}

    def match_heads(
        self,
        terms: Sequence[Term],
        *,
        idf: Sequence[float],
        field: HeadField,
        at_least: int,
        category_id: int | None,
        article_ids: Collection[int] | None,
        limit: int | None,
    ) -> list[HeadMatch]:
        query = at_least_two(terms) if at_least >= 2 and len(terms) >= 2 else tsquery_text(terms)
        ranking = _ranking(terms, idf, query, "h.head")
        vector = TITLE_VECTOR if field == "title" else "h.head"
        conditions, params = [f"{vector} @@ q.query"], []
        if category_id is not None:
            conditions.append("h.category_id = %s")
            params.append(category_id)
        if article_ids is not None:
            if not article_ids:
                return []
            conditions.append("h.article_id = ANY(%s::bigint[])")
            params.append(list(article_ids))
        sql = f"""WITH {ranking.cte} SELECT h.article_id, {ranking.rank} AS rank, h.size FROM q, {HEADS} h
            WHERE {" AND ".join(conditions)}"""
        params = [*ranking.cte_params, *ranking.rank_params, *params]
        if limit is not None:
            sql += " ORDER BY rank DESC, h.article_id LIMIT %s"
            params.append(limit)
        # Named articles are found through the primary key; the others through the head index.
        select = _select if article_ids is not None else _select_through_indexes
        return [HeadMatch(int(a), float(score), int(size)) for a, score, size in select(sql, params)]

    def average_length(self) -> float:
        return remembered(
            "postgres:average-length", lambda: float(_select(f"SELECT avg(size) FROM {HEADS}", [])[0][0] or 1.0)
        )

    def score_sections(
        self, terms: Sequence[Term], *, idf: Sequence[float], article_ids: Collection[int]
    ) -> list[tuple[int, int, float]]:
        if not article_ids:
            return []
        ranking = _ranking(terms, idf, tsquery_text(terms), "f.vector")
        # Fetch these articles' rows by article_id first (MATERIALIZED keeps the
        # planner from starting with the full-text index, which for a common word
        # means every matching row of the site).
        sql = f"""WITH {ranking.cte}, f AS MATERIALIZED (
                SELECT article_id, section_id, vector FROM {TABLE}
                WHERE article_id = ANY(%s::bigint[]) AND section_id > 0)
            SELECT f.article_id, f.section_id, {ranking.rank} AS rank FROM q, f
            WHERE f.vector @@ q.query
            ORDER BY rank DESC, f.section_id"""
        rows = _select(sql, [*ranking.cte_params, list(article_ids), *ranking.rank_params])
        return [(int(a), int(s), float(r)) for a, s, r in rows]

    # --- Storing -----------------------------------------------------------------------------------

    def add(self, rows: Sequence[IndexRow], *, rebuilding: bool = False) -> None:
        """A rebuild counts lexemes once at the end instead (finish_index())."""
        params = [
            {
                "key": r.key,
                "article_id": r.article_id,
                "category_id": r.category_id,
                "size": word_count(r.body),
                "title": _indexable(r.title),
                "heading": _indexable(r.heading),
                "tags": _indexable(r.tags),
                "summary": _indexable(r.summary),
                "body": _indexable(r.body),
            }
            for r in rows
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
                        ON CONFLICT (lexeme)
                        DO UPDATE SET document_count = l.document_count + EXCLUDED.document_count""",
                    [[r.key for r in rows if r.key < 0]],
                )

    def remove(self, article_id: int) -> None:
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

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}, {HEADS}, {LEXEMES}")

    def finish_index(self) -> None:
        """Count every lexeme's articles in one pass (after a rebuild)."""
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {LEXEMES}")
            cursor.execute(
                f"""INSERT INTO {LEXEMES} (lexeme, document_count)
                    SELECT word, ndoc FROM ts_stat('SELECT vector FROM {TABLE} WHERE section_id < 0')"""
            )

    def finish_rebuild(self) -> None:
        """Nothing to give back: autovacuum analyses the new rows."""

    def compact(self) -> None:
        """Nothing to do: autovacuum merges the full-text index's pending entries."""
