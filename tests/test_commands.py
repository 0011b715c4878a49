"""The import_articles, export_articles and load_demo management commands."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from articles.models import Article, Category, HelpLink

pytestmark = pytest.mark.django_db


def content(slug="first-article", *, title="First article", category="Account and Settings", extra="", body="Text."):
    return f"---\ntitle: {title}\nslug: {slug}\ncategory: {category}\n{extra}---\n{body}\n"


def write(folder, name, text):
    path = folder / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def run(command, *args):
    """Run a command; returns (stdout, stderr, the CommandError raised or None)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command(command, *[str(arg) for arg in args], stdout=stdout, stderr=stderr)
    except CommandError as error:
        return stdout.getvalue(), stderr.getvalue(), error
    return stdout.getvalue(), stderr.getvalue(), None


def snapshot():
    """Everything the content format carries, for every article."""
    return {
        article.slug: (
            article.title,
            article.category.name,
            article.tag_list,
            article.summary,
            article.body,
            article.status,
            article.promoted,
            article.position,
            [(link.label, link.url) for link in article.help_links.all()],
        )
        for article in Article.objects.select_related("category").prefetch_related("help_links")
    }


# --- import_articles ----------------------------------------------------------


def test_import_creates_the_article_with_every_field(tmp_path):
    extra = "tags: [login, password]\nsummary: One sentence.\nstatus: draft\npromoted: true\nposition: 4\n"
    path = write(tmp_path, "a.md", content(extra=extra, body="Intro.\n\n## Billing terminated\nPay."))
    stdout, stderr, error = run("import_articles", path)
    assert (stderr, error) == ("", None)
    assert stdout == "Imported 1 articles (created 1, updated 0, unchanged 0), 0 failed.\n"
    article = Article.objects.get(slug="first-article")
    assert (article.title, article.category.name) == ("First article", "Account and Settings")
    assert article.tag_list == ["login", "password"]
    assert (article.summary, article.status, article.promoted, article.position) == ("One sentence.", "draft", True, 4)
    assert article.body == "Intro.\n\n## Billing terminated\nPay."
    assert list(article.sections.values_list("anchor", flat=True)) == ["", "billing-terminated"]


def test_import_publishes_an_article_whose_file_gives_no_status(tmp_path):
    run("import_articles", write(tmp_path, "a.md", content()))
    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_import_creates_a_missing_category_by_name_with_a_slug(tmp_path):
    run("import_articles", write(tmp_path, "a.md", content(category="Sending Email")))
    category = Category.objects.get()
    assert (category.name, category.slug) == ("Sending Email", "sending-email")


def test_import_reuses_an_existing_category_whatever_the_case_of_its_name(tmp_path, category):
    run("import_articles", write(tmp_path, "a.md", content(category="account and settings")))
    assert list(Category.objects.all()) == [category]
    assert Article.objects.get().category == category


def test_a_new_category_gets_a_unique_slug_when_its_slug_is_taken(tmp_path, make_category):
    make_category("Billing", slug="billing-plans")
    run("import_articles", write(tmp_path, "a.md", content(category="Billing + Plans")))
    assert Category.objects.get(name="Billing + Plans").slug == "billing-plans-2"


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path = write(tmp_path, "a.md", content(extra="links:\n  - label: Help\n    url: /contact/\n"))
    run("import_articles", path)
    before = Article.objects.get()
    link_ids = list(HelpLink.objects.values_list("pk", flat=True))
    stdout, _, _ = run("import_articles", path)
    assert stdout == "Imported 1 articles (created 0, updated 0, unchanged 1), 0 failed.\n"
    after = Article.objects.get()
    assert after.updated_at == before.updated_at
    assert list(HelpLink.objects.values_list("pk", flat=True)) == link_ids


def test_a_changed_title_updates_the_existing_article_instead_of_adding_one(tmp_path):
    run("import_articles", write(tmp_path, "a.md", content(title="Old title")))
    pk = Article.objects.get().pk
    stdout, _, _ = run("import_articles", write(tmp_path, "a.md", content(title="New title")))
    assert "(created 0, updated 1, unchanged 0)" in stdout
    assert list(Article.objects.values_list("pk", "title")) == [(pk, "New title")]


def test_tags_that_differ_only_in_spacing_or_repeats_do_not_count_as_a_change(tmp_path):
    run("import_articles", write(tmp_path, "a.md", content(extra="tags: [login, password]\n")))
    same_tags = write(tmp_path, "a.md", content(extra="tags: [' login', password, Login]\n"))
    stdout, _, _ = run("import_articles", same_tags)
    assert "unchanged 1" in stdout


def test_help_links_are_imported_in_the_order_of_the_file(tmp_path):
    links = "links:\n  - label: Reset\n    url: https://example.com/reset\n  - label: Contact\n    url: /contact/\n"
    run("import_articles", write(tmp_path, "a.md", content(extra=links)))
    article = Article.objects.get()
    assert list(article.help_links.values_list("label", "url", "position")) == [
        ("Reset", "https://example.com/reset", 0),
        ("Contact", "/contact/", 1),
    ]


