"""
Admin for links: warnings as an article is saved, the list of broken links between
articles, and what `manage.py check_links` found.
"""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .links import body_problems
from .models import ArticleLink, BrokenLink, HelpLink, LinkCheck


class ArticleBodyWarningsMixin:
    """
    For the article admin: after a save, warn about broken links to other articles and
    images without alt text in the body that was submitted. Warnings, not errors: an
    editor may link to an article that is about to be published.
    """

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for problem in body_problems(form.cleaned_data.get("body") or ""):
            self.message_user(request, problem, messages.WARNING)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the site writes itself: staff read them, nobody edits them by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BrokenLink)
class BrokenLinkAdmin(ReadOnlyAdmin):
    """Links written in article bodies whose target customers cannot open, as of now."""

    list_display = ["article_link", "link_text", "linked", "problem"]
    list_display_links = None
    list_select_related = ["article"]
    search_fields = ["target", "text", "article__title"]

    def get_queryset(self, request):
        return super().get_queryset(request).broken()

    @admin.display(description="link text", ordering="text")
    def link_text(self, link):
        return link.text or "-"

    @admin.display(description="links to", ordering="target")
    def linked(self, link):
        return f"article:{link.target}" + (f"#{link.anchor}" if link.anchor else "")

    @admin.display(description="in article", ordering="article__title")
    def article_link(self, link):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[link.article_id]), link.article
        )

    @admin.display(description="problem")
    def problem(self, link):
        return link.problem


@admin.register(LinkCheck)
class LinkCheckAdmin(ReadOnlyAdmin):
    """What `manage.py check_links` found, broken addresses first, with where each is used."""

    list_display = ["url", "ok", "outcome", "checked_at", "used_on"]
    list_display_links = None
    list_filter = ["ok", "checked_at"]
    search_fields = ["url", "error"]

    def get_queryset(self, request):
        def count(model, field):
            rows = model.objects.filter(**{field: OuterRef("url")}).order_by().values(field)
            return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0)

        return (
            super()
            .get_queryset(request)
            .annotate(help_link_count=count(HelpLink, "url"), article_count=count(ArticleLink, "target"))
        )

    @admin.display(description="answer")
    def outcome(self, check):
        return check.outcome

    @admin.display(description="used on")
    def used_on(self, check):
        used = []
        if check.help_link_count:
            url = f"{reverse('admin:articles_helplink_changelist')}?{urlencode({'q': check.url})}"
            used.append(format_html('<a href="{}">{} help link(s)</a>', url, check.help_link_count))
        if check.article_count:
            used.append(format_html("{} article body(ies)", check.article_count))
        return format_html_join(" · ", "{}", ((part,) for part in used)) if used else "-"
