"""Send every email in the outbox that is due, then exit (run it from cron or a systemd timer)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.outbox import outgoing_emails_send


class Command(BaseCommand):
    help = (
        "Send every outgoing email that is due (new, or waiting for a retry), then exit. "
        "Safe to run while another run or the web processes are sending: each email is claimed before it is sent. "
        "Exits non-zero only when the run itself fails (e.g. the database is unreachable), "
        "not because a customer's email could not be sent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Try at most this many emails in this run.")

    def handle(self, *args, limit=None, **options):
        try:
            summary = outgoing_emails_send(limit=limit)
        except DatabaseError as error:
            raise CommandError(f"Could not read the outbox: {error}")
        self.stdout.write(f"Outgoing emails: {summary}.")
        if summary.unreachable:
            self.stdout.write("The mail server could not be reached; the other due emails wait for the next run.")
        if summary.failed:
            self.stdout.write("Failed emails are listed in the admin under Outgoing emails, with the reason.")
