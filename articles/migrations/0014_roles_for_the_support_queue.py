"""Brings the staff roles up to date: support agents also write internal notes and retry emails."""

from django.db import migrations

from articles.roles import roles_migrate


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_publish_at_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(roles_migrate, migrations.RunPython.noop)]
