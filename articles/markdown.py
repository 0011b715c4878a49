"""
Markdown rendering for articles: render, sanitize, then number the headings.

`render_markdown()` is the only way article Markdown becomes HTML, for public
pages and for the admin's live preview alike, so what an editor previews is
exactly what customers see.

The order matters: the HTML is sanitized first with an allowlist (nh3), and
only then are heading ids added. Ids are slugify() output, so they cannot carry
markup, and no attribute an editor writes on a heading survives sanitizing.

Links between articles are written by slug, `[Reset your password](article:reset-password)`
or `(article:reset-password#by-email)` for a section, and become the article's
address here; `Rendered.links` lists every link and image, so saving can record
them (and flag the broken ones) without parsing the HTML again.

Lists and quotes nested more than MAX_NESTING levels are refused with a
ValidationError before Python-Markdown sees them: it parses nesting recursively,
so ~300 levels already exhaust the stack (RecursionError), and it slows down
quadratically long before that.
"""

import html
import re
from dataclasses import dataclass, field

import markdown as markdown_lib
import nh3
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import slugify
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

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
class Link:
    """
    A link or image in an article body. `kind` is "article" (to another article,
    by slug: `target` is the slug), "external" (an http(s) address) or "image".
    """

    kind: str
    target: str
    anchor: str = ""
    text: str = ""


@dataclass(frozen=True)
class Rendered:
    html: str
    sections: list[Section] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    @property
    def images_without_alt(self) -> list[str]:
        return [link.target for link in self.links if link.kind == "image" and not link.text.strip()]


ARTICLE_SCHEME = "article:"
MAX_NESTING = 30
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
# A plain link to an article page on this site counts as a link between articles too.
_ARTICLE_PATH = re.compile(r"^/articles/(?P<slug>[-a-zA-Z0-9_]+)/(?:#(?P<anchor>.*))?$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
# Leading list markers and quote marks: "- - - x" and "> - > x" nest on one line.
_NESTING_PREFIX = re.compile(r"^(?:[ \t]*(?:[-*+]|\d{1,9}[.)]|>)(?=[ \t>]|$))+")


def nesting_depth(text: str) -> int:
    """
    How deeply lists and quotes nest, counted generously: every list marker or `>` at
    the start of a line is a level, and so is every two columns of indentation before
    them. Fenced code is skipped.
    """
    deepest, in_fence = 0, False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        prefix = None if in_fence else _NESTING_PREFIX.match(line)
        if not prefix:
            continue
        markers = len(re.findall(r"[-*+>]|\d{1,9}[.)]", prefix.group()))
        indent = len(line) - len(line.lstrip(" \t"))
        columns = sum(4 if char == "\t" else 1 for char in line[:indent])
        deepest = max(deepest, markers + columns // 2)
    return deepest


def _too_deep() -> ValidationError:
    return ValidationError(
        "Lists or quotes are nested more than %(max)d levels deep. Flatten them: "
        "readers cannot follow that many levels either.",
        code="too_deep",
        params={"max": MAX_NESTING},
    )


def article_link_target(href: str) -> tuple[str, str] | None:
    """(slug, anchor) when `href` points at an article: `article:slug#anchor` or `/articles/slug/#anchor`."""
    if href.startswith(ARTICLE_SCHEME):
        slug, _, anchor = href.removeprefix(ARTICLE_SCHEME).partition("#")
        return slug, anchor
    match = _ARTICLE_PATH.match(href)
    if match:
        return match["slug"], match["anchor"] or ""
    return None


class _LinkCollector(Treeprocessor):
    """Turns `article:slug` links into addresses and lists every link and image."""

    def __init__(self, md, links: list[Link]):
        super().__init__(md)
        self.links = links

    def run(self, root):
        for element in root.iter():
            if element.tag not in ("a", "img"):
                continue
            if element.tag == "img":
                self.links.append(Link("image", element.get("src", ""), text=element.get("alt", "")))
                continue
            href = element.get("href", "")
            text = "".join(element.itertext())
            target = article_link_target(href)
            if target:
                slug, anchor = target
                self.links.append(Link("article", slug, anchor, text))
                if href.startswith(ARTICLE_SCHEME):
                    # An unusable slug keeps no address: the sanitizer drops the unknown scheme.
                    if _SLUG.match(slug):
                        url = reverse("articles:article", args=[slug])
                        element.set("href", f"{url}#{anchor}" if anchor else url)
            elif href.startswith(("http://", "https://")):
                self.links.append(Link("external", href, text=text))


class _LinkExtension(Extension):
    def __init__(self, links: list[Link]):
        super().__init__()
        self.links = links

    def extendMarkdown(self, md):
        # After "inline" (priority 20), which creates the <a> and <img> elements.
        md.treeprocessors.register(_LinkCollector(md, self.links), "article_links", 15)


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
    """
    Render article Markdown to sanitized HTML and split it into sections.
    Raises ValidationError when lists or quotes nest too deeply to render.
    """
    text = text or ""
    if nesting_depth(text) > MAX_NESTING:
        raise _too_deep()
    links: list[Link] = []
    try:
        raw = markdown_lib.markdown(
            text,
            extensions=["fenced_code", "tables", "sane_lists", _LinkExtension(links)],
            output_format="html",
        )
    except RecursionError:
        # A nesting shape the scan above does not count; still a clear refusal, not a 500.
        raise _too_deep() from None
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
    return Rendered(html="".join(parts).strip(), sections=sections, links=links)


def markdownify(text: str) -> str:
    """django-markdownx hook: the admin live preview renders like the public page."""
    return render_markdown(text).html
