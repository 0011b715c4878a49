"""
What the outbox tests run in processes of their own (each with its own database
connection), as cron and the web servers would:

    python -m tests.outbox_processes create 30      # 30 contact requests, emails pending
    python -m tests.outbox_processes after-commit    # the web worker's after-commit send of every email
    python -m tests.outbox_processes post 20         # 20 contact form posts; prints timings and outcomes as JSON
"""

import json
import sys
import time

import django


def create(count: int) -> None:
    from articles.services import contact_request_create

    for n in range(count):
        contact_request_create(name=f"C{n}", email=f"c{n}@example.com", subject="Help", message="Please help me out.")


def after_commit() -> None:
    from articles.models import OutgoingEmail
    from articles.outbox_worker import background_sender_wait_idle, deliver_after_commit

    deliver_after_commit(list(OutgoingEmail.objects.values_list("pk", flat=True)))
    background_sender_wait_idle()


def post(count: int) -> None:
    from django.test import Client

    from articles.models import OutgoingEmail
    from articles.outbox_worker import background_sender_wait_idle

    client, timings = Client(), []
    for n in range(count):
        data = {"name": "Ada", "email": f"c{n}@example.com", "subject": "Locked out", "message": "I cannot sign in."}
        data["suggestions_seen"] = "1"  # past the suggested-articles step
        started = time.perf_counter()
        status = client.post("/contact/", data).status_code
        timings.append(time.perf_counter() - started)
        assert status == 302, status
    background_sender_wait_idle()
    emails = [[e.status, e.last_error, e.next_attempt_at.isoformat()] for e in OutgoingEmail.objects.all()]
    print(json.dumps({"timings": timings, "emails": emails}))


if __name__ == "__main__":
    django.setup()
    action, *args = sys.argv[1:]
    {"create": create, "after-commit": after_commit, "post": post}[action](*map(int, args))
