"""
Deflection on the contact form: suggested articles while the customer writes,
the no-JavaScript “these articles may answer it” step, and the visit's record
of what the customer did (searches, suggestions opened, request sent).
"""

import pytest
from django.test import Client

from articles.analytics_batches import search_analytics_flush
from articles.models import ContactRequest, VisitEvent
from articles.visits import visit_context

pytestmark = pytest.mark.django_db

TYPED = {
    "name": "Ada <Lovelace>",
    "email": "ada@example.com",
    "subject": "Cannot sign in: invalid password",
    "message": 'I reset my password & it still says "invalid username or password".',
}


@pytest.fixture
def login(make_article):
    return make_article(
        "Troubleshooting login",
        "Why you can't sign in.\n\n## Invalid username or password\nType your password again.\n\n"
        "## Billing terminated\nPay the bill.\n",
        slug="login",
    )


def kinds():
    search_analytics_flush()  # searches are written in batches, each with the time it was made
    return list(VisitEvent.objects.order_by("created_at", "pk").values_list("kind", flat=True))


def test_suggestions_for_what_the_customer_types_link_through_the_recording_redirect(client, login):
    response = client.get("/contact/suggestions/", {"subject": "invalid password", "message": ""})
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    results = response.json()["results"]
    assert results[0] == {
        "title": "Troubleshooting login",
        "url": "/contact/suggestion/login/?section=invalid-username-or-password",
        "section_title": "Invalid username or password",
        "category": login.category.name,
    }
    assert len(results) <= 5


def test_no_suggestions_when_nothing_matches_or_nothing_is_typed(client, login):
    for params in ({"subject": "xylophone quartz"}, {"subject": "  "}, {}):
        assert client.get("/contact/suggestions/", params).json() == {"results": []}
    assert VisitEvent.objects.count() == 0  # nothing was shown


def test_at_most_five_suggestions(client, make_article):
    for n in range(8):
        make_article(f"Webhook guide {n}", "Webhooks that are not arriving.")
    assert len(client.get("/contact/suggestions/", {"subject": "webhooks"}).json()["results"]) == 5


def test_suggestions_shown_are_recorded_once_per_visit(client, login):
    for _ in range(3):
        client.get("/contact/suggestions/", {"subject": "invalid password"})
    assert kinds() == ["suggestions_shown"]


def test_suggestions_are_rate_limited_with_the_search_scope(client, login, settings):
    settings.KB_RATE_LIMIT_RATES = {**settings.KB_RATE_LIMIT_RATES, "search_ip": "1/m"}
    client.get("/contact/suggestions/", {"subject": "invalid password"})
    response = client.get("/contact/suggestions/", {"subject": "invalid password"})
    assert response.status_code == 429 and "error" in response.json()


def test_hostile_or_oversized_suggestion_input_never_fails(client, login):
    hostile = [
        {"subject": "x" * 50000},
        {"subject": "<script>", "message": "' OR 1=1 --"},
        {"subject": ["a", "b"]},
    ]
    for params in hostile:
        assert client.get("/contact/suggestions/", params).status_code == 200
    # A NUL character is refused whole by the request-wide guard, with a clear 400.
    assert client.get("/contact/suggestions/", {"subject": "\x00<script>"}).status_code == 400


def test_the_first_submit_without_javascript_shows_suggestions_and_keeps_the_text(client, login):
    response = client.post("/contact/", {**TYPED, "article": "login"})
    assert response.status_code == 200
    assert ContactRequest.objects.count() == 0
    html = response.content.decode()
    assert "These articles may answer it" in html and "data-suggestions hidden" not in html
    assert 'href="/contact/suggestion/login/?section=invalid-username-or-password"' in html
    # Everything typed is still in the form, escaped, ready to send.
    assert 'value="Ada &lt;Lovelace&gt;"' in html and 'value="ada@example.com"' in html
    assert 'value="Cannot sign in: invalid password"' in html
    assert "I reset my password &amp; it still says &quot;invalid username or password&quot;." in html
    assert '<input type="hidden" name="article" value="login"' in html
    assert '<input type="hidden" name="suggestions_seen" value="1">' in html
    assert "Send anyway" in html
    assert kinds() == ["suggestions_shown"]


