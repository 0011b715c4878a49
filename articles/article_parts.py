"""
The parts of an article's page that depend on the article alone, rendered when
the article is saved and stored with it (`Article.page_parts`): its table of
contents and its text with the "Did this fix it?" and "Was this article
helpful?" forms. A page rendered without the page cache then reads them with
the article instead of rendering them per request, which is most of the page's
template work.

Two more parts depend on the article, its category and the site's address: the
head's canonical address, Open Graph tags and structured data (`head`, stored
with a placeholder where the site's address goes, put in per request), and the
page's top, breadcrumbs to header with its dates (`top`). They are shown only
while what they were rendered from still holds (`page_facts()`: the article's
fields, its category's name and address, the language, time zone and script
prefix), and the top only while the article is live (staff see a banner above
a draft); else the page renders them per request, with the same output.

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
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .addresses import fixed_path, slug_path

TOC_TEMPLATE = "articles/article_toc.html"
BODY_TEMPLATE = "articles/article_body.html"
HEAD_TEMPLATE = "articles/article_head.html"
TOP_TEMPLATE = "articles/article_top.html"
# Every template the parts are made of, the four above and what they include.
TEMPLATES = (
    TOC_TEMPLATE,
    BODY_TEMPLATE,
    HEAD_TEMPLATE,
    TOP_TEMPLATE,
    "includes/breadcrumbs.html",
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
    "articles.seo",
)
# Where the site's address goes in a stored head; two, to check that nothing else in it changes with it.
ORIGIN = "http://kb-stored-origin.invalid"
OTHER_ORIGIN = "https://kb-other-origin.invalid:8443"


class PagePartsField(models.TextField):
    """
    The stored parts, {"key": ..., "toc": ..., "body": ..., ...} or {} in Python,
    kept as plain text: the key, then each part's name and length, then the parts
    one after the other (`"<key>\\ntoc:<length> body:<length>\\n<toc><body>"`; "" for none).

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
        key, lengths, rest = value.split("\n", 2)
        parts, start = {"key": key}, 0
        for entry in lengths.split():
            name, _, length = entry.partition(":")
            end = start + int(length)
            parts[name], start = rest[start:end], end
        return parts

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
    key = parts["key"]
    named = [(name, text) for name, text in parts.items() if name != "key"]
    if "\n" in key or any(not name.isidentifier() for name, _ in named):
        raise ValueError("A parts key is one line, and part names are identifiers.")
    lengths = " ".join(f"{name}:{len(text)}" for name, text in named)
    return f"{key}\n{lengths}\n" + "".join(text for _, text in named)


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


def page_facts(article) -> str:
    """What the stored head and top were rendered from besides the templates and the site's address."""
    category = article.category
    return repr(
        (
            article.title,
            article.summary,
            article.slug,
            article.tags,
            str(article.status),  # a TextChoices member once saved, a plain string once read
            article.publish_at,
            article.approved_at,
            article.created_at,
            article.updated_at,
            article.last_reviewed_at,
            category.pk,
            category.name,
            category.slug,
            get_language(),
            timezone.get_current_timezone_name(),
            get_script_prefix(),
            get_urlconf() or settings.ROOT_URLCONF,
        )
    )


class _SiteAddress:
    """Stands for the request in a stored head: the site's address, as `HttpRequest.build_absolute_uri()` makes it."""

    def __init__(self, origin: str):
        self.origin = origin

    def build_absolute_uri(self, location: str) -> str:
        return iri_to_uri(self.origin + location)


def _render_head(article, origin: str) -> str:
    context = Context({"article": article})
    context.request = _SiteAddress(origin)  # the template tags read the request's address from here
    return get_template(HEAD_TEMPLATE).template.render(context)


def render_parts(article, sections) -> dict:
    """The stored form of the parts, for `article` with these sections (markdown.Section or Section rows)."""
    key = parts_key()
    if not key:
        return {}
    toc = [section for section in sections if section.level in (2, 3)]
    parts = {
        "key": key,
        "toc": render_to_string(TOC_TEMPLATE, {"toc": toc}),
        "body": render_to_string(BODY_TEMPLATE, {"article": article}),
    }
    if article.updated_at is None:
        return parts  # not saved yet: its dates are not known
    head = _render_head(article, ORIGIN)
    # Stored only if the site's address is all that changes with it (the article's own words cannot hold ORIGIN).
    if head.replace(ORIGIN, OTHER_ORIGIN) == _render_head(article, OTHER_ORIGIN):
        parts["head"] = head
    # As the public sees it: live, no banner (a stored top is shown only while the article is live).
    top_context = {"article": article, "parts": {"toc": parts["toc"]}, "toc": toc, "preview": True}
    parts["top"] = render_to_string(TOP_TEMPLATE, top_context)
    parts["facts"] = page_facts(article)
    return parts


def stored_parts(article, request) -> dict[str, SafeString] | None:
    """
    The article's stored parts, if they were rendered by the running code; else
    None (render them live). The head and top are left out (rendered live) when
    what they were rendered from has changed since, or the article is not live.
    """
    parts = article.page_parts
    if not parts or parts.get("key") != parts_key():
        return None
    shown = {"toc": mark_safe(parts["toc"]), "body": mark_safe(parts["body"])}
    if "facts" in parts and article.is_live and parts["facts"] == page_facts(article):
        if "head" in parts:
            shown["head"] = mark_safe(parts["head"].replace(ORIGIN, request.build_absolute_uri("/")[:-1]))
        shown["top"] = mark_safe(parts["top"])
    return shown


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
    Category = apps.get_model("articles", "Category")
    for start in range(0, len(stale), batch_size):
        ids = stale[start : start + batch_size]
        # Read, rendered and written in one transaction, the rows locked: an editor's save
        # waits for the batch instead of being overwritten by parts of the text it replaced.
        with transaction.atomic():
            articles = list(Article.objects.select_for_update().filter(pk__in=ids).defer("body", "page_parts"))
            categories = Category.objects.in_bulk({article.category_id for article in articles})
            sections: dict[int, list] = {}
            for section in Section.objects.filter(article_id__in=ids, level__in=(2, 3)).defer("text"):
                sections.setdefault(section.article_id, []).append(section)
            for article in articles:
                article.category = categories[article.category_id]
                article.page_parts = render_parts(article, sections.get(article.pk, []))
            Article.objects.bulk_update(articles, ["page_parts"])
        if progress:
            progress(len(articles))
    return len(stale)
