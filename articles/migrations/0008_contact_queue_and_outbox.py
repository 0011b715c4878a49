"""
The support queue and the outbox: a reference, a visit context and a first-worked
time on contact requests, a "waiting on customer" status, internal notes, and one
row per outgoing email. The next migration fills the new columns for existing requests.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0007_search_head_and_lexemes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='contactrequest',
            name='context',
            field=models.JSONField(blank=True, default=dict, help_text='What the customer did in this visit before writing: searches, suggestions opened, votes.', verbose_name='visit context'),
        ),
        migrations.AddField(
            model_name='contactrequest',
            name='first_worked_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When an agent first changed the status or took the request (time to first response).', null=True, verbose_name='first worked'),
        ),
        migrations.AddField(
            model_name='contactrequest',
            name='reference',
            field=models.CharField(editable=False, max_length=12, null=True, verbose_name='reference'),
        ),
        migrations.AlterField(
            model_name='contactrequest',
            name='status',
            field=models.CharField(choices=[('new', 'New'), ('open', 'Open'), ('waiting', 'Waiting on customer'), ('resolved', 'Resolved')], db_index=True, default='new', max_length=20, verbose_name='status'),
        ),
        migrations.CreateModel(
            name='ContactNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField(max_length=5000, verbose_name='note')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='written')),
                ('author', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='contact_notes', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('contact_request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='articles.contactrequest', verbose_name='contact request')),
            ],
            options={
                'verbose_name': 'internal note',
                'verbose_name_plural': 'internal notes',
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='OutgoingEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('support_notification', 'Notification to support'), ('customer_acknowledgement', 'Acknowledgement to the customer')], max_length=40, verbose_name='kind')),
                ('to', models.EmailField(max_length=254, verbose_name='to')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='status')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, help_text='A pending email is sent at or after this time.', verbose_name='next attempt')),
                ('claimed_at', models.DateTimeField(blank=True, help_text='When a sender took this email; a stale claim is taken over.', null=True, verbose_name='claimed')),
                ('claim_token', models.CharField(blank=True, editable=False, max_length=32, verbose_name='claim token')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                ('last_error', models.CharField(blank=True, max_length=500, verbose_name='last error')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('contact_request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='emails', to='articles.contactrequest', verbose_name='contact request')),
            ],
            options={
                'verbose_name': 'outgoing email',
                'verbose_name_plural': 'outgoing emails',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='outgoing_email_due')],
                'constraints': [models.UniqueConstraint(fields=('contact_request', 'kind'), name='one_email_of_each_kind_per_request')],
            },
        ),
    ]
