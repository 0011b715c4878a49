"""
`manage.py load_demo`: add the demo help center to a site.

Creates the demo articles, categories and site-wide help links that are missing and
leaves everything already there as it is, so `make run` can run it on every start.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.demo_activity import demo_activity_create
from articles.importers import DEMO_CONTENT, demo_load


class Command(BaseCommand):
    help = "Load the demo help center (10 articles in 4 categories, site-wide help links); adds only what is missing."

    def handle(self, *args, verbosity, **options):
        try:
            report = demo_load()
        except ValueError as error:
            raise CommandError(f"{DEMO_CONTENT / 'site_links.yaml'}: {error}") from None
        for error in report.articles.errors:
            self.stderr.write(str(error))
        if verbosity >= 2:
            for path, slug, outcome in report.articles.results:
                self.stdout.write(f"{outcome}: {slug} ({path})")
        for line in report.lines:
            self.stdout.write(line)
        if report.articles.errors:
            raise CommandError(f"{len(report.articles.errors)} demo files failed.")
        if demo_activity_create():
            self.stdout.write("Demo activity: a week of views, votes, searches and requests recorded.")
        else:
            self.stdout.write("Demo activity: left alone (the site already has activity of its own).")
