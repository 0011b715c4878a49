"""
Templates: ready for a strict Content-Security-Policy, accessible page
structure on every public page, and escaped search snippets.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from articles import views
from articles.models import Article, HelpLink

pytestmark = pytest.mark.django_db

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"

# Template syntax is blanked out first so that `{% url ... %}` inside an
# attribute cannot hide what follows it from the tag pattern.
_TEMPLATE_SYNTAX = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
_TAG = re.compile(r"<([a-zA-Z][\w-]*)([^>]*)>")
_EVENT_ATTRIBUTE = re.compile(r"(?:^|\s)on[a-z]+\s*=", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"(?:^|\s)style\s*=", re.IGNORECASE)
_SRC_ATTRIBUTE = re.compile(r"(?:^|\s)src\s*=", re.IGNORECASE)
# Structured data is the one inline script allowed: JSON-LD is data, never executed, so CSP does not apply.
_JSON_LD_TYPE = re.compile(r"""(?:^|\s)type\s*=\s*["']?application/ld\+json["'\s>]""", re.IGNORECASE)


def csp_violations(markup: str) -> list[str]:
    """What a strict CSP (no 'unsafe-inline') would block in this markup."""
    problems = []
    for match in _TAG.finditer(_TEMPLATE_SYNTAX.sub("x", markup)):
        name, attributes = match.group(1).lower(), match.group(2)
        if name == "script" and not _SRC_ATTRIBUTE.search(attributes) and not _JSON_LD_TYPE.search(attributes + ">"):
            problems.append(f"inline script: {match.group(0)}")
        if name == "style":
            problems.append(f"inline style element: {match.group(0)}")
        if _EVENT_ATTRIBUTE.search(attributes):
            problems.append(f"event handler attribute: {match.group(0)}")
        if _STYLE_ATTRIBUTE.search(attributes):
            problems.append(f"style attribute: {match.group(0)}")
        if "javascript:" in attributes.lower():
            problems.append(f"javascript: URL: {match.group(0)}")
    return problems


class PageStructure(HTMLParser):
    """Collects what the accessibility checks need from a rendered page."""

    LABELLED_TAGS = {"input", "select", "textarea"}
    UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}

    def __init__(self):
        super().__init__()
        self.counts: dict[str, int] = {}
        self.ids: set[str] = set()
        self.label_targets: set[str] = set()
        self.controls: list[dict] = []
        self.links: list[tuple[dict, str]] = []
        self._open_labels = 0
        self._link: dict | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "label":
            self._open_labels += 1
            if attributes.get("for"):
                self.label_targets.add(attributes["for"])
        if tag in self.LABELLED_TAGS:
            if tag == "input" and attributes.get("type", "text") in self.UNLABELLED_INPUT_TYPES:
                return
            self.controls.append({**attributes, "_tag": tag, "_inside_label": self._open_labels > 0})
        if tag == "a":
            self._link, self._link_text = attributes, []

    def handle_endtag(self, tag):
        if tag == "label":
            self._open_labels = max(0, self._open_labels - 1)
        if tag == "a" and self._link is not None:
            self.links.append((self._link, "".join(self._link_text).strip()))
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link_text.append(data)

    def unlabelled_controls(self) -> list[dict]:
        return [
            control
            for control in self.controls
            if not control["_inside_label"]
            and control.get("id") not in self.label_targets
            and not control.get("aria-label")
            and not control.get("aria-labelledby")
        ]


def structure(html: str) -> PageStructure:
    parser = PageStructure()
    parser.feed(html)
    parser.close()
    return parser


def assert_accessible_page(html: str):
    page = structure(html)
    assert page.counts.get("h1") == 1, "exactly one h1"
    assert page.counts.get("main") == 1, "one main landmark"
    for landmark in ("header", "nav", "footer"):
        assert page.counts.get(landmark), f"a <{landmark}> landmark"
    skip_links = [
        attrs
        for attrs, _ in page.links
        if attrs.get("href", "").startswith("#") and "skip-link" in attrs.get("class", "")
    ]
    assert skip_links, "a skip link"
    assert skip_links[0]["href"][1:] in page.ids, "the skip link points at an element on the page"
    assert not page.unlabelled_controls(), "every visible control has a label"
    assert not csp_violations(html)


