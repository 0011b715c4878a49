"""The content file format: reading one file, and writing one back."""

import pytest

from articles.content_files import (
    ArticleFile,
    ContentFileError,
    article_file_to_text,
    parse_content_file,
    parse_text,
)

pytestmark = pytest.mark.django_db

LOGIN_FILE = """\
---
title: Troubleshooting account login issues
slug: troubleshooting-account-login-issues
category: Account and Settings
tags: [login, password, account]
summary: Work out why you can't sign in.
status: draft
promoted: true
position: 3
links:
  - label: Reset your password
    url: https://app.postwise.example/reset-password
  - label: Contact us
    url: /contact/
---
Intro paragraph.

## Billing terminated
Pay the balance.
"""


def front(extra: str = "", *, title: str = "A title", body: str = "Body.\n") -> str:
    return f"---\ntitle: {title}\nslug: a-slug\ncategory: Account and Settings\n{extra}---\n{body}"


def reason(text: str) -> str:
    with pytest.raises(ValueError) as excinfo:
        parse_text(text)
    return str(excinfo.value)


def test_a_complete_file_is_read_into_every_field():
    assert parse_text(LOGIN_FILE) == ArticleFile(
        title="Troubleshooting account login issues",
        slug="troubleshooting-account-login-issues",
        category="Account and Settings",
        tags=("login", "password", "account"),
        summary="Work out why you can't sign in.",
        body="Intro paragraph.\n\n## Billing terminated\nPay the balance.",
        status="draft",
        promoted=True,
        position=3,
        links=(
            ("Reset your password", "https://app.postwise.example/reset-password"),
            ("Contact us", "/contact/"),
        ),
    )


def test_optional_keys_default_to_a_published_unpromoted_article_without_tags_or_links():
    parsed = parse_text(front())
    assert (parsed.status, parsed.promoted, parsed.position) == ("published", False, 0)
    assert (parsed.tags, parsed.summary, parsed.links) == ((), "", ())


def test_quoted_and_unquoted_values_mean_the_same():
    quoted = "---\ntitle: 'A title'\nslug: \"a-slug\"\ncategory: Account and Settings\n---\nBody.\n"
    assert parse_text(quoted) == parse_text(front())


def test_tags_that_yaml_would_read_as_booleans_or_numbers_stay_text():
    assert parse_text(front("tags: [no, on, 404, 1.10]\n")).tags == ("no", "on", "404", "1.10")


def test_a_file_path_is_read_as_utf8(tmp_path):
    path = tmp_path / "cafe.md"
    path.write_bytes(front(title="Café ☕").encode("utf-8"))
    assert parse_content_file(path).title == "Café ☕"


def test_windows_line_endings_and_a_byte_order_mark_read_like_plain_unix_text():
    assert parse_text("\ufeff" + LOGIN_FILE.replace("\n", "\r\n")) == parse_text(LOGIN_FILE)


def test_dashes_in_the_body_belong_to_the_body():
    body = "---\nBefore the rule.\n\n---\n\nAfter it.\n"
    assert parse_text(front(body=body)).body == body.removesuffix("\n")


def test_the_final_line_break_ends_the_file_and_is_not_part_of_the_body():
    assert parse_text(front(body="Text  \n\n\n")).body == "Text  \n\n"
    assert parse_text(front(body="Text")).body == "Text"


def test_a_file_may_have_an_empty_body():
    assert parse_text(front(body="")).body == ""


@pytest.mark.parametrize(
    "text, expected",
    [
        ("title: A\nslug: a\n\nBody.\n", "no front matter: the file must start with a '---' line"),
        ("---\ntitle: A\nslug: a\ncategory: C\nBody.\n", "the front matter is not closed with a second '---' line"),
        ("   \n\n", "the file is empty"),
        ("---\njust some words\n---\n", "the front matter must be `key: value` lines"),
        ("---\nslug: a-slug\ncategory: Account\n---\n", "title is missing"),
        (front(title="''"), "title is missing"),
        (front("tags: login, password\n"), "tags must be a list, like [login, password]"),
        (front("tags: [[login], password]\n"), "tags must be a list, like [login, password]"),
        (front("tags: ['login, password']\n"), "the tag 'login, password' contains a comma"),
        (front("titel: Typo\n"), "unknown key 'titel' (did you mean 'title'?)"),
        (front("colour: blue\n"), "unknown key 'colour' (expected one of: title, slug, category,"),
        (front("title: Again\n"), "the key 'title' appears twice"),
        (front("summary: [unclosed\n"), "invalid YAML (line 5)"),
        (front("status: publish\n"), "status must be one of draft, in_review, published, archived (not 'publish')"),
        (front("promoted: maybe\n"), "promoted must be true or false (not 'maybe')"),
        (front("position: -1\n"), "position must be a whole number, 0 or more (not '-1')"),
        (front("position: 1.5\n"), "position must be a whole number, 0 or more (not '1.5')"),
        (front("position: 99999999999\n"), "position must be a whole number, 0 or more"),
        (front("summary: [a, b]\n"), "summary must be text, not a list or a mapping"),
        (front("links: https://example.com\n"), "links must be a list of items with a label and a url"),
        (front("links:\n  - label: Home\n"), "links must be a list of items with a label and a url (item 1 is not)"),
        (
            front("links:\n  - {label: X, url: 'javascript:alert(1)'}\n"),
            "link 1 is not valid (url: Enter an address starting with https://",
        ),
        (front(body="Bad \x00 byte"), "the body contains NUL characters"),
    ],
    ids=[
        "no-front-matter",
        "unclosed-front-matter",
        "blank-file",
        "front-matter-not-a-mapping",
        "missing-title",
        "empty-title",
        "tags-as-a-plain-string",
        "nested-tags",
        "tag-with-a-comma",
        "misspelt-key",
        "unknown-key",
        "duplicate-key",
        "invalid-yaml",
        "invalid-status",
        "promoted-not-a-boolean",
        "negative-position",
        "fractional-position",
        "position-too-large",
        "summary-not-text",
        "links-not-a-list",
        "link-without-url",
        "link-with-script-url",
        "nul-in-body",
    ],
)
def test_an_invalid_file_is_rejected_with_a_clear_reason(text, expected):
    assert expected in reason(text)


