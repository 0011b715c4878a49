"""
A page rendered into a frame kept in the process.

A page template extends base.html and fills a few of its blocks (the title, the
head's tags, the content). Everything outside those blocks (the head's style
sheets and scripts, the header with its search box, the footer) is the same for
every page of that template, yet the template engine walked it at each request:
a third of the article page's rendering once its text came from the stored
parts (article_parts.py).

`render_framed()` gives the output of `django.shortcuts.render()`. It renders
the template's own blocks for the request and puts them into the frame: the
template rendered once with markers in place of those blocks, kept until the
content version changes (`content_memo()`) or the templates are loaded again,
and apart for each language and script prefix.

The frame is rendered without the request or the page's context: nothing that
belongs to one visitor (a CSRF token, the signed-in user, messages, the host the
page was asked under) can reach it and be shown to the next visitor. Such a
thing put outside the page's blocks would come out empty instead, and
tests/test_page_frames.py, which compares both renders for those requests,
would fail.
"""

import re

from django.http import HttpRequest, HttpResponse
from django.template import Context
from django.template.backends.django import Template as BackendTemplate
from django.template.base import Node, NodeList, Template
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode

from .page_fragments import kept_for_version

# Markers no rendered template holds: template text cannot carry a NUL character.
_SLOT = "\x00kb-frame-slot:{}\x00"
_SLOT_PATTERN = re.compile("\x00kb-frame-slot:([^\x00]+)\x00")


def _own_blocks(template: Template) -> dict:
    """The blocks of a template that extends another, by name (those nested in others too)."""
    extends = template.nodelist.get_nodes_by_type(ExtendsNode)
    if not extends:
        raise ValueError(f"{template.name} extends no template: it has no frame")
    return extends[0].blocks


def _frame(template: Template) -> tuple[list[str], list]:
    """
    The template rendered without a request or a context, its own blocks left
    out: ([text, name, text, name, ..., text], [the blocks named, in order]).
    """
    blocks = _own_blocks(template)
    markers = "".join(f"{{% block {name} %}}{_SLOT.format(name)}{{% endblock %}}" for name in blocks)
    source = f'{{% extends "{template.name}" %}}{markers}'
    pieces = _SLOT_PATTERN.split(template.engine.from_string(source).render(Context()))
    return pieces, [blocks[name] for name in pieces[1::2]]


def _kept_frame(template: Template) -> tuple[list[str], list]:
    return kept_for_version("page_frames", template, lambda: _frame(template))


class _FramedNode(Node):
    """The page: the template's blocks rendered with the page's context, in the kept frame."""

    def __init__(self, template: Template):
        self.template = template

    def render(self, context):
        pieces, blocks = _kept_frame(self.template)
        pieces = pieces.copy()
        pieces[1::2] = [block.render(context) for block in blocks]
        return "".join(pieces)


def _framed(template: Template) -> Template:
    """
    A template rendered as `template` is, named the same (tests see it as the
    page's template), whose only node renders the page into its frame.
    """
    framed = Template("", origin=template.origin, name=template.name, engine=template.engine)
    framed.nodelist = NodeList([_FramedNode(template)])
    return framed


def render_framed(request: HttpRequest, template_name: str, context: dict) -> HttpResponse:
    """`render(request, template_name, context)`, for a template that extends another, from its kept frame."""
    page = get_template(template_name)
    return HttpResponse(BackendTemplate(_framed(page.template), page.backend).render(context, request))