# --- Content ----------------------------------------------------------------------


@pytest.fixture
def content(make_article, category, site_link):
    """A category with a few published articles, one with sections, help links and a draft."""
    guide = make_article(
        title="Troubleshooting account login issues",
        slug="troubleshooting-account-login-issues",
        summary="Why you can't sign in, and what to do about it.",
        promoted=True,
        body=(
            "Being locked out usually has a simple explanation.\n\n"
            "## Invalid username or password\nType your password again slowly.\n\n"
            "### You need to reset your password\nUse the reset page.\n\n"
            "## Billing terminated\nThe account was closed because a bill went unpaid.\n"
        ),
    )
    HelpLink.objects.create(label="Reset your password", url="https://app.example.com/reset", article=guide)
    make_article(title="Setting up two-factor authentication", slug="setting-up-2fa", summary="Add a second step.")
    make_article(title="Old login page", slug="old-login-page", status=Article.Status.ARCHIVED)
    return guide


# --- A strict CSP ---------------------------------------------------------------


def test_no_template_contains_inline_script_event_handlers_or_style_attributes():
    templates = sorted(TEMPLATES_DIR.rglob("*.html"))
    assert templates, "templates were found"
    problems = [
        f"{path.relative_to(TEMPLATES_DIR)}: {problem}"
        for path in templates
        for problem in csp_violations(path.read_text())
    ]
    assert problems == []


def test_csp_check_catches_what_it_should():
    assert csp_violations("<script>alert(1)</script>")
    assert csp_violations('<a href="{% url "x" %}" onclick="go()">x</a>')
    assert csp_violations('<p style="color: red">x</p>')
    assert csp_violations("<style>p {}</style>")
    assert not csp_violations('<script src="/static/js/site.js" defer></script>')
    assert not csp_violations('<script type="application/ld+json">{"@type": "Article"}</script>')
    assert csp_violations('<script type="application/json">{}</script>')
    assert csp_violations('<script type="text/javascript">alert(1)</script>')
    assert csp_violations('<script type="application/ld+json-not">alert(1)</script>')
    assert not csp_violations('<p class="lead">Click on=the button</p>')


# --- Every public page ------------------------------------------------------------


PAGES = {
    "home": lambda a: reverse("articles:home"),
    "category": lambda a: a.category.get_absolute_url(),
    "article": lambda a: a.get_absolute_url(),
    "search with results": lambda a: reverse("articles:search") + "?q=password",
    "search without results": lambda a: reverse("articles:search") + "?q=xylophone",
    "empty search": lambda a: reverse("articles:search"),
    "contact": lambda a: reverse("articles:contact") + f"?article={a.slug}",
    "contact thanks": lambda a: reverse("articles:contact_thanks"),
    "not found": lambda a: "/no-such-page/",
}


@pytest.mark.parametrize("name", PAGES)
def test_public_page_has_one_h1_landmarks_labels_and_a_skip_link(client, content, name):
    response = client.get(PAGES[name](content))
    assert response.status_code == (404 if name == "not found" else 200)
    assert_accessible_page(response.content.decode())


def test_contact_page_with_errors_has_one_h1_and_labelled_controls(client, content):
    response = client.post(reverse("articles:contact"), {"name": "", "email": "nope", "subject": "", "message": "x"})
    assert response.status_code == 200
    assert_accessible_page(response.content.decode())


def test_server_error_page_renders_with_an_empty_context_and_no_request():
    html = render_to_string("errors/500.html", {})
    assert_accessible_page(html)
    assert f'action="{reverse("articles:search")}"' in html