@pytest.mark.parametrize("slug", ["has spaces", "slash/in/it", "dots..", "x" * 201])
def test_a_slug_must_be_a_valid_slug_of_at_most_200_characters(slug):
    message = reason(f"---\ntitle: A\nslug: '{slug}'\ncategory: C\n---\n")
    assert "slug" in message


def test_an_error_names_the_file_and_gives_its_reason_on_one_line(tmp_path):
    path = tmp_path / "broken.md"
    path.write_text(front("tags: login, password\n"), encoding="utf-8")
    with pytest.raises(ContentFileError) as excinfo:
        parse_content_file(path)
    assert str(excinfo.value) == f"{path}: tags must be a list, like [login, password]"


def test_yaml_errors_are_reported_on_one_line_with_the_file_line_number(tmp_path):
    path = tmp_path / "broken.md"
    path.write_text(front("summary: [unclosed\n"), encoding="utf-8")
    with pytest.raises(ContentFileError) as excinfo:
        parse_content_file(path)
    assert "\n" not in str(excinfo.value)
    assert str(excinfo.value).startswith(f"{path}: invalid YAML (line 5): ")


def test_bytes_that_are_not_utf8_are_rejected(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes(front(title="Caf\xe9").encode("latin-1"))
    with pytest.raises(ContentFileError, match="not valid UTF-8"):
        parse_content_file(path)


def test_an_empty_file_is_rejected(tmp_path):
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    with pytest.raises(ContentFileError, match="the file is empty"):
        parse_content_file(path)


def test_a_missing_file_is_rejected(tmp_path):
    with pytest.raises(ContentFileError, match="no such file or folder"):
        parse_content_file(tmp_path / "nowhere.md")


def test_writing_gives_every_key_in_order_with_tags_as_a_flow_list():
    text = article_file_to_text(parse_text(LOGIN_FILE))
    assert text.startswith(
        "---\n"
        "title: Troubleshooting account login issues\n"
        "slug: troubleshooting-account-login-issues\n"
        "category: Account and Settings\n"
        "tags: [login, password, account]\n"
        "summary: Work out why you can't sign in.\n"
        "status: draft\n"
        "promoted: true\n"
        "position: 3\n"
        "links:\n"
        "  - label: Reset your password\n"
        "    url: https://app.postwise.example/reset-password\n"
    )
    assert text.endswith("---\nIntro paragraph.\n\n## Billing terminated\nPay the balance.\n")


def test_writing_leaves_out_links_when_there_are_none():
    assert "links" not in article_file_to_text(parse_text(front()))


AWKWARD = [
    ArticleFile(
        title='Error: "535 Authentication failed" — it\'s: bad',
        slug="awkward-quotes",
        category="API & SMTP: relay",
        tags=("smtp", "no", "404", "Ünïcode", "yes"),
        summary="[Beta] starts with a bracket",
        body="Intro  \n\n---\n\n## Section\ntext\n...\n---\n\n\n",
        status="draft",
        promoted=True,
        position=7,
        links=(("Reset: now", "https://x.example/?a=1&b=2#c"), ("Contact", "/contact/")),
    ),
    ArticleFile(title="# Not a heading", slug="hash", category="Paramètres – café ☕", status="archived"),
    ArticleFile(title="yes", slug="yes", category="null", summary="# starts with a hash", body="---\nfence first"),
    ArticleFile(title="  padded  ", slug="p", category="~", summary="'single' and \"double\"", body="\n\nblank lines"),
    ArticleFile(title="Line\u2028separator\x85next", slug="breaks", category="- dash", summary="key: value # x"),
    ArticleFile(title="Tab\there", slug="tab", category="C", summary="%directive", body="   \n"),
]


@pytest.mark.parametrize("article_file", AWKWARD, ids=[a.slug for a in AWKWARD])
def test_reading_what_was_written_gives_back_the_same_article(article_file):
    assert parse_text(article_file_to_text(article_file)) == article_file


@pytest.mark.parametrize("article_file", AWKWARD, ids=[a.slug for a in AWKWARD])
def test_writing_what_was_read_gives_back_the_same_text(article_file):
    text = article_file_to_text(article_file)
    assert article_file_to_text(parse_text(text)) == text


# --- Workflow keys: status in_review, publish_at, review_by ------------------------


def test_workflow_keys_are_read_with_their_types():
    import datetime

    parsed = parse_text(front("status: in_review\npublish_at: 2027-01-31T09:00:00+01:00\nreview_by: 2027-06-30\n"))

    assert parsed.status == "in_review"
    assert parsed.publish_at == datetime.datetime(2027, 1, 31, 8, 0, tzinfo=datetime.UTC)
    assert parsed.review_by == datetime.date(2027, 6, 30)


def test_a_publish_date_without_an_offset_is_in_the_sites_time_zone(settings):
    import datetime
    import zoneinfo

    settings.TIME_ZONE = "Europe/Paris"

    parsed = parse_text(front("publish_at: 2027-01-31 09:00\n"))

    assert parsed.publish_at == datetime.datetime(2027, 1, 31, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))


