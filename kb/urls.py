"""Site URLs: the help center's pages, the admin, the Markdown editor's preview, sitemap."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import SITEMAPS

admin.site.site_header = "Help center administration"
admin.site.site_title = "Help center admin"
admin.site.index_title = "Articles, requests and search"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("markdownx/", include("markdownx.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("articles.urls")),
]

handler404 = "articles.views.page_not_found"
handler500 = "articles.views.server_error"
