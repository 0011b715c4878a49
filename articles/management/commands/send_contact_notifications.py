"""Retry the support emails that could not be sent when the requests arrived."""

from django.core.management.base import BaseCommand

from articles.services import contact_requests_notify_pending


class Command(BaseCommand):
    help = "Email support about every contact request whose notification has not gone out yet (run it from cron)."

    def handle(self, *args, **options):
        sent, failed = contact_requests_notify_pending()
        self.stdout.write(f"Sent {sent} notification(s); {failed} still failing.")
        if failed:
            raise SystemExit(1)
