"""The support agents' queue in the admin: statuses, assignment, notes, filters, the customer's context."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import ContactNote, ContactRequest, OutgoingEmail
from articles.services import contact_request_create

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_contactrequest_changelist")
MANAGEMENT = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


def change_url(contact_request):
    return reverse("admin:articles_contactrequest_change", args=[contact_request.pk])


@pytest.fixture
def make_request(db, settings):
    settings.KB_MAIL_DELIVERY = "cron"

    def make(subject="Locked out", assignee=None, **fields):
        contact_request = contact_request_create(
            name=fields.pop("name", "Ann"),
            email=fields.pop("email", "ann@example.com"),
            subject=subject,
            message="I cannot sign in.",
            **fields,
        )
        if assignee:
            contact_request.assignee = assignee
            contact_request.save()
        return contact_request

    return make


@pytest.fixture
def agent(editor, client):
    client.force_login(editor)
    return editor


@pytest.fixture
def other_agent(django_user_model, editor):
    user = django_user_model.objects.create_user("bea", "bea@example.com", "pw-bea-123", is_staff=True)
    user.user_permissions.set(editor.user_permissions.all())
    return user


def post_change(client, contact_request, notes=(), note_forms_initial=0, **fields):
    data = {
        "status": contact_request.status,
        "assignee": contact_request.assignee_id or "",
        "_save": "Save",
        **{f"emails-{key}": value for key, value in MANAGEMENT.items()},
        **{f"notes-{key}": value for key, value in MANAGEMENT.items()},
        "notes-TOTAL_FORMS": str(len(notes)),
        "notes-INITIAL_FORMS": str(note_forms_initial),
        **fields,
    }
    for n, note in enumerate(notes):
        data.update({f"notes-{n}-{key}": value for key, value in note.items()})
        data.setdefault(f"notes-{n}-contact_request", contact_request.pk)
    return client.post(change_url(contact_request), data)


def ids(response):
    return {obj.pk for obj in response.context["cl"].result_list}


# --- Statuses and the first response time ---------------------------------------------


def test_the_queue_has_the_four_statuses():
    assert ContactRequest.Status.labels == ["New", "Open", "Waiting on customer", "Resolved"]


def test_the_first_status_change_records_when_the_request_was_first_worked(client, agent, make_request):
    contact_request = make_request()
    assert contact_request.first_worked_at is None

    response = post_change(client, contact_request, status=ContactRequest.Status.WAITING)

    assert response.status_code == 302
    contact_request.refresh_from_db()
    first = contact_request.first_worked_at
    assert contact_request.status == ContactRequest.Status.WAITING and first is not None

    post_change(client, contact_request, status=ContactRequest.Status.RESOLVED)
    contact_request.refresh_from_db()
    assert contact_request.first_worked_at == first  # only the first change counts


def test_taking_a_request_counts_as_working_it(client, agent, make_request):
    contact_request = make_request()
    post_change(client, contact_request, assignee=agent.pk)
    contact_request.refresh_from_db()
    assert contact_request.assignee == agent and contact_request.status == ContactRequest.Status.NEW
    assert contact_request.first_worked_at is not None


def test_actions_assign_and_change_status(client, agent, make_request):
    contact_request = make_request()
    for action, expected in [
        ("assign_to_me", {"assignee": agent}),
        ("mark_waiting", {"status": ContactRequest.Status.WAITING}),
        ("mark_open", {"status": ContactRequest.Status.OPEN}),
        ("mark_resolved", {"status": ContactRequest.Status.RESOLVED}),
    ]:
        client.post(CHANGELIST, {"action": action, "_selected_action": [contact_request.pk]})
        contact_request.refresh_from_db()
        assert all(getattr(contact_request, name) == value for name, value in expected.items()), action
    assert contact_request.first_worked_at is not None


def test_only_staff_can_be_assigned(client, agent, make_request, customer):
    contact_request = make_request()
    response = post_change(client, contact_request, assignee=customer.pk)
    assert response.status_code == 200 and "assignee" in response.context["adminform"].form.errors


# --- Internal notes ------------------------------------------------------------------


def test_a_note_is_signed_with_its_author_and_time(client, agent, make_request):
    contact_request = make_request()
    response = post_change(client, contact_request, notes=[{"body": "Asked for a screenshot."}])
    assert response.status_code == 302
    note = ContactNote.objects.get()
    assert (note.author, note.body, note.contact_request) == (agent, "Asked for a screenshot.", contact_request)
    assert timezone.now() - note.created_at < timedelta(minutes=1)
    page = client.get(change_url(contact_request)).content.decode()
    assert "Asked for a screenshot." in page and agent.username in page


def test_a_note_cannot_be_edited_by_another_agent_but_its_author_can(client, agent, other_agent, make_request):
    contact_request = make_request()
    note = ContactNote.objects.create(contact_request=contact_request, author=other_agent, body="Bea's note")
    edit = [{"id": note.pk, "body": "Rewritten by someone else"}]

    post_change(client, contact_request, notes=edit, note_forms_initial=1)
    note.refresh_from_db()
    assert note.body == "Bea's note"

    client.force_login(other_agent)
    corrected = [{"id": note.pk, "body": "Bea's note, corrected"}]
    post_change(client, contact_request, notes=corrected, note_forms_initial=1)
    note.refresh_from_db()
    assert note.body == "Bea's note, corrected" and note.author == other_agent


# --- Search and filters ------------------------------------------------------------------


def test_the_queue_filters_by_status_assignee_article_and_age(client, agent, make_request, make_article):
    article = make_article("Login help")
    fresh = make_request(article=article)
    taken = make_request(subject="Billing")
    taken.assignee, taken.status = agent, ContactRequest.Status.OPEN
    taken.save()
    old = make_request(subject="Old one")
    ContactRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    middle = make_request(subject="Two days")
    ContactRequest.objects.filter(pk=middle.pk).update(created_at=timezone.now() - timedelta(days=2))

    assert ids(client.get(CHANGELIST, {"status__exact": "open"})) == {taken.pk}
    assert ids(client.get(CHANGELIST, {"assignee__id__exact": agent.pk})) == {taken.pk}
    assert ids(client.get(CHANGELIST, {"article__id__exact": article.pk})) == {fresh.pk}
    assert ids(client.get(CHANGELIST, {"age": "day"})) == {fresh.pk, taken.pk}
    assert ids(client.get(CHANGELIST, {"age": "days"})) == {middle.pk}
    assert ids(client.get(CHANGELIST, {"age": "older"})) == {old.pk}


def test_the_queue_is_searchable_by_reference_and_text(client, agent, make_request):
    first = make_request(subject="Invoice missing")
    second = make_request(subject="Locked out")
    assert ids(client.get(CHANGELIST, {"q": first.reference})) == {first.pk}
    assert ids(client.get(CHANGELIST, {"q": "locked"})) == {second.pk}


# --- The customer's context ----------------------------------------------------------------


def test_the_visit_context_is_shown_readably_and_escaped(client, agent, make_request, make_article):
    article = make_article("Troubleshooting login", slug="login")
    contact_request = make_request(
        article=article,
        context={
            "searches": ["cant sign in", "<script>alert(1)</script>"],
            "suggestions_opened": ["/articles/reset-password/"],
            "feedback": [{"article": "login", "section": "account-banned", "vote": "no"}],
        },
    )
    page = client.get(change_url(contact_request)).content.decode()
    assert "Came from" in page and "/articles/login/" in page
    assert "cant sign in" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "/articles/reset-password/" in page
    assert "login › account-banned: <strong>no</strong>" in page
    assert "<script>alert(1)" not in page


def test_a_malformed_visit_context_is_cleaned_when_stored(make_request):
    contact_request = make_request(
        context={"searches": "not a list", "feedback": [1, {"vote": "yes", "x": "y"}], "secret": "dropped"}
    )
    assert contact_request.context == {"feedback": [{"article": "", "section": "", "vote": "yes"}]}


def test_a_request_without_context_says_so(client, agent, make_request):
    contact_request = make_request()
    ContactRequest.objects.filter(pk=contact_request.pk).update(context=["unexpected"])
    page = client.get(change_url(contact_request))
    assert page.status_code == 200 and "Nothing recorded in this visit." in page.content.decode()


# --- Failed emails are flagged --------------------------------------------------------------


def test_a_failed_email_is_flagged_with_its_reason(client, agent, make_request):
    contact_request = make_request()
    make_request(subject="Fine")
    contact_request.emails.filter(kind=OutgoingEmail.Kind.SUPPORT_NOTIFICATION).update(
        status=OutgoingEmail.Status.FAILED, last_error="SMTPRecipientsRefused: 550 no such user"
    )

    listing = client.get(CHANGELIST)
    assert "1 email could not be sent" in listing.content.decode()
    assert ids(client.get(CHANGELIST, {"notified": "failed"})) == {contact_request.pk}
    assert "550 no such user" in client.get(change_url(contact_request)).content.decode()
    outbox = client.get(reverse("admin:articles_outgoingemail_changelist"), {"status__exact": "failed"})
    assert "550 no such user" in outbox.content.decode()


def test_the_request_list_takes_a_fixed_number_of_queries(client, agent, make_request, make_article):
    article = make_article()
    for _ in range(3):
        make_request(article=article, assignee=agent)
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    for n in range(30):
        make_request(article=article, assignee=agent, subject=f"Request {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == 33
    assert len(many) == len(few) <= 14, [q["sql"] for q in many.captured_queries]
