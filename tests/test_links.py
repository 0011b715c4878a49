"""Links between articles (warnings on save, the broken-links list) and `manage.py check_links`."""

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.links import body_problems, link_checks_run
from articles.models import Article, ArticleLink, BrokenLink, HelpLink, LinkCheck

pytestmark = pytest.mark.django_db


def admin_form_data(response, **changes):
    """The data a browser would post back from an admin change form, with `changes` applied."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    data.update(changes)
    data["_save"] = "Save"
    return data


def save_in_admin(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    return client.post(url, admin_form_data(client.get(url), **changes), follow=True)


def warnings_of(response):
    return [str(message) for message in response.context["messages"] if message.level_tag == "warning"]


# --- Links between articles -------------------------------------------------------


def test_an_article_link_written_by_slug_is_stored_and_rendered_as_the_address(make_article):
    make_article(slug="reset-password", body="## By email\nText.")
    article = make_article(body="See [reset](article:reset-password#by-email).")

    assert '<a href="/articles/reset-password/#by-email"' in article.body_html
    assert list(article.outgoing_links.values_list("kind", "target", "anchor", "text")) == [
        ("article", "reset-password", "by-email", "reset")
    ]


def test_saving_in_the_admin_warns_about_links_to_unknown_draft_and_archived_articles(client, editor, make_article):
    make_article(slug="live")
    make_article(slug="a-draft", status=Article.Status.DRAFT)
    make_article(slug="old-news", status=Article.Status.ARCHIVED)
    article = make_article()
    client.force_login(editor)
    body = "[ok](article:live) [one](article:nowhere) [two](article:a-draft) [three](/articles/old-news/)"

    response = save_in_admin(client, article, body=body)

    assert response.status_code == 200
    assert warnings_of(response) == [
        "The link “one” to article:nowhere is broken: there is no article with this slug.",
        "The link “two” to article:a-draft is broken: customers cannot open the article (status: draft).",
        "The link “three” to article:old-news is broken: customers cannot open the article (status: archived).",
    ]
    article.refresh_from_db()
    assert article.body == body  # saved all the same: a warning, not a refusal


def test_a_link_to_a_section_the_article_does_not_have_is_flagged(make_article):
    make_article(slug="live", body="## Setup\nText.")

    assert body_problems("[a](article:live#setup) [b](article:live#teardown)") == [
        "The link “b” to article:live#teardown is broken: the article has no section #teardown."
    ]


def test_a_link_to_a_renamed_article_says_where_it_went(make_article):
    article = make_article(slug="old-name")
    article.slug = "new-name"
    article.save()

    assert body_problems("[x](article:old-name)") == [
        "The link “x” to article:old-name is broken: the article was renamed: link to article:new-name instead."
    ]


def test_saving_in_the_admin_warns_about_images_without_alt_text(client, editor, make_article):
    article = make_article()
    client.force_login(editor)

    response = save_in_admin(client, article, body="![](/media/markdownx/a.png)\n\n![Sign-in page](/media/b.png)")

    assert warnings_of(response) == [
        "The image /media/markdownx/a.png has no alt text: describe what it shows between the brackets, "
        "![like this](/media/markdownx/a.png)."
    ]


def test_a_clean_body_saves_without_warnings(client, editor, make_article):
    make_article(slug="live", body="## Setup\nText.")
    article = make_article()
    client.force_login(editor)

    response = save_in_admin(client, article, body="[ok](article:live#setup) ![A screenshot](/media/a.png)")

    assert warnings_of(response) == []


def test_the_broken_links_list_follows_the_state_of_the_linked_article(client, editor, make_article):
    draft = make_article(slug="soon", status=Article.Status.DRAFT)
    source = make_article(title="Source", body="[later](article:soon) [never](article:ghost)")
    make_article(body="[fine](article:source-ok)", slug="source-ok")
    client.force_login(editor)
    url = reverse("admin:articles_brokenlink_changelist")

    page = client.get(url).content.decode()
    assert "article:soon" in page and "article:ghost" in page and "article:source-ok" not in page
    assert set(BrokenLink.objects.broken().values_list("target", flat=True)) == {"soon", "ghost"}

    draft.status = Article.Status.PUBLISHED
    draft.save()  # the linking article is not saved again

    assert set(BrokenLink.objects.broken().values_list("article__title", "target")) == {(source.title, "ghost")}
    assert "article:soon" not in client.get(url).content.decode()


def test_the_broken_links_list_is_read_only(client, editor, make_article):
    make_article(body="[x](article:ghost)")
    client.force_login(editor)

    assert client.get(reverse("admin:articles_brokenlink_add")).status_code == 403


def test_the_admin_refuses_a_body_nested_too_deeply_with_a_clear_message_instead_of_a_500(
    client, editor, make_article
):
    article = make_article(body="Before.")
    client.force_login(editor)
    deep = "- " * 2000 + "item"  # a list nested 2,000 levels deep, on one line

    response = save_in_admin(client, article, body=deep)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "nested more than 30 levels deep" in errors["body"][0]
    article.refresh_from_db()
    assert article.body == "Before."


def test_the_editor_preview_shows_the_nesting_message_instead_of_failing(client, editor):
    client.force_login(editor)
    deep = "- " * 2000 + "item"  # a list nested 2,000 levels deep, on one line

    response = client.post(reverse("markdownx_markdownify"), {"content": deep})

    assert response.status_code == 200
    assert "nested more than 30 levels deep" in response.content.decode()


# --- check_links -------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    active = 0
    most_at_once = 0
    lock = threading.Lock()

    def _answer(self, body: bool):
        cls = type(self)
        path = self.path
        with cls.lock:
            cls.active += 1
            cls.most_at_once = max(cls.most_at_once, cls.active)
        # Counted while "working", and no longer once the answer can reach the client.
        time.sleep(1.5 if path.startswith("/slow") else 0.2 if path.startswith("/busy") else 0)
        with cls.lock:
            cls.active -= 1
        try:
            if path.startswith("/no-head") and self.command == "HEAD":
                code = 405
            elif path.startswith("/missing"):
                code = 404
            elif path.startswith("/moved"):
                self.send_response(301)
                self.send_header("Location", "/ok")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            else:
                code = 200
            self.send_response(code)
            self.send_header("Content-Length", "2" if body else "0")
            self.end_headers()
            if body and self.command == "GET":
                self.wfile.write(b"ok")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)

    def log_message(self, *args):
        pass


@pytest.fixture
def web():
    """A small web server on 127.0.0.1 (any free port) that answers as its paths say."""
    _Handler.active = _Handler.most_at_once = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_check_links_records_the_answer_of_every_help_link_and_external_body_link(web, make_article):
    HelpLink.objects.create(label="Works", url=f"{web}/ok")
    HelpLink.objects.create(label="Gone", url=f"{web}/missing")
    HelpLink.objects.create(label="Contact", url="/contact/")
    HelpLink.objects.create(label="Nowhere", url="/no-such-page/")
    HelpLink.objects.create(label="Mail", url="mailto:help@example.com")
    make_article(body=f"[head refused]({web}/no-head) [moved]({web}/moved) [also gone]({web}/missing)")
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command("check_links", "--timeout", "5", stdout=stdout, stderr=stderr)

    checks = {check.url: (check.ok, check.status_code, check.error) for check in LinkCheck.objects.all()}
    assert checks == {
        f"{web}/ok": (True, 200, ""),
        f"{web}/missing": (False, 404, ""),
        f"{web}/no-head": (True, 200, ""),
        f"{web}/moved": (True, 200, ""),
        "/contact/": (True, 200, ""),
        "/no-such-page/": (False, 404, ""),
    }
    assert stdout.getvalue().splitlines() == [
        "broken: /no-such-page/ (HTTP 404)",
        f"broken: {web}/missing (HTTP 404)",
        "Checked 6 links: 2 broken.",
    ]
    assert "6/6" in stderr.getvalue()  # the progress bar reached the end


def test_a_link_that_does_not_answer_in_time_is_recorded_with_the_timeout(web):
    started = time.monotonic()

    summary = link_checks_run(urls=[f"{web}/slow"], timeout=0.3)

    assert time.monotonic() - started < 1.4
    assert [(r.ok, r.error) for r in summary.broken] == [(False, "no answer within 0.3 seconds")]
    check = LinkCheck.objects.get()
    assert (check.ok, check.error, check.checked_at is not None) == (False, "no answer within 0.3 seconds", True)


def test_a_server_that_refuses_connections_is_recorded_as_broken():
    summary = link_checks_run(urls=["http://127.0.0.1:9/nothing-listens-here"], timeout=2)

    assert summary.broken[0].error.startswith("cannot connect:")


def test_check_links_never_runs_more_requests_at_once_than_its_workers(web):
    urls = [f"{web}/busy/{n}" for n in range(8)]

    summary = link_checks_run(urls=urls, workers=2, timeout=5)

    assert (summary.checked, summary.broken) == (8, [])
    assert _Handler.most_at_once == 2


def test_a_second_run_updates_the_recorded_answer(web):
    link_checks_run(urls=[f"{web}/missing"], timeout=5)
    first = LinkCheck.objects.get().checked_at
    LinkCheck.objects.update(url=f"{web}/ok")

    link_checks_run(urls=[f"{web}/ok"], timeout=5)

    check = LinkCheck.objects.get()
    assert (check.ok, check.status_code) == (True, 200)
    assert check.checked_at > first


def test_the_admin_lists_broken_checked_links_with_where_they_are_used(client, editor, web, make_article):
    HelpLink.objects.create(label="Gone", url=f"{web}/missing")
    make_article(body=f"[gone]({web}/missing)")
    link_checks_run(timeout=5)
    client.force_login(editor)

    page = client.get(reverse("admin:articles_linkcheck_changelist") + "?ok__exact=0").content.decode()

    assert f"{web}/missing" in page
    assert "HTTP 404" in page
    assert "1 help link(s)" in page and "1 article body(ies)" in page
    assert ArticleLink.objects.filter(kind="external").count() == 1


# --- Working copies get the same checks ----------------------------------------------


def test_saving_a_working_copy_warns_about_broken_links_and_refuses_over_deep_nesting(client, editor, make_article):
    from articles.workflow import revision_start

    article = make_article()
    revision, _ = revision_start(article=article, user=editor)
    client.force_login(editor)
    url = reverse("admin:articles_articlerevision_change", args=[revision.pk])

    saved = client.post(url, admin_form_data(client.get(url), body="[x](article:ghost)"), follow=True)
    refused = client.post(url, admin_form_data(client.get(url), body="- " * 2000 + "item"))

    assert warnings_of(saved) == ["The link “x” to article:ghost is broken: there is no article with this slug."]
    assert refused.status_code == 200
    assert "nested more than 30 levels deep" in refused.context["adminform"].form.errors["body"][0]
    revision.refresh_from_db()
    assert revision.body == "[x](article:ghost)"


def test_an_address_too_long_to_record_does_not_stop_the_article_from_saving(make_article):
    long_url = "https://example.com/" + "é" * 600

    article = make_article(body=f"[long]({long_url}) [short](https://example.com/)")

    assert list(article.outgoing_links.values_list("target", flat=True)) == ["https://example.com/"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migration_records_the_links_of_articles_saved_before_it(make_article):
    make_article(slug="target")
    make_article(slug="source", body="[t](article:target) [web](https://example.com/a)")
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(connection).graph
    (links_migration,) = [key for key in graph.nodes if key[1].endswith("_article_links_and_link_checks")]
    (before,) = [parent[1] for parent in graph.node_map[links_migration].parents if parent[0] == "articles"]
    try:
        call_command("migrate", "articles", before, verbosity=0)
        call_command("migrate", "articles", verbosity=0)
        assert set(ArticleLink.objects.values_list("article__slug", "kind", "target")) == {
            ("source", "article", "target"),
            ("source", "external", "https://example.com/a"),
        }
    finally:
        call_command("migrate", "articles", verbosity=0)
