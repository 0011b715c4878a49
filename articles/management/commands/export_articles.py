"""`manage.py export_articles DIR`: write every article, whatever its status, to DIR/<slug>.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importers import articles_export


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
