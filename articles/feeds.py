"""The Atom feed of new and updated articles, advertised in every page's head."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Article
from .seo import SITE_NAME

FEED_ITEMS = 50


class ArticlesFeed(Feed):
    """Published articles, most recently updated first."""

    feed_type = Atom1Feed
    title = f"{SITE_NAME}: new and updated articles"
    subtitle = "Troubleshooting guides and answers, as they are published and updated."

    def link(self):
        return reverse("articles:home")

    def items(self):
        return Article.objects.published().select_related("category").order_by("-updated_at", "pk")[:FEED_ITEMS]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary or article.title

    def item_pubdate(self, article):
        return article.created_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_categories(self, article):
        return [article.category.name, *article.tag_list]
