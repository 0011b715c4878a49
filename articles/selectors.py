"""Reads that several pages share, so each page's queries stay fixed and few."""

from django.db.models import Count

from .models import Article, Category, HelpLink, published_condition
from .search import article_search


def categories_with_counts():
    """Categories that have published articles, in order, each with its `article_count`."""
    return Category.objects.annotate(article_count=Count("articles", filter=published_condition("articles__"))).filter(
        article_count__gt=0
    )


def promoted_articles(limit: int = 6):
    return Article.objects.listed().filter(promoted=True)[:limit]


def category_articles(category):
    return Article.objects.published().filter(category=category).order_by("position", "title")


def related_articles(article, limit: int = 5):
    """Other published articles in the same category."""
    return category_articles(article.category).exclude(pk=article.pk)[:limit]


def site_help_links():
    return HelpLink.objects.site_wide()


def popular_articles(limit: int = 5):
    """Articles to offer when a search finds nothing: promoted first, then the rest in order."""
    return Article.objects.listed().order_by("-promoted", "category__position", "position")[:limit]


def articles_related_to(text: str, limit: int = 5):
    """
    Published articles for a few words that are not a query (such as the words of
    a missing article's slug): the search's ranking, whose meaning signal finds
    articles near them even when no word matches; typos are corrected first.
    """
    ids = [result.article_id for result in article_search(text, limit=limit).results]
    articles = Article.objects.listed().in_bulk(ids)
    return [articles[pk] for pk in ids if pk in articles]


def article_page(article) -> dict:
    """What the article page shows besides the article: the same for customers and for staff previews."""
    return {
        "article": article,
        "toc": [s for s in article.sections.all() if s.level in (2, 3)],
        "help_links": article.help_links.all(),
        "related": related_articles(article),
        "site_links": site_help_links(),
    }


# How many replacements are followed before an address is taken as gone (a guard against loops).
MAX_REPLACEMENTS = 10


def article_successor(slug: str):
    """
    Where a public address that shows no live article leads, as (article, gone):
    (a live article, False) to redirect to, following old slugs and the
    replacements editors chose, in one hop however long the chain; (None, True)
    for an archived article with no live replacement (410); (None, False) for
    anything else (404: unknown, a draft, not yet published).
    """
    article = Article.objects.filter(slug=slug).first() or Article.objects.filter(redirects__old_slug=slug).first()
    seen = set()
    while article is not None and article.pk not in seen and len(seen) < MAX_REPLACEMENTS:
        seen.add(article.pk)
        if article.is_live:
            return article, False
        if article.status != Article.Status.ARCHIVED:
            # A draft's address is unknown to the public; an archived article's replacement that is
            # not live yet leaves the address gone.
            return None, bool(seen - {article.pk})
        if article.replaced_by_id is None:
            return None, True
        article = Article.objects.filter(pk=article.replaced_by_id).first()
    return None, bool(seen)


def published_by_category():
    """Every published article, grouped by category (in the home page's order), then in reading order."""
    return Article.objects.published().select_related("category").order_by(
        "category__position", "category__name", "category_id", "position", "title"
    )
