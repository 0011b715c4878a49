"""Rebuild the search index and its spelling vocabulary from the published articles."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.models import Article
from articles.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the search index from all published articles (shows a progress bar)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args, **options):
        total = Article.objects.published().count()
        with tqdm(total=total, unit="article", disable=options["no_progress"], file=self.stderr) as bar:
            count = rebuild_index(progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} published articles."))