def test_server_error_view_returns_500_with_the_error_page():
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()


# --- Base layout ---------------------------------------------------------------------


def test_base_links_the_stylesheet_a_search_form_and_contact(client, content):
    html = client.get(content.category.get_absolute_url()).content.decode()
    assert 'href="/static/css/site.css"' in html
    assert 'action="/search/"' in html and 'name="q"' in html and 'type="search"' in html
    assert 'href="/contact/"' in html


def test_not_found_page_makes_no_database_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_not_found_page_keeps_the_query_and_links_home_and_to_contact(client):
    html = client.get("/no-such-page/?q=%3Cb%3Einvoice").content.decode()
    assert 'value="&lt;b&gt;invoice"' in html
    assert 'href="/"' in html and 'href="/contact/"' in html


# --- Home and category ------------------------------------------------------------


def test_home_lists_categories_with_counts_promoted_articles_and_site_links(client, content):
    html = client.get(reverse("articles:home")).content.decode()
    assert f'href="{content.category.get_absolute_url()}"' in html
    assert "2 articles" in html  # the archived one is not counted
    assert content.title in html
    assert "Community forum" in html and "https://community.example.com/" in html


def test_category_with_no_articles_says_so(client, make_category):
    empty = make_category("Billing and Plans")
    html = client.get(empty.get_absolute_url()).content.decode()
    assert "There are no articles in this category yet." in html


# --- Article ------------------------------------------------------------------------


def test_article_shows_a_nested_table_of_contents_linking_to_section_anchors(client, content):
    html = client.get(content.get_absolute_url()).content.decode()
    assert '<nav class="toc" aria-label="On this page">' in html
    toc = html.split('aria-label="On this page"')[1].split("</nav>")[0]
    assert '<a href="#invalid-username-or-password">' in toc
    assert '<a href="#billing-terminated">' in toc
    # The level-3 section sits in a list nested under its level-2 section.
    nested = toc.split('href="#invalid-username-or-password"')[1].split('href="#billing-terminated"')[0]
    assert "<ol>" in nested and 'href="#you-need-to-reset-your-password"' in nested
    assert 'id="billing-terminated"' in html


def test_table_of_contents_keeps_a_leading_level_3_section_at_the_top_level(client, make_article):
    article = make_article(body="### Before any chapter\nText.\n\n## Chapter\nText.")
    html = client.get(article.get_absolute_url()).content.decode()
    toc = html.split('aria-label="On this page"')[1].split("</nav>")[0]
    assert toc.count("<ol>") == 1
    assert '<a href="#before-any-chapter">' in toc and '<a href="#chapter">' in toc


