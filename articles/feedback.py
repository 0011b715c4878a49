"""
Article feedback: “Was this helpful?” on every article and “Did this fix it?”
on each ## section of a troubleshooting article.

One vote per visitor per article or section, changeable. The visitor is a
random key from the session (see visits.py); nothing personal is stored.
"""

import html
import re

from django import forms
from django.conf import settings
from django.db import transaction

from .models import Article, ArticleFeedback

MAX_COMMENT = 1000


class FeedbackForm(forms.Form):
    """A vote as posted by the article page's forms (with or without JavaScript)."""

    vote = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")])
    section = forms.CharField(required=False, max_length=300)
    reason = forms.ChoiceField(required=False, choices=[("", "")] + ArticleFeedback.Reason.choices)
    comment = forms.CharField(required=False, max_length=MAX_COMMENT)

    def __init__(self, *args, article: Article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article

    def clean_section(self) -> str:
        anchor = self.cleaned_data["section"]
        if anchor and anchor not in fixable_sections(self.article):
            raise forms.ValidationError("This article has no such section.")
        return anchor


def fixable_sections(article: Article) -> set[str]:
    """Anchors of the ## sections that ask “Did this fix it?”."""
    return {anchor for anchor in article.sections.filter(level=2).values_list("anchor", flat=True) if anchor}


def article_feedback_record(
    *,
    article: Article,
    visitor_key: str,
    helpful: bool,
    section_anchor: str = "",
    reason: str = "",
    comment: str = "",
) -> ArticleFeedback:
    """
    Store or change a visitor's vote on an article or one of its sections.
    A “yes” clears any reason and comment; a “no” keeps an earlier reason or
    comment unless a new one is given.
    """
    with transaction.atomic():
        feedback, _ = ArticleFeedback.objects.select_for_update().get_or_create(
            article=article,
            section_anchor=section_anchor,
            visitor_key=visitor_key,
            defaults={"helpful": helpful},
        )
        feedback.helpful = helpful
        if helpful:
            feedback.reason, feedback.comment = "", ""
        else:
            feedback.reason = reason or feedback.reason
            feedback.comment = comment.strip()[:MAX_COMMENT] or feedback.comment
        feedback.save()
    return feedback


# After sanitizing, headings carry only the id added by render_markdown(), so
# this pattern is exact. Containers are counted so that a ## heading inside a
# quote or a list never splits the HTML in the middle of an element.
_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.DOTALL)
_CONTAINER = re.compile(r"<(/?)(?:blockquote|ul|ol|li|table|div|dl|details)\b", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


def split_at_sections(body_html: str) -> list[tuple[str, str, str]]:
    """
    The stored article HTML cut before each top-level ## heading:
    [(html, anchor, title)], where the first part (the intro) has no anchor.
    Each part with an anchor is one ## section, up to the next one.
    """
    parts: list[tuple[str, str, str]] = []
    start, depth, scanned = 0, 0, 0
    anchor = title = ""
    for match in _H2.finditer(body_html):
        for tag in _CONTAINER.finditer(body_html, scanned, match.start()):
            depth += -1 if tag.group(1) else 1
        scanned = match.start()
        if depth != 0:
            continue
        parts.append((body_html[start : match.start()], anchor, title))
        start, anchor, title = match.start(), match.group(1), html.unescape(_TAGS.sub("", match.group(2))).strip()
    parts.append((body_html[start:], anchor, title))
    return [part for part in parts if part[0].strip() or part[1]]


def recorded_vote(request) -> dict[str, str]:
    """
    What a plain-form vote recorded, read from the redirect's query string
    (?feedback=<outcome>, or ?fixed=<anchor>&answer=<vote>): {"article", "section",
    "answer"}. Only for a visitor with a session (every voter has one), so a page
    rendered for the public (and cached for everyone) never shows it, whatever
    its address says.
    """
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {"article": "", "section": "", "answer": ""}
    return {
        "article": request.GET.get("feedback", ""),
        "section": request.GET.get("fixed", ""),
        "answer": request.GET.get("answer", ""),
    }
