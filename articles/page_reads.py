"""
The article page's reads, in plain SQL.

The article page is the most visited page, and when the page cache does not
have it (after every content change, for every article a crawler visits) its
reads are on the hot path. The ORM would spend several times longer building
these small queries, and `Model.objects.raw()` converting their rows, than the
database spends answering them. So each read here is written once as SQL, with
its columns and converters worked out once per process and database connection,
and it makes model instances with each value converted as the ORM converts it
(the fields' database converters, then `Model.from_db()`). The database is the
one the routers choose for reading the model, as for an ORM query.

Tests keep each read equal to its ORM form on both engines
(tests/test_article_reads.py).
"""

import weakref

from django.db import connections, router

from .models import Article, Category, Section, published_sql

# What a list of articles leaves out: their Markdown, HTML and stored page parts (a link needs none).
TEXT_FIELDS = ("body", "body_html", "page_parts")


class PlainRead:
    """`SELECT <the model's fields but leave_out> FROM <its table> t WHERE ...`, as model instances."""

    def __init__(self, model, *, leave_out: tuple[str, ...] = (), only: tuple[str, ...] = ()):
        self.model = model
        self.fields = [
            f for f in model._meta.concrete_fields if f.name not in leave_out and (not only or f.name in only)
        ]
        self.names = [f.attname for f in self.fields]
        self._prepared = weakref.WeakKeyDictionary()

    def _prepare(self, connection):
        prepared = self._prepared.get(connection)
        if prepared is None:
            quote = connection.ops.quote_name
            table = self.model._meta.db_table
            columns = ", ".join(f"t.{quote(field.column)}" for field in self.fields)
            converters = []
            for index, field in enumerate(self.fields):
                column = field.get_col(table)
                found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                if found:
                    converters.append((index, found, column))
            prepared = (f"SELECT {columns} FROM {quote(table)} t WHERE ", converters)
            self._prepared[connection] = prepared
        return prepared

    def __call__(self, where: str, params) -> list:
        """Instances for the rows matching `where` (on the table aliased `t`; it may end with ORDER BY and LIMIT)."""
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        select, converters = self._prepare(connection)
        # On PostgreSQL, a statement prepared once per connection (kb/postgresql/base.py).
        cursor_for = getattr(connection, "prepared_cursor", connection.cursor)
        with cursor_for() as cursor:
            cursor.execute(select + where, params)
            rows = cursor.fetchall()
        instances = []
        for row in rows:
            values = list(row)
            for index, functions, column in converters:
                value = values[index]
                for function in functions:
                    value = function(value, column, connection)
                values[index] = value
            instances.append(self.model.from_db(alias, self.names, values))
        return instances


# The page shows the article's stored parts; its HTML is read only when they are not usable (deferred).
_article = PlainRead(Article, leave_out=("body", "body_html"))
# What a link to an article needs; the rest is deferred (read if something asks for it).
_linked_article = PlainRead(Article, only=("id", "category", "slug", "title", "position"))
_toc_section = PlainRead(Section, leave_out=("text",))


def public_article(slug: str, categories) -> Article | None:
    """
    The published article at this address, as `Article.objects.published()`
    gives it without its Markdown and HTML (the page shows its stored parts;
    the HTML is read if they are not usable), with its category taken from
    `categories` (read when missing there).
    """
    published, params = published_sql("t")
    found = _article(f"t.slug = %s AND {published}", [slug, *params])
    if not found:
        return None
    article = found[0]
    category = next((c for c in categories if c.pk == article.category_id), None)
    article.category = category or Category.objects.get(pk=article.category_id)
    return article


def table_of_contents(article) -> list[Section]:
    """The article's ## and ### sections in order, without their text."""
    return _toc_section("t.article_id = %s AND t.level IN (2, 3) ORDER BY t.position", [article.pk])


def category_first(category_id: int, count: int) -> list[Article]:
    """The category's first `count` published articles in reading order, with what a link to them needs."""
    published, params = published_sql("t")
    where = f"t.category_id = %s AND {published} ORDER BY t.position, t.title LIMIT %s"
    return _linked_article(where, [category_id, *params, count])
