"""
Categories, articles, their sections and help links.

Article Markdown is rendered once, in save(), into `body_html` and into
`Section` rows (one per ##/### heading); pages and search only read those.
Which articles a visitor may see is decided in one place:
`Article.objects.visible_to(user)`.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from ..markdown import render_markdown
from ..search.indexing import index_article, unindex_article


class Category(models.Model):
    name = models.CharField("name", max_length=100, unique=True)
    slug = models.SlugField("slug", max_length=100, unique=True)
    description = models.TextField("description", blank=True)
    position = models.PositiveIntegerField(
        "position", default=0, help_text="Lower numbers are listed first on the home page."
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "category"
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:category", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED)

    def visible_to(self, user):
        """Everything staff may preview, or only published articles for everyone else."""
        if user is not None and user.is_active and user.is_staff and user.has_perm("articles.change_article"):
            return self.all()
        return self.published()

    def delete(self):
        """Bulk deletes (such as the admin's) leave the search index too."""
        with transaction.atomic():
            for article_id in self.values_list("pk", flat=True):
                unindex_article(article_id)
            return super().delete()

    def listed(self):
        """Published articles in reading order, with what their links need."""
        return self.published().select_related("category").order_by("category__position", "position", "title")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField("title", max_length=200)
    slug = models.SlugField(
        "slug", max_length=200, unique=True, help_text="The article's address: /articles/<slug>/."
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name="category"
    )
    summary = models.CharField(
        "summary", max_length=300, blank=True, help_text="One sentence shown in lists and search results."
    )
    body = MarkdownxField(
        "body",
        blank=True,
        help_text="Markdown. Use ## and ### headings for sections: each gets a link and a table-of-contents entry.",
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
    tags = models.CharField(
        "tags",
        max_length=255,
        blank=True,
        help_text="Comma-separated words customers might search for, e.g. “login, password”.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["category__position", "position", "title"]
        verbose_name = "article"
        verbose_name_plural = "articles"

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
            if self.pk:
                old_slug = Article.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
                # The stored version leaves the index (and the vocabulary counts) first.
                unindex_article(self.pk)
            super().save(*args, **kwargs)
            self._store_sections(rendered.sections)
            index_article(self)
            # A live article's address always wins over an old one that redirected elsewhere.
            ArticleRedirect.objects.filter(old_slug=self.slug).delete()
            if old_slug and old_slug != self.slug:
                ArticleRedirect.objects.create(old_slug=old_slug, article=self)

    def get_absolute_url(self):
        return reverse("articles:article", args=[self.slug])

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            unindex_article(self.pk)
            return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

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


class HelpLinkQuerySet(models.QuerySet):
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
