"""Reads that several pages share, so each page's queries stay fixed and few."""

from django.db.models import Count, Q

from .models import Article, Category, HelpLink
from .search import article_search


def categories_with_counts():
    """Categories that have published articles, in order, each with its `article_count`."""
    return Category.objects.annotate(
        article_count=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED))
    ).filter(article_count__gt=0)


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
