"""
The search index tables, which differ by engine: SQLite gets FTS5 tables and
triggers, PostgreSQL a tsvector table with GIN indexes and pg_trgm.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def _statements(connection, attribute):
    if connection.vendor == "sqlite":
        from articles.search import sqlite as engine
    elif connection.vendor == "postgresql":
        from articles.search import postgres as engine
    else:
        return []
    return getattr(engine, attribute)


def create_index(apps, schema_editor):
    for statement in _statements(schema_editor.connection, "CREATE_SQL"):
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    for statement in _statements(schema_editor.connection, "DROP_SQL"):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        TrigramExtension(),  # a no-op on SQLite
        migrations.RunPython(create_index, drop_index),
    ]
