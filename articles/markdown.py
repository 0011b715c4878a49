"""
Markdown rendering for articles: render, sanitize, then number the headings.

`render_markdown()` is the only way article Markdown becomes HTML, for public
pages and for the admin's live preview alike, so what an editor previews is
exactly what customers see.

The order matters: the HTML is sanitized first with an allowlist (nh3), and
only then are heading ids added. Ids are slugify() output, so they cannot carry
markup, and no attribute an editor writes on a heading survives sanitizing.
"""

import html
import re
from dataclasses import dataclass, field

import markdown as markdown_lib
import nh3
from django.utils.html import strip_tags
from django.utils.text import slugify

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p",
    "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
    # fenced_code marks the language as class="language-x"; only that shape is kept.
    "code": {"class"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
_CODE_CLASS = re.compile(r"^language-[\w+-]+$")

# After nh3, headings carry no attributes, so this simple pattern is exact.
_HEADING = re.compile(r"<(h[123])>(.*?)</\1>", re.DOTALL)


@dataclass(frozen=True)
class Section:
    """One part of an article: the intro (level 0, no anchor) or a ##/### heading."""

    title: str
    anchor: str
    level: int
    text: str


@dataclass(frozen=True)
class Rendered:
    html: str
    sections: list[Section] = field(default_factory=list)


def _attribute_filter(element: str, attribute: str, value: str):
    if element == "code" and attribute == "class":
        return value if _CODE_CLASS.match(value) else None
    return value


def sanitize_html(raw_html: str) -> str:
    """Keep only the allowlisted tags, attributes and URL schemes."""
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def heading_anchor(title: str, taken: set[str]) -> str:
    """Contract 3: slugify() of the heading text, made unique with -2, -3..."""
    base = slugify(title) or "section"
    anchor, n = base, 1
    while anchor in taken:
        n += 1
        anchor = f"{base}-{n}"
    taken.add(anchor)
    return anchor


def _plain_text(fragment: str) -> str:
    return " ".join(html.unescape(strip_tags(fragment)).split())


def render_markdown(text: str) -> Rendered:
    """Render article Markdown to sanitized HTML and split it into sections."""
    raw = markdown_lib.markdown(
        text or "",
        extensions=["fenced_code", "tables", "sane_lists"],
        output_format="html",
    )
    clean = sanitize_html(raw)

    parts: list[str] = []
    sections: list[Section] = []
    taken: set[str] = set()
    pos = 0
    current_title, current_anchor, current_level, section_start = "", "", 0, 0
    for match in _HEADING.finditer(clean):
        sections.append(
            Section(current_title, current_anchor, current_level, _plain_text(clean[section_start : match.start()]))
        )
        tag, inner = match.group(1), match.group(2)
        # The page's only h1 is the article title: a "#" heading in the body becomes h2.
        level = 3 if tag == "h3" else 2
        current_title = _plain_text(inner)
        current_anchor = heading_anchor(current_title, taken)
        current_level = level
        parts.append(clean[pos : match.start()])
        parts.append(f'<h{level} id="{current_anchor}">{inner}</h{level}>')
        pos = section_start = match.end()
    parts.append(clean[pos:])
    sections.append(Section(current_title, current_anchor, current_level, _plain_text(clean[section_start:])))
    # An empty intro is not worth a row; headed sections are kept even when empty.
    if not sections[0].text:
        sections.pop(0)
    return Rendered(html="".join(parts).strip(), sections=sections)


def markdownify(text: str) -> str:
    """django-markdownx hook: the admin live preview renders like the public page."""
    return render_markdown(text).html
