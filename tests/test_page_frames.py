"""
A page rendered into its kept frame (articles/page_frames.py), with pieces kept
per content version (articles/page_fragments.py), is the page the template
engine renders as a whole, for every kind of request; nothing of one visitor is
kept; an editor's change shows at the next request.
"""

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.test import Client, RequestFactory
from django.utils import translation

from articles import page_fragments, page_frames, views
from articles.models import HelpLink
from articles.page_cache import content_changed

pytestmark = pytest.mark.django_db

BODY = "Intro.\n\n## Check the cable\nText.\n\n## Restart the router\nDone."


@pytest.fixture
def article(make_article, settings, category):
    settings.KB_PAGE_CACHE = False  # each request renders the page
    HelpLink.objects.create(label="Community forum", url="https://community.example.com/")
    HelpLink.objects.create(label="Status page", url="https://status.example.com/")
    make_article("Printer offline again", category=category)
    article = make_article("Printer offline", BODY, summary="When the printer & the router disagree.")
    HelpLink.objects.create(label="Reset your password", url="https://example.com/reset", article=article)
    return article


@pytest.fixture
def whole_render(monkeypatch):
    """The article view rendering its template as a whole (what it did before frames), for comparison."""

    def as_a_whole():
        monkeypatch.setattr(views, "render_framed", render)

    return as_a_whole


def _both(article, whole_render, client=None, **request):
    client = client or Client()
    framed = client.get(article.get_absolute_url(), **request)
    whole_render()
    whole = client.get(article.get_absolute_url(), **request)
    assert framed.status_code == whole.status_code == 200
    return framed.content, whole.content


def test_the_framed_article_page_is_the_page_rendered_as_a_whole(article, whole_render):
    framed, whole = _both(article, whole_render)
    assert framed == whole
    assert b"Printer offline" in framed and b"Community forum" in framed and b"Reset your password" in framed


def test_the_same_for_another_host_and_https(article, whole_render, settings):
    settings.ALLOWED_HOSTS = ["help.example.org", "testserver"]
    Client().get(article.get_absolute_url())  # the frame made under the first host
    framed, whole = _both(article, whole_render, HTTP_HOST="help.example.org", secure=True)
    assert framed == whole
    assert b'href="https://help.example.org/articles/' in framed


def test_the_same_for_signed_in_staff_and_pending_messages(article, whole_render, editor):
    client = Client()
    client.force_login(editor)
    client.cookies["messages"] = "pending"
    framed, whole = _both(article, whole_render, client=client)
    assert framed == whole


def test_the_same_under_another_language(article, whole_render):
    with translation.override("de"):
        framed, whole = _both(article, whole_render, HTTP_ACCEPT_LANGUAGE="de")
    assert framed == whole


def test_the_same_for_a_voter_whose_forms_are_rendered_for_them(article, whole_render, customer):
    client = Client()
    client.force_login(customer)
    framed, whole = _both(article, whole_render, client=client, data={"fixed": "check-the-cable", "answer": "no"})
    assert framed == whole and b'value="no" class="button button--small" aria-pressed="true"' in framed


# The frame with what belongs to one visitor, on templates made for it.

BASE = (
    "<title>{% block title %}{% endblock %}</title>"
    "<form method=post>{% csrf_token %}</form>"
    "<p>{{ request.get_host }} {{ user.username }}</p>"
    "{% for message in messages %}<p>{{ message }}</p>{% endfor %}"
    "<main>{% block content %}{% endblock %}</main>"
)
PAGE = (
    '{% extends "frame_base.html" %}'
    "{% block title %}{{ name }}{% endblock %}"
    "{% block content %}<form method=post>{% csrf_token %}</form>"
    "{{ request.get_host }} {{ user.username }} {% for message in messages %}{{ message }}{% endfor %}{% endblock %}"
)


@pytest.fixture
def frame_templates(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [("django.template.loaders.locmem.Loader", {"frame_base.html": BASE, "page.html": PAGE})],
            },
        }
    ]


def _visitor(username, host="testserver"):
    request = RequestFactory().get("/page/", HTTP_HOST=host)
    request.user = type("Visitor", (), {"username": username, "is_authenticated": True})()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request._messages.add(20, f"Hello {username}")
    get_token(request)
    return request


def test_one_visitor_s_token_user_host_and_messages_stay_out_of_the_frame(frame_templates, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    first = page_frames.render_framed(_visitor("ann", "one.example"), "page.html", {"name": "A"}).content.decode()
    second_visitor = _visitor("bob", "two.example")
    second = page_frames.render_framed(second_visitor, "page.html", {"name": "B"}).content.decode()
    for seen in ("ann", "one.example", "Hello ann"):
        assert seen in first and seen not in second
    # Inside the page's blocks they are the visitor's own, as in a whole render; outside, in the
    # frame, they come out empty (the test above fails for a page like this), never another's.
    assert "<main><form method=post><input" in second and "two.example bob Hello bob</main>" in second
    assert second.startswith("<title>B</title><form method=post></form><p> </p><main>")
    whole = render(second_visitor, "page.html", {"name": "B"}).content.decode()
    assert whole.startswith("<title>B</title><form method=post><input") and "<p>two.example bob</p>" in whole


def test_the_frame_is_rendered_once_per_content_version_and_language(article, monkeypatch):
    made = []
    frame = page_frames._frame
    monkeypatch.setattr(page_frames, "_frame", lambda template: made.append(template.name) or frame(template))
    for _ in range(3):
        Client().get(article.get_absolute_url())
    assert made == ["articles/article.html"]
    with translation.override("de"):
        Client().get(article.get_absolute_url())
    content_changed()
    Client().get(article.get_absolute_url())
    assert made == ["articles/article.html"] * 3


# An editor's change shows at the next request.


def _page(article) -> str:
    return Client().get(article.get_absolute_url()).content.decode()


def test_an_edited_site_link_shows_at_the_next_request(article):
    assert "Community forum" in _page(article)
    link = HelpLink.objects.get(label="Community forum")
    link.label = "Ask the community"
    link.save()
    page = _page(article)
    assert "Ask the community" in page and "Community forum" not in page


def test_a_renamed_category_shows_at_the_next_request(article, category):
    assert "Account and Settings" in _page(article)
    category.name = "Your account"
    category.save()
    page = _page(article)
    assert "Your account" in page and "Account and Settings" not in page


def test_an_edited_help_link_of_the_article_shows_at_the_next_request(article):
    assert "Reset your password" in _page(article)
    HelpLink.objects.filter(article=article).first().delete()
    assert "Reset your password" not in _page(article)


def test_a_retitled_article_shows_in_more_in_category_at_the_next_request(article):
    assert "Printer offline again" in _page(article)
    other = article.category.articles.exclude(pk=article.pk).get()
    other.title = "Printer offline, once more"
    other.save()
    page = _page(article)
    assert "Printer offline, once more" in page and "Printer offline again" not in page


def test_more_in_category_and_site_links_are_rendered_once_per_content_version(article, monkeypatch):
    rendered = []
    render_to_string = page_fragments.render_to_string
    monkeypatch.setattr(
        page_fragments,
        "render_to_string",
        lambda name, context: rendered.append(name) or render_to_string(name, context),
    )
    for _ in range(3):
        _page(article)
    content_changed()
    _page(article)
    assert sorted(rendered) == sorted(["includes/more_in_category.html", "includes/site_links.html"] * 2)
