"""The “still need help?” form: stored first, emails after commit, abuse refused with clear errors."""

import pytest
from django.core import mail
from django.test import Client

from articles.models import ContactRequest, OutgoingEmail
from articles.models.requests import REFERENCE_ALPHABET

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Ada",
    "email": "ada@example.com",
    "subject": "Cannot log in",
    "message": "I reset my password and still cannot sign in.",
    "suggestions_seen": "1",  # past the suggested-articles step (tests/test_deflection.py)
}


@pytest.fixture
def rates(settings):
    """Set some rates for a test: rates(contact_ip="2/h")."""

    def set_rates(**rates):
        settings.KB_RATE_LIMITS = True
        settings.KB_RATE_LIMIT_RATES = {**settings.KB_RATE_LIMIT_RATES, **rates}

    return set_rates


def test_form_is_prefilled_with_the_article(client, make_article):
    make_article("Login help", slug="login-help")
    content = client.get("/contact/", {"article": "login-help"}).content.decode()
    assert 'value="login-help"' in content and "Login help" in content


def test_request_is_stored_and_both_emails_go_out_after_commit(
    client, make_article, django_capture_on_commit_callbacks
):
    article = make_article("Login help", slug="login-help")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/contact/", {**VALID, "article": "login-help"})
    assert response.status_code == 302 and response["Location"] == "/contact/thanks/"
    request = ContactRequest.objects.get()
    assert request.article == article and request.status == ContactRequest.Status.NEW
    assert mail.outbox == []  # nothing is sent before the row is committed
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).count() == 2

    for callback in callbacks:
        callback()

    support, acknowledgement = sorted(mail.outbox, key=lambda m: m.to != ["support@example.com"])
    assert support.to == ["support@example.com"] and "Cannot log in" in support.subject
    assert request.reference in support.subject and support.reply_to == ["ada@example.com"]
    assert "ada@example.com" in support.body and "Login help" in support.body
    assert acknowledgement.to == ["ada@example.com"] and request.reference in acknowledgement.subject
    assert request.reference in acknowledgement.body
    request.refresh_from_db()
    assert request.notified_at is not None
    assert set(request.emails.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}


def test_the_thank_you_page_shows_the_reference_to_quote(client, db):
    client.post("/contact/", VALID)
    reference = ContactRequest.objects.get().reference
    content = client.get("/contact/thanks/").content.decode()
    assert reference in content and "quote it" in content


def test_references_are_short_random_codes_without_ambiguous_characters(client, db, settings):
    settings.KB_RATE_LIMITS = False
    for n in range(5):
        client.post("/contact/", {**VALID, "email": f"c{n}@example.com"})
    references = list(ContactRequest.objects.values_list("reference", flat=True))
    assert len(set(references)) == 5
    for reference in references:
        assert len(reference) == 9 and reference[4] == "-"
        assert set(reference.replace("-", "")) <= set(REFERENCE_ALPHABET)
        assert not set(reference) & set("01OIL")


def test_thank_you_page_without_a_request(client, db):
    response = client.get("/contact/thanks/")
    assert response.status_code == 200 and "reference" not in response.content.decode()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "not-an-email", "name@example.com"),
        ("name", "", "your name"),
        ("subject", "", "subject"),
        ("message", "short", "at least 10 characters"),
        ("name", "x" * 121, "under 120 characters (it has 121)"),
        ("email", "a" * 250 + "@example.com", "email"),
        ("subject", "x" * 300, "under 200 characters (it has 300)"),
        ("message", "x" * 10001, "under 10,000 characters (it has 10001)"),
    ],
)
def test_invalid_input_is_rejected_with_a_message_next_to_the_field(client, db, field, value, message):
    response = client.post("/contact/", {**VALID, field: value})
    assert response.status_code == 200
    assert ContactRequest.objects.count() == 0 and OutgoingEmail.objects.count() == 0
    assert message in " ".join(response.context["form"].errors[field])
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize(("field", "value"), [("name", "Ada\x00Lovelace"), ("message", "Help me please\x00 now")])
def test_a_nul_character_in_any_field_is_refused_whole_with_a_clear_message(client, db, field, value):
    # The request-wide guard (articles/middleware.py) answers before the form is read.
    response = client.post("/contact/", {**VALID, field: value})
    assert response.status_code == 400 and "NUL character" in response.content.decode()
    assert ContactRequest.objects.count() == 0 and OutgoingEmail.objects.count() == 0


