"""
Contact form latency with a mail server that accepts connections and never answers.

    python benchmarks/contact_mail.py                        # 200 posts, gunicorn with 2 workers, SQLite file
    python benchmarks/contact_mail.py --posts 50 --email-timeout 10
    python benchmarks/contact_mail.py --delivery immediate --posts 3   # sending inside the request, for comparison

Starts a "hanging" SMTP server (accepts, never sends its greeting) on
127.0.0.1:--smtp-port, serves the site with gunicorn on 127.0.0.1:--port against
a throwaway SQLite file database (migrated first, static files collected), then posts the contact form
--posts times, one after another, as a browser would (GET the form for the CSRF
cookie and token, POST, follow nothing). While posting, another client asks for
/healthz every 100 ms. Prints the POST and /healthz latencies (p50, p95, p99,
max), then the state of the outbox after the server stops: with the default
KB_MAIL_DELIVERY=thread every email should be pending, with the timeout as its
last error, waiting for send_pending_notifications to retry it.

Figures depend on the machine and on what else it runs; the method is in
docs/contact-mail.md.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shlex
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def hanging_smtp_server(port: int) -> tuple[socket.socket, threading.Event]:
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(256)
    server.settimeout(0.2)
    stop, held = threading.Event(), []

    def accept():
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue
        for conn in held:
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    return server, stop


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def describe(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"| {name} | {len(ms)} | {percentile(ms, 50):.1f} | {percentile(ms, 95):.1f} | "
        f"{percentile(ms, 99):.1f} | {max(ms):.1f} |"
    )


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"The server did not answer at {url}")


def post_contact_forms(base: str, count: int) -> list[float]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    timings = []
    for n in range(count):
        page = opener.open(f"{base}/contact/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "name": "Ada",
                "email": f"customer{n}@example.com",
                "subject": "Cannot sign in",
                "message": "I reset my password and still cannot sign in.",
                "suggestions_seen": "1",  # past the suggested-articles step: this measures the send
            }
        ).encode()
        request = urllib.request.Request(f"{base}/contact/", data=data, headers={"Referer": f"{base}/contact/"})
        started = time.perf_counter()
        try:
            opener.open(request, timeout=60)
        except urllib.error.HTTPError as response:
            if response.code != 302:
                raise SystemExit(f"POST /contact/ answered {response.code}")
        timings.append(time.perf_counter() - started)
    return timings


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def poll_healthz(base: str, stop: threading.Event, timings: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=30).read()
        except OSError:
            pass
        timings.append(time.perf_counter() - started)
        stop.wait(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--port", type=int, default=8112)
    parser.add_argument("--smtp-port", type=int, default=8111)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--email-timeout", default="10")
    parser.add_argument("--delivery", default="thread", choices=["thread", "cron", "immediate"])
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="contact-bench-"))
    database = workdir / "bench.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kb.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(args.smtp_port),
        "EMAIL_TIMEOUT": args.email_timeout,
        "KB_MAIL_DELIVERY": args.delivery,
        "KB_RATE_LIMITS": "0",
        "DJANGO_LOG_LEVEL": "ERROR",
        "STATIC_ROOT": str(workdir / "static"),
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    smtp, smtp_stop = hanging_smtp_server(args.smtp_port)
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "kb.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
         "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_for(f"{base}/healthz")
        health, stop = [], threading.Event()
        poller = threading.Thread(target=poll_healthz, args=(base, stop, health), daemon=True)
        poller.start()
        posts = post_contact_forms(base, args.posts)
        stop.set()
        poller.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
        smtp_stop.set()
        smtp.close()
    with sqlite3.connect(database) as db:
        states = db.execute(
            "SELECT status, substr(last_error, 1, 40), count(*) FROM articles_outgoingemail GROUP BY 1, 2"
        ).fetchall()
        requests = db.execute("SELECT count(*) FROM articles_contactrequest").fetchone()[0]

    print("python " + " ".join(shlex.quote(a) for a in sys.argv))
    print(f"KB_MAIL_DELIVERY={args.delivery}, EMAIL_TIMEOUT={args.email_timeout} s, gunicorn --workers {args.workers}")
    print()
    print("| Request | n | p50 ms | p95 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(describe("POST /contact/", posts))
    print(describe("GET /healthz (meanwhile)", health))
    print()
    print(f"Contact requests stored: {requests}")
    for status, error, count in states:
        print(f"Outgoing emails {status}: {count}" + (f" (last error: {error}...)" if error else ""))


if __name__ == "__main__":
    main()
