"""Write the article views counted in the cache to the database (run it from cron, e.g. every minute)."""

from django.core.management.base import BaseCommand

from articles.view_counts import view_counts_flush


class Command(BaseCommand):
    help = "Move the article views counted in the cache into the database, in one batch."

    def handle(self, *args, **options):
        stored = view_counts_flush()
        self.stdout.write(f"Stored {stored} article view(s).")
