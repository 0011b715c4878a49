"""
The admin: where editors write articles and support agents work contact requests.

Article status changes go through `Article.save()`, never `QuerySet.update()`,
because save() keeps the rendered body, the sections and the search index in
step. The Markdown editor previews with the same function that renders public
pages (settings.MARKDOWNX_MARKDOWNIFY_FUNCTION).
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext
from markdownx.admin import MarkdownxModelAdmin

from .admin_links import ArticleBodyWarningsMixin
from .admin_requests import ContactRequestAdmin, OutgoingEmailAdmin  # noqa: F401  (the support queue)
from .analytics import search_report
from .editorial_admin import STATUS_PHRASES, ArticleWorkflowAdminMixin, ReviewDueFilter
from .models import Article, Category, HelpLink, PinnedSearch, SearchLog, SynonymGroup, published_condition


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "published_count"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        # One annotated query for the whole changelist instead of a count per row.
        return (
            super()
            .get_queryset(request)
            .annotate(published_count=Count("articles", filter=published_condition("articles__")))
        )

    @admin.display(description="published articles", ordering="published_count")
    def published_count(self, category):
        return category.published_count


class HelpLinkInline(admin.TabularInline):
    model = HelpLink
    fields = ["label", "url", "position"]
    extra = 1
    verbose_name = "help link"
    verbose_name_plural = "help links on this article"


def _change_status(modeladmin, request, queryset, status, done, already):
    """
    Save each selected object whose status differs, one by one through save(),
    and say how many changed. All or nothing: one transaction for the batch.
    """
    changed = 0
    field_name = queryset.model._meta.get_field("status").verbose_name
    with transaction.atomic():
        for obj in queryset.exclude(status=status):
            obj.status = status
            obj.save()
            modeladmin.log_change(request, obj, [{"changed": {"fields": [field_name.capitalize()]}}])
            changed += 1
    unchanged = queryset.count() - changed
    opts = queryset.model._meta
    if changed:
        modeladmin.message_user(
            request,
            ngettext("%(count)d %(name)s %(done)s.", "%(count)d %(name_plural)s %(done)s.", changed)
            % {"count": changed, "name": opts.verbose_name, "name_plural": opts.verbose_name_plural, "done": done},
            messages.SUCCESS,
        )
    if unchanged:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d %(name)s was already %(already)s.",
                "%(count)d %(name_plural)s were already %(already)s.",
                unchanged,
            )
            % {
                "count": unchanged,
                "name": opts.verbose_name,
                "name_plural": opts.verbose_name_plural,
                "already": already,
            },
            messages.INFO,
        )


@admin.register(Article)
class ArticleAdmin(ArticleBodyWarningsMixin, ArticleWorkflowAdminMixin, MarkdownxModelAdmin):
    list_display = ["title", "category", "workflow_status", "review_due", "working_copy", "promoted", "updated_at"]
    list_filter = ["status", ReviewDueFilter, "category", "promoted"]
    list_select_related = ["category"]
    search_fields = ["title", "slug", "tags", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "updated_at"
    readonly_fields = ["created_at", "updated_at", "section_outline", "pinned_for"]
    inlines = [HelpLinkInline]
    actions = ["submit_for_review", "publish", "unpublish", "archive", "mark_reviewed"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary", "body"]}),
        ("Publishing", {"fields": ["status", "publish_at", "promoted", "position", "tags"]}),
        (
            "Search",
            {
                "fields": ["search_boost", "pinned_for"],
                "description": "How search treats this article (docs/search-controls.md).",
            },
        ),
        (
            "Review",
            {
                "fields": ["review_by", "last_reviewed_at", "submitted_info", "approved_info", "replaced_by"],
                "description": "Workflow steps are the buttons under the form; "
                "“Replaced by” applies once the article is archived.",
            },
        ),
        (
            "Advanced",
            {
                "classes": ["collapse"],
                "fields": ["section_outline", "created_at", "updated_at", "version"],
                "description": "Sections come from the body's ## and ### headings and are updated on every save.",
            },
        ),
    ]

    @admin.display(description="sections")
    def section_outline(self, article):
        if article.pk is None:
            return "-"
        sections = [s for s in article.sections.all() if s.anchor]
        if not sections:
            return "No headings yet."
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> <code>#{}</code></li>',
            ((s.get_absolute_url(), s.title, s.anchor) for s in sections),
        )
        return format_html("<ul>{}</ul>", items)

    @admin.display(description="pinned for")
    def pinned_for(self, article):
        add_url = reverse("admin:articles_pinnedsearch_add")
        if article.pk is None:
            return "Save the article first, then pin it to the searches it should answer first."
        pins = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            ((reverse("admin:articles_pinnedsearch_change", args=[pin.pk]), pin.query) for pin in article.pins.all()),
        )
        add = format_html('<a href="{}?{}">Pin it to a search</a>', add_url, urlencode({"article": article.pk}))
        return format_html("<ul>{}</ul>{}", pins, add) if pins else format_html("Not pinned. {}", add)


class HelpLinkScopeFilter(admin.SimpleListFilter):
    title = "shown"
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("site", "Site-wide"), ("article", "On one article")]

    def queryset(self, request, queryset):
        if self.value() == "site":
            return queryset.filter(article__isnull=True)
        if self.value() == "article":
            return queryset.filter(article__isnull=False)
        return queryset


@admin.register(HelpLink)
class HelpLinkAdmin(admin.ModelAdmin):
    list_display = ["label", "url", "article", "position"]
    list_editable = ["position"]
    list_filter = [HelpLinkScopeFilter]
    list_select_related = ["article"]
    search_fields = ["label", "url"]
    autocomplete_fields = ["article"]
    fields = ["label", "url", "article", "position"]


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    list_display = ["terms"]
    search_fields = ["terms"]


@admin.register(PinnedSearch)
class PinnedSearchAdmin(admin.ModelAdmin):
    """“When someone searches X, show article Y first” (docs/search-controls.md)."""

    list_display = ["query", "article", "position", "shown", "note", "try_it"]
    list_editable = ["position"]
    list_filter = ["article__category"]
    list_select_related = ["article"]
    search_fields = ["query", "article__title", "note"]
    autocomplete_fields = ["article"]
    fields = ["query", "article", "position", "note"]

    @admin.display(description="shown to customers", boolean=True)
    def shown(self, pin):
        return pin.article.is_live

    @admin.display(description="search")
    def try_it(self, pin):
        return format_html('<a href="{}?{}">Try it</a>', reverse("articles:search"), urlencode({"q": pin.query}))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not obj.article.is_live:
            state = "scheduled" if obj.article.is_scheduled else STATUS_PHRASES[obj.article.status]
            self.message_user(
                request,
                f"“{obj.article}” is {state}: the pin is kept, but search shows it only once the article is live.",
                messages.WARNING,
            )


@admin.register(SearchLog)
class SearchLogAdmin(admin.ModelAdmin):
    """Search analytics: a report over a chosen period instead of a list of rows."""

    PERIODS = {1: "Last 24 hours", 7: "Last 7 days", 30: "Last 30 days", 90: "Last 90 days"}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            days = int(request.GET.get("days", 30))
        except ValueError:
            days = 30
        days = days if days in self.PERIODS else 30
        report = search_report(since=timezone.now() - timedelta(days=days))
        draft_url = reverse("admin:articles_article_add")
        for row in report.zero_results + report.unclicked:
            row["draft_url"] = f"{draft_url}?{urlencode({'title': row['query'].capitalize()})}"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Search analytics",
            "report": report,
            "days": days,
            "periods": self.PERIODS.items(),
            "can_add_article": request.user.has_perm("articles.add_article"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/searchlog/report.html", context)


# Support analytics and article feedback (registered on import).
from . import support_admin  # noqa: E402, F401
