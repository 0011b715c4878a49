"""
The help center's models, one module per area: content (categories, articles,
sections, help links), customer requests and the emails they cause, and search support.
"""

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
from .mail import OutgoingEmail
from .requests import ContactNote, ContactRequest
from .search import SearchLog, SearchWord, SynonymGroup
from .semantic import MeaningVector
from .workflow import ArticleDueForReview, ArticleRevision

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleDueForReview",
    "ArticleRedirect",
    "ArticleRevision",
    "Category",
    "ContactNote",
    "ContactRequest",
    "HelpLink",
    "HelpLinkQuerySet",
    "MeaningVector",
    "OutgoingEmail",
    "SearchLog",
    "SearchWord",
    "Section",
    "SynonymGroup",
    "can_preview_articles",
    "published_condition",
    "validate_help_url",
]
