"""
Gunicorn settings for production, from the environment:

    gunicorn -c kb/gunicorn.conf.py kb.wsgi

GUNICORN_BIND            address to listen on (default 127.0.0.1:8000; behind a proxy or load balancer)
GUNICORN_WORKERS         worker processes (default: 2 per CPU core, plus 1); WEB_CONCURRENCY also works
GUNICORN_THREADS         threads per worker (default 1: sync workers)
GUNICORN_TIMEOUT         seconds before a stuck worker is restarted (default 30)
GUNICORN_MAX_REQUESTS    recycle a worker after this many requests, with jitter (default 0: never)
GUNICORN_ACCESS_LOG      "-" for gunicorn's own access log on stdout (default off: the app
                         already logs one line per request, see kb/request_log.py)
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "kb.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10
# Behind a proxy on the same machine or network, trust its X-Forwarded-* headers
# (Django only reads X-Forwarded-Proto, and only with DJANGO_HTTPS=1).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# One line per request: client, request line, status, bytes, duration in ms.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker):
    """
    Load what search reads at a process's first query before this worker takes
    requests, so that the first customers to search after a deploy or a worker restart
    do not wait for it: the common English words that typo correction leaves alone
    (80 ms) and the meaning model with this worker's matrix of vectors (about a second
    each). Search works without the meaning signal, on the lexical ranking alone, and
    says so in /healthz; a failure here is logged, not fatal.
    """
    from django.conf import settings

    from articles.search.typos import common_words

    common_words()
    if not getattr(settings, "KB_SEARCH_MEANING", False):
        return
    try:
        from django.db import connections

        from articles.search.semantic import encoder, vector_matrix

        if encoder() is not None:
            vector_matrix()
        connections.close_all()
    except Exception:  # noqa: BLE001 - the worker serves requests either way
        worker.log.exception("Could not load search's meaning signal before serving")
