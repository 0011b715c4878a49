"""`manage.py check_links`: check every help link and external link in article bodies."""

from django.core.management.base import BaseCommand, CommandError

from articles.links import link_checks_run


class Command(BaseCommand):
    help = (
        "Check help links and the external links in article bodies, a few at a time, and record "
        "each answer (the admin lists the broken ones under “Checked links”)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=8, help="Addresses checked at the same time (default 8).")
        parser.add_argument(
            "--timeout", type=float, default=10.0, help="Seconds to wait for each address (default 10)."
        )

    def handle(self, *args, workers, timeout, verbosity, **options):
        if workers < 1 or timeout <= 0:
            raise CommandError("--workers must be 1 or more and --timeout more than 0.")
        summary = link_checks_run(
            workers=workers, timeout=timeout, progress=getattr(self.stderr, "_out", self.stderr) if verbosity else None
        )
        for result in summary.broken:
            self.stdout.write(f"broken: {result.url} ({result.error or f'HTTP {result.status_code}'})")
        self.stdout.write(f"Checked {summary.checked} links: {len(summary.broken)} broken.")
