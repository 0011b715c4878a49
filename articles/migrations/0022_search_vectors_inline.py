"""
PostgreSQL: whole-article search vectors stored in the table's own rows, and
indexed apart from the section rows.

A whole-article vector is about 6 kB. By default PostgreSQL moves any value
that leaves a row over 2 kB to the table's TOAST storage, so ranking a
selective term read each matching article's vector back from there, a few
index and chunk lookups per row and per `ts_rank()` call: most of a search's
time on a large site. Kept in the row (storage MAIN, rows up to a whole page),
the same ranking takes a third of the time (docs/search-speed.md). Vectors
over a page still go to TOAST storage.

Only the whole-article rows are ever matched through the full-text index (the
sections of the best few articles are read by article): a partial index over
them is a quarter of the size of one over every row, and a match no longer
sorts the section rows out of a bitmap six times larger.

Existing rows are rewritten so that they move too (`|| ''` gives a new value,
which is stored under the new rule), before the new index is built.
SQLite: nothing to do.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS articles_search_pg_vector",
    "ALTER TABLE articles_search_pg SET (toast_tuple_target = 8160)",
    "ALTER TABLE articles_search_pg ALTER COLUMN vector SET STORAGE MAIN",
    "UPDATE articles_search_pg SET vector = vector || ''::tsvector WHERE section_id < 0",
    """CREATE INDEX IF NOT EXISTS articles_search_pg_whole_vector ON articles_search_pg
        USING gin (vector) WHERE section_id < 0""",
]
POSTGRES_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS articles_search_pg_vector ON articles_search_pg USING gin (vector)",
    "DROP INDEX IF EXISTS articles_search_pg_whole_vector",
    "ALTER TABLE articles_search_pg ALTER COLUMN vector SET STORAGE EXTENDED",
    "ALTER TABLE articles_search_pg RESET (toast_tuple_target)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0021_article_scheduled_index")]

    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]
