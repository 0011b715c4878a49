"""The former name of `send_pending_notifications`, kept so existing cron entries keep working."""

from .send_pending_notifications import Command as SendPendingNotifications


class Command(SendPendingNotifications):
    help = "Same as send_pending_notifications (its former name). " + SendPendingNotifications.help
