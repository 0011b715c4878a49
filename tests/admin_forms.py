"""Helpers that post the article admin forms as a browser would."""

from django.urls import reverse


def admin_url(model, view, *args):
    return reverse(f"admin:articles_{model}_{view}", args=args)


def article_form_data(article, **changes):
    """The article change form as loaded now (with its version), plus `changes`."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "category": article.category_id,
        "summary": article.summary,
        "body": article.body,
        "publish_at_0": "",
        "publish_at_1": "",
        "promoted": "on" if article.promoted else "",
        "position": str(article.position),
        "search_boost": str(article.search_boost),
        "tags": article.tags,
        "review_by": article.review_by.isoformat() if article.review_by else "",
        "replaced_by": article.replaced_by_id or "",
        "loaded_version": article.version,
        "help_links-TOTAL_FORMS": "0",
        "help_links-INITIAL_FORMS": "0",
        "help_links-MIN_NUM_FORMS": "0",
        "help_links-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    if not data["promoted"]:
        del data["promoted"]
    data.update(changes)
    return data


def new_article_data(category, **changes):
    data = {
        "title": "Reset a forgotten password",
        "slug": "reset-a-forgotten-password",
        "category": category.pk,
        "summary": "Get back into your account.",
        "body": "Start here.\n\n## Request a reset link\nOpen the sign-in page.",
        "publish_at_0": "",
        "publish_at_1": "",
        "position": "0",
        "search_boost": "0",
        "tags": "password",
        "review_by": "",
        "replaced_by": "",
        "help_links-TOTAL_FORMS": "0",
        "help_links-INITIAL_FORMS": "0",
        "help_links-MIN_NUM_FORMS": "0",
        "help_links-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(changes)
    return data


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def form_errors(response):
    """Every error on the admin form, as text."""
    form = response.context["adminform"].form
    return [str(e) for errors in form.errors.values() for e in errors]
