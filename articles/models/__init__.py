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
from .semantic import MeaningVector

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleRedirect",
    "Category",
    "ContactRequest",
    "HelpLink",
    "HelpLinkQuerySet",
    "MeaningVector",
    "SearchLog",
    "SearchWord",
    "Section",
    "SynonymGroup",
    "validate_help_url",
]
