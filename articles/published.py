"""
The one rule for what customers see (`models.published_condition()`), as an SQL
condition, for the plain-SQL reads of the hottest paths: search results
(search/catalog.py) and the article page (page_reads.py). It imports no model,
so search can use it without an import cycle. A test keeps it in step with the
ORM's rule (tests/test_article_reads.py).
"""

from django.apps import apps
from django.db import connection
from django.utils import timezone


def published_sql(alias: str) -> tuple[str, list]:
    """The condition on the article table known as `alias` in a query, with its parameters."""
    status = apps.get_model("articles", "Article").Status.PUBLISHED
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    condition = f"{alias}.status = %s AND ({alias}.publish_at IS NULL OR {alias}.publish_at <= %s)"
    return condition, [status, now]
