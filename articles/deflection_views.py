"""The contact form's suggested articles: as JSON while the customer types, and the link that records an open."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .deflection import contact_suggestions, suggestion_links, suggestion_opened_record, suggestions_shown_record
from .models import Article
from .ratelimit import client_ip, rate_limit_hit


@never_cache
@require_GET
def contact_suggestions_json(request):
    """
    Up to five articles for ?subject=&message=, each linking (through the
    recording redirect) to its best section: {"results": [{"title", "url",
    "section_title", "category"}]}. Used by contact-suggestions.js.
    """
    verdict = rate_limit_hit("search_ip", client_ip(request))
    if not verdict.allowed:
        response = JsonResponse({"error": "Too many requests: suggestions paused for a moment."}, status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    results = contact_suggestions(
        subject=request.GET.get("subject", "")[:200], message=request.GET.get("message", "")[:1000]
    )
    if results:
        suggestions_shown_record(request.session)
    return JsonResponse({"results": suggestion_links(results)})


@require_GET
def contact_suggestion_open(request, slug):
    """A suggestion opened from the contact form: record it in the visit, then go to the article (and section)."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    suggestion_opened_record(request.session, article=article)
    url = article.get_absolute_url()
    anchor = request.GET.get("section", "")
    if anchor and article.sections.filter(anchor=anchor).exists():
        url += f"#{anchor}"
    return redirect(url)
