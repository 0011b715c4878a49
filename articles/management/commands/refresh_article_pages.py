"""Store each article's page parts again where the running code would render them differently."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.article_parts import refresh_stored_parts, stale_article_ids


class Command(BaseCommand):
    help = (
        "Render and store the parts of article pages (table of contents, text with its feedback forms) "
        "that were stored by an earlier version of the templates or never. Run it after deploying a new "
        "version; until then those pages are rendered in full per request, with the same output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args, **options):
        stale = stale_article_ids()
        with tqdm(total=len(stale), unit="article", disable=options["no_progress"], file=self.stderr) as bar:
            count = refresh_stored_parts(stale, progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Stored the page parts of {count} articles."))
