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
    validate_help_url,
)
from .requests import ContactRequest
from .search import SearchLog, SearchWord, SynonymGroup

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleRedirect",
    "Category",
    "ContactRequest",
    "HelpLink",
    "HelpLinkQuerySet",
    "SearchLog",
    "SearchWord",
    "Section",
    "SynonymGroup",
    "validate_help_url",
]
