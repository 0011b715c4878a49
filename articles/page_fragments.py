"""
Pieces of a page that depend on site-wide content alone (other articles'
titles, a category's name, the site's help links), not on the page's own
article or on the request: rendered once per content version and kept in the
process (`content_memo()`), so an edit shows at the next request, as with the
categories and help links the pages share. Rendered without the request, so
nothing of one visitor is kept.
"""

from collections.abc import Callable
from typing import TypeVar

from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .page_cache import content_memo

T = TypeVar("T")


def kept_for_version(name: str, key, render: Callable[[], T]) -> T:
    """
    `render()`, kept under `key` in the memo `name` until the content version
    changes, apart for each language, script prefix and URLconf (what a
    rendering without the request still depends on).
    """
    found_by_key = content_memo(name, dict)
    full_key = (key, get_language(), get_script_prefix(), get_urlconf())
    found = found_by_key.get(full_key)
    if found is None:
        found = found_by_key[full_key] = render()
    return found


def rendered_once(template_name: str, key: tuple, context: dict) -> SafeString:
    """
    `template_name` rendered with `context`, kept under `key`, which must tell
    apart every context the page can give it (and stay few: one per category, say).
    """
    return kept_for_version(
        "page_fragments", (template_name, key), lambda: mark_safe(render_to_string(template_name, context))
    )


def more_in_category(category, articles) -> SafeString:
    """The "More in <category>" links (selectors.related_articles(): a few per category, the same for most)."""
    key = (category.pk, category.name, tuple(article.pk for article in articles))
    return rendered_once("includes/more_in_category.html", key, {"category": category, "articles": articles})


def site_links(links) -> SafeString:
    """The site-wide help links of the "still need help?" block (selectors.site_help_links())."""
    key = tuple(link.pk for link in links)
    return rendered_once("includes/site_links.html", key, {"site_links": links})
