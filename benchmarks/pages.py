"""
Page speed benchmark: requests per second and latency of the public pages under
gunicorn, next to the framework floor measured by the same server in the same run.

    python benchmarks/pages.py                                   # both engines, 1k and 10k articles
    python benchmarks/pages.py --engine sqlite --sizes 1000 --duration 3
    python benchmarks/pages.py --keep                             # keep the databases for the next run

For each engine and size N: a database with N synthetic articles (corpus_gen.py,
seeded; SQLite: a file in --data-dir; PostgreSQL: the database
`<--postgres-db-prefix>_<N>`), reused when it already holds them and --keep was
given. Then two gunicorn servers (kb/gunicorn.conf.py, --workers sync workers,
DJANGO_DEBUG=0, KB_RATE_LIMITS=0, collected static files) on 127.0.0.1:

- the site as configured for production (page cache and search cache on), with
  one extra page, /floor/, a view that only returns "ok" through the same
  middleware: the framework floor;
- the same site with KB_PAGE_CACHE=0 and KB_SEARCH_CACHE_SECONDS=0: what
  rendering a page costs.

wrk (Debian's package: apt-get install wrk) loads each URL for --duration seconds
with --threads threads and --connections connections, after a one-second warm-up.
"Search, mixed" cycles through thousands of distinct queries (corpus_gen's query
mix; each thread its own share), so almost none repeats within the search cache's
60 s: that is the search function's own cost. The cache is the local-memory one
unless --redis-url is given (then Redis, as several app servers would share it).

Results: one Markdown table per engine on stdout with the command line; progress
on stderr. Ratios to the floor are what to compare across runs and machines.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote_plus, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/"
POPULAR_QUERY = "reset password"
MIXED_QUERIES = 6000
PROMOTED = 6


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# =========================================================================== databases


def database_url(engine: str, size: int, args) -> str:
    if engine == "sqlite":
        return f"sqlite:///{Path(args.data_dir) / f'pages-{size}.sqlite3'}"
    parts = urlsplit(args.postgres_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{args.postgres_db_prefix}_{size}", parts.query, ""))


def postgres_create(url: str, *, drop: bool) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(engine: str, size: int, args) -> dict:
    """Make (or reuse) the database with `size` articles; returns what the URLs need."""
    url = database_url(engine, size, args)
    if engine == "postgres":
        postgres_create(url, drop=not args.keep)
    elif not args.keep:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    env = server_env(url, args)
    command = [sys.executable, str(Path(__file__).resolve()), "--child-prepare", str(size), "--seed", str(args.seed)]
    command += ["--jobs", str(args.jobs), "--data-dir", args.data_dir]  # where the child keeps its "ready" mark
    proc = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{engine} N={size}: preparing the database failed")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    info["url"] = url
    return info


def child_prepare(size: int, args) -> None:
    """In a child process with DATABASE_URL set: migrate, load, index; print the facts as JSON."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from articles.article_parts import refresh_stored_parts, stale_article_ids
    from articles.models import Article, Category
    from articles.search import rebuild_index
    from benchmarks.speed import load_corpus

    call_command("migrate", verbosity=0, interactive=False)
    ready = Path(args.data_dir) / f"{connection.vendor}-{size}.ready"
    if Article.objects.count() != size:
        ready.unlink(missing_ok=True)
        log(f"loading {size:,} articles")
        Article.objects.all().delete()
        load_corpus(size, args.seed, args.jobs)
    if not ready.exists():
        log("building the search index")
        rebuild_index()
        first = Article.objects.order_by("pk").values_list("pk", flat=True)[:PROMOTED]
        Article.objects.filter(pk__in=list(first)).update(promoted=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        ready.touch()
    else:
        log(f"reusing the {size:,} articles already loaded and indexed")
    # As after a deploy (`manage.py refresh_article_pages`): the articles were loaded without save().
    stale = stale_article_ids()
    if stale:
        log(f"storing the page parts of {len(stale):,} articles")
        refresh_stored_parts(stale)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    ordered = Article.objects.published().order_by("pk")
    article = ordered[size // 2]
    category = Category.objects.order_by("position").first()
    print(
        json.dumps(
            {
                "engine_version": version,
                "article": article.get_absolute_url(),
                "category": category.get_absolute_url(),
                "category_articles": category.articles.count(),
            }
        )
    )


# =========================================================================== servers


def server_env(url: str, args, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KB_", "GUNICORN_", "REDIS_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.site_settings",
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": args.secret_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "KB_RATE_LIMITS": "0",
            "STATIC_ROOT": args.static_root,
            "KB_CONTENT_VERSION_FILE": str(Path(args.data_dir) / "content-version"),
        }
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    env.update(extra)
    return env


def collect_static(args) -> None:
    env = server_env("sqlite:///unused.sqlite3", args)
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
    subprocess.run(command, env=env, cwd=ROOT, check=True)


class Server:
    """gunicorn with the project's config file, on 127.0.0.1:port, stopped on exit."""

    def __init__(self, env: dict, port: int, workers: int, log_path: Path):
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        command = [
            sys.executable, "-m", "gunicorn", "-c", str(ROOT / "kb" / "gunicorn.conf.py"),
            "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        ]  # fmt: skip
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=self.log, stderr=self.log)

    def __enter__(self):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.close()
                tail = self.log_path.read_text(errors="replace")[-3000:]
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}:\n{tail}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        tail = self.log_path.read_text(errors="replace")[-3000:]
        raise SystemExit(f"gunicorn did not answer /healthz within 90 s:\n{tail}")

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# =========================================================================== CPU time


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


class CpuMeter:
    """
    CPU seconds spent serving: the gunicorn workers, plus (PostgreSQL) the server
    processes of the benchmark's database. Unlike requests per second, this does
    not depend on what else the machine is running.
    """

    def __init__(self, server, database_url: str):
        self.server = server
        self.database_url = database_url if database_url.startswith("postgres") else None

    def _pids(self) -> list[int]:
        pids = _children(self.server.proc.pid)
        if self.database_url:
            import psycopg

            name = urlsplit(self.database_url).path.lstrip("/")
            parts = urlsplit(self.database_url)
            admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
            with psycopg.connect(admin, autocommit=True) as conn:
                rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]).fetchall()
            pids += [row[0] for row in rows]
        return pids

    def snapshot(self) -> dict[int, float]:
        return {pid: _process_cpu(pid) for pid in self._pids()}

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


