"""
Reads that several pages share, so each page's queries stay fixed and few.

They return lists, evaluated here once, not querysets that a template would run
(and compile) where it first tests them. Lists of articles leave out the
articles' text, which a link to them does not need. What every page shows
whatever its own content (the categories, the site's help links) is kept in
the process until the content changes (`content_memo()`).
"""

from django.db.models import Count

from . import page_reads
from .models import Article, Category, HelpLink, published_condition
from .page_cache import content_memo
from .page_reads import TEXT_FIELDS, table_of_contents
from .search import article_search


def _categories_with_counts() -> list[Category]:
    counted = Category.objects.annotate(article_count=Count("articles", filter=published_condition("articles__")))
    return list(counted.filter(article_count__gt=0))


def categories_with_counts() -> list[Category]:
    """Categories that have published articles, in order, each with its `article_count`."""
    return content_memo("categories_with_counts", _categories_with_counts)


def promoted_articles(limit: int = 6) -> list[Article]:
    return list(Article.objects.listed().promoted().defer(*TEXT_FIELDS)[:limit])


def category_articles(category):
    """The category's published articles in reading order (a queryset: the category page reads it a page at a time)."""
    return Article.objects.published().filter(category=category).order_by("position", "title").defer(*TEXT_FIELDS)


def public_article(slug: str) -> Article | None:
    """The published article at this address, with its category (page_reads.py)."""
    # A published article's category is among those the process keeps (unless it changed just now).
    return page_reads.public_article(slug, categories_with_counts())


RELATED_COUNT = 5


def related_articles(article) -> list[Article]:
    """
    Other published articles in the same category, in reading order
    (`category_articles()`), to link to: the category's first few, the same for
    all its articles, so kept in the process until the content changes.
    """
    firsts = content_memo("category_first_articles", dict)
    found = firsts.get(article.category_id)
    if found is None:
        found = firsts[article.category_id] = page_reads.category_first(article.category_id, RELATED_COUNT + 1)
    return [other for other in found if other.pk != article.pk][:RELATED_COUNT]


def _help_links_by_article() -> dict[int | None, list[HelpLink]]:
    """Every help link, in order, by the article it belongs to (None: site-wide); one query per content version."""
    links: dict[int | None, list[HelpLink]] = {}
    for link in HelpLink.objects.all():
        links.setdefault(link.article_id, []).append(link)
    return links


def site_help_links() -> list[HelpLink]:
    return content_memo("help_links", _help_links_by_article).get(None, [])


def article_help_links(article) -> list[HelpLink]:
    """The article's own help links (an editor adds a few to an article, not thousands)."""
    return content_memo("help_links", _help_links_by_article).get(article.pk, [])


def popular_articles(limit: int = 5) -> list[Article]:
    """Articles to offer when a search finds nothing: promoted first, then the rest in order."""
    return list(
        Article.objects.listed().order_by("-promoted", "category__position", "position").defer(*TEXT_FIELDS)[:limit]
    )


def articles_related_to(text: str, limit: int = 5):
    """
    Published articles for a few words that are not a query (such as the words of
    a missing article's slug): the search's ranking, whose meaning signal finds
    articles near them even when no word matches; typos are corrected first.
    """
    ids = [result.article_id for result in article_search(text, limit=limit).results]
    articles = Article.objects.listed().in_bulk(ids)
    return [articles[pk] for pk in ids if pk in articles]


def article_page(article, *, parts=None) -> dict:
    """
    What the article page shows besides the article: the same for customers and
    for staff previews. With the article's stored `parts` (article_parts.py), its
    table of contents is not read: it is in them.
    """
    return {
        "article": article,
        "parts": parts,
        "toc": [] if parts else table_of_contents(article),
        "help_links": article_help_links(article),
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
    return (
        Article.objects.published()
        .select_related("category")
        .order_by("category__position", "category__name", "category_id", "position", "title")
    )