def test_a_file_without_workflow_keys_reads_as_before():
    parsed = parse_text(front())

    assert (parsed.status, parsed.publish_at, parsed.review_by) == ("published", None, None)


@pytest.mark.parametrize(
    "extra, expected",
    [
        ("publish_at: tomorrow\n", "publish_at must be a date and time like 2027-01-31 09:00"),
        ("publish_at: 2027-02-30T09:00\n", "publish_at must be a date and time like"),
        ("publish_at: [2027]\n", "publish_at must be a date and time like"),
        ("review_by: 31/01/2027\n", "review_by must be a date like 2027-01-31 (not '31/01/2027')"),
        ("review_by: 2027-13-01\n", "review_by must be a date like 2027-01-31"),
        ("status: review\n", "status must be one of draft, in_review, published, archived (not 'review')"),
    ],
)
def test_bad_workflow_values_are_refused_with_the_reason(extra, expected):
    assert reason(front(extra)).startswith(expected)


def test_workflow_keys_are_written_only_when_set_and_read_back_the_same():
    with_dates = parse_text(front("status: in_review\npublish_at: 2027-01-31T09:00:00+01:00\nreview_by: 2027-06-30\n"))
    without = parse_text(front())

    text = article_file_to_text(with_dates)

    assert "publish_at: '2027-01-31T08:00:00+00:00'\nreview_by: '2027-06-30'\n" in text
    assert parse_text(text) == with_dates
    assert "publish_at" not in article_file_to_text(without) and "review_by" not in article_file_to_text(without)
    assert parse_text(article_file_to_text(without)) == without


# --- Search controls: search_boost and pinned_queries --------------------------------


def test_search_controls_are_read_with_their_types():
    article_file = parse_text(
        front("search_boost: -3\npinned_queries: ['Reset Password!', {query: forgot password, position: 2}]\n")
    )

    assert article_file.search_boost == -3
    assert article_file.pinned_queries == (("reset password", 1), ("forgot password", 2))


def test_search_controls_are_written_only_when_set_and_read_back_the_same():
    controlled = ArticleFile(
        title="T", slug="t", category="C", search_boost=4, pinned_queries=(("reset password", 1), ("yes", 3))
    )
    plain = ArticleFile(title="T", slug="t", category="C")

    text = article_file_to_text(controlled)

    assert "search_boost: 4\npinned_queries: [reset password, {query: 'yes', position: 3}]\n" in text
    assert parse_text(text) == controlled
    assert "search_boost" not in article_file_to_text(plain) and "pinned_queries" not in article_file_to_text(plain)


@pytest.mark.parametrize(
    "extra, expected",
    [
        ("search_boost: 11\n", "search_boost must be a whole number from -10 to 10 (not '11')"),
        ("search_boost: -11\n", "search_boost must be a whole number from -10 to 10 (not '-11')"),
        ("search_boost: high\n", "search_boost must be a whole number from -10 to 10 (not 'high')"),
        ("search_boost: 2.5\n", "search_boost must be a whole number"),
        ("search_boost: [3]\n", "search_boost must be a whole number"),
        ("pinned_queries: reset password\n", "pinned_queries must be a list of search queries"),
        ("pinned_queries: [[reset, password]]\n", "pinned_queries must be a list of search queries, like"),
        ("pinned_queries: [{query: reset}]\n", "pinned_queries must be a list of search queries, like"),
        ("pinned_queries: ['?!']\n", "pinned query 1 ('?!'): Enter a query with at least one word"),
        ("pinned_queries: [how do i]\n", "pinned query 1 ('how do i'): This query has only very common words"),
        ("pinned_queries: [reset password, Reset Password]\n", "pinned query 2 ('Reset Password') is listed twice"),
        ("pinned_queries: [{query: a b, position: first}]\n", "pinned query 1: position must be a whole number"),
    ],
)
def test_bad_search_controls_are_refused_with_the_reason(extra, expected):
    assert reason(front(extra)).startswith(expected)