# =========================================================================== load


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    return float(match.group(1)) * UNITS[match.group(2)] if match else float("nan")


def mixed_script(paths: list[str], directory: Path) -> Path:
    """A wrk script that cycles through `paths`, each thread through its own share."""
    path = directory / f"mix-{len(paths)}-{abs(hash(tuple(paths)))}.lua"
    items = ",\n".join(json.dumps(p) for p in paths)  # JSON strings are valid Lua strings here
    path.write_text(
        f"local paths = {{\n{items}\n}}\n"
        "local counter = 0\n"
        "function setup(thread) thread:set('id', counter); counter = counter + 1 end\n"
        "function init(args) i = id end\n"
        "function request()\n"
        "  i = i + 2\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1])\n"
        "end\n"
    )
    return path


def wrk(base: str, target: str | Path, args, duration: float) -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration:g}s", "--latency"]
    command += ["--timeout", "10s"]
    if isinstance(target, Path):
        command += ["-s", str(target), base + "/"]
    else:
        command.append(base + target)
    out = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=True).stdout
    if "Requests/sec" not in out or " 0 requests in" in out:
        log(f"wrk said:\n{out}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    total = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": _ms(p50.group(1)) if p50 else float("nan"),
        "p99": _ms(p99.group(1)) if p99 else float("nan"),
        "requests": int(total.group(1)) if total else 0,
        "errors": (int(bad.group(1)) if bad else 0) + (sum(map(int, socket.groups())) if socket else 0),
    }


