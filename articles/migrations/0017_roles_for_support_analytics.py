"""Brings the staff roles up to date: editors and support agents read the support analytics."""

from django.db import migrations

from articles.roles import roles_migrate


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_meaning_vectors"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(roles_migrate, migrations.RunPython.noop)]