def test_help_links_are_replaced_by_the_files_list(tmp_path):
    run("import_articles", write(tmp_path, "a.md", content(extra="links:\n  - {label: Old, url: /old/}\n")))
    new_links = write(tmp_path, "a.md", content(extra="links:\n  - {label: New, url: /new/}\n"))
    stdout, _, _ = run("import_articles", new_links)
    assert "updated 1" in stdout
    assert list(Article.objects.get().help_links.values_list("label", "url")) == [("New", "/new/")]


def test_importing_leaves_site_wide_help_links_alone(tmp_path, site_link):
    run("import_articles", write(tmp_path, "a.md", content()))
    assert list(HelpLink.objects.site_wide()) == [site_link]


def test_a_folder_means_the_md_files_directly_in_it(tmp_path):
    write(tmp_path, "b.md", content("b", title="B"))
    write(tmp_path, "a.md", content("a", title="A"))
    write(tmp_path, "notes.txt", "not an article")
    write(tmp_path, "image.png", b"\x89PNG\r\n")
    (tmp_path / "drafts").mkdir()
    write(tmp_path / "drafts", "c.md", content("c", title="C"))
    stdout, stderr, error = run("import_articles", tmp_path)
    assert (stderr, error) == ("", None)
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["a", "b"]


def test_files_and_folders_can_be_mixed_and_a_file_named_twice_is_imported_once(tmp_path):
    path = write(tmp_path, "a.md", content("a"))
    other = tmp_path / "other"
    other.mkdir()
    write(other, "b.md", content("b"))
    stdout, stderr, error = run("import_articles", tmp_path, path, other)
    assert (stderr, error) == ("", None)
    assert "Imported 2 articles (created 2," in stdout


BAD_FILES = {
    "no-front-matter": (b"title: Broken\nslug: broken\n\nText.\n", "no front matter"),
    "missing-title": (b"---\nslug: broken\ncategory: Brand New\n---\nText.\n", "title is missing"),
    "malformed-tag-list": (
        content("broken", category="Brand New", extra="tags: login, password\n").encode(),
        "tags must be a list, like [login, password]",
    ),
    "not-utf8": (content("broken", title="Caf\xe9", category="Brand New").encode("latin-1"), "not valid UTF-8"),
    "empty-file": (b"", "the file is empty"),
    "invalid-yaml": (b"---\ntitle: [unclosed\nslug: broken\ncategory: Brand New\n---\n", "invalid YAML"),
    "invalid-status": (content("broken", category="Brand New", extra="status: live\n").encode(), "status must be"),
}


