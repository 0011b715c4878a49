"""Public pages of the help center, the JSON search API and the health check."""

from functools import wraps

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import deflection, selectors, seo
from .analytics import search_click_record, search_click_record_by_id, search_log_create
from .article_parts import stored_parts
from .feedback import recorded_vote
from .forms import ContactForm
from .guards import search_guard
from .health import health_checks
from .markdown import render_markdown
from .models import Article, Category, can_preview_articles
from .page_cache import cached_article_search, cached_public_page, cached_search_page
from .page_frames import render_framed
from .ratelimit import client_ip
from .search import MAX_LIMIT
from .search.semantic import meaning_status
from .services import contact_request_create
from .uploads import image_upload_store
from .visits import visit_article_set, visit_context

RESULTS_PER_PAGE = 10
# A large category is read a page at a time: its page stays small to send and to cache.
CATEGORY_PAGE_SIZE = 50


@cached_public_page(early=True)
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


@cached_public_page(params=("page",), strict=True, early=True)
def category_detail(request, slug):
    """One category and its published articles, in order, CATEGORY_PAGE_SIZE to a page (?page=)."""
    category = get_object_or_404(Category, slug=slug)
    page = Paginator(selectors.category_articles(category), CATEGORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/category.html",
        {
            "category": category,
            "articles": list(page.object_list),
            "site_links": selectors.site_help_links(),
            "page_number": page.number,
            "page_count": page.paginator.num_pages,
            "previous_page": page.previous_page_number() if page.has_previous() else None,
            "next_page": page.next_page_number() if page.has_next() else None,
        },
    )


@cached_public_page(early=True)
def article_detail(request, slug):
    """
    One article with its table of contents, help links, related articles and
    the “still need help?” block. Staff who may edit articles also see drafts
    and archived articles, marked as such and never cached.
    """
    preview = can_preview_articles(request.user)
    if preview:
        queryset = Article.objects.visible_to(request.user).select_related("category")
        # The page shows the stored HTML, never the Markdown it was made from.
        article = queryset.filter(slug=slug).defer("body").first()
    else:
        article = selectors.public_article(slug)
    if article is None:
        if preview:
            # A renamed article: send its old address to the new one, permanently.
            moved = get_object_or_404(queryset, redirects__old_slug=slug)
            return redirect(moved, permanent=True)
        return article_gone_or_moved(request, slug)
    # A voter sees their own answer in the forms, rendered for them; everyone else the stored parts.
    parts = None if any(recorded_vote(request).values()) else stored_parts(article, request)
    response = render_framed(request, "articles/article.html", selectors.article_page(article, parts=parts))
    if not article.is_live:
        add_never_cache_headers(response)
    return response


def article_gone_or_moved(request, slug):
    """
    An address with no live article: 301 to where it moved (a new slug or the
    replacement an editor chose), 410 with a search box and the "still need
    help?" block for an archived article, or 404.
    """
    successor, gone = selectors.article_successor(slug)
    if successor is not None:
        return redirect(successor, permanent=True)
    if not gone:
        raise Http404("No such article")
    context = {"query": "", "site_links": selectors.site_help_links()}
    return render(request, "errors/410.html", context, status=410)


def _positive_int(value, default):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def _noting_search_in_visit(view_func):
    """
    Note a submitted search (its first page) in the customer's visit, for the
    context of a later contact request. Done outside the page cache, so a page
    served from the cache is noted too and a page stored there holds no session
    (nor the cookie a visitor without a session keeps their searches in).
    """

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        response = view_func(request, *args, **kwargs)
        query = request.GET.get("q", "")
        if response.status_code == 200 and query.strip() and _positive_int(request.GET.get("page"), 1) == 1:
            deflection.search_record(request, response, query=query)
        return response

    return wrapper


