"""
Article admin benchmark: how many SQL queries (and how long) the pages editors use
most take, on a site with many articles and many saved versions.

    python benchmarks/admin_queries.py                       # 1,000 articles, 10 versions each, SQLite
    python benchmarks/admin_queries.py --articles 10000 --versions 20
    python benchmarks/admin_queries.py --database-url postgres://postgres@127.0.0.1:5432/kb_admin_bench

It migrates a throwaway database (SQLite: a temporary file; PostgreSQL: the named
database, which it empties first by migrating it from zero), bulk-loads the
articles across 10 categories and their versions, signs in an editor (the Editors
group), then requests each page once to warm per-process caches and `--repeat`
times more, counting the queries of the last request and taking the median time.
Figures: docs/editorial-workflow.md.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--versions", type=int, default=10, help="saved versions per article")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    # Plain static file storage (no collectstatic needed), as in the tests.
    os.environ["DJANGO_SETTINGS_MODULE"] = "kb.test_settings"
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from articles.models import Article, ArticleRevision, Category

    if connection.vendor == "postgresql":
        call_command("migrate", "articles", "zero", verbosity=0)
    call_command("migrate", verbosity=0)
    categories = Category.objects.bulk_create(
        Category(name=f"Category {n}", slug=f"category-{n}", position=n) for n in range(10)
    )
    today = timezone.localdate()
    Article.objects.bulk_create(
        (
            Article(
                title=f"Article {n}",
                slug=f"article-{n}",
                category=categories[n % 10],
                body=f"Intro {n}.\n\n## Section\nText.",
                status=Article.Status.PUBLISHED,
                review_by=today + timezone.timedelta(days=n % 60 - 20),
                version=args.versions,
            )
            for n in range(args.articles)
        ),
        batch_size=1000,
    )
    HistoricalArticle = Article.history.model
    kept = {f.attname for f in HistoricalArticle._meta.concrete_fields}  # the history leaves some fields out
    fields = [f.attname for f in Article._meta.concrete_fields if f.attname in kept]
    now = timezone.now()
    batch = []
    for article in Article.objects.all().iterator(chunk_size=1000):
        record = {name: getattr(article, name) for name in fields}
        for version in range(1, args.versions + 1):
            batch.append(HistoricalArticle(**{**record, "version": version}, history_date=now, history_type="~"))
        if len(batch) >= 5000:
            HistoricalArticle.objects.bulk_create(batch)
            batch = []
    HistoricalArticle.objects.bulk_create(batch)

    User.objects.filter(username="bench-editor").delete()
    editor = User.objects.create_user("bench-editor", password="x", is_staff=True)
    editor.groups.set(Group.objects.filter(name="Editors"))
    measured = Article.objects.order_by("pk").first()
    ArticleRevision.objects.create(
        article=measured, title=measured.title, category=measured.category, base_version=measured.version,
        body=measured.body, started_by=editor,
    )  # fmt: skip
    client = Client()
    client.force_login(editor)
    pages = {
        "Article list": reverse("admin:articles_article_changelist"),
        "Article list, review due": reverse("admin:articles_article_changelist") + "?review=due",
        "Article list, search": reverse("admin:articles_article_changelist") + "?q=article+7",
        "Article change page": reverse("admin:articles_article_change", args=[measured.pk]),
        "Versions (compare)": reverse("admin:articles_article_versions", args=[measured.pk]),
        "Articles due for review": reverse("admin:articles_articledueforreview_changelist"),
        "Working copy page": reverse("admin:articles_articlerevision_change", args=[measured.revisions.get().pk]),
    }
    rows = []
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        rows.append((name, len(captured), statistics.median(times)))

    command = "python benchmarks/admin_queries.py " + shlex.join(sys.argv[1:])
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"`{command.strip()}`: {connection.vendor}, {args.articles:,} articles, {args.versions} versions each")
    print(f"(load average while measuring: {load}; times vary with the machine, query counts do not)")
    print()
    print("| Page | Queries | Median time |")
    print("| --- | ---: | ---: |")
    for name, queries, ms in rows:
        print(f"| {name} | {queries} | {ms:.1f} ms |")
    if connection.vendor == "postgresql":
        call_command("migrate", "articles", "zero", verbosity=0)
    tmp.cleanup()


if __name__ == "__main__":
    main()