def test_article_without_sections_has_no_table_of_contents(client, make_article):
    article = make_article(body="Just one paragraph.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "On this page" not in html


def test_article_shows_last_updated_help_links_related_and_contact_link(client, content):
    html = client.get(content.get_absolute_url()).content.decode()
    assert f'<time datetime="{content.updated_at.isoformat()}">' in html
    assert "Related help" in html and 'href="https://app.example.com/reset"' in html
    assert f"More in {content.category.name}" in html and "Setting up two-factor authentication" in html
    assert "Old login page" not in html
    assert "Still need help?" in html
    assert f'href="/contact/?article={content.slug}"' in html


def test_staff_see_a_banner_on_an_unpublished_article(client, editor, make_article):
    draft = make_article(title="Coming soon", status=Article.Status.DRAFT)
    client.force_login(editor)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "Draft:</strong> this article is not visible to customers." in html


def test_published_article_has_no_status_banner(client, content):
    assert "not visible to customers" not in client.get(content.get_absolute_url()).content.decode()


# --- Search ----------------------------------------------------------------------------


def test_search_results_link_to_sections_and_show_category(client, content):
    html = client.get(reverse("articles:search"), {"q": "billing terminated"}).content.decode()
    assert "<h1>Results for “billing terminated”</h1>" in html
    # Through the click-recording redirect, which lands on the section.
    assert f'/{content.slug}/?section=billing-terminated"' in html
    assert "Section: Billing terminated" in html
    assert content.category.name in html
    assert "<mark>" in html


def test_search_keeps_the_query_and_selected_category_in_the_form(client, content, make_category, make_article):
    other = make_category("Billing and Plans")
    make_article(category=other)
    html = client.get(reverse("articles:search"), {"q": "password", "category": other.slug}).content.decode()
    assert 'value="password"' in html
    assert f'<option value="{other.slug}" selected>' in html


def test_search_offers_the_corrected_query(client, content):
    html = client.get(reverse("articles:search"), {"q": "pasword"}).content.decode()
    assert 'Showing results for <a href="?q=password">password</a>' in html


def test_search_pagination_keeps_the_query_and_category(client, make_article, category):
    for n in range(12):
        make_article(title=f"Webhook guide {n}", body="Webhooks that are not arriving.")
    response = client.get(reverse("articles:search"), {"q": "webhooks", "category": category.slug})
    html = response.content.decode()
    assert "12 results" in html and "Page 1 of 2" in html
    assert f'href="?q=webhooks&amp;category={category.slug}&amp;page=2"' in html
    html = client.get(
        reverse("articles:search"), {"q": "webhooks", "category": category.slug, "page": 2}
    ).content.decode()
    assert f'href="?q=webhooks&amp;category={category.slug}"' in html  # back to page 1, without page=1


def test_search_without_results_suggests_articles_and_support(client, content):
    html = client.get(reverse("articles:search"), {"q": "xylophone"}).content.decode()
    assert "No articles match “xylophone”" in html
    assert "Popular articles" in html and content.title in html
    assert "Still need help?" in html and "Community forum" in html


def test_empty_search_shows_tips_suggestions_and_categories(client, content):
    html = client.get(reverse("articles:search")).content.decode()
    assert "<h1>Search</h1>" in html
    assert "Search tips" in html
    assert content.title in html
    assert content.category.get_absolute_url() in html


def test_search_snippets_escape_html_and_mark_the_matched_word(client, make_article):
    make_article(title="Sanitising input", body="Never paste `<script>alert(1)</script>` into the subject line.")
    html = client.get(reverse("articles:search"), {"q": "alert"}).content.decode()
    snippet = html.split('class="result__snippet"')[1].split("</p>")[0]
    assert "&lt;script&gt;" in snippet
    assert "<mark>alert</mark>" in snippet
    assert "<script>alert" not in html
    assert "<script>" not in html  # the only scripts are static files


# --- Contact ----------------------------------------------------------------------------


def test_contact_form_names_the_article_and_carries_it_in_a_hidden_field(client, content):
    html = client.get(reverse("articles:contact"), {"article": content.slug}).content.decode()
    assert f'About: <a href="{content.get_absolute_url()}">{content.title}</a>' in html
    assert f'<input type="hidden" name="article" value="{content.slug}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'data-contact-suggestions="/contact/suggestions/"' in html


def test_contact_form_errors_sit_next_to_their_fields_and_are_announced(client):
    html = client.post(
        reverse("articles:contact"), {"name": "Ada", "email": "not-an-email", "subject": "Help", "message": "short"}
    ).content.decode()
    assert 'role="alert"' in html
    email = html.split('<label for="id_email">')[1].split("</div>")[0]
    assert 'id="id_email_error"' in email
    assert 'aria-invalid="true"' in email
    assert 'aria-describedby="id_email_helptext id_email_error"' in email
    assert 'id="id_email_helptext"' in email
    name = html.split('<label for="id_name">')[1].split("</div>")[0]
    assert "aria-invalid" not in name


def test_contact_thanks_confirms_and_links_home(client):
    html = client.get(reverse("articles:contact_thanks")).content.decode()
    assert "We've received your request and will reply by email" in html
    assert 'href="/"' in html
