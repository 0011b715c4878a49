"""Article feedback: “Was this helpful?” and “Did this fix it?”, with and without JavaScript."""

import pytest
from django.test import Client

from articles.feedback import split_at_sections
from articles.models import ArticleFeedback

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
JSON = {**SAME_ORIGIN, "HTTP_ACCEPT": "application/json"}


@pytest.fixture
def article(make_article):
    return make_article(
        "Troubleshooting login",
        "Being locked out has a simple cause.\n\n## Invalid password\nType it again.\n\n"
        "### Reset it\nUse the reset page.\n\n## Billing terminated\nPay the bill.\n",
        slug="login",
    )


def vote_url(article):
    return f"/articles/{article.slug}/feedback/"


def test_every_article_asks_whether_it_helped_and_each_section_whether_it_fixed_it(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Was this article helpful?" in html
    assert html.count("Did this fix it?") == 2  # one per ## section, none for ### or the intro
    assert 'id="feedback--invalid-password"' in html and 'id="feedback--billing-terminated"' in html
    assert 'action="/articles/login/feedback/"' in html
    # The question follows its section: after its text, before the next heading.
    section = html.split('id="invalid-password"')[1].split('id="billing-terminated"')[0]
    assert "Use the reset page." in section and 'value="invalid-password"' in section


def test_an_article_without_sections_only_asks_whether_it_helped(client, make_article):
    html = client.get(make_article(body="Just a paragraph.").get_absolute_url()).content.decode()
    assert "Was this article helpful?" in html and "Did this fix it?" not in html


def test_the_article_page_is_the_same_for_every_visitor(client, article):
    """No per-visitor state (CSRF token, session, votes) so the page can be cached for the public."""
    first = client.get(article.get_absolute_url())
    client.post(vote_url(article), {"vote": "yes"}, **SAME_ORIGIN)
    second = client.get(article.get_absolute_url())
    assert first.content == second.content
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert "sessionid" not in first.cookies and "csrftoken" not in first.cookies


def test_a_vote_without_javascript_returns_to_the_question_and_says_thanks(client, article):
    response = client.post(vote_url(article), {"vote": "yes"}, **SAME_ORIGIN)
    assert response.status_code == 302
    assert response["Location"] == "/articles/login/?feedback=yes#feedback--article"
    vote = ArticleFeedback.objects.get()
    assert vote.helpful and vote.section_anchor == "" and vote.article == article
    html = client.get(response["Location"]).content.decode()
    assert "glad this article helped" in html


def test_a_thank_you_address_shows_nothing_to_a_visitor_without_a_session(article):
    """Otherwise one request could put the thanks into the page cached for everyone."""
    html = Client().get(article.get_absolute_url() + "?feedback=yes&fixed=invalid-password&answer=no").content
    assert html == Client().get(article.get_absolute_url()).content
    assert b"glad this article helped" not in html


def test_a_section_vote_without_javascript_returns_to_that_section(client, article):
    response = client.post(vote_url(article), {"vote": "no", "section": "billing-terminated"}, **SAME_ORIGIN)
    assert response["Location"] == "/articles/login/?fixed=billing-terminated&answer=no#feedback--billing-terminated"
    assert ArticleFeedback.objects.get(section_anchor="billing-terminated").helpful is False
    html = client.get(response["Location"]).content.decode()
    section = html.split('id="feedback--billing-terminated"')[1].split("</form>")[0]
    assert "Sorry that didn&#x27;t fix it" in section and "/contact/?article=login" in section


def test_a_no_offers_a_reason_a_comment_and_the_contact_path_with_the_article(client, article):
    response = client.post(vote_url(article), {"vote": "no"}, **SAME_ORIGIN)
    html = client.get(response["Location"]).content.decode()
    more = html.split("data-feedback-on-no")[-1].split("</section>")[0]
    assert not more.startswith(" hidden")
    assert 'name="reason"' in more and 'name="comment"' in more
    assert 'href="/contact/?article=login"' in more
    response = client.post(
        vote_url(article), {"vote": "no", "reason": "incomplete", "comment": "  No word on SSO.  "}, **SAME_ORIGIN
    )
    assert response["Location"].endswith("?feedback=sent#feedback--article")
    vote = ArticleFeedback.objects.get()
    assert (vote.helpful, vote.reason, vote.comment) == (False, "incomplete", "No word on SSO.")


def test_without_a_no_the_reason_form_stays_hidden(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<div class="feedback__more" data-feedback-on-no hidden>' in html


def test_a_visitor_can_change_their_vote_and_still_has_one(client, article):
    client.post(vote_url(article), {"vote": "no", "reason": "wrong", "comment": "Old"}, **SAME_ORIGIN)
    client.post(vote_url(article), {"vote": "yes"}, **SAME_ORIGIN)
    vote = ArticleFeedback.objects.get()
    assert vote.helpful and vote.reason == "" and vote.comment == ""


def test_one_vote_per_visitor_per_article_and_per_section(client, article):
    for _ in range(3):
        client.post(vote_url(article), {"vote": "yes"}, **SAME_ORIGIN)
        client.post(vote_url(article), {"vote": "yes", "section": "invalid-password"}, **SAME_ORIGIN)
    assert ArticleFeedback.objects.count() == 2
    other = Client()
    other.post(vote_url(article), {"vote": "no"}, **SAME_ORIGIN)
    assert ArticleFeedback.objects.count() == 3
    assert ArticleFeedback.objects.filter(section_anchor="").values("visitor_key").distinct().count() == 2


def test_a_vote_stores_no_personal_data(client, article, customer):
    client.force_login(customer)
    client.post(vote_url(article), {"vote": "no", "comment": "Hmm"}, REMOTE_ADDR="198.51.100.7", **SAME_ORIGIN)
    fields = {field.name for field in ArticleFeedback._meta.get_fields()}
    assert fields == {
        "id", "article", "section_anchor", "visitor_key", "helpful", "reason", "comment", "created_at", "updated_at",
    }  # fmt: skip
    vote = ArticleFeedback.objects.get()
    assert len(vote.visitor_key) == 32 and "198.51.100.7" not in vote.visitor_key


def test_with_javascript_a_vote_answers_json_without_a_redirect(client, article):
    response = client.post(vote_url(article), {"vote": "no", "section": "invalid-password"}, **JSON)
    assert response.status_code == 200
    assert response.json() == {
        "vote": "no",
        "outcome": "no",
        "message": "Sorry that didn't fix it. Try the other sections, or contact support.",
    }


def test_the_vote_is_remembered_in_the_visit(client, article):
    client.post(vote_url(article), {"vote": "no", "section": "invalid-password"}, **SAME_ORIGIN)
    visit = client.session["kb_visit"]
    assert visit["feedback"] == [{"article": "login", "section": "invalid-password", "vote": "no"}]


def test_votes_over_the_rate_limit_are_refused_with_a_clear_429(client, article, settings):
    settings.KB_RATE_LIMIT_RATES = {**settings.KB_RATE_LIMIT_RATES, "feedback_ip": "2/h"}
    assert client.post(vote_url(article), {"vote": "yes"}, **SAME_ORIGIN).status_code == 302
    assert client.post(vote_url(article), {"vote": "no"}, **SAME_ORIGIN).status_code == 302
    response = client.post(vote_url(article), {"vote": "yes"}, **SAME_ORIGIN)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "this vote was not recorded" in html and 'href="/articles/login/"' in html
    response = client.post(vote_url(article), {"vote": "yes"}, **JSON)
    assert response.status_code == 429 and "try again in" in response.json()["error"]
    assert ArticleFeedback.objects.get().helpful is False  # the refused votes changed nothing


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"vote": "maybe"},
        {"vote": "yes", "section": "no-such-section"},
        {"vote": "yes", "section": "reset-it"},  # a ### section has no question
        {"vote": "no", "reason": "because"},
        {"vote": "no", "comment": "x" * 1001},
        {"vote": "no", "comment": "nul\x00byte"},
        {"vote": "no", "section": "s" * 5000},
    ],
)
def test_malformed_or_oversized_votes_are_refused_without_a_write(client, article, data):
    response = client.post(vote_url(article), data, **SAME_ORIGIN)
    assert response.status_code == 400
    # A NUL character is refused by the request-wide guard before the vote is read.
    expected = "NUL character" if any("\x00" in value for value in data.values()) else "could not be recorded"
    assert expected in response.content.decode()
    assert client.post(vote_url(article), data, **JSON).status_code == 400
    assert ArticleFeedback.objects.count() == 0


