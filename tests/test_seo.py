"""
Reach: canonical addresses, Open Graph, JSON-LD structured data, the Atom feed,
the Markdown copy of each article and /llms.txt.
"""

import json
import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from articles.models import Article

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def guide(make_article):
    return make_article(
        "Fixing SMTP authentication errors",
        "When sending fails, check the credentials.\n\n## Authentication failed (535)\nUse an API key.\n",
        slug="fixing-smtp-authentication-errors",
        summary="What a 535 error means.",
        tags="smtp, 535",
    )


def head(html: str) -> str:
    return html.split("</head>")[0]


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return [json.loads(block) for block in blocks]


# --- Canonical and Open Graph ---------------------------------------------------------


def test_article_page_has_a_canonical_address_and_open_graph_tags(client, guide):
    html = head(client.get(guide.get_absolute_url() + "?utm_source=mail").content.decode())
    url = "http://testserver/articles/fixing-smtp-authentication-errors/"
    assert f'<link rel="canonical" href="{url}">' in html  # without the query string
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Fixing SMTP authentication errors">' in html
    assert '<meta property="og:description" content="What a 535 error means.">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<meta property="article:modified_time" content="{guide.updated_at.isoformat()}">' in html


def test_open_graph_values_are_escaped(client, make_article):
    article = make_article('Q&A: "quotes" <b>bold</b>', summary="Tom's <script>x</script>")
    html = head(client.get(article.get_absolute_url()).content.decode())
    assert '<meta property="og:title" content="Q&amp;A: &quot;quotes&quot; &lt;b&gt;bold&lt;/b&gt;">' in html
    assert '<meta property="og:description" content="Tom&#x27;s &lt;script&gt;x&lt;/script&gt;">' in html
    assert "<script>x" not in html