def settle(base: str) -> None:
    """Wait until the server has worked off the previous load (its queue of slow requests)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base + "/floor/", timeout=60):
                pass
        except OSError:
            pass
        if time.monotonic() - started < 0.5:
            return
    log("the server is still busy after 120 s")


def _timed(meter: CpuMeter, base: str, target, args) -> dict:
    before = meter.snapshot()
    result = wrk(base, target, args, args.duration)
    # At most one request per connection is still being served: a small error against thousands.
    result["cpu_ms"] = 1000 * CpuMeter.spent(before, meter.snapshot()) / max(1, result["requests"])
    settle(base)
    return result


def measure(meter: CpuMeter, base: str, name: str, target, args, floor_meter: CpuMeter, floor_base: str) -> dict:
    """
    Load `target`, then the floor right after it: the machine's speed drifts (other
    work on it), so each page is compared with the floor measured next to it, by
    requests per second and by the server's CPU time per request.
    """
    settle(base)
    wrk(base, target, args, 1)  # warm-up: every worker renders and caches the page
    result = _timed(meter, base, target, args)
    settle(floor_base)
    floor = _timed(floor_meter, floor_base, "/floor/", args)
    result["floor_rps"] = floor["rps"]
    result["floor_cpu_ms"] = floor["cpu_ms"]
    result["ratio"] = result["rps"] / (floor["rps"] or 1.0)
    result["cpu_ratio"] = floor["cpu_ms"] / (result["cpu_ms"] or 1.0)
    log(
        f"  {name:<24} {result['rps']:>8,.0f} req/s  p50 {result['p50']:.2f} ms  p99 {result['p99']:.2f} ms"
        f"  (floor {floor['rps']:,.0f} req/s: x {result['ratio']:.2f})"
        f"  CPU {result['cpu_ms']:.2f} ms/request (floor {floor['cpu_ms']:.2f}: x {result['cpu_ratio']:.2f})"
        + (f"  {result['errors']} errors" if result["errors"] else "")
    )
    return {"name": name, **result}


def mixed_paths(prefix: str, args) -> list[str]:
    from benchmarks.corpus_gen import CorpusGenerator

    seen, paths = set(), []
    for _, text, _ in CorpusGenerator(args.seed).queries(MIXED_QUERIES * 2, seed=args.seed + 11):
        key = " ".join(text.lower().split())
        if key and key not in seen:
            seen.add(key)
            paths.append(prefix + quote_plus(text))
    return paths[:MIXED_QUERIES]


def run_size(engine: str, size: int, args, workdir: Path) -> dict:
    log(f"{engine} N={size:,}: preparing")
    info = prepare(engine, size, args)
    popular = quote_plus(POPULAR_QUERY)
    cached_targets = [
        ("home", "/"),
        ("category", info["category"]),
        ("article", info["article"]),
        ("search page, repeated", f"/search/?q={popular}"),
        ("search API, repeated", f"/api/search/?q={popular}"),
        ("search page, mixed", mixed_script(mixed_paths("/search/?q=", args), workdir)),
        ("search API, mixed", mixed_script(mixed_paths("/api/search/?q=", args), workdir)),
    ]
    uncached_targets = [
        ("article, uncached", info["article"]),
        ("home, uncached", "/"),
    ]
    if args.pages:
        wanted = {name.strip() for name in args.pages.split(";")}
        cached_targets = [t for t in cached_targets if t[0] in wanted]
        uncached_targets = [t for t in uncached_targets if t[0] in wanted]
    rows = []
    log_path = Path(args.data_dir) / "gunicorn.log"
    with Server(server_env(info["url"], args), args.port, args.workers, log_path) as server:
        meter = CpuMeter(server, info["url"])
        for name, target in cached_targets:
            rows.append(measure(meter, server.base, name, target, args, meter, server.base))
        off = {"KB_PAGE_CACHE": "0", "KB_SEARCH_CACHE_SECONDS": "0"}
        # The floor stays the first server's: the same code, and only one server loads at a time.
        if not uncached_targets:
            return {"engine": engine, "size": size, "info": info, "rows": rows}
        with Server(server_env(info["url"], args, **off), args.port + 1, args.workers, log_path) as uncached:
            uncached_meter = CpuMeter(uncached, info["url"])
            for name, target in uncached_targets:
                rows.append(measure(uncached_meter, uncached.base, name, target, args, meter, server.base))
    return {"engine": engine, "size": size, "info": info, "rows": rows}


def format_table(results: list[dict]) -> str:
    engine = results[0]["info"]["engine_version"]
    head = "| page | N | req/s | p50 ms | p99 ms | floor req/s | × floor | CPU ms/req | floor CPU | × floor (CPU) |"
    rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    lines = [f"{engine}:", "", head, rule]
    for i, row in enumerate(results[0]["rows"]):
        for result in results:
            r = result["rows"][i]
            flag = f" ({r['errors']} errors)" if r["errors"] else ""
            lines.append(
                f"| {row['name']} | {result['size']:,} | {r['rps']:,.0f}{flag} | {r['p50']:.2f} | {r['p99']:.2f} "
                f"| {r['floor_rps']:,.0f} | {r['ratio']:.2f} | {r['cpu_ms']:.2f} | {r['floor_cpu_ms']:.2f} "
                f"| {r['cpu_ratio']:.2f} |"
            )
    categories = " and ".join(f"{r['info']['category_articles']:,} (at {r['size']:,})" for r in results)
    lines.append("")
    lines.append(f"The category measured holds {categories} articles; its page shows the first 50.")
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--sizes", default="1000,10000", help="article counts (default 1000,10000)")
    parser.add_argument("--duration", type=float, default=5, help="seconds per URL (default 5)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--port", type=int, default=8150, help="first of two ports on 127.0.0.1 (default 8150)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--postgres-db-prefix", default="kb_pages_bench", help="database name prefix")
    parser.add_argument("--redis-url", default="", help="use Redis as the cache (default: local memory)")
    parser.add_argument("--data-dir", default=str(Path(tempfile.gettempdir()) / "kb-pages-bench"))
    parser.add_argument("--keep", action="store_true", help="keep the databases, and reuse them when they fit")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="processes for loading")
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument(
        "--pages", default="", help='only these rows, separated by ";" (e.g. "article, uncached;home")'
    )
    parser.add_argument("--child-prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.size_list = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.secret_key = secrets.token_urlsafe(40)
    return args


def _stop(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def main(argv=None) -> None:
    signal.signal(signal.SIGTERM, _stop)  # so the servers are stopped on the way out
    args = parse_args(argv)
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    if args.child_prepare:
        child_prepare(args.child_prepare, args)
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    load = " ".join(f"{n:.1f}" for n in os.getloadavg())
    command = "python benchmarks/pages.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    workdir = Path(tempfile.mkdtemp(prefix="kb-pages-"))
    args.static_root = str(workdir / "static")
    results = {}
    try:
        log("collecting static files")
        collect_static(args)
        for engine in engines:
            results[engine] = [run_size(engine, size, args, workdir) for size in args.size_list]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            for engine in engines:
                for size in args.size_list:
                    url = database_url(engine, size, args)
                    if engine == "sqlite":
                        for suffix in ("", "-wal", "-shm"):
                            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    cache = "Redis" if args.redis_url else "local-memory cache"
    print(f"Command: `{command}`")
    print(
        f"\n{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"gunicorn -w {args.workers} (sync), wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s, "
        f"{cache}; load average before the run {load}.\n"
    )
    for engine in engines:
        print(format_table(results[engine]))
        print()
    if args.json:
        Path(args.json).write_text(json.dumps({"command": command, "results": results}, indent=1))


if __name__ == "__main__":
    main()
