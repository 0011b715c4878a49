"""
Editors' search controls: each article's search boost and pinned search results;
editors manage the pins, support agents read them.
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

from articles.roles import roles_migrate


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0017_roles_for_support_analytics'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='search_boost',
            field=models.SmallIntegerField(default=0, help_text='From -10 to +10; 0 leaves the ranking alone. A positive boost moves this article up among the results it already appears in, a negative one down (each step is 5% of its score). It never makes the article appear for a search it does not match.', validators=[django.core.validators.MinValueValidator(-10, 'The search boost must be a whole number from -10 to +10 (0: no boost).'), django.core.validators.MaxValueValidator(10, 'The search boost must be a whole number from -10 to +10 (0: no boost).')], verbose_name='search boost'),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='search_boost',
            field=models.SmallIntegerField(default=0, help_text='From -10 to +10; 0 leaves the ranking alone. A positive boost moves this article up among the results it already appears in, a negative one down (each step is 5% of its score). It never makes the article appear for a search it does not match.', validators=[django.core.validators.MinValueValidator(-10, 'The search boost must be a whole number from -10 to +10 (0: no boost).'), django.core.validators.MaxValueValidator(10, 'The search boost must be a whole number from -10 to +10 (0: no boost).')], verbose_name='search boost'),
        ),
        migrations.CreateModel(
            name='PinnedSearch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('query', models.CharField(help_text='What customers type, e.g. “reset password”. Matched on its words, ignoring case and punctuation (also when search corrects a typo into it); stored as search reads it.', max_length=200, verbose_name='search query')),
                ('position', models.PositiveSmallIntegerField(default=1, help_text='When several articles are pinned for one query, lower numbers come first.', verbose_name='position')),
                ('note', models.CharField(blank=True, help_text='Why it is pinned, for other editors; customers never see it.', max_length=200, verbose_name='note')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('article', models.ForeignKey(help_text='Shown first while it is published; a draft, archived or scheduled article is never shown.', on_delete=django.db.models.deletion.CASCADE, related_name='pins', to='articles.article', verbose_name='article')),
            ],
            options={
                'verbose_name': 'pinned search result',
                'verbose_name_plural': 'pinned search results',
                'ordering': ['query', 'position', 'article__slug'],
                'constraints': [models.UniqueConstraint(fields=('query', 'article'), name='unique_pinned_search', violation_error_message='This article is already pinned for this query.')],
            },
        ),
        migrations.RunPython(roles_migrate, migrations.RunPython.noop),
    ]
