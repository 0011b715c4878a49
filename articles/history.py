"""
Reading an article's history: versions and readable differences between
them. Versions are django-simple-history's `HistoricalArticle` rows, one per
save (see docs/editorial-workflow.md for why that package).

A diff is data (kinds and texts), never HTML: templates escape every line,
so Markdown holding markup cannot inject anything into the admin.
"""

import difflib
from dataclasses import dataclass, field

from .models import Article, Category

# The fields compared, in the order an editor reads them.
COMPARED = [("title", "Title"), ("summary", "Summary"), ("tags", "Tags"), ("status", "Status"),
            ("category_id", "Category"), ("body", "Body")]  # fmt: skip
CONTEXT_LINES = 2


@dataclass
class FieldChange:
    label: str
    old: str = ""
    new: str = ""
    # For the body: (kind, text) lines, kind one of "add", "remove", "same", "gap".
    lines: list[tuple[str, str]] = field(default_factory=list)


def _display(name: str, value, categories: dict) -> str:
    if name == "status":
        return str(Article.Status(value).label) if value in Article.Status.values else str(value or "")
    if name == "category_id":
        return categories.get(value, "") if value else ""
    return value or ""


def body_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Line by line, with a little context around each change."""
    lines = []
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=CONTEXT_LINES)
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(("gap", "…"))
        elif line.startswith("+"):
            lines.append(("add", line[1:]))
        elif line.startswith("-"):
            lines.append(("remove", line[1:]))
        else:
            lines.append(("same", line[1:]))
    return lines


def version_diff(old, new) -> list[FieldChange]:
    """
    What changed from `old` to `new`: any objects with the compared fields (an
    Article, a HistoricalArticle, a working copy, an unsaved form instance).
    Fields that did not change are left out.
    """
    ids = {getattr(obj, "category_id", None) for obj in (old, new)} - {None}
    # Names are looked up only when the category changed.
    categories = dict(Category.objects.filter(pk__in=ids).values_list("pk", "name")) if len(ids) > 1 else {}
    changes = []
    for name, label in COMPARED:
        if not hasattr(old, name) or not hasattr(new, name):
            continue
        before, after = getattr(old, name) or "", getattr(new, name) or ""
        if before == after:
            continue
        if name == "body":
            changes.append(FieldChange(label, lines=body_diff(before, after)))
        else:
            changes.append(FieldChange(label, _display(name, before, categories), _display(name, after, categories)))
    return changes


def article_versions(article: Article):
    """Every saved version of the article, newest first, with who saved it."""
    return article.history.select_related("history_user").order_by("-history_date", "-history_id")
