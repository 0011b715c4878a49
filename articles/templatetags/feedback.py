"""Template helpers for the article feedback forms (templates/includes/feedback_*.html)."""

from django import template

from ..feedback import recorded_vote, split_at_sections
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
    """What a plain-form vote recorded, for this page's visitor (`recorded_vote()`)."""
    return recorded_vote(context.get("request"))
