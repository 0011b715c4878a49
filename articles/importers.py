"""
Content files in and out of the database: import, export, and the demo help center.

The file format itself (parsing and writing one file) lives in content_files.py;
this module does the database side, and the management commands only parse their
arguments and call it.

Imports validate with the models' own rules (`full_clean()`), so a file is refused
for exactly what the admin form refuses, on every database engine, with the file
named and the reason given. Each file is written in its own transaction: a bad
file leaves no trace and the files after it are still imported.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import DatabaseError, transaction
from django.utils.text import slugify

from .content_files import (
    ArticleFile,
    ContentFileError,
    article_to_text,
    load_yaml,
    parse_content_file,
    parse_links,
)
from .models import Article, ArticleRedirect, Category, HelpLink, PinnedSearch

CREATED, UPDATED, UNCHANGED, KEPT = "created", "updated", "unchanged", "kept"

DEMO_CONTENT = Path(__file__).resolve().parent / "demo_content"
# (name, position, description) of each demo category, in home-page order.
DEMO_CATEGORIES = [
    (
        "Account and Settings",
        1,
        "Signing in, two-factor authentication, teammates and the settings that keep an account secure.",
    ),
    ("Sending Email", 2, "Getting messages delivered: spam folders, bounces and blocks, and warming up a new IP."),
    ("Billing and Plans", 3, "What an invoice means, how plans are charged and what to do when a payment fails."),
    ("API and SMTP", 4, "Connecting your applications: API keys and their permissions, and SMTP relay errors."),
]


def validation_reason(error: ValidationError) -> str:
    """A ValidationError as one line: `field: message; field: message`."""
    if hasattr(error, "error_dict"):
        parts = []
        for name, errors in error.message_dict.items():
            label = "" if name == "__all__" else f"{name}: "
            parts.extend(f"{label}{message}" for message in errors)
        return "; ".join(parts)
    return "; ".join(error.messages)


@dataclass
class ImportReport:
    results: list[tuple[Path, str, str]] = field(default_factory=list)  # (path, slug, outcome)
    errors: list[ContentFileError] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for _, _, done in self.results if done == outcome)

    @property
    def summary(self) -> str:
        return (
            f"Imported {len(self.results)} articles (created {self.count(CREATED)}, updated {self.count(UPDATED)}, "
            f"unchanged {self.count(UNCHANGED)}), {len(self.errors)} failed."
        )


def content_paths(paths) -> list[Path]:
    """Files as given, and for each folder the `*.md` files directly in it, sorted; each file once."""
    found: dict[Path, Path] = {}
    for path in map(Path, paths):
        names = (
            sorted(p for p in path.glob("*.md") if p.is_file() and not p.name.startswith("."))
            if path.is_dir()
            else [path]
        )
        for name in names:
            found.setdefault(name.resolve(), name)
    return list(found.values())


def category_get_or_create(*, name: str, position: int = 0, description: str = "") -> tuple[Category, bool]:
    """
    The category called `name` (ignoring case), or a new one with a unique slug and the
    given position and description; returns (category, created).
    """
    category = Category.objects.filter(name=name).first() or Category.objects.filter(name__iexact=name).first()
    if category:
        return category, False
    base = slugify(name)[:90] or "category"
    slug, n = base, 1
    while Category.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    category = Category(name=name, slug=slug, position=position, description=description)
    category.full_clean()
    category.save()
    return category, True


def article_is_known(slug: str) -> bool:
    """An article has this slug now, or had it before an editor renamed it."""
    return Article.objects.filter(slug=slug).exists() or ArticleRedirect.objects.filter(old_slug=slug).exists()


def article_import_file(*, article_file: ArticleFile, create_only: bool = False) -> str:
    """
    Create or update the article with the file's slug; returns created, updated or
    unchanged. With `create_only`, an article that exists (or was renamed from this
    slug) is left as it is and the outcome is "kept". Raises ValidationError for what
    the admin would refuse; nothing is written then.
    """
    with transaction.atomic():
        if create_only and article_is_known(article_file.slug):
            return KEPT
        category, _ = category_get_or_create(name=article_file.category)
        article = Article.objects.filter(slug=article_file.slug).first()
        outcome = UNCHANGED if article else CREATED
        article = article or Article(slug=article_file.slug)
        fields = {
            "title": article_file.title,
            "category_id": category.pk,
            "summary": article_file.summary,
            "body": article_file.body,
            "status": article_file.status,
            "promoted": article_file.promoted,
            "position": article_file.position,
            "publish_at": article_file.publish_at,
            "review_by": article_file.review_by,
            "search_boost": article_file.search_boost,
        }
        old_tags = article.tags
        article.tag_list = article_file.tags  # compared as the model stores them, after normalising
        article_changed = (
            outcome == CREATED or article.tags != old_tags or any(getattr(article, k) != v for k, v in fields.items())
        )
        links = list(article_file.links)
        links_changed = outcome == CREATED or list(article.help_links.values_list("label", "url")) != links
        help_links = [HelpLink(label=label, url=url, position=n) for n, (label, url) in enumerate(links)]
        pins = dict(article_file.pinned_queries)
        old_pins = dict(article.pins.values_list("query", "position")) if outcome != CREATED else {}
        pins_changed = old_pins != pins
        # Everything is validated before anything of this file is written.
        for n, link in enumerate(help_links, start=1):
            try:
                link.full_clean(exclude=["article"])
            except ValidationError as error:
                raise ValidationError(f"link {n}: {validation_reason(error)}") from None
        for n, (query, position) in enumerate(pins.items(), start=1):
            try:
                PinnedSearch(query=query, position=position).full_clean(exclude=["article"])
            except ValidationError as error:
                raise ValidationError(f"pinned query {n}: {validation_reason(error)}") from None
        if article_changed:
            for name, value in fields.items():
                setattr(article, name, value)
            article.full_clean()
            article.save()
            outcome = outcome if outcome == CREATED else UPDATED
        if links_changed:
            article.help_links.all().delete()
            for link in help_links:
                link.article = article
            HelpLink.objects.bulk_create(help_links)
            outcome = outcome if outcome == CREATED else UPDATED
        if pins_changed:
            article.pins.all().delete()
            PinnedSearch.objects.bulk_create(
                PinnedSearch(query=query, position=position, article=article) for query, position in pins.items()
            )
            outcome = outcome if outcome == CREATED else UPDATED
    return outcome


def articles_import(*, paths, create_only: bool = False) -> ImportReport:
    """Import every content file found in `paths`; a bad file is reported and the others still import."""
    report = ImportReport()
    seen: dict[str, Path] = {}
    for path in content_paths(paths):
        try:
            article_file = parse_content_file(path)
            if article_file.slug in seen:
                raise ContentFileError(
                    path, f"duplicate slug '{article_file.slug}' (also in {seen[article_file.slug]})"
                )
            seen[article_file.slug] = path
            try:
                outcome = article_import_file(article_file=article_file, create_only=create_only)
            except ValidationError as error:
                raise ContentFileError(path, validation_reason(error)) from None
            except DatabaseError as error:
                raise ContentFileError(path, f"could not be saved: {error}") from None
        except ContentFileError as error:
            report.errors.append(error)
        else:
            report.results.append((path, article_file.slug, outcome))
    return report


def articles_export(*, directory: Path) -> list[Path]:
    """Write each article, whatever its status, to `directory`/<slug>.md (creating the folder)."""
    articles = list(Article.objects.select_related("category").prefetch_related("help_links", "pins").order_by("slug"))
    for article in articles:
        # The slug becomes a file name: never let one climb out of the folder.
        try:
            validate_slug(article.slug)
        except ValidationError:
            raise ValueError(f"article {article.pk} has an invalid slug {article.slug!r}; fix it first") from None
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for article in articles:
        path = directory / f"{article.slug}.md"
        path.write_bytes(article_to_text(article).encode("utf-8"))
        written.append(path)
    return written


@dataclass
class DemoReport:
    articles: ImportReport
    categories_created: int
    links_created: int
    links_listed: int

    @property
    def lines(self) -> list[str]:
        total = len(DEMO_CATEGORIES)
        links_there = self.links_listed - self.links_created
        return [
            f"Demo articles: {self.articles.count(CREATED)} added, {self.articles.count(KEPT)} already there "
            f"(left as they are), {len(self.articles.errors)} failed.",
            f"Demo categories: {self.categories_created} added, {total - self.categories_created} already there.",
            f"Site-wide help links: {self.links_created} added, {links_there} already there.",
        ]


def demo_site_links_create(*, path: Path) -> tuple[int, int]:
    """Add the site-wide help links listed in `path` that are missing; returns (created, listed)."""
    links = parse_links(load_yaml(path.read_text(encoding="utf-8")))
    created = 0
    for position, (label, url) in enumerate(links):
        if not HelpLink.objects.site_wide().filter(label=label, url=url).exists():
            link = HelpLink(label=label, url=url, position=position)
            link.full_clean()
            link.save()
            created += 1
    return created, len(links)


def demo_load(*, folder: Path = DEMO_CONTENT) -> DemoReport:
    """
    Fill the site with the demo help center, creating only what is missing: an article,
    category or site-wide link that is already there (perhaps changed by an editor) is
    left exactly as it is, so running this on every start never reverts anyone's work.
    Raises ValueError when the demo's site_links.yaml is unreadable.
    """
    categories_created = 0
    with transaction.atomic():
        for name, position, description in DEMO_CATEGORIES:
            _, created = category_get_or_create(name=name, position=position, description=description)
            categories_created += created
    articles = articles_import(paths=[folder], create_only=True)
    with transaction.atomic():
        links_created, links_listed = demo_site_links_create(path=folder / "site_links.yaml")
    return DemoReport(articles, categories_created, links_created, links_listed)
