"""
What a result shows, read for the few articles on the page.

A search reads a handful of rows once it has ranked: the shown articles with
their linked sections, in one statement (the categories, a few rows, are read
once per content version). These reads are plain SQL on the
model tables (through Django's connection, so both engines and any database
alias setup work the same): the ORM would spend longer building each query
than the database spends answering it, and a search is on the hot path of the
page, the API and instant results.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db import connection
from django.utils import timezone

from ..addresses import slug_path
from ..published import published_sql
from .memo import remembered


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


def _among(column: str, ids: list[int]) -> tuple[str, list]:
    """
    `column` is one of `ids`. On PostgreSQL the ids are one array parameter, so the
    statement's text is the same for any number of them and a connection that
    prepares statements (server-side binding) plans it once; SQLite has no arrays.
    """
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [ids]
    if not ids:
        return "false", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class Shown:
    """What the results on a page show: their articles and linked sections, by id."""

    articles: dict[int, ShownArticle]
    sections: dict[int, ShownSection]


def shown(article_ids, section_ids) -> Shown:
    """
    The published articles among `article_ids` (by the rule of
    published_condition()) with their category, and those of `section_ids` that
    are theirs: one statement, each article's row carrying its linked section.
    """
    article_ids = list(dict.fromkeys(article_ids))
    section_ids = [i for i in dict.fromkeys(section_ids) if i]
    if not article_ids:
        return Shown({}, {})
    published, params = published_sql("a")
    linked, linked_params = _among("s.id", section_ids)
    wanted, wanted_params = _among("a.id", article_ids)
    rows = _rows(
        f"""SELECT a.id, a.title, a.slug, a.summary, a.category_id, s.id, s.title, s.anchor, s.text
            FROM {_table("Article")} a LEFT JOIN {_table("Section")} s ON s.article_id = a.id AND {linked}
            WHERE {wanted} AND {published}""",
        [*linked_params, *wanted_params, *params],
    )
    categories = _categories()
    if any(row[4] not in categories for row in rows):
        categories = _read_categories()  # newer than this process's memo: no version change has reached it yet
    return Shown(
        articles={row[0]: ShownArticle(*row[:4], *categories[row[4]]) for row in rows},
        sections={row[5]: ShownSection(*row[5:]) for row in rows if row[5] is not None},
    )


def category_id(slug: str) -> int | None:
    return next((pk for pk, (_, category_slug) in _categories().items() if category_slug == slug), None)


def _categories() -> dict[int, tuple[str, str]]:
    """Every category's (name, slug) by id: a handful of rows, read once per content version (memo.py)."""
    return remembered("categories", _read_categories)


def _read_categories() -> dict[int, tuple[str, str]]:
    return {pk: (name, slug) for pk, name, slug in _rows(f"SELECT id, name, slug FROM {_table('Category')}", [])}


def scheduled() -> set[int]:
    """
    Approved articles whose publish date has not come (Article.objects.scheduled()):
    in the index, not yet shown. Read once per content version (memo.py) with
    their dates, which are compared with the clock on every search: an article
    goes live at its date even if the version is older than its approval.
    """
    now = timezone.now()
    return {article_id for article_id, publish_at in remembered("scheduled", _scheduled_dates) if publish_at > now}


def _scheduled_dates() -> list[tuple[int, datetime]]:
    return list(apps.get_model("articles", "Article").objects.scheduled().values_list("pk", "publish_at"))
