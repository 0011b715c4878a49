"""
Concurrent writes during a read load: is every acknowledged write stored, and
does the database ever answer "database is locked"?

    python benchmarks/concurrency.py                         # both engines, 20 s each
    python benchmarks/concurrency.py --engine sqlite --duration 5 --writers 6 --readers 12

For each engine: a fresh database (SQLite: a file in a temporary folder, in WAL
mode as the settings make it; PostgreSQL: the database --postgres-db, dropped and
created) with the demo content, served by gunicorn (kb/gunicorn.conf.py,
--workers sync workers, DJANGO_DEBUG=0, KB_RATE_LIMITS=0) on 127.0.0.1. For
--duration seconds:

- each writer thread, in turn, sends the contact form (a GET for its CSRF token
  once, then POSTs: each stores a ContactRequest, and the notification after the
  commit writes the row again) and submits a search on the search page (each
  stores a SearchLog row); every submission is unique, so rows can be counted;
- each reader thread reads pages: home, articles, a category, the search API.

Then it counts the rows stored against the submissions the server acknowledged
(a 302 for the form, a 200 for the search), the errors (any other answer or a
failed connection), and the "database is locked" errors in the server's log.
`tests/test_concurrency.py` (marked slow) runs a short version on the test's engine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.pages import Server, log  # noqa: E402

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/"
READ_PATHS = [
    "/",
    "/articles/troubleshooting-account-login-issues/",
    "/articles/fixing-smtp-authentication-errors/",
    "/categories/account-and-settings/",
    "/api/search/?q=reset+password",
    "/articles/understanding-your-invoice/",
]


@dataclass
class Tally:
    contact_sent: int = 0
    contact_acknowledged: int = 0
    search_sent: int = 0
    search_acknowledged: int = 0
    reads: int = 0
    reads_ok: int = 0
    errors: int = 0
    error_samples: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts):
        with self.lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)

    def error(self, what: str):
        with self.lock:
            self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(what)


class Client:
    """One keep-alive HTTP connection with cookies, reconnecting when the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = None

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt or method != "GET":
                    raise
                continue
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text
        raise RuntimeError("unreachable")


def writer(port: int, run_id: str, number: int, deadline: float, tally: Tally) -> None:
    client = Client(port)
    status, page = client.request("GET", "/contact/")
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not match:
        tally.error(f"contact form GET answered {status}")
        return
    token = match.group(1)
    n = 0
    while time.monotonic() < deadline:
        n += 1
        form = {
            "csrfmiddlewaretoken": token,
            "name": "Load Test",
            "email": f"writer{number}@example.com",
            "subject": f"{run_id}-{number}-{n}",
            "message": "I cannot sign in since this morning, the page keeps reloading.",
            "suggestions_seen": "1",  # past the suggested-articles step: "Send anyway"
        }
        try:
            tally.add(contact_sent=1)
            status, text = client.request("POST", "/contact/", urlencode(form))
            if status == 302:
                tally.add(contact_acknowledged=1)
            else:
                tally.error(f"contact POST answered {status}")
            tally.add(search_sent=1)
            status, text = client.request("GET", "/search/?" + urlencode({"q": f"{run_id} {number} {n}"}))
            if status == 200:
                tally.add(search_acknowledged=1)
            else:
                tally.error(f"search answered {status}")
        except OSError as error:
            tally.error(f"{type(error).__name__}: {error}")


def reader(port: int, number: int, deadline: float, tally: Tally) -> None:
    client = Client(port)
    i = number
    while time.monotonic() < deadline:
        path = READ_PATHS[i % len(READ_PATHS)]
        i += 1
        try:
            status, _ = client.request("GET", path)
        except OSError as error:
            tally.error(f"{type(error).__name__}: {error}")
            continue
        tally.add(reads=1, reads_ok=int(status == 200))
        if status != 200:
            tally.error(f"GET {path} answered {status}")


def count_rows(database_url: str, run_id: str) -> tuple[int, int]:
    """(contact requests, search log rows) of this run."""
    contact_sql = "SELECT count(*) FROM articles_contactrequest WHERE subject LIKE %s"
    search_sql = "SELECT count(*) FROM articles_searchlog WHERE query LIKE %s"
    pattern = f"{run_id}%"
    if database_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            sqls = (contact_sql.replace("%s", "?"), search_sql.replace("%s", "?"))
            return tuple(conn.execute(sql, [pattern]).fetchone()[0] for sql in sqls)
    import psycopg

    with psycopg.connect(database_url) as conn:
        return tuple(conn.execute(sql, [pattern]).fetchone()[0] for sql in (contact_sql, search_sql))


