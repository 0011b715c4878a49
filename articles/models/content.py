"""
Categories, articles, their sections and help links.

Article Markdown is rendered once, in save(), into `body_html` and into
`Section` rows (one per ##/### heading); pages and search only read those.
Which articles a visitor may see is decided in one place:
`published_condition()`, used by `Article.objects.published()` and
`visible_to(user)` and by every count of published articles. It reads the clock,
so an article scheduled with a future `publish_at` appears by itself when that
time comes, with no job to run.

Every save is kept as a version (django-simple-history's `HistoricalArticle`).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalRecords

from ..addresses import slug_path
from ..article_parts import PagePartsField, render_parts
from ..markdown import render_markdown
from ..page_cache import content_changed
from ..search.controls import MAX_BOOST, MIN_BOOST
from ..search.indexing import index_article, unindex_article
from .links import article_links_replace

BOOST_RANGE = f"The search boost must be a whole number from {MIN_BOOST} to +{MAX_BOOST} (0: no boost)."


def validate_article_markdown(value: str) -> None:
    """The body must render: refuses what the renderer refuses (such as over-deep nesting)."""
    render_markdown(value)


class PageContentQuerySet(models.QuerySet):
    """
    Bulk writes to what public pages show forget the cached pages too, like
    save() and delete() do (bulk writes skip those).
    """

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        content_changed()
        return rows

    def delete(self):
        result = super().delete()
        content_changed()
        return result

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        content_changed()
        return created

    def bulk_update(self, objs, *args, **kwargs):
        rows = super().bulk_update(objs, *args, **kwargs)
        content_changed()
        return rows


class Category(models.Model):
    name = models.CharField("name", max_length=100, unique=True)
    slug = models.SlugField("slug", max_length=100, unique=True)
    description = models.TextField("description", blank=True)
    position = models.PositiveIntegerField(
        "position", default=0, help_text="Lower numbers are listed first on the home page."
    )

    objects = PageContentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "category"
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        content_changed()

    def get_absolute_url(self):
        return slug_path("articles:category", self.slug)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        content_changed()
        return result


def published_condition(prefix: str = "") -> Q:
    """
    The one rule for what customers see: published, with no publish date or
    one already reached. `prefix` applies it across a relation ("articles__").
    The same rule as SQL, for plain-SQL reads: `published_sql()` (published.py).
    """
    now = timezone.now()
    return Q(**{f"{prefix}status": Article.Status.PUBLISHED}) & (
        Q(**{f"{prefix}publish_at__isnull": True}) | Q(**{f"{prefix}publish_at__lte": now})
    )


def can_preview_articles(user) -> bool:
    """Staff who may read articles in the admin (editors, support agents) also see unpublished ones."""
    return bool(
        user is not None
        and user.is_active
        and user.is_staff
        and (user.has_perm("articles.view_article") or user.has_perm("articles.change_article"))
    )


class ArticleQuerySet(PageContentQuerySet):
    def published(self):
        """What customers see right now (see published_condition())."""
        return self.filter(published_condition())

    def scheduled(self):
        """Approved articles whose publish date has not come yet."""
        # The complement of published_condition() among approved articles, answered by the
        # (status, publish_at) index (most articles have no publish date).
        return self.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())

    def visible_to(self, user):
        """Everything staff may preview, or only published articles for everyone else."""
        if can_preview_articles(user):
            return self.all()
        return self.published()

    def delete(self):
        """Bulk deletes (such as the admin's) leave the search index too."""
        with transaction.atomic():
            for article_id in self.values_list("pk", flat=True):
                unindex_article(article_id)
            return super().delete()

    def promoted(self):
        """Articles promoted to the home page (few among many: found through their index)."""
        # Not promoted=True: on SQLite that compiles to the bare column, which no index answers,
        # and the query then reads every published article.
        return self.filter(promoted__in=[True])

    def listed(self):
        """Published articles in reading order, with what their links need."""
        return self.published().select_related("category").order_by("category__position", "position", "title")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField("title", max_length=200)
    slug = models.SlugField("slug", max_length=200, unique=True, help_text="The article's address: /articles/<slug>/.")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles", verbose_name="category")
    summary = models.CharField(
        "summary", max_length=300, blank=True, help_text="One sentence shown in lists and search results."
    )
    body = MarkdownxField(
        "body",
        blank=True,
        help_text="Markdown. Use ## and ### headings for sections: each gets a link and a table-of-contents entry. "
        "Link to another article by its slug: [text](article:its-slug) or [text](article:its-slug#section).",
        validators=[validate_article_markdown],
    )
    body_html = models.TextField("rendered body", blank=True, editable=False)
    status = models.CharField(
        "status",
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published articles are visible to customers and found by search.",
    )
    promoted = models.BooleanField("promoted", default=False, help_text="Featured on the home page.")
    position = models.PositiveIntegerField(
        "position", default=0, help_text="Lower numbers are listed first within the category."
    )
    search_boost = models.SmallIntegerField(
        "search boost",
        default=0,
        validators=[MinValueValidator(MIN_BOOST, BOOST_RANGE), MaxValueValidator(MAX_BOOST, BOOST_RANGE)],
        help_text=f"From {MIN_BOOST} to +{MAX_BOOST}; 0 leaves the ranking alone. A positive boost moves this article "
        "up among the results it already appears in, a negative one down (each step is 5% of its score). "
        "It never makes the article appear for a search it does not match.",
    )
    tags = models.CharField(
        "tags",
        max_length=255,
        blank=True,
        help_text="Comma-separated words customers might search for, e.g. “login, password”.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)
    # Editorial workflow (see docs/editorial-workflow.md).
    publish_at = models.DateTimeField(
        "publish at",
        null=True,
        blank=True,
        db_index=True,
        help_text="Leave empty to publish on approval. A later date and time keeps an approved article "
        "hidden from customers and search until then.",
    )
    review_by = models.DateField(
        "review by",
        null=True,
        blank=True,
        db_index=True,
        help_text="When this article should next be checked for accuracy. Listed under “Articles due for review”.",
    )
    last_reviewed_at = models.DateTimeField(
        "last reviewed",
        null=True,
        blank=True,
        help_text="Set when the article is approved or marked as reviewed; shown on the public page.",
    )
    submitted_at = models.DateTimeField("submitted for review", null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="submitted by",
    )
    approved_at = models.DateTimeField("approved", null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="approved by",
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name="replaced by",
        help_text="For an archived article: its address sends readers to this article instead of "
        "answering “no longer available”.",
    )
    version = models.PositiveIntegerField(
        "version", default=0, editable=False, help_text="Counts saves; a form saved from an older version is refused."
    )
    # The parts of its page that depend on the article alone, rendered on save (article_parts.py).
    page_parts = PagePartsField("stored page parts", default=dict, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_html", "page_parts"])

    class Meta:
        ordering = ["category__position", "position", "title"]
        verbose_name = "article"
        verbose_name_plural = "articles"
        indexes = [
            # A category's published articles in reading order (the category page, an article's
            # "More in" list, their count): read from the index alone, never from the articles'
            # long rows, whatever the size of the category.
            models.Index(
                fields=["category", "status", "position", "title", "publish_at"], name="article_category_order"
            ),
            # The home page's few promoted articles, found without reading every article.
            models.Index(fields=["promoted", "status"], name="article_promoted"),
            # Approved articles waiting for their publish date (scheduled()): asked by every
            # search and every page stored in the cache. On the status index alone, a site
            # whose articles are all published would read every article's row each time.
            models.Index(fields=["status", "publish_at"], name="article_scheduled"),
        ]
        permissions = [
            ("publish_article", "Can approve and publish articles"),
            ("review_article", "Can review articles"),
            ("purge_article", "Can delete articles permanently"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:200]
        self.tag_list = self.tag_list  # normalise spacing and duplicates
        rendered = render_markdown(self.body)
        self.body_html = rendered.html
        with transaction.atomic():
            old_slug = None
            stored = Article.objects.filter(pk=self.pk).values_list("slug", "version").first() if self.pk else None
            if stored:
                old_slug = stored[0]
                # The stored version leaves the index (and the vocabulary counts) first.
                unindex_article(self.pk)
            # Counted from the stored row, so a stale copy in memory cannot reuse a number.
            self.version = (stored[1] if stored else 0) + 1
            super().save(*args, **kwargs)
            # Rendered once saved: the page's header shows the time of this save (updated_at).
            self.page_parts = render_parts(self, rendered.sections)
            type(self)._base_manager.filter(pk=self.pk).update(page_parts=self.page_parts)
            self._store_sections(rendered.sections)
            article_links_replace(article=self, links=rendered.links)
            index_article(self)
            # A live article's address always wins over an old one that redirected elsewhere.
            ArticleRedirect.objects.filter(old_slug=self.slug).delete()
            if old_slug and old_slug != self.slug:
                ArticleRedirect.objects.create(old_slug=old_slug, article=self)
            content_changed()

    def get_absolute_url(self):
        return slug_path("articles:article", self.slug)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            unindex_article(self.pk)
            result = super().delete(*args, **kwargs)
            content_changed()
            return result

    def clean(self):
        super().clean()
        if self.status == self.Status.PUBLISHED and not self.body.strip():
            raise ValidationError(
                {"body": "A published article cannot have an empty body: customers would see a blank page."}
            )
        replacement = self.replaced_by
        seen = {self.pk}
        while replacement is not None:
            if replacement.pk in seen:
                raise ValidationError({"replaced_by": "Choose another article: this one leads back here."})
            seen.add(replacement.pk)
            replacement = replacement.replaced_by

    @property
    def is_published(self) -> bool:
        """Approved for customers (the search index holds it), even if its publish date is still ahead."""
        return self.status == self.Status.PUBLISHED

    @property
    def is_live(self) -> bool:
        """Seen by customers right now: the same rule as published_condition()."""
        return self.is_published and (self.publish_at is None or self.publish_at <= timezone.now())

    @property
    def is_scheduled(self) -> bool:
        return self.is_published and not self.is_live

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    @tag_list.setter
    def tag_list(self, values):
        seen: list[str] = []
        for value in values:
            value = str(value).strip()
            if value and value.lower() not in (s.lower() for s in seen):
                seen.append(value)
        self.tags = ", ".join(seen)

    def _store_sections(self, sections):
        self.sections.all().delete()
        Section.objects.bulk_create(
            Section(
                article=self,
                position=position,
                level=section.level,
                title=section.title,
                anchor=section.anchor,
                text=section.text,
            )
            for position, section in enumerate(sections)
        )


class ArticleRedirect(models.Model):
    """An article's former slug, so links to its old address keep working."""

    old_slug = models.SlugField("old slug", max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects", verbose_name="article")
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]
        verbose_name = "old address"
        verbose_name_plural = "old addresses"

    def __str__(self):
        return f"/articles/{self.old_slug}/ → {self.article.slug}"


class Section(models.Model):
    """A part of an article's body, derived from its headings on every save."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections", verbose_name="article")
    position = models.PositiveIntegerField("position")
    level = models.PositiveSmallIntegerField("level", help_text="0 for the intro, 2 or 3 for ## and ### headings.")
    title = models.CharField("title", max_length=300, blank=True)
    anchor = models.CharField("anchor", max_length=300, blank=True)
    text = models.TextField("plain text", blank=True)

    class Meta:
        ordering = ["article", "position"]
        verbose_name = "section"
        verbose_name_plural = "sections"
        constraints = [models.UniqueConstraint(fields=["article", "position"], name="unique_section_position")]

    def __str__(self):
        return self.title or f"{self.article} (intro)"

    def get_absolute_url(self):
        url = self.article.get_absolute_url()
        return f"{url}#{self.anchor}" if self.anchor else url


class HelpLinkQuerySet(PageContentQuerySet):
    def site_wide(self):
        return self.filter(article__isnull=True)


def validate_help_url(value: str) -> None:
    """Links shown to customers: web or mail addresses, or a path on this site."""
    if not value.startswith(("https://", "http://", "mailto:", "/")) or value.startswith("//"):
        raise ValidationError("Enter an address starting with https://, http://, mailto: or a path such as /contact/.")


class HelpLink(models.Model):
    """A link to more help: on one article, or site-wide in the “Still need help?” block."""

    label = models.CharField("label", max_length=120)
    url = models.CharField(
        "URL",
        max_length=500,
        help_text="A full address (https://...) or a path on this site (/contact/).",
        validators=[validate_help_url],
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="help_links",
        verbose_name="article",
        help_text="Leave empty for a site-wide link.",
    )
    position = models.PositiveIntegerField("position", default=0)

    objects = HelpLinkQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "help link"
        verbose_name_plural = "help links"

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        content_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        content_changed()
        return result
