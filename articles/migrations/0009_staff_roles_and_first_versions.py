"""
Creates the staff roles (articles.roles.ROLES) and records each existing
article's current text as its first version, so history starts from what is
live today.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from articles.roles import roles_sync


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps=apps)


def record_first_versions(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    HistoricalArticle = apps.get_model("articles", "HistoricalArticle")
    fields = [f.attname for f in Article._meta.concrete_fields if f.name != "body_html"]
    for article in Article.objects.all().iterator(chunk_size=500):
        HistoricalArticle.objects.create(
            **{name: getattr(article, name) for name in fields},
            history_date=article.updated_at,
            history_type="+",
            history_change_reason="Text before history was kept",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_editorial_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(record_first_versions, migrations.RunPython.noop),
    ]
