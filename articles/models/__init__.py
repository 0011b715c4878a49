"""
The help center's models, one module per area: content (categories, articles,
sections, help links), customer requests, and search support.
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
from .links import ArticleLink, BrokenLink, LinkCheck
from .requests import ContactRequest
from .search import SearchLog, SearchWord, SynonymGroup
from .workflow import ArticleDueForReview, ArticleRevision

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleDueForReview",
    "ArticleLink",
    "ArticleRedirect",
    "ArticleRevision",
    "BrokenLink",
    "Category",
    "ContactRequest",
    "HelpLink",
    "HelpLinkQuerySet",
    "LinkCheck",
    "SearchLog",
    "SearchWord",
    "Section",
    "SynonymGroup",
    "can_preview_articles",
    "published_condition",
    "validate_help_url",
]
