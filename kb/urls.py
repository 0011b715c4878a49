"""Site URLs: the help center's pages, the admin, the Markdown editor's preview, sitemap."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles import staff_login
from articles.sitemaps import SITEMAPS
from articles.views import markdown_image_upload, markdown_preview

admin.site.site_header = "Help center administration"
admin.site.site_title = "Help center admin"
admin.site.index_title = "Articles, requests and search"
admin.site.login_form = staff_login.StaffAuthenticationForm

urlpatterns = [
    # The pages customers open most are matched first: the resolver tries each pattern in
    # turn, and the admin's before them cost every page view, a page served from the cache too.
    path("", include("articles.urls")),
    # Password reset for staff, from the admin sign-in page (its template links to admin_password_reset).
    path("admin/password_reset/", staff_login.PasswordResetView.as_view(), name="admin_password_reset"),
    path("admin/password_reset/done/", staff_login.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "admin/reset/<uidb64>/<token>/",
        staff_login.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("admin/reset/done/", staff_login.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("admin/", admin.site.urls),
    # The editor's live preview and image upload, for staff, at the addresses markdownx's script uses;
    # our own views replace markdownx's (same rendering as the public page; uploads checked by content).
    path("markdownx/markdownify/", markdown_preview, name="markdownx_markdownify"),
    path("markdownx/upload/", markdown_image_upload, name="markdownx_upload"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

# Uploaded images in development; in production the web server serves MEDIA_ROOT (see README).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "articles.views.page_not_found"
handler500 = "articles.views.server_error"