def test_send_anyway_stores_the_request_and_ends_the_visit_undeflected(client, login):
    client.post("/contact/", {**TYPED, "article": "login"})
    response = client.post("/contact/", {**TYPED, "article": "login", "suggestions_seen": "1"})
    assert response.status_code == 302 and response["Location"] == "/contact/thanks/"
    request = ContactRequest.objects.get()
    assert request.subject == TYPED["subject"] and request.message == TYPED["message"] and request.article == login
    assert kinds() == ["suggestions_shown", "request_sent"]
    shown, sent = VisitEvent.objects.order_by("pk")
    assert shown.visit_key == sent.visit_key and sent.article == login


def test_without_matching_articles_the_request_is_sent_at_once(client, login):
    response = client.post("/contact/", {**TYPED, "subject": "Xylophone quartz", "message": "Zebra yodel quiver."})
    assert response.status_code == 302 and ContactRequest.objects.count() == 1


def test_the_form_with_errors_shows_no_suggestions_step(client, login):
    response = client.post("/contact/", {**TYPED, "email": "not-an-email"})
    html = response.content.decode()
    assert "Send anyway" not in html and "/contact/suggestion/" not in html
    assert "email" in response.context["form"].errors and VisitEvent.objects.count() == 0


def test_opening_a_suggestion_records_it_and_lands_on_the_section(client, login):
    response = client.get("/contact/suggestion/login/", {"section": "invalid-username-or-password"})
    assert response.status_code == 302
    assert response["Location"] == "/articles/login/#invalid-username-or-password"
    assert kinds() == ["suggestion_opened"] and VisitEvent.objects.get().article == login
    assert visit_context(client.session)["suggestions_opened"] == ["login"]
    # An unknown section still lands on the article; an unknown article is a 404.
    assert client.get("/contact/suggestion/login/", {"section": "nope"})["Location"] == "/articles/login/"
    assert client.get("/contact/suggestion/no-such-article/").status_code == 404


def test_a_visit_that_opens_a_suggestion_and_sends_nothing_is_a_deflection(client, login):
    from articles.dashboard import deflection_figures

    client.get("/contact/suggestions/", {"subject": "invalid password"})
    client.get("/contact/suggestion/login/")
    other = Client()  # shown, opened, then wrote in anyway
    other.get("/contact/suggestions/", {"subject": "invalid password"})
    other.get("/contact/suggestion/login/")
    other.post("/contact/", {**TYPED, "suggestions_seen": "1"})
    third = Client()  # shown, opened nothing
    third.get("/contact/suggestions/", {"subject": "invalid password"})
    figures = deflection_figures(since=VisitEvent.objects.earliest("created_at").created_at)
    assert (figures.shown, figures.deflected) == (3, 1)
    assert figures.rate == pytest.approx(1 / 3)


def test_the_visit_remembers_the_article_searches_opened_suggestions_and_votes(client, login):
    client.get("/search/", {"q": "Invalid  Password"})
    client.get("/search/", {"q": "billing"})
    client.get("/search/", {"q": "invalid password"})  # the same search again
    client.get("/contact/", {"article": "login"})
    client.get("/contact/suggestion/login/")
    client.post("/articles/login/feedback/", {"vote": "no"}, HTTP_ORIGIN="http://testserver")
    assert visit_context(client.session) == {
        "searches": ["billing", "invalid password"],
        "suggestions_opened": ["login"],
        "feedback": [{"article": "login", "section": "", "vote": "no"}],
    }
    assert client.session["kb_visit"]["article"] == "login"
    assert kinds() == ["search", "search", "suggestion_opened"]  # a repeated search counts once per visit


def test_a_sent_request_starts_a_new_visit(client, login):
    client.get("/search/", {"q": "billing"})
    client.post("/contact/", {**TYPED, "suggestions_seen": "1"})
    assert visit_context(client.session) == {"searches": [], "suggestions_opened": [], "feedback": []}


def test_visits_hold_no_personal_data():
    fields = {field.name for field in VisitEvent._meta.get_fields()}
    assert fields == {"id", "visit_key", "kind", "article", "query", "created_at"}


def test_a_request_carries_its_visit_as_context(client, login):
    client.get("/search/", {"q": "billing"})
    client.get("/contact/", {"article": "login"})
    client.get("/contact/suggestion/login/", {"section": "billing-terminated"})
    client.post(
        "/articles/login/feedback/", {"vote": "no", "section": "billing-terminated"}, HTTP_ORIGIN="http://testserver"
    )
    client.post("/contact/", {**TYPED, "article": "login", "suggestions_seen": "1"})
    request = ContactRequest.objects.get()
    assert request.context == {
        "searches": ["billing"],
        "suggestions_opened": ["login"],
        "feedback": [{"article": "login", "section": "billing-terminated", "vote": "no"}],
    }
