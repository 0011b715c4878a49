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
    validate_help_url,
)
from .mail import OutgoingEmail
from .requests import ContactNote, ContactRequest
from .search import SearchLog, SearchWord, SynonymGroup

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleRedirect",
    "Category",
    "ContactNote",
    "ContactRequest",
    "HelpLink",
    "HelpLinkQuerySet",
    "OutgoingEmail",
    "SearchLog",
    "SearchWord",
    "Section",
    "SynonymGroup",
    "validate_help_url",
]
