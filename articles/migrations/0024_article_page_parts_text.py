"""
Article.page_parts from a JSON column to plain text (article_parts.PagePartsField).

The column changes type first (on PostgreSQL `jsonb` becomes its JSON text; on
SQLite the JSON text is kept), then each row's JSON is rewritten in the new form,
in batches, with plain SQL: the model's field already reads the new form. Going
back writes JSON again before the column becomes JSON. No part is re-rendered:
the text of each part is kept as it was stored.
"""

import json

from django.db import migrations

import articles.article_parts

BATCH = 500


def _rewrite(schema_editor, convert):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table, column = quote("articles_article"), quote("page_parts")
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {column} FROM {table} WHERE id > %s ORDER BY id LIMIT %s", [last, BATCH])
            rows = cursor.fetchall()
            if not rows:
                return
            changed = [(convert(value), pk) for pk, value in rows]
            cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE id = %s", changed)
        last = rows[-1][0]


def _from_json(value) -> str:
    parts = json.loads(value) if isinstance(value, str) else value
    return articles.article_parts.serialize_parts(parts or {})


def _to_json(value) -> str:
    return json.dumps(articles.article_parts.PagePartsField().to_python(value))


def forwards(apps, schema_editor):
    _rewrite(schema_editor, _from_json)


def backwards(apps, schema_editor):
    _rewrite(schema_editor, _to_json)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_merge_page_parts_and_search_vectors"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="page_parts",
            field=articles.article_parts.PagePartsField(
                blank=True, default=dict, editable=False, verbose_name="stored page parts"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