@pytest.mark.parametrize("field", ["name", "subject"])
@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n", "\u2028"])
def test_line_breaks_in_header_fields_are_refused_with_a_clear_error(client, db, field, line_break):
    response = client.post("/contact/", {**VALID, field: f"Hello{line_break}Bcc: victim@example.com"})
    assert response.status_code == 200 and ContactRequest.objects.count() == 0
    assert "on one line" in " ".join(response.context["form"].errors[field])


def test_a_line_break_in_the_email_address_is_refused(client, db):
    response = client.post("/contact/", {**VALID, "email": "ada@example.com\nBcc: victim@example.com"})
    assert "email" in response.context["form"].errors and ContactRequest.objects.count() == 0


def test_bytes_that_are_not_utf8_are_not_a_server_error(client, db):
    body = b"name=Ada%FF&email=ada%40example.com&subject=%C3%28&message=" + b"x%FE" * 10
    response = client.post("/contact/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 302)


def test_unknown_article_slug_does_not_lose_the_request(client, db):
    client.post("/contact/", {**VALID, "article": "no-such-article"})
    assert ContactRequest.objects.get().article is None


def test_a_malformed_article_parameter_does_not_block_the_form(client, db):
    response = client.post("/contact/", {**VALID, "article": "bad slug!"})
    assert response.status_code == 302 and ContactRequest.objects.get().article is None


def test_csrf_is_enforced(db):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/contact/", VALID).status_code == 403
    assert ContactRequest.objects.count() == 0


def test_markup_in_a_request_is_escaped_on_the_form(client, db):
    response = client.post("/contact/", {**VALID, "name": "<script>alert(1)</script>", "email": "bad"})
    assert "<script>alert(1)</script>" not in response.content.decode()


# --- Honeypot ----------------------------------------------------------------------


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client, db):
    content = client.get("/contact/").content.decode()
    trap = content[content.index('<div class="form-trap"') :]
    trap = trap[: trap.index("</div>")]
    assert 'aria-hidden="true"' in trap and 'name="website"' in trap and 'tabindex="-1"' in trap
    assert "style=" not in trap


def test_a_filled_honeypot_gets_the_normal_thank_you_and_nothing_is_stored(client, db):
    response = client.post("/contact/", {**VALID, "website": "http://spam.example"}, follow=True)
    assert response.redirect_chain == [("/contact/thanks/", 302)]
    assert "Thank you" in response.content.decode() and "reference" not in response.content.decode()
    assert ContactRequest.objects.count() == 0 and OutgoingEmail.objects.count() == 0 and mail.outbox == []


# --- Rate limits -------------------------------------------------------------------


def test_too_many_requests_from_one_address_are_refused_keeping_what_was_typed(client, db, rates):
    rates(contact_ip="2/h")
    for n in range(2):
        assert client.post("/contact/", {**VALID, "email": f"c{n}@example.com"}).status_code == 302

    response = client.post("/contact/", {**VALID, "email": "third@example.com"})

    assert response.status_code == 429
    content = response.content.decode()
    assert "many requests from your network" in content and "try again in" in content
    assert 'value="third@example.com"' in content and VALID["message"] in content
    assert ContactRequest.objects.count() == 2


def test_too_many_requests_for_one_email_address_get_an_error_next_to_the_email_field(db, rates):
    rates(contact_email="2/h")
    for n in range(2):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post("/contact/", VALID)

    response = Client(REMOTE_ADDR="198.51.100.9").post("/contact/", {**VALID, "email": "ADA@example.com"})

    assert response.status_code == 429
    assert "already received several requests from this address" in " ".join(response.context["form"].errors["email"])
    assert ContactRequest.objects.count() == 2


def test_rejected_forms_do_not_count_against_the_limits(client, db, rates):
    rates(contact_ip="1/h")
    client.post("/contact/", {**VALID, "message": "short"})
    assert client.post("/contact/", VALID).status_code == 302


def test_KB_RATE_LIMITS_off_lets_every_request_through(client, db, rates, settings):
    rates(contact_ip="1/h", contact_email="1/h")
    settings.KB_RATE_LIMITS = False
    assert all(client.post("/contact/", VALID).status_code == 302 for _ in range(3))
    assert ContactRequest.objects.count() == 3
