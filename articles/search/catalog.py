"""
What a result shows, read for the few articles on the page.

A search reads a handful of rows once it has ranked: the shown articles with
their category, and the linked sections. These reads are plain SQL on the
model tables (through Django's connection, so both engines and any database
alias setup work the same): the ORM would spend longer building each query
than the database spends answering it, and a search is on the hot path of the
page, the API and instant results.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.utils import timezone

from ..addresses import slug_path
from ..published import published_sql


@dataclass(frozen=True)
class ShownArticle:
    id: int
    title: str
    slug: str
    summary: str
    category: str
    category_slug: str

    @property
    def url(self) -> str:
        return slug_path("articles:article", self.slug)


@dataclass(frozen=True)
class ShownSection:
    id: int
    title: str
    anchor: str
    text: str


def _table(model: str) -> str:
    return connection.ops.quote_name(apps.get_model("articles", model)._meta.db_table)


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def published_articles(ids) -> dict[int, ShownArticle]:
    """The published articles among `ids` (by the rule of published_condition())."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    published, params = published_sql("a")
    rows = _rows(
        f"""SELECT a.id, a.title, a.slug, a.summary, c.name, c.slug
            FROM {_table("Article")} a JOIN {_table("Category")} c ON c.id = a.category_id
            WHERE a.id IN ({_placeholders(ids)}) AND {published}""",
        [*ids, *params],
    )
    return {row[0]: ShownArticle(*row) for row in rows}


def sections(ids) -> dict[int, ShownSection]:
    ids = [i for i in dict.fromkeys(ids) if i]
    if not ids:
        return {}
    rows = _rows(f"SELECT id, title, anchor, text FROM {_table('Section')} WHERE id IN ({_placeholders(ids)})", ids)
    return {row[0]: ShownSection(*row) for row in rows}


def category_id(slug: str) -> int | None:
    rows = _rows(f"SELECT id FROM {_table('Category')} WHERE slug = %s", [slug])
    return rows[0][0] if rows else None


def scheduled() -> set[int]:
    """Approved articles whose publish date has not come (Article.objects.scheduled()): in the index, not yet shown."""
    Article = apps.get_model("articles", "Article")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = _rows(
        f"SELECT id FROM {_table('Article')} WHERE status = %s AND publish_at > %s", [Article.Status.PUBLISHED, now]
    )
    return {row[0] for row in rows}
