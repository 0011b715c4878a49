from django.urls import path, register_converter

from . import deflection_views, feedback_views, views
from .feeds import ArticlesFeed


class SearchTokenConverter:
    """A search's token (articles/analytics_batches.py): 20 hex digits, never taken for a row id."""

    regex = "[0-9a-f]{20}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SearchTokenConverter, "search_token")

app_name = "articles"

urlpatterns = [
    # The most visited first, home, article and category pages (see kb/urls.py).
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("search/", views.search, name="search"),
    path("search/open/<search_token:token>/<slug:slug>/", views.search_open, name="search_open"),
    # Result links made before searches carried a token.
    path("search/open/<int:log_id>/<slug:slug>/", views.search_open_by_id, name="search_open_by_id"),
    path("api/search/", views.api_search, name="api_search"),
    path("articles/<slug:slug>/feedback/", feedback_views.article_feedback, name="feedback"),
    path("articles/<slug:slug>.md", views.article_markdown, name="article_markdown"),
    path("feed.atom", ArticlesFeed(), name="feed"),
    path("llms.txt", views.llms_txt, name="llms_txt"),
    path("contact/", views.contact, name="contact"),
    path("contact/thanks/", views.contact_thanks, name="contact_thanks"),
    path("contact/suggestions/", deflection_views.contact_suggestions_json, name="contact_suggestions"),
    path("contact/suggestion/<slug:slug>/", deflection_views.contact_suggestion_open, name="contact_suggestion"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
]
