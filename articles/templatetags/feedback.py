"""Template helpers for the article feedback forms (templates/includes/feedback_*.html)."""

from django import template
from django.conf import settings

from ..feedback import split_at_sections
from ..feedback_views import MESSAGES
from ..models import ArticleFeedback

register = template.Library()


@register.filter
def with_fix_points(body_html: str) -> list[tuple[str, str, str]]:
    """The article body as [(html, anchor, title)]: each ## section gets a “Did this fix it?” after it."""
    return split_at_sections(body_html)


@register.simple_tag
def feedback_reasons():
    return ArticleFeedback.Reason.choices


@register.simple_tag
def feedback_message(place: str, outcome: str) -> str:
    """What a plain-form vote says once it is back on the page ('' for an unknown outcome)."""
    return MESSAGES.get((place, outcome), "")


@register.simple_tag(takes_context=True)
def feedback_state(context) -> dict:
    """
    What a plain-form vote recorded, read from the redirect's query string
    (?feedback=<outcome>, or ?fixed=<anchor>&answer=<vote>): {"article", "section",
    "answer"}. Only for a visitor with a session (every voter has one), so a page
    rendered for the public (and cached for everyone) never shows it, whatever
    its address says.
    """
    request = context.get("request")
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {"article": "", "section": "", "answer": ""}
    return {
        "article": request.GET.get("feedback", ""),
        "section": request.GET.get("fixed", ""),
        "answer": request.GET.get("answer", ""),
    }