@pytest.mark.parametrize("data, expected", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_reported_on_one_line_and_the_good_files_still_import(tmp_path, data, expected):
    write(tmp_path, "a-good.md", content("good"))
    bad = write(tmp_path, "b-bad.md", data)
    write(tmp_path, "c-good.md", content("also-good"))
    stdout, stderr, error = run("import_articles", tmp_path)
    assert error is not None and error.returncode == 1
    [line] = stderr.splitlines()
    assert line.startswith(f"{bad}: ")
    assert expected in line
    assert stdout == "Imported 2 articles (created 2, updated 0, unchanged 0), 1 failed.\n"
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["also-good", "good"]
    assert not Category.objects.filter(name="Brand New").exists()


def test_a_second_file_with_a_slug_already_seen_in_the_batch_fails(tmp_path):
    first = write(tmp_path, "a.md", content("same", title="First"))
    second = write(tmp_path, "b.md", content("same", title="Second", category="Brand New"))
    stdout, stderr, error = run("import_articles", tmp_path)
    assert error is not None
    assert stderr == f"{second}: duplicate slug 'same' (also in {first})\n"
    assert "1 failed" in stdout
    assert list(Article.objects.values_list("title", flat=True)) == ["First"]
    assert not Category.objects.filter(name="Brand New").exists()


def test_a_path_that_does_not_exist_is_reported_and_fails_the_command(tmp_path):
    good = write(tmp_path, "a.md", content())
    missing = tmp_path / "missing.md"
    stdout, stderr, error = run("import_articles", missing, good)
    assert error is not None
    assert stderr == f"{missing}: no such file or folder\n"
    assert Article.objects.count() == 1


def test_a_database_error_midway_leaves_nothing_of_that_file(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(HelpLink.objects, "bulk_create", fail)
    path = write(tmp_path, "a.md", content(category="Brand New", extra="links:\n  - {label: Help, url: /help/}\n"))
    _, stderr, error = run("import_articles", path)
    assert error is not None
    assert stderr == f"{path}: could not be saved: disk full\n"
    assert not Article.objects.exists()
    assert not Category.objects.exists()


# --- export_articles ----------------------------------------------------------


def test_export_writes_every_article_whatever_its_status_to_a_new_folder(tmp_path, make_article):
    for status in Article.Status.values:
        make_article(slug=f"an-{status}-article", status=status)
    folder = tmp_path / "out" / "articles"
    stdout, _, _ = run("export_articles", folder)
    assert stdout == f"Exported 4 articles to {folder}.\n"
    assert sorted(path.name for path in folder.iterdir()) == [
        "an-archived-article.md",
        "an-draft-article.md",
        "an-in_review-article.md",
        "an-published-article.md",
    ]


def test_export_fails_cleanly_when_the_target_is_a_file(tmp_path):
    target = write(tmp_path, "taken", "a file")
    _, _, error = run("export_articles", target)
    assert error is not None and "not a folder" in str(error)


def test_exported_articles_import_back_unchanged(tmp_path, make_article):
    make_article(slug="one", tags="login, password")
    make_article(slug="two", status=Article.Status.DRAFT)
    run("export_articles", tmp_path)
    stdout, _, _ = run("import_articles", tmp_path)
    assert stdout == "Imported 2 articles (created 0, updated 0, unchanged 2), 0 failed.\n"


def test_export_then_import_into_an_empty_site_gives_back_the_same_articles(tmp_path, make_category):
    awkward = make_category("Paramètres: “café” & more")
    plain = make_category("API and SMTP")
    articles = [
        dict(
            title='Error: "535 Authentication failed" — it\'s: bad',
            slug="awkward-quotes",
            category=plain,
            tags="smtp, no, 404, Ünïcode",
            summary="[Beta] starts with a bracket",
            body="Intro  \n\n---\n\n## Billing terminated\ntext\n...\n---\n\n\n",
            status="draft",
            promoted=True,
            position=7,
        ),
        dict(title="# Not a heading", slug="hash", category=awkward, summary="", body="", status="archived"),
        dict(title="yes", slug="yes", category=awkward, summary="# starts with a hash", body="---\nfence first"),
        dict(title="  padded  ", slug="padded", category=plain, summary="key: value # 'q' \"dq\"", body="\n\nx"),
    ]
    for fields in articles:
        Article.objects.create(**fields)
    first = Article.objects.get(slug="awkward-quotes")
    first.help_links.create(label="Reset: now", url="https://x.example/?a=1&b=2#c", position=0)
    first.help_links.create(label="Contact", url="/contact/", position=1)
    before = snapshot()

    run("export_articles", tmp_path)
    for article in Article.objects.all():
        article.delete()  # one by one, so each leaves the search index too
    Category.objects.all().delete()
    stdout, stderr, error = run("import_articles", tmp_path)

    assert (stderr, error) == ("", None)
    assert "created 4" in stdout
    assert snapshot() == before


def test_an_exported_file_carries_every_key(tmp_path, make_article):
    article = make_article(slug="login", title="Login", tags="login, password", summary="Sign in.", position=2)
    article.help_links.create(label="Reset", url="/reset/")
    run("export_articles", tmp_path)
    assert (tmp_path / "login.md").read_text(encoding="utf-8") == (
        "---\n"
        "title: Login\n"
        "slug: login\n"
        "category: Account and Settings\n"
        "tags: [login, password]\n"
        "summary: Sign in.\n"
        "status: published\n"
        "promoted: false\n"
        "position: 2\n"
        "links:\n"
        "  - label: Reset\n"
        "    url: /reset/\n"
        "---\n"
        "Some text.\n\n## First section\nMore text.\n"
    )


# --- load_demo -----------------------------------------------------------------


def demo_counts():
    return (
        Article.objects.count(),
        Category.objects.count(),
        HelpLink.objects.site_wide().count(),
        HelpLink.objects.count(),
    )


def test_loading_the_demo_twice_gives_the_same_content():
    first_out, _, _ = run("load_demo")
    counts = demo_counts()
    updated = dict(Article.objects.values_list("slug", "updated_at"))
    second_out, _, _ = run("load_demo")
    assert counts[:3] == (10, 4, 3)
    assert demo_counts() == counts
    assert dict(Article.objects.values_list("slug", "updated_at")) == updated
    assert "Demo articles: 10 added, 0 already there (left as they are), 0 failed." in first_out
    assert "Demo articles: 0 added, 10 already there (left as they are), 0 failed." in second_out
    assert "Demo categories: 0 added, 4 already there." in second_out
    assert "Site-wide help links: 0 added, 3 already there." in second_out


def test_the_demo_login_article_is_published_with_its_help_links_and_sections():
    run("load_demo")
    article = Article.objects.get(slug="troubleshooting-account-login-issues")
    assert article.status == Article.Status.PUBLISHED
    assert article.help_links.count() == 3
    anchors = set(article.sections.values_list("anchor", flat=True))
    assert {"billing-terminated", "account-banned"} <= anchors


def test_the_demo_categories_are_ordered_and_described():
    run("load_demo")
    categories = list(Category.objects.order_by("position"))
    assert [(c.name, c.position) for c in categories] == [
        ("Account and Settings", 1),
        ("Sending Email", 2),
        ("Billing and Plans", 3),
        ("API and SMTP", 4),
    ]
    assert all(category.description for category in categories)


def test_the_demo_site_links_are_added_in_order_next_to_existing_ones(site_link):
    run("load_demo")
    labels = list(HelpLink.objects.site_wide().exclude(pk=site_link.pk).values_list("label", flat=True))
    assert labels == ["Ask the community forum", "Check service status", "Read the API reference"]
    assert HelpLink.objects.filter(pk=site_link.pk).exists()
