"""
Write the article views and the search analytics waiting in the cache to the
database (run it from cron, e.g. every minute).
"""

from django.core.management.base import BaseCommand

from articles.analytics_batches import search_analytics_flush
from articles.view_counts import view_counts_flush


class Command(BaseCommand):
    help = "Move the article views and the searches kept in the cache into the database, in one batch each."

    def handle(self, *args, **options):
        stored = view_counts_flush()
        searches = search_analytics_flush()
        self.stdout.write(f"Stored {stored} article view(s) and {searches} search(es).")
