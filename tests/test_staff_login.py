"""Staff sign-in: lockout after repeated failures, password reset by email, deactivated accounts."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from articles.staff_login import DEACTIVATED

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/"
PASSWORD = "pw-editor-123"


def sign_in(client, username="editor", password=PASSWORD, address="127.0.0.1"):
    return client.post(LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address)


def fail(client, times, **kwargs):
    """Sign in with a wrong password `times` times; returns the answers' status codes."""
    return [sign_in(client, password="wrong-password", **kwargs).status_code for _ in range(times)]


def form_errors(response):
    return [str(error) for error in response.context["form"].non_field_errors()]


# --- Lockout ---------------------------------------------------------------------


def test_a_staff_member_signs_in_with_the_right_password(client, editor):
    response = sign_in(client)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_five_failed_attempts_lock_the_account_with_a_clear_page(client, editor, settings):
    assert fail(client, settings.AXES_FAILURE_LIMIT - 1) == [200] * 4  # the form again, with the usual error

    response = sign_in(client, password="wrong-again")

    assert response.status_code == 429
    page = response.content.decode()
    text = " ".join(page.split())
    assert "Sign-in is locked after 5 failed attempts, for this account and for this address, for 15 minutes." in text
    assert reverse("admin_password_reset") in page
    # Strict-CSP-ready like every template: no inline script, style or event handler.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"\sstyle=|\son\w+=", page)


def test_a_locked_account_cannot_sign_in_even_with_the_right_password(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)

    response = sign_in(client)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_account_is_locked_from_every_address(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT, address="10.0.0.1")

    assert sign_in(client, address="10.0.0.2").status_code == 429


def test_the_address_is_locked_for_every_account(client, editor, superuser, settings):
    fail(client, settings.AXES_FAILURE_LIMIT, username="someone-guessed", address="10.0.0.9")

    assert sign_in(client, username="admin", password="pw-admin-123", address="10.0.0.9").status_code == 429
    assert sign_in(client, username="admin", password="pw-admin-123", address="10.0.0.10").status_code == 302


def test_the_lock_ends_after_the_cool_off_time(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client).status_code == 429

    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))

    assert sign_in(client).status_code == 302


def test_a_successful_sign_in_forgets_the_earlier_failures(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client).status_code == 302
    client.logout()

    fail(client, settings.AXES_FAILURE_LIMIT - 1)

    assert sign_in(client).status_code == 302


def test_force_login_in_tests_is_not_affected_by_the_lockout(client, editor):
    client.force_login(editor)

    assert client.get("/admin/").status_code == 200


# --- Password reset --------------------------------------------------------------


def reset_link(message):
    return re.search(r"https?://[^/]+(/admin/reset/[^/\s]+/[^/\s]+/)", message.body).group(1)


def test_the_sign_in_page_links_to_the_password_reset(client):
    page = client.get(LOGIN_URL).content.decode()

    assert f'href="{reverse("admin_password_reset")}"' in page


def test_a_staff_member_resets_a_forgotten_password_by_email(client, editor):
    page = client.get(reverse("admin_password_reset"))
    assert page.status_code == 200
    assert "Help center administration" in page.content.decode()  # the admin's header, not Django's

    response = client.post(reverse("admin_password_reset"), {"email": "EDITOR@example.com"})

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["editor@example.com"]]
    confirm = client.get(reset_link(mail.outbox[0]), follow=True)
    assert confirm.status_code == 200
    done = client.post(
        confirm.redirect_chain[-1][0], {"new_password1": "a-new-long-secret-9", "new_password2": "a-new-long-secret-9"}
    )
    assert done["Location"] == reverse("password_reset_complete")
    assert sign_in(client, password="a-new-long-secret-9").status_code == 302


def test_no_reset_email_goes_to_an_unknown_address_or_a_non_staff_account(client, customer):
    for email in ("nobody@example.com", customer.email):
        response = client.post(reverse("admin_password_reset"), {"email": email})
        assert response.status_code == 302  # the same answer: nobody learns which addresses have accounts
    assert mail.outbox == []


def test_resetting_the_password_lifts_the_accounts_lock(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT, address="10.0.0.1")
    client.post(reverse("admin_password_reset"), {"email": editor.email}, REMOTE_ADDR="10.0.0.2")
    confirm = client.get(reset_link(mail.outbox[0]), follow=True, REMOTE_ADDR="10.0.0.2")
    client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "a-new-long-secret-9", "new_password2": "a-new-long-secret-9"},
        REMOTE_ADDR="10.0.0.2",
    )

    assert sign_in(client, password="a-new-long-secret-9", address="10.0.0.2").status_code == 302


# --- Deactivated accounts -----------------------------------------------------------


def test_a_deactivated_staff_account_is_told_so_with_the_right_password(client, editor):
    editor.is_active = False
    editor.save()

    response = sign_in(client)

    assert response.status_code == 200
    assert form_errors(response) == [DEACTIVATED]
    assert "_auth_user_id" not in client.session


def test_a_deactivated_account_with_a_wrong_password_gets_the_usual_message(client, editor):
    editor.is_active = False
    editor.save()

    response = sign_in(client, password="wrong-password")

    assert DEACTIVATED not in form_errors(response)
    assert "Please enter the correct username and password for a staff account" in form_errors(response)[0]
