"""
Article feedback votes, from plain forms (redirect back to the place on the page)
or from feedback.js (JSON, no reload).

The article page stays the same for every visitor so that it can be cached:
it carries no CSRF token and no “you voted” state. Votes are therefore
protected from cross-site posting by checking where the request comes from
(the browser's Sec-Fetch-Site, Origin or Referer headers, as Django's CSRF
middleware does before it compares tokens), and the session cookie, which
holds the visitor key, is SameSite=Lax, so another site's form cannot change a
visitor's vote.
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .feedback import FeedbackForm, article_feedback_record
from .models import Article
from .ratelimit import client_ip, rate_limit_hit
from .visits import visit_feedback_add, visitor_key

MESSAGES = {
    ("article", "yes"): "Thanks for your feedback! We're glad this article helped.",
    ("article", "no"): "Thanks for telling us. What went wrong? Your answer helps us improve this article.",
    ("article", "sent"): "Thanks, your feedback has been sent to the team that writes these articles.",
    ("section", "yes"): "Great, glad that fixed it. Thanks for letting us know.",
    ("section", "no"): "Sorry that didn't fix it. Try the other sections, or contact support.",
}


def same_origin(request: HttpRequest) -> bool:
    """Whether a POST comes from a page of this site (not from another site's form or script)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site == "same-origin"
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return False
    parts = urlsplit(source)
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin == f"{request.scheme}://{request.get_host()}" or origin in settings.CSRF_TRUSTED_ORIGINS


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refuse(request, article, message: str, status: int, *, retry_after: int = 0):
    """A clear refusal: JSON for the script, a small page with a way back for plain forms."""
    if _wants_json(request):
        response = JsonResponse({"error": message}, status=status)
    else:
        response = render(
            request, "articles/feedback_refused.html", {"article": article, "message": message}, status=status
        )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _place_url(article: Article, section: str, outcome: str) -> str:
    """Back to the same place on the article, saying what was recorded."""
    if section:
        query, anchor = {"fixed": section, "answer": outcome}, f"feedback--{section}"
    else:
        query, anchor = {"feedback": outcome}, "feedback--article"
    return f"{article.get_absolute_url()}?{urlencode(query)}#{anchor}"


@csrf_exempt  # see the module docstring: same_origin() guards this view instead of a token
@require_POST
def article_feedback(request, slug):
    """Record a vote on an article (or one of its ## sections) and return to where it was given."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not same_origin(request):
        return _refuse(request, article, "Your vote could not be recorded: please vote from the article page.", 403)
    verdict = rate_limit_hit("feedback_ip", client_ip(request))
    if not verdict.allowed:
        minutes = -(-verdict.retry_after // 60)
        message = (
            "You have sent a lot of feedback in a short time, so this vote was not recorded. "
            f"Please try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )
        return _refuse(request, article, message, 429, retry_after=verdict.retry_after)
    form = FeedbackForm(request.POST, article=article)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors.items())
        return _refuse(request, article, f"Your vote could not be recorded ({errors}).", 400)
    data = form.cleaned_data
    helpful = data["vote"] == "yes"
    article_feedback_record(
        article=article,
        visitor_key=visitor_key(request.session),
        helpful=helpful,
        section_anchor=data["section"],
        reason="" if helpful else data["reason"],
        comment="" if helpful else data["comment"],
    )
    visit_feedback_add(request.session, article=article.slug, section=data["section"], vote=data["vote"])
    place = "section" if data["section"] else "article"
    outcome = "sent" if not helpful and not data["section"] and (data["reason"] or data["comment"]) else data["vote"]
    if _wants_json(request):
        return JsonResponse({"vote": data["vote"], "outcome": outcome, "message": MESSAGES[place, outcome]})
    return redirect(_place_url(article, data["section"], outcome))
