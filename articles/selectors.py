"""Reads that several pages share, so each page's queries stay fixed and few."""

from django.db.models import Count, Q

from .models import Article, Category, HelpLink


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


def published_by_category():
    """Every published article, grouped by category (in the home page's order), then in reading order."""
    return Article.objects.published().select_related("category").order_by(
        "category__position", "category__name", "category_id", "position", "title"
    )
