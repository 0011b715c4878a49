"""The “still need help?” form: stored first, support emailed after commit, nothing lost."""

import io
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from articles.models import ContactRequest

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Ada",
    "email": "ada@example.com",
    "subject": "Cannot log in",
    "message": "I reset my password and still cannot sign in.",
    "suggestions_seen": "1",  # past the suggested-articles step (tests/test_deflection.py)
}


def test_form_is_prefilled_with_the_article(client, make_article):
    make_article("Login help", slug="login-help")
    content = client.get("/contact/", {"article": "login-help"}).content.decode()
    assert 'value="login-help"' in content and "Login help" in content


def test_request_is_stored_and_support_emailed_after_commit(client, make_article, django_capture_on_commit_callbacks):
    article = make_article("Login help", slug="login-help")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/contact/", {**VALID, "article": "login-help"})
    assert response.status_code == 302 and response["Location"] == "/contact/thanks/"
    request = ContactRequest.objects.get()
    assert request.article == article and request.status == ContactRequest.Status.NEW
    assert mail.outbox == []  # nothing is sent before the row is committed
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["support@example.com"] and "Cannot log in" in message.subject
    assert "ada@example.com" in message.body and "Login help" in message.body
    request.refresh_from_db()
    assert request.notified_at is not None


def test_thank_you_page(client, db):
    assert client.get("/contact/thanks/").status_code == 200


@pytest.mark.parametrize(
    "field, value",
    [("email", "not-an-email"), ("name", ""), ("subject", ""), ("message", "short"), ("subject", "x" * 300)],
)
def test_invalid_input_is_rejected_with_a_message_next_to_the_field(client, db, field, value):
    response = client.post("/contact/", {**VALID, field: value})
    assert response.status_code == 200
    assert ContactRequest.objects.count() == 0
    assert field in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()


def test_unknown_article_slug_does_not_lose_the_request(client, db):
    client.post("/contact/", {**VALID, "article": "no-such-article"})
    assert ContactRequest.objects.get().article is None


def test_csrf_is_enforced(db):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/contact/", VALID).status_code == 403
    assert ContactRequest.objects.count() == 0


def test_markup_in_a_request_is_escaped_on_the_form(client, db):
    response = client.post("/contact/", {**VALID, "name": "<script>alert(1)</script>", "email": "bad"})
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_mail_failure_keeps_the_request_and_a_retry_sends_it(client, db, django_capture_on_commit_callbacks):
    with mock.patch("articles.services.send_mail", side_effect=OSError("connection refused")):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/contact/", VALID)
    assert response.status_code == 302
    request = ContactRequest.objects.get()
    assert request.notified_at is None and request.notify_attempts == 1
    assert "connection refused" in request.notify_error
    out = io.StringIO()
    call_command("send_contact_notifications", stdout=out)
    request.refresh_from_db()
    assert request.notified_at is not None and len(mail.outbox) == 1
    assert "Sent 1" in out.getvalue()


def test_a_malformed_article_parameter_does_not_block_the_form(client, db):
    response = client.post("/contact/", {**VALID, "article": "bad slug!"})
    assert response.status_code == 302 and ContactRequest.objects.get().article is None
