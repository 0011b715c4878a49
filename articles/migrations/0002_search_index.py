"""
The search index tables, which differ by engine: SQLite gets FTS5 tables and
triggers, PostgreSQL a tsvector table with GIN indexes and pg_trgm.

The SQL is written out here, as it was when this migration was written, so the
migration keeps doing the same whatever the search code becomes (0007 later
moves PostgreSQL's `head` vectors to a table of their own).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS articles_search_fts USING fts5(
        article_id UNINDEXED, title, heading, tags, summary, body, doc,
        tokenize = 'porter unicode61 remove_diacritics 2')""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS articles_searchword_trigram USING fts5(
        word, content='articles_searchword', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER IF NOT EXISTS articles_searchword_ai AFTER INSERT ON articles_searchword BEGIN
        INSERT INTO articles_searchword_trigram(rowid, word) VALUES (new.id, new.word); END""",
    """CREATE TRIGGER IF NOT EXISTS articles_searchword_ad AFTER DELETE ON articles_searchword BEGIN
        INSERT INTO articles_searchword_trigram(articles_searchword_trigram, rowid, word)
        VALUES ('delete', old.id, old.word); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS articles_searchword_ai",
    "DROP TRIGGER IF EXISTS articles_searchword_ad",
    "DROP TABLE IF EXISTS articles_searchword_trigram",
    "DROP TABLE IF EXISTS articles_search_fts",
]
POSTGRES_FORWARD = [
    """CREATE TABLE IF NOT EXISTS articles_search_pg (
        section_id bigint PRIMARY KEY,
        article_id bigint NOT NULL,
        vector tsvector NOT NULL,
        head tsvector NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS articles_search_pg_vector ON articles_search_pg USING gin (vector)",
    "CREATE INDEX IF NOT EXISTS articles_search_pg_head ON articles_search_pg USING gin (head) WHERE section_id < 0",
    "CREATE INDEX IF NOT EXISTS articles_search_pg_article ON articles_search_pg (article_id)",
    "CREATE INDEX IF NOT EXISTS articles_searchword_trgm ON articles_searchword USING gin (word gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS articles_search_pg",
    "DROP INDEX IF EXISTS articles_searchword_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        TrigramExtension(),  # a no-op on SQLite
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
