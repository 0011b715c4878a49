"""`manage.py import_articles PATH [PATH ...]`: create or update articles from content files."""

from django.core.management.base import BaseCommand, CommandError

from articles.importers import articles_import


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
