"""
`manage.py import_articles PATH [PATH ...]`: create or update articles from content files.

Articles are matched by slug, and an article whose file has not changed is not
saved again, so running the import twice changes nothing. Each file is written in
its own transaction: a bad file is reported on one line and leaves no trace,
while the good files around it are still imported.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.utils.text import slugify

from articles.content_files import ArticleFile, ContentFileError, parse_content_file
from articles.models import Article, Category, HelpLink

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


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


def category_get_or_create(*, name: str) -> Category:
    """The category called `name` (ignoring case), created with a unique slug when there is none."""
    category = Category.objects.filter(name=name).first() or Category.objects.filter(name__iexact=name).first()
    if category:
        return category
    base = slugify(name)[:90] or "category"
    slug, n = base, 1
    while Category.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Category.objects.create(name=name, slug=slug)


def article_import_file(*, article_file: ArticleFile) -> str:
    """Create or update the article with the file's slug; returns created, updated or unchanged."""
    with transaction.atomic():
        category = category_get_or_create(name=article_file.category)
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
        }
        old_tags = article.tags
        article.tag_list = article_file.tags  # compared as the model stores them, after normalising
        if outcome == CREATED or article.tags != old_tags or any(getattr(article, k) != v for k, v in fields.items()):
            for name, value in fields.items():
                setattr(article, name, value)
            article.save()
            outcome = outcome if outcome == CREATED else UPDATED
        links = list(article_file.links)
        if list(article.help_links.values_list("label", "url")) != links:
            article.help_links.all().delete()
            HelpLink.objects.bulk_create(
                HelpLink(article=article, label=label, url=url, position=position)
                for position, (label, url) in enumerate(links)
            )
            outcome = outcome if outcome == CREATED else UPDATED
    return outcome


def articles_import(*, paths) -> ImportReport:
    """Import every content file found in `paths`; one file's failure does not stop the others."""
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
                outcome = article_import_file(article_file=article_file)
            except DatabaseError as error:
                raise ContentFileError(path, f"could not be saved: {error}") from None
        except ContentFileError as error:
            report.errors.append(error)
        else:
            report.results.append((path, article_file.slug, outcome))
    return report


class Command(BaseCommand):
    help = "Create or update articles from content files (Markdown with front matter) or folders of them."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="A .md file, or a folder of them.")

    def handle(self, *args, paths, verbosity, **options):
        report = articles_import(paths=paths)
        for error in report.errors:
            self.stderr.write(str(error))
        if verbosity >= 2:
            for path, slug, outcome in report.results:
                self.stdout.write(f"{outcome}: {slug} ({path})")
        self.stdout.write(report.summary)
        if report.errors:
            raise CommandError(f"{len(report.errors)} of {len(report.errors) + len(report.results)} files failed.")
