from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Category, published_condition


class ArticleSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Article.objects.published().order_by("pk")

    def lastmod(self, article):
        return article.updated_at


class CategorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Category.objects.filter(published_condition("articles__")).distinct()


class StaticSitemap(Sitemap):
    def items(self):
        return ["articles:home", "articles:contact"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"pages": StaticSitemap, "categories": CategorySitemap, "articles": ArticleSitemap}
