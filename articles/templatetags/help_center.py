"""Display helpers for the help center's templates."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import seo
from ..addresses import fixed_path, slug_path

register = template.Library()


@register.simple_tag
def address(viewname, slug=None):
    """
    `{% url %}` for the pages every page links to, without the resolver's cost each
    time: `{% address 'articles:contact' %}`, `{% address 'articles:feedback' article.slug %}`.
    """
    return fixed_path(viewname) if slug is None else slug_path(viewname, slug)


@register.simple_tag(takes_context=True)
def open_graph(context, title, description, path, kind="website", article=None):
    """The canonical address and Open Graph tags (seo.open_graph)."""
    return seo.open_graph(context.request, title=title, description=description, path=path, kind=kind, article=article)


@register.filter
def toc_tree(sections):
    """
    Nest a flat table of contents for display: [(section, [subsections])].

    A level-3 section goes under the level-2 section before it; one with no
    level-2 section before it is shown at the top level.
    """
    tree = []
    for section in sections:
        if section.level == 3 and tree:
            tree[-1][1].append(section)
        else:
            tree.append((section, []))
    return tree


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """
    Structured data as <script type="application/ld+json">, escaped the way
    Django's json_script escapes (no "</script>" can close it early). It is
    data, not code: the Content-Security-Policy does not apply to it.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """The full address of a path on this site, as the request reached it (for canonical and Open Graph)."""
    return context.request.build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    return json_ld(seo.article_structured_data(context.request, article))


@register.simple_tag(takes_context=True)
def category_json_ld(context, category):
    return json_ld(seo.category_structured_data(context.request, category))


@register.filter
def published_on(article):
    return seo.published_on(article)