def test_home_and_category_pages_have_canonical_addresses(client, guide):
    assert '<link rel="canonical" href="http://testserver/">' in client.get("/?ref=x").content.decode()
    html = client.get(guide.category.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="http://testserver/categories/account-and-settings/">' in html
    assert '<meta property="og:type" content="website">' in html


def test_canonical_addresses_follow_https_behind_the_proxy(client, guide, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["help.example.com"]
    html = client.get(
        guide.get_absolute_url(), HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="help.example.com"
    ).content.decode()
    assert '<link rel="canonical" href="https://help.example.com/articles/fixing-smtp-authentication-errors/">' in html


def test_search_and_contact_pages_are_not_given_a_canonical_address(client, guide):
    for url in ["/search/?q=smtp", "/contact/"]:
        assert 'rel="canonical"' not in client.get(url).content.decode()


# --- JSON-LD ----------------------------------------------------------------------------


def test_article_page_describes_the_article_and_its_breadcrumbs_in_json_ld(client, guide):
    (data,) = json_ld(client.get(guide.get_absolute_url()).content.decode())
    article, breadcrumbs = data["@graph"]
    assert data["@context"] == "https://schema.org"
    assert article["@type"] == "Article"
    assert article["headline"] == guide.title
    assert article["datePublished"] == guide.created_at.isoformat()
    assert article["dateModified"] == guide.updated_at.isoformat()
    assert article["mainEntityOfPage"] == "http://testserver/articles/fixing-smtp-authentication-errors/"
    assert article["keywords"] == ["smtp", "535"]
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [(item["position"], item["name"]) for item in breadcrumbs["itemListElement"]] == [
        (1, "Home"),
        (2, "Account and Settings"),
        (3, "Fixing SMTP authentication errors"),
    ]


def test_category_page_has_breadcrumbs_in_json_ld(client, guide):
    (data,) = json_ld(client.get(guide.category.get_absolute_url()).content.decode())
    assert data["@type"] == "BreadcrumbList"
    assert data["itemListElement"][-1]["item"] == "http://testserver/categories/account-and-settings/"


def test_json_ld_cannot_be_closed_early_by_an_editor_s_title(client, make_article):
    article = make_article('Close </script><script>alert("x")</script> early', slug="close-early")
    html = client.get(article.get_absolute_url()).content.decode()
    (data,) = json_ld(html)
    assert data["@graph"][0]["headline"] == 'Close </script><script>alert("x")</script> early'
    scripts = re.findall(r"<script[^>]*>", html)
    assert [tag for tag in scripts if "src=" not in tag] == ['<script type="application/ld+json">']


def test_drafts_seen_by_staff_carry_no_structured_data_and_are_not_indexed(client, editor, make_article):
    draft = make_article("Draft guide", status=Article.Status.DRAFT)
    client.force_login(editor)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert json_ld(html) == []
    assert '<meta name="robots" content="noindex">' in html


# --- Atom feed -----------------------------------------------------------------------------


def test_every_page_advertises_the_atom_feed(client, guide):
    link = (
        '<link rel="alternate" type="application/atom+xml" title="Help Center: new and updated articles" '
        'href="/feed.atom">'
    )
    for url in ["/", guide.get_absolute_url(), "/search/?q=smtp", "/contact/", "/no-such-page/"]:
        assert link in head(client.get(url).content.decode()), url


def test_the_feed_lists_published_articles_newest_update_first_with_dates(client, guide, make_article):
    make_article("Hidden draft", status=Article.Status.DRAFT)
    newer = make_article("Updating a declined payment method", summary="Cards expire.")
    response = client.get(reverse("articles:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == [newer.title, guide.title]
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href") == "http://testserver" + newer.get_absolute_url()
    assert first.find(f"{ATOM}updated").text.startswith(newer.updated_at.strftime("%Y-%m-%dT%H:%M"))
    assert first.find(f"{ATOM}published") is not None
    assert first.find(f"{ATOM}summary").text == "Cards expire."


# --- The Markdown copy and llms.txt ----------------------------------------------------------


def test_a_published_article_is_served_as_markdown_with_its_title(client, guide):
    response = client.get(f"/articles/{guide.slug}.md")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.content.decode() == (
        "# Fixing SMTP authentication errors\n\nWhat a 535 error means.\n\n"
        "When sending fails, check the credentials.\n\n## Authentication failed (535)\nUse an API key.\n"
    )
    assert response["Link"] == f'<http://testserver{guide.get_absolute_url()}>; rel="canonical"'


def test_markdown_copies_exist_only_for_published_articles(client, editor, make_article):
    draft = make_article("Draft guide", slug="draft-guide", status=Article.Status.DRAFT)
    assert client.get("/articles/draft-guide.md").status_code == 404
    client.force_login(editor)
    assert client.get(f"/articles/{draft.slug}.md").status_code == 404
    assert client.get("/articles/no-such-article.md").status_code == 404


def test_the_markdown_copy_of_a_renamed_article_redirects(client, guide):
    guide.slug = "smtp-535"
    guide.save()
    response = client.get("/articles/fixing-smtp-authentication-errors.md")
    assert response.status_code == 301 and response["Location"] == "/articles/smtp-535.md"


def test_the_article_page_links_to_its_markdown_copy(client, guide):
    html = head(client.get(guide.get_absolute_url()).content.decode())
    assert f'<link rel="alternate" type="text/markdown" href="/articles/{guide.slug}.md">' in html


def test_llms_txt_lists_published_articles_by_category_with_their_markdown_links(
    client, guide, make_article, make_category
):
    billing = make_category("Billing", position=5)
    make_article("Understanding your [draft] invoice", status=Article.Status.DRAFT, category=billing)
    make_article("Understanding your [annual] invoice", slug="invoice", category=billing)
    response = client.get("/llms.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("# Help Center\n\n> ")
    assert (
        "## Account and Settings\n\n"
        "- [Fixing SMTP authentication errors](http://testserver/articles/fixing-smtp-authentication-errors.md): "
        "What a 535 error means.\n"
    ) in text
    assert "## Billing\n\n- [Understanding your \\[annual\\] invoice](http://testserver/articles/invoice.md)\n" in text
    assert "draft" not in text
    assert text.index("## Account and Settings") < text.index("## Billing")


def test_a_scheduled_article_is_dated_from_when_customers_could_first_read_it(client, guide):
    from datetime import timedelta

    published = guide.created_at - timedelta(days=3)
    Article.objects.filter(pk=guide.pk).update(publish_at=published)
    (data,) = json_ld(client.get(guide.get_absolute_url()).content.decode())
    assert data["@graph"][0]["datePublished"] == published.isoformat()
