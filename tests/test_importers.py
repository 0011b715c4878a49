"""Importing content files with the models' own rules, and loading the demo without reverting edits."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.content_files import ArticleFile
from articles.importers import KEPT, article_import_file, articles_import, demo_load
from articles.models import Article, Category, HelpLink

pytestmark = pytest.mark.django_db

DEEP_LIST = "\n".join("  " * level + "- item" for level in range(2000))


def content(slug, *, extra="", body="Text."):
    return f"---\ntitle: {slug.title()}\nslug: {slug}\ncategory: Account and Settings\n{extra}---\n{body}\n"


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def import_command(*paths):
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, paths), stdout=stdout, stderr=stderr)
    except CommandError as error:
        return stdout.getvalue(), stderr.getvalue(), error
    return stdout.getvalue(), stderr.getvalue(), None


def test_a_deeply_nested_list_fails_its_file_and_the_rest_of_the_folder_still_imports(tmp_path):
    write(tmp_path, "a-first.md", content("first"))
    deep = write(tmp_path, "b-deep.md", content("deep", body=DEEP_LIST))
    write(tmp_path, "c-last.md", content("last"))

    stdout, stderr, error = import_command(tmp_path)

    assert error is not None
    assert stderr.startswith(f"{deep}: body: Lists or quotes are nested more than 30 levels deep")
    assert stderr.count("\n") == 1
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["first", "last"]
    assert "Imported 2 articles (created 2, updated 0, unchanged 0), 1 failed." in stdout


def test_every_bad_file_gets_its_own_line_and_the_summary_is_printed(tmp_path):
    bad_link = write(tmp_path, "a.md", content("a", extra="links:\n  - {label: Evil, url: //evil.example/x}\n"))
    long_tags = write(
        tmp_path, "b.md", content("b", extra=f"tags: [{', '.join(['tag-' + str(n) * 30 for n in range(10)])}]\n")
    )
    write(tmp_path, "c.md", content("c"))
    deep = write(tmp_path, "d.md", content("d", body=DEEP_LIST))

    stdout, stderr, error = import_command(tmp_path)

    lines = stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [str(bad_link), str(long_tags), str(deep)]
    assert list(Article.objects.values_list("slug", flat=True)) == ["c"]
    assert stdout == "Imported 1 articles (created 1, updated 0, unchanged 0), 3 failed.\n"
    assert str(error) == "3 of 4 files failed."


def test_a_help_link_starting_with_two_slashes_is_refused_as_the_admin_refuses_it(tmp_path):
    path = write(tmp_path, "a.md", content("a", extra="links:\n  - {label: Evil, url: //evil.example/x}\n"))

    _, stderr, error = import_command(path)

    assert error is not None
    assert stderr.startswith(f"{path}: link 1 is not valid (url: Enter an address starting with https://")
    assert not Article.objects.exists()
    assert not HelpLink.objects.exists()


def test_tags_longer_than_the_column_are_refused_on_every_database(tmp_path):
    tags = ", ".join(f"word{n:03d}-{'x' * 20}" for n in range(12))  # about 320 characters once joined
    path = write(tmp_path, "a.md", content("a", extra=f"tags: [{tags}]\n"))

    _, stderr, error = import_command(path)

    assert error is not None
    assert stderr == f"{path}: tags: Ensure this value has at most 255 characters (it has {len(tags)}).\n"
    assert not Article.objects.exists()
    assert not Category.objects.exists()


def test_an_import_refuses_what_the_model_refuses_even_when_the_file_was_built_in_code(category):
    article_file = ArticleFile(title="A", slug="a", category=category.name, links=(("Evil", "//evil.example/x"),))

    with pytest.raises(ValidationError, match="link 1: url: Enter an address"):
        article_import_file(article_file=article_file)
    assert not Article.objects.exists()


def test_create_only_leaves_an_existing_article_as_it_is(tmp_path, make_article):
    article = make_article(slug="kept", title="Edited by an editor", body="Edited.")
    write(tmp_path, "kept.md", content("kept", body="Original."))

    report = articles_import(paths=[tmp_path], create_only=True)

    assert [outcome for _, _, outcome in report.results] == [KEPT]
    article.refresh_from_db()
    assert (article.title, article.body) == ("Edited by an editor", "Edited.")


# --- load_demo ------------------------------------------------------------------


def test_load_demo_never_overwrites_an_article_an_editor_changed():
    demo_load()
    article = Article.objects.get(slug="troubleshooting-account-login-issues")
    article.title = "Can't sign in? Start here"
    article.body = "Rewritten by an editor."
    article.status = Article.Status.DRAFT
    article.save()
    article.help_links.all().delete()

    report = demo_load()

    article.refresh_from_db()
    assert (article.title, article.body, article.status) == (
        "Can't sign in? Start here",
        "Rewritten by an editor.",
        Article.Status.DRAFT,
    )
    assert not article.help_links.exists()
    assert report.lines[0] == "Demo articles: 0 added, 10 already there (left as they are), 0 failed."


def test_load_demo_creates_a_demo_article_that_is_missing():
    demo_load()
    Article.objects.get(slug="understanding-your-invoice").delete()

    report = demo_load()

    assert Article.objects.filter(slug="understanding-your-invoice").exists()
    assert report.lines[0] == "Demo articles: 1 added, 9 already there (left as they are), 0 failed."


def test_load_demo_does_not_bring_back_a_demo_article_an_editor_renamed():
    demo_load()
    article = Article.objects.get(slug="understanding-your-invoice")
    article.slug = "reading-your-invoice"
    article.save()

    demo_load()

    assert not Article.objects.filter(slug="understanding-your-invoice").exists()
    assert Article.objects.filter(slug="reading-your-invoice").count() == 1


def test_load_demo_leaves_edited_categories_and_site_links_alone():
    demo_load()
    category = Category.objects.get(name="Billing and Plans")
    category.description, category.position = "Our own words.", 9
    category.save()
    link = HelpLink.objects.site_wide().get(label="Check service status")
    link.position = 7
    link.save()

    report = demo_load()

    category.refresh_from_db()
    link.refresh_from_db()
    assert (category.description, category.position, link.position) == ("Our own words.", 9, 7)
    assert report.lines[1:] == [
        "Demo categories: 0 added, 4 already there.",
        "Site-wide help links: 0 added, 3 already there.",
    ]


# --- Workflow keys -------------------------------------------------------------------


def test_import_sets_the_workflow_status_publish_date_and_review_date(tmp_path):
    import datetime

    extra = "status: in_review\npublish_at: 2027-01-31T09:00:00+01:00\nreview_by: 2027-06-30\n"
    write(tmp_path, "a.md", content("a", extra=extra))

    import_command(tmp_path)

    article = Article.objects.get(slug="a")
    assert article.status == Article.Status.IN_REVIEW
    assert article.publish_at == datetime.datetime(2027, 1, 31, 8, 0, tzinfo=datetime.UTC)
    assert article.review_by == datetime.date(2027, 6, 30)


def test_export_and_import_round_trip_the_workflow_fields_losslessly(tmp_path, make_article):
    import datetime

    scheduled = make_article(
        slug="scheduled",
        publish_at=datetime.datetime(2031, 5, 4, 7, 30, 15, 250000, tzinfo=datetime.UTC),
        review_by=datetime.date(2031, 12, 1),
    )
    make_article(slug="waiting", status=Article.Status.IN_REVIEW)
    fields = ["slug", "status", "publish_at", "review_by", "title", "body", "tags", "position", "promoted"]
    before = list(Article.objects.order_by("slug").values(*fields))
    call_command("export_articles", str(tmp_path / "out"), stdout=io.StringIO())

    stdout, _, error = import_command(tmp_path / "out")
    assert (stdout, error) == ("Imported 2 articles (created 0, updated 0, unchanged 2), 0 failed.\n", None)

    Article.objects.all().delete()
    import_command(tmp_path / "out")
    assert list(Article.objects.order_by("slug").values(*fields)) == before
    assert Article.objects.get(slug="scheduled").publish_at == scheduled.publish_at


def test_an_old_file_without_workflow_keys_still_imports_as_published(tmp_path):
    write(tmp_path, "old.md", content("old"))

    _, _, error = import_command(tmp_path)

    article = Article.objects.get(slug="old")
    assert error is None
    assert (article.status, article.publish_at, article.review_by) == (Article.Status.PUBLISHED, None, None)


def test_export_and_import_round_trip_the_search_controls(tmp_path, make_article):
    from articles.models import PinnedSearch

    reset = make_article(slug="reset", search_boost=5)
    other = make_article(slug="other")
    make_article(slug="plain")
    PinnedSearch.objects.create(query="reset password", article=reset, position=1)
    PinnedSearch.objects.create(query="reset password", article=other, position=2)
    PinnedSearch.objects.create(query="forgot password", article=reset, position=1)
    pins = list(PinnedSearch.objects.values_list("query", "article__slug", "position").order_by("pk"))
    call_command("export_articles", str(tmp_path / "out"), stdout=io.StringIO())
    text = (tmp_path / "out" / "reset.md").read_text()
    assert "search_boost: 5\npinned_queries: [forgot password, reset password]\n" in text
    assert "pinned_queries: [{query: reset password, position: 2}]\n" in (tmp_path / "out" / "other.md").read_text()
    assert "search_boost" not in (tmp_path / "out" / "plain.md").read_text()

    stdout, _, error = import_command(tmp_path / "out")
    assert (stdout, error) == ("Imported 3 articles (created 0, updated 0, unchanged 3), 0 failed.\n", None)

    Article.objects.all().delete()
    import_command(tmp_path / "out")
    assert Article.objects.get(slug="reset").search_boost == 5
    assert sorted(PinnedSearch.objects.values_list("query", "article__slug", "position")) == sorted(pins)


def test_an_import_replaces_the_articles_pins_with_the_files(tmp_path, make_article):
    from articles.models import PinnedSearch

    article = make_article(slug="reset")
    PinnedSearch.objects.create(query="old query", article=article)
    write(tmp_path, "reset.md", content("reset", extra="pinned_queries: [new query]\n"))

    stdout, _, error = import_command(tmp_path)

    assert "updated 1" in stdout and error is None
    assert list(PinnedSearch.objects.values_list("query", flat=True)) == ["new query"]


@pytest.mark.parametrize(
    "extra, reason",
    [
        ("search_boost: 12\n", "search_boost must be a whole number from -10 to 10 (not '12')"),
        ("search_boost: many\n", "search_boost must be a whole number from -10 to 10 (not 'many')"),
        (
            "pinned_queries: {reset: password}\n",
            "pinned_queries must be a list of search queries, like [reset password, forgot password]",
        ),
    ],
)
def test_a_file_with_bad_search_controls_is_refused_by_name_and_writes_nothing(tmp_path, make_article, extra, reason):
    from articles.models import PinnedSearch

    article = make_article(slug="reset", title="Before")
    PinnedSearch.objects.create(query="kept query", article=article)
    path = write(tmp_path, "reset.md", content("reset", extra=extra))

    _, stderr, error = import_command(tmp_path)

    assert error is not None and stderr == f"{path}: {reason}\n"
    assert Article.objects.get(slug="reset").title == "Before"
    assert list(PinnedSearch.objects.values_list("query", flat=True)) == ["kept query"]
