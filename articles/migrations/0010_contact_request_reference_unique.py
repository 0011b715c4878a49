"""Every request now has a reference: make it required and unique; attempts and errors live in the outbox."""

import articles.models.requests
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_contact_requests_backfill")]

    operations = [
        migrations.AlterField(
            model_name="contactrequest",
            name="reference",
            field=models.CharField(
                default=articles.models.requests.new_reference,
                editable=False,
                help_text="The short code the customer was given to quote.",
                max_length=12,
                unique=True,
                verbose_name="reference",
            ),
        ),
        migrations.RemoveField(model_name="contactrequest", name="notify_attempts"),
        migrations.RemoveField(model_name="contactrequest", name="notify_error"),
    ]