def site_env(database_url: str, static_root: str, workdir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KB_", "GUNICORN_", "REDIS_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kb.settings",
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "KB_RATE_LIMITS": "0",
            "KB_REQUEST_LOG": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "STATIC_ROOT": static_root,
            "KB_CONTENT_VERSION_FILE": str(workdir / "content-version"),
        }
    )
    return env


def postgres_recreate(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def postgres_drop(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def run(database_url: str, *, writers: int, readers: int, duration: float, workers: int, port: int) -> dict:
    """Prepare the database at `database_url`, serve it, load it; return the tally and the row counts."""
    workdir = Path(tempfile.mkdtemp(prefix="kb-concurrency-"))
    try:
        env = site_env(database_url, str(workdir / "static"), workdir)
        for command in (["migrate", "--noinput"], ["load_demo"], ["collectstatic", "--noinput"]):
            subprocess.run([sys.executable, "manage.py", *command, "--verbosity", "0"], env=env, cwd=ROOT, check=True)
        run_id = f"lockcheck{secrets.token_hex(3)}"
        tally = Tally()
        log_path = workdir / "gunicorn.log"
        with Server(env, port, workers, log_path):
            deadline = time.monotonic() + duration
            threads = [
                threading.Thread(target=writer, args=(port, run_id, i, deadline, tally)) for i in range(writers)
            ]
            threads += [threading.Thread(target=reader, args=(port, i, deadline, tally)) for i in range(readers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        server_log = log_path.read_text(errors="replace")
        contact_rows, search_rows = count_rows(database_url, run_id)
        return {
            "contact_sent": tally.contact_sent,
            "contact_acknowledged": tally.contact_acknowledged,
            "contact_rows": contact_rows,
            "search_sent": tally.search_sent,
            "search_acknowledged": tally.search_acknowledged,
            "search_rows": search_rows,
            "reads": tally.reads,
            "reads_ok": tally.reads_ok,
            "errors": tally.errors,
            "error_samples": tally.error_samples,
            "locked": server_log.count("database is locked"),
            "server_errors": server_log.count("Traceback"),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def format_table(rows: list[tuple[str, dict]], args) -> str:
    lines = [
        "| engine | contact POSTs sent | acknowledged | rows stored | searches sent | acknowledged | log rows stored"
        " | reads (ok) | errors | database locked | server tracebacks |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for engine, r in rows:
        lines.append(
            f"| {engine} | {r['contact_sent']:,} | {r['contact_acknowledged']:,} | {r['contact_rows']:,} "
            f"| {r['search_sent']:,} | {r['search_acknowledged']:,} | {r['search_rows']:,} "
            f"| {r['reads']:,} ({r['reads_ok']:,}) | {r['errors']} | {r['locked']} | {r['server_errors']} |"
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--writers", type=int, default=6)
    parser.add_argument("--readers", type=int, default=12)
    parser.add_argument("--duration", type=float, default=20, help="seconds of load per engine (default 20)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--port", type=int, default=8153)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--postgres-db", default="kb_concurrency_bench")
    args = parser.parse_args(argv)
    command = "python benchmarks/concurrency.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    rows = []
    for engine in engines:
        tmpdir = None
        if engine == "sqlite":
            tmpdir = tempfile.mkdtemp(prefix="kb-concurrency-db-")
            url = f"sqlite:///{Path(tmpdir) / 'site.sqlite3'}"
        else:
            parts = urlsplit(args.postgres_url)
            url = urlunsplit((parts.scheme, parts.netloc, f"/{args.postgres_db}", parts.query, ""))
            postgres_recreate(url)
        log(f"{engine}: {args.writers} writers and {args.readers} readers for {args.duration:g} s")
        try:
            result = run(
                url,
                writers=args.writers,
                readers=args.readers,
                duration=args.duration,
                workers=args.workers,
                port=args.port,
            )
        finally:
            if tmpdir:
                shutil.rmtree(tmpdir, ignore_errors=True)
            else:
                postgres_drop(url)
        log(f"{engine}: {result}")
        rows.append((engine, result))
    print(f"Command: `{command}`\n")
    print(
        f"gunicorn -w {args.workers} (sync), {args.writers} writer and {args.readers} reader threads, "
        f"{args.duration:g} s per engine, {os.cpu_count()} cores.\n"
    )
    print(format_table(rows, args))


if __name__ == "__main__":
    main()
