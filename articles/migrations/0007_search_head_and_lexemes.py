"""
Search index additions for large sites.

SQLite: every index row names its article and category with marker tokens in
its `doc` column, and a small table holds each article's title, headings, tags
and summary, and its length. PostgreSQL: index rows carry their category and length, their titles'
lexemes get an index of their own, and a table counts the published articles
holding each lexeme.

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
    "ALTER TABLE articles_search_pg ADD COLUMN IF NOT EXISTS category_id bigint",
    "ALTER TABLE articles_search_pg ADD COLUMN IF NOT EXISTS size integer NOT NULL DEFAULT 1",
    """UPDATE articles_search_pg f SET category_id = a.category_id FROM articles_article a
        WHERE a.id = f.article_id""",
    # Whole-article rows: the words of the article's sections (index rows count the same way).
    """UPDATE articles_search_pg f SET size = s.words FROM (
            SELECT article_id, sum(array_length(string_to_array(title || ' ' || text, ' '), 1)) AS words
            FROM articles_section GROUP BY article_id) s
        WHERE f.section_id < 0 AND f.article_id = s.article_id""",
    """CREATE INDEX IF NOT EXISTS articles_search_pg_title ON articles_search_pg
        USING gin (ts_filter(head, '{a}')) WHERE section_id < 0""",
    """CREATE TABLE IF NOT EXISTS articles_search_lexeme (
        lexeme text PRIMARY KEY,
        document_count integer NOT NULL)""",
    """INSERT INTO articles_search_lexeme (lexeme, document_count)
        SELECT word, ndoc FROM ts_stat('SELECT vector FROM articles_search_pg WHERE section_id < 0')""",
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS articles_search_lexeme",
    "DROP INDEX IF EXISTS articles_search_pg_title",
    "ALTER TABLE articles_search_pg DROP COLUMN IF EXISTS category_id",
    "ALTER TABLE articles_search_pg DROP COLUMN IF EXISTS size",
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
