"""`manage.py export_articles DIR`: write every article, whatever its status, to DIR/<slug>.md."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug

from articles.content_files import article_to_text
from articles.models import Article


def articles_export(*, directory: Path) -> list[Path]:
    """Write each article to `directory`/<slug>.md (creating the folder); returns the files written."""
    articles = list(Article.objects.select_related("category").prefetch_related("help_links").order_by("slug"))
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


class Command(BaseCommand):
    help = "Write every article to DIR/<slug>.md in the content file format that import_articles reads."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="The folder to write to; created if missing.")

    def handle(self, *args, directory, **options):
        directory = Path(directory)
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory}: not a folder")
        try:
            written = articles_export(directory=directory)
        except (ValueError, OSError) as error:
            raise CommandError(f"{directory}: {error}") from None
        self.stdout.write(f"Exported {len(written)} articles to {directory}.")
