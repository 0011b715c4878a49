"""Create the first staff account, so a fresh install can sign in to /admin/."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a superuser named $KB_ADMIN_USERNAME (default: admin) with the password in "
        "$KB_ADMIN_PASSWORD, or a generated one printed once. Does nothing if the user exists."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        username = os.environ.get("KB_ADMIN_USERNAME", "admin")
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Staff account “{username}” already exists; sign in at /admin/.")
            return
        password = os.environ.get("KB_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        if os.environ.get("KB_ADMIN_PASSWORD"):
            message = f"Created staff account “{username}” with the password from KB_ADMIN_PASSWORD."
            self.stdout.write(self.style.SUCCESS(message))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Created staff account “{username}” with password: {password}\n")
                + "It is shown only this once; change it at /admin/password_change/."
            )
