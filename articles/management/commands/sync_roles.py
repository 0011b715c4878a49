from django.core.management.base import BaseCommand, CommandError

from articles.roles import roles_sync


class Command(BaseCommand):
    help = "Create or reset the staff groups (Editors, Support agents) to their defined permissions."

    def handle(self, *args, **options):
        try:
            counts = roles_sync()
        except LookupError as error:
            raise CommandError(str(error)) from error
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} permissions")
