"""
What the help center tells search engines, feed readers and documentation tools:
structured data (JSON-LD) for pages, the plain Markdown copy of an article, and
the /llms.txt index of published articles.
"""

from itertools import groupby

from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .addresses import fixed_path, slug_path
from .models import Article, Category

SITE_NAME = "Help Center"
SITE_DESCRIPTION = "Answers to common questions, troubleshooting guides and a way to reach support."


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def published_on(article: Article):
    """When customers first could read the article: its scheduled date, its approval, or its creation."""
    return article.publish_at or article.approved_at or article.created_at


def open_graph(
    request: HttpRequest, *, title: str, description: str, path: str, kind: str = "website", article=None
) -> SafeString:
    """
    The page's canonical address and its Open Graph tags; an article's adds its
    dates and section. Built here rather than in a template: they are data, and
    the article page renders them each time the page cache does not have it.
    """
    url = escape(absolute(request, path))
    properties = [("og:site_name", SITE_NAME), ("og:type", kind), ("og:title", title), ("og:description", description)]
    if article is not None:
        properties += [
            ("article:published_time", timezone.localtime(published_on(article)).isoformat()),
            ("article:modified_time", timezone.localtime(article.updated_at).isoformat()),
            ("article:section", article.category.name),
        ]
    tags = [f'<link rel="canonical" href="{url}">', f'<meta property="og:url" content="{url}">']
    tags += [f'<meta property="{name}" content="{escape(value)}">' for name, value in properties]
    tags.append('<meta name="twitter:card" content="summary">')
    return mark_safe("\n  ".join(tags))


def breadcrumb_list(request: HttpRequest, trail: list[tuple[str, str]]) -> dict:
    """schema.org BreadcrumbList for [(name, path), ...], home first."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute(request, path)}
            for position, (name, path) in enumerate(trail, 1)
        ],
    }


def _trail(category: Category, article: Article | None = None) -> list[tuple[str, str]]:
    trail = [("Home", fixed_path("articles:home")), (category.name, category.get_absolute_url())]
    if article is not None:
        trail.append((article.title, article.get_absolute_url()))
    return trail


def article_structured_data(request: HttpRequest, article: Article) -> dict:
    """An Article (with its dates) and its BreadcrumbList, as one JSON-LD graph."""
    url = absolute(request, article.get_absolute_url())
    home = absolute(request, fixed_path("articles:home"))
    data = {
        "@type": "Article",
        "@id": url + "#article",
        "headline": article.title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": published_on(article).isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "articleSection": article.category.name,
        "inLanguage": "en",
        "publisher": {"@type": "Organization", "name": SITE_NAME, "url": home},
    }
    if article.summary:
        data["description"] = article.summary
    if article.tag_list:
        data["keywords"] = article.tag_list
    breadcrumbs = breadcrumb_list(request, _trail(article.category, article))
    return {"@context": "https://schema.org", "@graph": [data, breadcrumbs]}


def category_structured_data(request: HttpRequest, category: Category) -> dict:
    return {"@context": "https://schema.org", **breadcrumb_list(request, _trail(category))}


def article_markdown(article: Article) -> str:
    """The published Markdown of an article, under its title (and summary), as served at /articles/<slug>.md."""
    parts = [f"# {article.title}"]
    if article.summary:
        parts.append(article.summary)
    parts.append(article.body.strip())
    return "\n\n".join(part for part in parts if part) + "\n"


def markdown_url(article: Article) -> str:
    return slug_path("articles:article_markdown", article.slug)


def llms_txt(request: HttpRequest, articles) -> str:
    """
    The llms.txt index (https://llmstxt.org/): the site, then each category's
    published articles with a link to their Markdown copy and their summary.
    """
    lines = [
        f"# {SITE_NAME}",
        "",
        f"> {SITE_DESCRIPTION}",
        "",
        "Each article below links to its plain Markdown copy. "
        f"When an answer is missing, people can reach support at {absolute(request, fixed_path('articles:contact'))}.",
    ]
    for category, items in groupby(articles, key=lambda article: article.category):
        lines += ["", f"## {category.name}", ""]
        for article in items:
            title = article.title.replace("[", "\\[").replace("]", "\\]")
            entry = f"- [{title}]({absolute(request, markdown_url(article))})"
            lines.append(f"{entry}: {article.summary}" if article.summary else entry)
    return "\n".join(lines) + "\n"
