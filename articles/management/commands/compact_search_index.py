"""Give the search index back the compact layout that saves scatter (nightly, from cron)."""

from django.core.management.base import BaseCommand

from articles.search import compact_index


class Command(BaseCommand):
    help = "Merge what article saves have scattered in the search index (SQLite); run it nightly."

    def handle(self, *args, **options):
        compact_index()
        self.stdout.write(self.style.SUCCESS("Search index compacted."))
