"""
Links found in article bodies, and the results of checking links.

`ArticleLink` rows are written on every article save from the rendered body:
links to other articles (by slug) and external addresses. Whether a link to an
article is broken is decided when it is read, from the target's current state,
so publishing or archiving the target changes the answer without re-saving.

`LinkCheck` holds the last answer `manage.py check_links` got for one address
(a help link or an external link in a body).
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery

# As long as a help link's URL. Indexed: PostgreSQL refuses index entries over ~2,700
# bytes, and 500 characters stay under that even when every one takes 4 bytes.
MAX_ADDRESS = 500


class ArticleLinkQuerySet(models.QuerySet):
    def to_articles(self):
        return self.filter(kind=ArticleLink.Kind.ARTICLE)

    def with_target_state(self):
        """
        Annotate `target_live` (customers can open the linked article), `target_status`
        (None when there is no such article) and `anchor_found` (the section exists).
        """
        article_model = self.model._meta.get_field("article").related_model
        section_model = article_model._meta.get_field("sections").related_model
        redirect_model = article_model._meta.get_field("redirects").related_model
        same_slug = article_model.objects.filter(slug=OuterRef("target"))
        return self.annotate(
            renamed_to=Subquery(
                redirect_model.objects.filter(old_slug=OuterRef("target")).values("article__slug")[:1]
            ),
            target_live=Exists(article_model.objects.published().filter(slug=OuterRef("target"))),
            target_status=Subquery(same_slug.values("status")[:1]),
            anchor_found=Exists(
                section_model.objects.filter(article__slug=OuterRef("target"), anchor=OuterRef("anchor"))
            ),
        )

    def broken(self):
        """Links to an article customers cannot open, or to a section it does not have."""
        return (
            self.to_articles()
            .with_target_state()
            .filter(Q(target_live=False) | (~Q(anchor="") & Q(anchor_found=False)))
        )


class ArticleLink(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        EXTERNAL = "external", "External address"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="outgoing_links", verbose_name="in article"
    )
    kind = models.CharField("kind", max_length=20, choices=Kind.choices)
    target = models.CharField(
        "links to", max_length=MAX_ADDRESS, help_text="The slug of the linked article, or the external address."
    )
    anchor = models.CharField("section", max_length=300, blank=True)
    text = models.CharField("link text", max_length=300, blank=True)

    objects = ArticleLinkQuerySet.as_manager()

    class Meta:
        ordering = ["article", "kind", "target"]
        verbose_name = "link in an article"
        verbose_name_plural = "links in articles"
        indexes = [models.Index(fields=["kind", "target"], name="articlelink_kind_target")]

    def __str__(self):
        return f"{self.article} → {self.target}{'#' + self.anchor if self.anchor else ''}"

    @property
    def problem(self) -> str:
        """Why a link to an article is broken ("" when it works); needs with_target_state()."""
        if self.kind != self.Kind.ARTICLE:
            return ""
        return link_problem(
            status=self.target_status,
            live=self.target_live,
            anchor=self.anchor,
            anchor_found=self.anchor_found,
            renamed_to=self.renamed_to,
        )


def link_problem(*, status: str | None, live: bool, anchor: str, anchor_found: bool, renamed_to: str | None) -> str:
    """The one rule for a link to an article: "" when customers can follow it, else why not."""
    if status is None:
        if renamed_to:
            return f"the article was renamed: link to article:{renamed_to} instead"
        return "there is no article with this slug"
    if not live:
        if status == "published":
            return "the article is scheduled and not visible yet"
        return f"customers cannot open the article (status: {status})"
    if anchor and not anchor_found:
        return f"the article has no section #{anchor}"
    return ""


class BrokenLink(ArticleLink):
    """The admin's "broken links" list: links to articles that customers cannot follow."""

    class Meta:
        proxy = True
        verbose_name = "broken link between articles"
        verbose_name_plural = "broken links between articles"


class LinkCheckQuerySet(models.QuerySet):
    def broken(self):
        return self.filter(ok=False)


class LinkCheck(models.Model):
    """The last time an address was checked, and what it answered."""

    url = models.CharField("address", max_length=MAX_ADDRESS, unique=True)
    ok = models.BooleanField("working", default=False, db_index=True)
    status_code = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    error = models.CharField("error", max_length=500, blank=True)
    checked_at = models.DateTimeField("checked", db_index=True)

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        ordering = ["ok", "url"]
        verbose_name = "checked link"
        verbose_name_plural = "checked links"

    def __str__(self):
        return self.url

    @property
    def outcome(self) -> str:
        if self.error:
            return self.error
        return f"HTTP {self.status_code}" if self.status_code else "not checked"


def article_links_unique(links):
    """Each link once; images aside, and addresses too long to record (or to check) left out."""
    unique = {
        (link.kind, link.target, link.anchor): link
        for link in links
        if link.kind != "image" and len(link.target) <= MAX_ADDRESS
    }
    return list(unique.values())


def article_links_replace(*, article, links) -> None:
    """Store the links of `article`'s rendered body (a list of markdown.Link), replacing the old ones."""
    ArticleLink.objects.filter(article=article).delete()
    ArticleLink.objects.bulk_create(
        ArticleLink(
            article=article,
            kind=link.kind,
            target=link.target,
            anchor=link.anchor[:300],
            text=link.text[:300],
        )
        for link in article_links_unique(links)
    )