def test_votes_from_another_site_are_refused(article):
    client = Client()
    for headers in ({}, {"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_SEC_FETCH_SITE": "cross-site"},
                    {"HTTP_REFERER": "https://evil.example/page"}, {"HTTP_ORIGIN": "null"}):  # fmt: skip
        assert client.post(vote_url(article), {"vote": "yes"}, **headers).status_code == 403
    assert client.post(vote_url(article), {"vote": "yes"}, HTTP_SEC_FETCH_SITE="same-origin").status_code == 302
    assert client.post(vote_url(article), {"vote": "yes"}, HTTP_REFERER="http://testserver/x/").status_code == 302


def test_votes_need_a_published_article_and_a_post(client, make_article, article):
    draft = make_article(status="draft", slug="draft")
    assert client.post(vote_url(draft), {"vote": "yes"}, **SAME_ORIGIN).status_code == 404
    assert client.get(vote_url(article)).status_code == 405


def test_sections_inside_quotes_or_lists_do_not_split_the_body():
    body = (
        '<p>Intro</p><h2 id="a">A</h2><p>x</p><blockquote><h2 id="q">Q</h2><p>y</p></blockquote>'
        '<h2 id="b">B &amp; C</h2><ul><li>z</li></ul>'
    )
    parts = split_at_sections(body)
    assert [(anchor, title) for _, anchor, title in parts] == [("", ""), ("a", "A"), ("b", "B & C")]
    assert "".join(html for html, _, _ in parts) == body