@search_guard(api=False)
@_noting_search_in_visit
@cached_search_page(log_search=search_log_create)
def search(request):
    """Search results for ?q= (with ?category= and ?page=), or a helpful page when empty."""
    query = request.GET.get("q", "")
    category_slug = request.GET.get("category", "")
    page_number = _positive_int(request.GET.get("page"), 1)
    categories = selectors.categories_with_counts()
    context = {"query": query, "category_slug": category_slug, "categories": categories}
    if query.strip():
        page = cached_article_search(
            query,
            category=category_slug or None,
            limit=RESULTS_PER_PAGE,
            offset=(page_number - 1) * RESULTS_PER_PAGE,
        )
        page_count = max(1, -(-page.total // RESULTS_PER_PAGE))
        # Log the submitted search once, not again for each further page of it. Articles
        # offered only by meaning count as no result: the query still shows a content gap.
        result_count = 0 if page.by_meaning else page.total
        log = search_log_create(query=query, result_count=result_count) if page_number == 1 else None
        request.search_log = log  # the page cache logs each search served from it the same way
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


def _open_result(request, slug, record):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    record(article)
    anchor = request.GET.get("section", "")
    url = article.get_absolute_url()
    if anchor and article.sections.filter(anchor=anchor).exists():
        url += f"#{anchor}"
    return redirect(url)


@require_GET
def search_open(request, token, slug):
    """A result opened from the search page: note the click, then go to the article (and section)."""
    return _open_result(request, slug, lambda article: search_click_record(token=token, article=article))


@require_GET
def search_open_by_id(request, log_id, slug):
    """The same, for a link made before searches carried a token."""
    return _open_result(request, slug, lambda article: search_click_record_by_id(log_id=log_id, article=article))


@require_GET
@search_guard(api=True)
@cached_public_page(params=("q", "limit", "category", "prefix"), seconds_setting="KB_SEARCH_CACHE_SECONDS")
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
    page = cached_article_search(query, category=category, limit=limit, prefix=request.GET.get("prefix") == "1")
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
    return JsonResponse(
        {"query": page.query, "count": len(results), "results": results, "by_meaning": page.by_meaning}
    )


CONTACT_REFERENCE_SESSION_KEY = "contact_reference"


def contact(request):
    """
    The “still need help?” form; ?article=<slug> says which article the customer
    read. Without JavaScript, the first submit shows articles that may answer
    it, with a button that sends the request anyway. A valid request is stored
    with the visit's context (its emails go out after the commit) and the
    customer is sent to the thank-you page, which shows its reference. A filled
    honeypot gets the same thank-you page, and nothing is stored.
    """
    status = 200
    suggestions = []
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid() and form.is_bot():
            return redirect("articles:contact_thanks")
        if form.is_valid():
            data = form.cleaned_data
            suggestions = deflection.suggestions_before_sending(
                request.session,
                subject=data["subject"],
                message=data["message"],
                seen=request.POST.get("suggestions_seen") == "1",
            )
        if form.is_valid() and not suggestions:
            if form.allowed_by_rate_limits(client_ip=client_ip(request)):
                contact_request = contact_request_create(
                    name=data["name"],
                    email=data["email"],
                    subject=data["subject"],
                    message=data["message"],
                    article=data["article"],
                    context=visit_context(request.session),
                )
                deflection.request_sent_record(request.session, article=data["article"])
                request.session[CONTACT_REFERENCE_SESSION_KEY] = contact_request.reference
                return redirect("articles:contact_thanks")
            status = 429
    else:
        form = ContactForm(initial={"article": request.GET.get("article", "")})
    slug = form["article"].value()
    article = Article.objects.published().filter(slug=slug).first() if isinstance(slug, str) and slug else None
    if article and request.method == "GET":
        visit_article_set(request.session, slug=article.slug)
    context = {"form": form, "article": article, "suggestions": suggestions}
    return render(request, "articles/contact.html", context, status=status)


def contact_thanks(request):
    """Confirmation after a contact request was stored, with the reference to quote."""
    return render(
        request, "articles/contact_thanks.html", {"reference": request.session.get(CONTACT_REFERENCE_SESSION_KEY)}
    )


@staff_member_required
@require_POST
def markdown_preview(request):
    """The admin editor's live preview: the same render and sanitize as the public page."""
    try:
        return HttpResponse(render_markdown(request.POST.get("content", "")).html)
    except ValidationError as error:
        # What saving would refuse is shown in the preview pane instead of failing the request.
        return HttpResponse(format_html('<p class="errornote">{}</p>', " ".join(error.messages)))


@require_POST
def markdown_image_upload(request):
    """
    The Markdown editor's image upload (markdownx posts the file as `image`): answers
    {"image_code": "![](url)"} for the editor to insert, or {"image": [reasons]} with 400.
    Only for staff who may write articles.
    """
    user = request.user
    may_write = user.has_perm("articles.add_article") or user.has_perm("articles.change_article")
    if not (user.is_active and user.is_staff and may_write):
        return JsonResponse({"image": ["You do not have permission to upload images."]}, status=403)
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"image": ["Choose an image to upload."]}, status=400)
    try:
        url = image_upload_store(upload=upload)
    except ValidationError as error:
        return JsonResponse({"image": error.messages}, status=400)
    # The alt text is left for the editor to write; saving the article reminds them.
    return JsonResponse({"image_code": f"![]({url})"})


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
    """
    JSON for load balancers and monitors: 200 when the database and the cache
    answer, 503 naming the parts that do not. `search_meaning` says whether search
    has its meaning signal ("ok") or ranks on words alone ("unavailable", or "off"
    by configuration): degraded, never a reason for 503.
    """
    checks = health_checks()
    failing = [part for part, result in checks.items() if result != "ok"]
    body = {"status": "unavailable" if failing else "ok", "failing": failing, "checks": checks}
    body["search_meaning"] = meaning_status()
    return JsonResponse(body, status=503 if failing else 200)


def page_not_found(request, exception):
    """
    404 with a search box, so a dead link still leads somewhere; an unknown article
    address also offers the articles nearest in meaning to the words of its slug.
    """
    match = request.resolver_match
    slug = match.kwargs.get("slug", "") if match and match.view_name == "articles:article" else ""
    related = selectors.articles_related_to(slug.replace("-", " ")) if slug else []
    return render(request, "errors/404.html", {"query": request.GET.get("q", ""), "related": related}, status=404)


def server_error(request):
    """500 without touching the database or the request's context processors."""
    template = loader.get_template("errors/500.html")
    return HttpResponse(template.render({}), status=500)


def article_markdown(request, slug):
    """The published Markdown of one article under its title (text/markdown), for tools and assistants."""
    article = Article.objects.published().filter(slug=slug).first()
    if article is None:
        # Moved or replaced: follow it, as the article page does; archived with no replacement: gone.
        successor, gone = selectors.article_successor(slug)
        if successor is not None:
            return redirect(seo.markdown_url(successor), permanent=True)
        if gone:
            return HttpResponse("This article was archived.\n", status=410, content_type="text/plain; charset=utf-8")
        raise Http404("No such article")
    response = HttpResponse(seo.article_markdown(article), content_type="text/markdown; charset=utf-8")
    response["Link"] = f'<{request.build_absolute_uri(article.get_absolute_url())}>; rel="canonical"'
    return response


def llms_txt(request):
    """/llms.txt: the site and its published articles, each linking to its Markdown copy."""
    text = seo.llms_txt(request, selectors.published_by_category())
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
