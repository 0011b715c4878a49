"""
The help center's models, one module per area: content (categories, articles,
sections, help links), customer requests and the emails they cause, search
support, feedback and visit activity.
"""

from ..published import published_sql
from .activity import ArticleViewCount, VisitEvent
from .content import (
    Article,
    ArticleQuerySet,
    ArticleRedirect,
    Category,
    HelpLink,
    HelpLinkQuerySet,
    Section,
    can_preview_articles,
    published_condition,
    validate_help_url,
)
from .feedback import ArticleFeedback
from .links import ArticleLink, BrokenLink, LinkCheck
from .mail import OutgoingEmail
from .requests import ContactNote, ContactRequest
from .search import PinnedSearch, SearchLog, SearchWord, SynonymGroup
from .semantic import MeaningVector
from .workflow import ArticleDueForReview, ArticleRevision

__all__ = [
    "Article",
    "ArticleFeedback",
    "ArticleQuerySet",
    "ArticleDueForReview",
    "ArticleLink",
    "ArticleRedirect",
    "ArticleViewCount",
    "ArticleRevision",
    "BrokenLink",
    "Category",
    "ContactNote",
    "ContactRequest",
    "HelpLink",
    "HelpLinkQuerySet",
    "MeaningVector",
    "LinkCheck",
    "OutgoingEmail",
    "PinnedSearch",
    "SearchLog",
    "SearchWord",
    "Section",
    "SynonymGroup",
    "VisitEvent",
    "can_preview_articles",
    "published_condition",
    "published_sql",
    "validate_help_url",
]
