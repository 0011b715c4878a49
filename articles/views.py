"""Public pages of the help center, the JSON search API and the health check."""

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import selectors
from .analytics import search_click_record, search_log_create
from .forms import ContactForm
from .markdown import render_markdown
from .models import Article, Category
from .search import MAX_LIMIT, article_search
from .services import contact_request_create

RESULTS_PER_PAGE = 10


def home(request):
    """The home page: search box, categories with article counts, promoted articles."""
    return render(
        request,
        "articles/home.html",
        {
            "categories": selectors.categories_with_counts(),
            "promoted": selectors.promoted_articles(),
            "site_links": selectors.site_help_links(),
        },
    )


def category_detail(request, slug):
    """One category and its published articles, in order."""
    category = get_object_or_404(Category, slug=slug)
    return render(
        request,
        "articles/category.html",
        {
            "category": category,
            "articles": selectors.category_articles(category),
            "site_links": selectors.site_help_links(),
        },
    )


def article_detail(request, slug):
    """
    One article with its table of contents, help links, related articles and
    the “still need help?” block. Staff who may edit articles also see drafts
    and archived articles, marked as such and never cached.
    """
    queryset = Article.objects.visible_to(request.user).select_related("category")
    article = queryset.filter(slug=slug).first()
    if article is None:
        # A renamed article: send its old address to the new one, permanently.
        moved = get_object_or_404(queryset, redirects__old_slug=slug)
        return redirect(moved, permanent=True)
    response = render(
        request,
        "articles/article.html",
        {
            "article": article,
            "toc": [s for s in article.sections.all() if s.level in (2, 3)],
            "help_links": article.help_links.all(),
            "related": selectors.related_articles(article),
            "site_links": selectors.site_help_links(),
        },
    )
    if not article.is_published:
        add_never_cache_headers(response)
    return response


def _positive_int(value, default):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def search(request):
    """Search results for ?q= (with ?category= and ?page=), or a helpful page when empty."""
    query = request.GET.get("q", "")
    category_slug = request.GET.get("category", "")
    page_number = _positive_int(request.GET.get("page"), 1)
    categories = selectors.categories_with_counts()
    context = {"query": query, "category_slug": category_slug, "categories": categories}
    if query.strip():
        page = article_search(
            query,
            category=category_slug or None,
            limit=RESULTS_PER_PAGE,
            offset=(page_number - 1) * RESULTS_PER_PAGE,
        )
        page_count = max(1, -(-page.total // RESULTS_PER_PAGE))
        # Log the submitted search once, not again for each further page of it.
        log = search_log_create(query=query, result_count=page.total) if page_number == 1 else None
        context.update(
            {
                "page": page,
                "search_log": log,
                "page_number": page_number,
                "page_count": page_count,
                "previous_page": page_number - 1 if page_number > 1 else None,
                "next_page": page_number + 1 if page_number < page_count else None,
            }
        )
        if not page.results:
            context["suggestions"] = selectors.popular_articles()
            context["site_links"] = selectors.site_help_links()
    else:
        context["suggestions"] = selectors.popular_articles()
    return render(request, "articles/search.html", context)


@require_GET
def search_open(request, log_id, slug):
    """A result opened from the search page: note the click, then go to the article (and section)."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    search_click_record(log_id=log_id, article=article)
    anchor = request.GET.get("section", "")
    url = article.get_absolute_url()
    if anchor and article.sections.filter(anchor=anchor).exists():
        url += f"#{anchor}"
    return redirect(url)


@require_GET
def api_search(request):
    """
    JSON search (contract 4): the same ranking as the search page. `prefix=1`
    (sent by instant results as the customer types) reads the last word as
    possibly unfinished: "webho" finds webhook articles.
    """
    query = request.GET.get("q", "")
    raw_limit = request.GET.get("limit", "10")
    try:
        limit = int(raw_limit)
    except ValueError:
        return JsonResponse({"error": "limit must be a whole number."}, status=400)
    if not 1 <= limit <= MAX_LIMIT:
        return JsonResponse({"error": f"limit must be between 1 and {MAX_LIMIT}."}, status=400)
    category = request.GET.get("category") or None
    if not query.strip():
        return JsonResponse({"query": query.strip(), "count": 0, "results": []})
    page = article_search(query, category=category, limit=limit, prefix=request.GET.get("prefix") == "1")
    results = [
        {
            "title": r.title,
            "slug": r.slug,
            "url": r.url,
            "category": r.category,
            "section_title": r.section_title,
            "section_anchor": r.section_anchor,
            "snippet": r.snippet_text,
        }
        for r in page.results
    ]
    return JsonResponse({"query": page.query, "count": len(results), "results": results})


def contact(request):
    """The “still need help?” form; ?article=<slug> says which article the customer read."""
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            contact_request_create(
                name=data["name"],
                email=data["email"],
                subject=data["subject"],
                message=data["message"],
                article=data["article"],
            )
            return redirect("articles:contact_thanks")
    else:
        form = ContactForm(initial={"article": request.GET.get("article", "")})
    slug = form["article"].value()
    article = Article.objects.published().filter(slug=slug).first() if slug else None
    return render(request, "articles/contact.html", {"form": form, "article": article})


def contact_thanks(request):
    """Confirmation after a contact request was stored."""
    return render(request, "articles/contact_thanks.html")


@staff_member_required
@require_POST
def markdown_preview(request):
    """The admin editor's live preview: the same render and sanitize as the public page."""
    return HttpResponse(render_markdown(request.POST.get("content", "")).html)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /api/",
        "Disallow: /contact/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def page_not_found(request, exception):
    """404 with a search box, so a dead link still leads somewhere."""
    return render(request, "errors/404.html", {"query": request.GET.get("q", "")}, status=404)


def server_error(request):
    """500 without touching the database or the request's context processors."""
    template = loader.get_template("errors/500.html")
    return HttpResponse(template.render({}), status=500)


