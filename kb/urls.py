"""Site URLs: the help center's pages, the admin, the Markdown editor's preview, sitemap."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import SITEMAPS
from articles.views import markdown_preview

admin.site.site_header = "Help center administration"
admin.site.site_title = "Help center admin"
admin.site.index_title = "Articles, requests and search"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Only the editor's live preview, for staff; markdownx's upload view is not mounted.
    path("markdownx/markdownify/", markdown_preview, name="markdownx_markdownify"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("articles.urls")),
]

handler404 = "articles.views.page_not_found"
handler500 = "articles.views.server_error"
