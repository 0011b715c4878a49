"""
Search index additions for large sites.

SQLite: every index row names its article and category with marker tokens in
its `doc` column, and a small table holds each article's title, headings, tags
and summary, and its length. PostgreSQL: each article's head vector (title, headings, tags, summary) moves
to a compact table of its own, with its category, its length and an index on
its title's lexemes, and a table counts the published articles holding each
lexeme.

The SQL is written out here rather than taken from the engine modules, so this
migration keeps doing what it did when it was written.
"""

from django.db import migrations

MARKER = "char(57344)"  # U+E000, a private-use character: see articles/search/sqlite.py

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS articles_search_head USING fts5(
        title, heading, tags, summary, doc, size UNINDEXED,
        tokenize = 'porter unicode61 remove_diacritics 2')""",
    f"""UPDATE articles_search_fts SET doc = {MARKER} || 'a' || article_id || ' ' || {MARKER} || 'c'
        || (SELECT category_id FROM articles_article WHERE id = articles_search_fts.article_id)""",
    """INSERT INTO articles_search_head (rowid, title, heading, tags, summary, doc, size)
        SELECT article_id, title, heading, tags, summary, doc, length(body) - length(replace(body, ' ', '')) + 1
        FROM articles_search_fts WHERE rowid < 0""",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS articles_search_head",
    "UPDATE articles_search_fts SET doc = 'doc' || article_id",
]
POSTGRES_FORWARD = [
    """CREATE TABLE IF NOT EXISTS articles_search_pg_heads (
        article_id bigint PRIMARY KEY,
        category_id bigint NOT NULL,
        size integer NOT NULL,
        head tsvector NOT NULL)""",
    # The length counts the words of the article's sections, as index rows do.
    """INSERT INTO articles_search_pg_heads (article_id, category_id, size, head)
        SELECT f.article_id, a.category_id, coalesce(s.words, 1), f.head
        FROM articles_search_pg f
        JOIN articles_article a ON a.id = f.article_id
        LEFT JOIN (
            SELECT article_id, sum(array_length(string_to_array(title || ' ' || text, ' '), 1)) AS words
            FROM articles_section GROUP BY article_id) s ON s.article_id = f.article_id
        WHERE f.section_id < 0
        ON CONFLICT (article_id) DO NOTHING""",
    "CREATE INDEX IF NOT EXISTS articles_search_pg_heads_head ON articles_search_pg_heads USING gin (head)",
    """CREATE INDEX IF NOT EXISTS articles_search_pg_heads_title ON articles_search_pg_heads
        USING gin (ts_filter(head, '{a}'))""",
    "DROP INDEX IF EXISTS articles_search_pg_head",
    "ALTER TABLE articles_search_pg DROP COLUMN IF EXISTS head",
    """CREATE TABLE IF NOT EXISTS articles_search_lexeme (
        lexeme text PRIMARY KEY,
        document_count integer NOT NULL)""",
    """INSERT INTO articles_search_lexeme (lexeme, document_count)
        SELECT word, ndoc FROM ts_stat('SELECT vector FROM articles_search_pg WHERE section_id < 0')
        ON CONFLICT (lexeme) DO NOTHING""",
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS articles_search_lexeme",
    "ALTER TABLE articles_search_pg ADD COLUMN IF NOT EXISTS head tsvector NOT NULL DEFAULT ''",
    """UPDATE articles_search_pg f SET head = h.head FROM articles_search_pg_heads h
        WHERE f.section_id < 0 AND h.article_id = f.article_id""",
    "CREATE INDEX IF NOT EXISTS articles_search_pg_head ON articles_search_pg USING gin (head) WHERE section_id < 0",
    "DROP TABLE IF EXISTS articles_search_pg_heads",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_article_redirect")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
