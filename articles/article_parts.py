"""
The parts of an article's page that depend on the article alone, rendered when
the article is saved and stored with it (`Article.page_parts`): its table of
contents and its text with the "Did this fix it?" and "Was this article
helpful?" forms. A page rendered without the page cache then reads them with
the article instead of rendering them per request, which is most of the page's
template work.

Stored parts carry a key made of the templates, code and settings they were
rendered with. Parts whose key is not the running code's (a new version of a
template or of the code, new static files) are not used: the page renders them
per request, with the same output, until `manage.py refresh_article_pages`
stores them again (run it after deploying). A visitor who has just voted sees
their own answer, so their page renders the forms for them.
"""

import functools
import hashlib
import importlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe

from .addresses import fixed_path, slug_path

TOC_TEMPLATE = "articles/article_toc.html"
BODY_TEMPLATE = "articles/article_body.html"
# Every template the parts are made of, the two above and what they include.
TEMPLATES = (
    TOC_TEMPLATE,
    BODY_TEMPLATE,
    "includes/feedback_article_body.html",
    "includes/feedback_section.html",
    "includes/feedback_article.html",
)


# The code that renders them besides the templates: their tags and filters, and what those call.
CODE = (
    "articles.templatetags.feedback",
    "articles.templatetags.help_center",
    "articles.feedback",
    "articles.addresses",
)


class PagePartsField(models.TextField):
    """
    The stored parts, {"key", "toc", "body"} or {} in Python, kept as plain text:
    the key, the length of the table of contents, then the table of contents and
    the text, one after the other (`"<key>\\n<length>\\n<toc><body>"`; "" for none).

    Read with every article page the cache does not have: as a JSON column the
    15 KB were converted from `jsonb` to text by PostgreSQL and parsed by Python
    at each read (about 35 µs together); split here, they cost under 1 µs.
    """

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        if not value:
            return {}
        key, length, rest = value.split("\n", 2)
        return {"key": key, "toc": rest[: int(length)], "body": rest[int(length) :]}

    def get_prep_value(self, value):
        if isinstance(value, dict):
            return serialize_parts(value)
        return super().get_prep_value(value)

    def value_to_string(self, obj):
        return serialize_parts(self.value_from_object(obj))


def serialize_parts(parts: dict) -> str:
    """The stored text of `parts` (PagePartsField)."""
    if not parts:
        return ""
    key, toc, body = parts["key"], parts["toc"], parts["body"]
    if "\n" in key:
        raise ValueError("A parts key is one line.")
    return f"{key}\n{len(toc)}\n{toc}{body}"


@functools.cache
def parts_key() -> str:
    """What the parts are rendered from besides the article; "" when it cannot be told (nothing is stored)."""
    try:
        script = static("js/feedback.js")
    except ValueError:  # A static files manifest without the file: nothing to key the parts on.
        return ""
    sources = [get_template(name).template.source for name in TEMPLATES]
    sources += [Path(importlib.import_module(name).__file__).read_text() for name in CODE]
    addresses = [fixed_path("articles:contact"), slug_path("articles:feedback", "-")]
    reasons = repr(apps.get_model("articles", "ArticleFeedback").Reason.choices)
    text = "\x1f".join([*sources, script, *addresses, reasons, settings.LANGUAGE_CODE, settings.TIME_ZONE])
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def render_parts(article, sections) -> dict:
    """The stored form of the parts, for `article` with these sections (markdown.Section or Section rows)."""
    key = parts_key()
    if not key:
        return {}
    toc = [section for section in sections if section.level in (2, 3)]
    return {
        "key": key,
        "toc": render_to_string(TOC_TEMPLATE, {"toc": toc}),
        "body": render_to_string(BODY_TEMPLATE, {"article": article}),
    }


def stored_parts(article) -> dict[str, SafeString] | None:
    """The article's stored parts, if they were rendered by the running code; else None (render them live)."""
    parts = article.page_parts
    if not parts or parts.get("key") != parts_key():
        return None
    return {"toc": mark_safe(parts["toc"]), "body": mark_safe(parts["body"])}


def stale_article_ids() -> list[int]:
    """Articles whose stored parts were rendered by other code, or never."""
    key = parts_key()
    if not key:
        return []
    articles = apps.get_model("articles", "Article").objects
    return list(articles.exclude(page_parts__startswith=f"{key}\n").order_by("pk").values_list("pk", flat=True))


def refresh_stored_parts(stale: list[int], *, batch_size: int = 100, progress=None) -> int:
    """Render and store the parts of these articles (`stale_article_ids()`); returns how many."""
    Article = apps.get_model("articles", "Article")
    Section = apps.get_model("articles", "Section")
    for start in range(0, len(stale), batch_size):
        ids = stale[start : start + batch_size]
        # Read, rendered and written in one transaction, the rows locked: an editor's save
        # waits for the batch instead of being overwritten by parts of the text it replaced.
        with transaction.atomic():
            articles = list(Article.objects.select_for_update().filter(pk__in=ids).only("pk", "slug", "body_html"))
            sections: dict[int, list] = {}
            for section in Section.objects.filter(article_id__in=ids, level__in=(2, 3)).defer("text"):
                sections.setdefault(section.article_id, []).append(section)
            for article in articles:
                article.page_parts = render_parts(article, sections.get(article.pk, []))
            Article.objects.bulk_update(articles, ["page_parts"])
        if progress:
            progress(len(articles))
    return len(stale)
