"""
The admin's support analytics: a dashboard over a chosen period (in place of
the view counts' list), and the feedback votes with their reasons and comments.
Registered from admin.py.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse

from .charts import daily_bar_chart, ratio_bar
from .dashboard import support_report
from .models import ArticleFeedback, ArticleViewCount

PERIODS = {1: "Last 24 hours", 7: "Last 7 days", 30: "Last 30 days", 90: "Last 90 days"}


def duration_text(value: timedelta | None) -> str:
    """1 h 48 min, 3 min, 2 d 4 h: what an agent reads at a glance."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, hours, minutes = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


@admin.register(ArticleViewCount)
class SupportAnalyticsAdmin(admin.ModelAdmin):
    """Support analytics: a report over a chosen period instead of a list of rows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            days = int(request.GET.get("days", 7))
        except ValueError:
            days = 7
        days = days if days in PERIODS else 7
        report = support_report(days=days)
        draft_url = reverse("admin:articles_article_add")
        gaps = [
            {"gap": gap, "draft_url": f"{draft_url}?{urlencode({'title': gap.query.capitalize()})}"}
            for gap in report.gaps
        ]
        articles = [
            {"row": row, "ratio_bar": ratio_bar(row.helpful, row.votes, label="Helpful votes")}
            for row in report.articles
        ]
        charts = {
            "views": daily_bar_chart(report.daily["views"], label="Article views"),
            "searches": daily_bar_chart(report.daily["searches"], label="Searches"),
            "contacts": daily_bar_chart(report.daily["contacts"], label="Contact requests"),
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Support analytics",
            "report": report,
            "articles": articles,
            "gaps": gaps,
            "charts": charts,
            "median_to_first_work": duration_text(report.median_to_first_work),
            "days": days,
            "periods": PERIODS.items(),
            "can_add_article": request.user.has_perm("articles.add_article"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/articleviewcount/dashboard.html", context)


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    """What customers said about articles; read-only, since it is theirs."""

    list_display = ["updated_at", "article", "section_anchor", "helpful", "reason", "comment"]
    list_filter = ["helpful", "reason", "updated_at"]
    list_select_related = ["article"]
    search_fields = ["article__title", "section_anchor", "comment"]
    date_hierarchy = "updated_at"
    fields = ["article", "section_anchor", "helpful", "reason", "comment", "created_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
