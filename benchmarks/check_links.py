"""
Link checking and Markdown nesting: what the bounds in articles/links.py and
articles/markdown.py buy.

    python benchmarks/check_links.py                  # 200 links, 50 ms each, workers 1, 4, 8, 16
    python benchmarks/check_links.py --links 400 --delay 0.1

1. check_links: a local web server on 127.0.0.1 (any free port) answers every
   request after `--delay` seconds; `link_checks_run()` checks `--links` addresses
   with different worker counts, on a throwaway SQLite database. Reports the wall
   time and the most requests the server saw at once (never more than the workers).
2. Nesting: how long Python-Markdown takes on a list nested N levels deep (two
   spaces per level), and where it fails with RecursionError; why the renderer
   refuses more than MAX_NESTING levels before parsing. Each depth runs in a child
   process with a time limit, so the benchmark stays bounded.

Figures depend on the machine and its load; docs/links-images-and-sign-in.md
records a run.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class Handler(BaseHTTPRequestHandler):
    delay = 0.05
    active = 0
    most = 0
    lock = threading.Lock()

    def do_HEAD(self):
        cls = type(self)
        with cls.lock:
            cls.active += 1
            cls.most = max(cls.most, cls.active)
        time.sleep(cls.delay)
        with cls.lock:
            cls.active -= 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


NESTING_PROBE = """
import sys, time, markdown
depth = int(sys.argv[1])
text = "\\n".join("  " * level + "- item" for level in range(depth))
start = time.perf_counter()
try:
    markdown.markdown(text, extensions=["fenced_code", "tables", "sane_lists"])
    outcome = "rendered"
except RecursionError:
    outcome = "RecursionError"
print(f"{outcome} {time.perf_counter() - start:.2f}")
"""


def nesting(depths, limit):
    rows = []
    for depth in depths:
        try:
            done = subprocess.run(
                [sys.executable, "-c", NESTING_PROBE, str(depth)],
                capture_output=True,
                text=True,
                timeout=limit,
                check=True,
            )
            outcome, seconds = done.stdout.split()
            rows.append((depth, outcome, f"{float(seconds):.2f} s"))
        except subprocess.TimeoutExpired:
            rows.append((depth, "still running", f"> {limit:.0f} s"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds the server takes per answer")
    parser.add_argument("--workers", default="1,4,8,16")
    parser.add_argument("--depths", default="30,100,300,500")
    parser.add_argument("--depth-limit", type=float, default=20.0, help="seconds allowed per nesting depth")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="kb-links-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.test_settings")
    import django

    django.setup()
    from django.core.management import call_command

    from articles.links import link_checks_run

    call_command("migrate", verbosity=0)
    Handler.delay = args.delay
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    print(f"Command: python benchmarks/check_links.py {shlex.join(sys.argv[1:])}".strip())
    print(f"check_links: {args.links} links, the server answers each after {args.delay * 1000:.0f} ms")
    print("| workers | wall time | most requests at once | broken |")
    print("| ---: | ---: | ---: | ---: |")
    for workers in [int(n) for n in args.workers.split(",")]:
        Handler.most = 0
        urls = [f"{base}/page/{workers}/{n}" for n in range(args.links)]
        start = time.perf_counter()
        summary = link_checks_run(urls=urls, workers=workers, timeout=5)
        elapsed = time.perf_counter() - start
        print(f"| {workers} | {elapsed:.2f} s | {Handler.most} | {len(summary.broken)} |")
    server.shutdown()

    print()
    print("Python-Markdown on a list nested N levels deep (two spaces per level):")
    print("| levels | outcome | time |")
    print("| ---: | --- | ---: |")
    for depth, outcome, seconds in nesting([int(n) for n in args.depths.split(",")], args.depth_limit):
        print(f"| {depth} | {outcome} | {seconds} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
