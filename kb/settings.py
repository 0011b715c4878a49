"""
Settings for the help center, read from the environment in one place.

With nothing set, the site runs locally on a SQLite file, a local-memory cache
and console email. Every variable below is documented in README.md.
"""

import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .secret_key import secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    """Return True when the variable is set to 1/true/yes/on."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------

DEBUG = env_flag("DJANGO_DEBUG")
# Never a key published in the source: DJANGO_SECRET_KEY, required with
# DJANGO_HTTPS=1; otherwise one generated on first run into a 0600 file
# (.secret_key, git-ignored). See kb/secret_key.py.
SECRET_KEY = secret_key(environ=os.environ, default_file=BASE_DIR / ".secret_key", https=env_flag("DJANGO_HTTPS"))
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "markdownx",
    "axes",
    "simple_history",
    "csp",
    "articles",
]

MIDDLEWARE = [
    "kb.request_log.RequestLogMiddleware",
    # Reads the content version once per request, whatever asks for it (articles/page_cache.py).
    "articles.page_cache.ContentVersionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Counts article views in the cache; outside any page cache so cached pages count too.
    "articles.view_counts.ArticleViewCountMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers plain requests for cached public pages before the rest (articles/page_cache.py).
    "articles.page_cache.EarlyPageHitMiddleware",
    "articles.middleware.BadInputMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Moves a visitor's searches from their cookie into their session once they have one.
    "articles.visits.VisitSearchesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kb.urls"
WSGI_APPLICATION = "kb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# DATABASE_URL picks the engine: sqlite:///path (default) or postgres://...

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=env_flag("DJANGO_CONN_HEALTH_CHECKS", default=True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check that needs no round trip on a quiet connection (kb/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "kb.postgresql"
    # DJANGO_DB_SERVER_SIDE_BINDING=1: parameters are bound on the server, and psycopg
    # prepares each statement a connection has run five times (DJANGO_DB_PREPARE_THRESHOLD),
    # so PostgreSQL stops parsing and planning it again: searches cost about a tenth less
    # (docs/search-speed.md). Off by default: it needs a connection that keeps its
    # prepared statements (not PgBouncer in transaction mode before 1.21). The article
    # page's reads are prepared either way (KB_DB_PREPARED_READS below).
    if env_flag("DJANGO_DB_SERVER_SIDE_BINDING"):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=int(os.environ.get("DJANGO_DB_PREPARE_THRESHOLD", "5"))
        )
# The article page's reads are prepared statements on PostgreSQL (kb/postgresql/base.py);
# 0 behind a pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
KB_DB_PREPARED_READS = env_flag("KB_DB_PREPARED_READS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE takes the
    # write lock at BEGIN so concurrent writers queue instead of failing with
    # "database is locked" half-way through a transaction. Reads through a memory
    # map instead of a read() per page: a search walks thousands of index pages, and
    # this cut its CPU time by a tenth (docs/search-speed.md). SQLite caps the map at
    # its build's limit (2 GB by default); pages past it are read as before.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=4294967296;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
# DATABASE_REPLICA_URL: a read replica of the primary (PostgreSQL streaming
# replication). Reads go there and writes to the primary: kb/db_router.py.
KB_READ_REPLICA = ""
if os.environ.get("DATABASE_REPLICA_URL"):
    KB_READ_REPLICA = "replica"
    _replica = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    if _replica["ENGINE"] == "django.db.backends.postgresql":
        _replica["ENGINE"] = "kb.postgresql"
    if _replica["ENGINE"] == DATABASES["default"]["ENGINE"]:
        _replica["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **_replica.get("OPTIONS", {})}
    # Tests read the test database through this alias too.
    DATABASES[KB_READ_REPLICA] = {**_replica, "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["kb.db_router.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # View counts and search analytics waiting for a flush (articles/view_counts.py):
        # a cache of their own, which pages and searches cannot push them out of.
        "buffers": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kb-buffers",
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
    }

# --- Page cache ---------------------------------------------------------------
# Home, category and article pages, and repeated searches, are served from the
# cache above until the content changes (articles/page_cache.py). KB_PAGE_CACHE=0
# turns the page cache off; the two durations bound how long a copy is kept even
# when nothing changes (for changes that come from the clock, not from a save).
# With the local-memory cache, each server process keeps its own copies and a
# change is announced to every process on the machine through a small file.

KB_PAGE_CACHE = env_flag("KB_PAGE_CACHE", default=True)
KB_PAGE_CACHE_SECONDS = int(os.environ.get("KB_PAGE_CACHE_SECONDS", "300"))
KB_SEARCH_CACHE_SECONDS = int(os.environ.get("KB_SEARCH_CACHE_SECONDS", "60"))
_site_id = hashlib.blake2b(f"{BASE_DIR}|{DATABASES['default'].get('NAME')}".encode(), digest_size=8).hexdigest()
KB_CONTENT_VERSION_FILE = os.environ.get("KB_CONTENT_VERSION_FILE") or os.path.join(
    tempfile.gettempdir(), f"kb-content-version-{_site_id}"
)

# --- Auth -------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- Staff sign-in lockout (django-axes) ------------------------------------------
# After KB_LOGIN_FAILURE_LIMIT failed sign-ins, the account and the client address are
# each locked for KB_LOGIN_LOCKOUT_MINUTES (a new failure while locked restarts the wait).
# Failures are stored in the database, so every app server sees them. The client
# address is read the same way as for rate limits (KB_TRUSTED_PROXIES).

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked account before checking the password
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("KB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KB_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "articles.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "articles.staff_login.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

# --- Internationalization ---------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "kb.static_storage.StaticFilesStorage"},
}

# --- Email ------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "help@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
KB_SUPPORT_EMAIL = os.environ.get("KB_SUPPORT_EMAIL", "support@localhost")
# When the emails of a contact request go out (docs/contact-mail.md): "thread" right
# after the commit, from a background thread of the web process; "cron" only from
# `manage.py send_pending_notifications`; "immediate" in the committing thread
# (tests and scripts). The command retries failures in every mode.
KB_MAIL_DELIVERY = os.environ.get("KB_MAIL_DELIVERY", "thread")
if KB_MAIL_DELIVERY not in {"thread", "cron", "immediate"}:
    raise ImproperlyConfigured("KB_MAIL_DELIVERY must be thread, cron or immediate.")

# --- Security ---------------------------------------------------------------
# DJANGO_HTTPS=1 means the site is served over TLS (directly or behind a proxy
# that sets X-Forwarded-Proto).

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_flag("DJANGO_HTTPS"):
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    # Both are hard to undo (preload lists ship in browsers; every subdomain must
    # then speak TLS), so each needs its own explicit yes.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD")
    # Leaving them off is that deliberate choice, not an oversight for `check --deploy` to flag.
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Content-Security-Policy --------------------------------------------------
# django-csp (the package Django 6's own CSP support grew from). No inline script
# or style anywhere: templates load only static files, and Markdown is sanitized.
# JSON-LD (<script type="application/ld+json">) is data, which CSP does not
# govern. The admin and its Markdown editor work under the same policy: Django's
# admin templates load only static scripts; their one inline <style> is written
# only when a ModelAdmin turns off both action bars, which none here does
# (tests/test_security.py guards that).

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Articles may show images hosted elsewhere (https only).
        "img-src": ["'self'", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "upgrade-insecure-requests": env_flag("DJANGO_HTTPS"),
    }
}

# --- Rate limits --------------------------------------------------------------
# Per client, counted in the cache (articles/ratelimit.py). Rates are COUNT/PERIOD
# with s, m, h or d (e.g. 10/h, 5/10m). KB_RATE_LIMITS=0 turns every limit off,
# for load tests and trusted networks. KB_TRUSTED_PROXIES is how many proxies in
# front of the app append to X-Forwarded-For (0: use the connection's address).

KB_RATE_LIMITS = env_flag("KB_RATE_LIMITS", default=True)
KB_TRUSTED_PROXIES = int(os.environ.get("KB_TRUSTED_PROXIES", "0"))
KB_RATE_LIMIT_RATES = {
    "contact_ip": os.environ.get("KB_RATE_CONTACT_IP", "10/h"),
    "contact_email": os.environ.get("KB_RATE_CONTACT_EMAIL", "5/h"),
    "feedback_ip": os.environ.get("KB_RATE_FEEDBACK_IP", "60/h"),
    "search_ip": os.environ.get("KB_RATE_SEARCH_IP", "120/m"),
    "password_reset_ip": os.environ.get("KB_RATE_PASSWORD_RESET_IP", "5/h"),
}

# --- Article view counts -------------------------------------------------------
# Counted in the cache, written to the database in batches (articles/view_counts.py):
# by `manage.py flush_view_counts` (cron, with a shared cache) and by each process
# every N views or T seconds (0 turns either off). KB_VIEW_COUNTING=0 stops counting.

KB_VIEW_COUNTING = env_flag("KB_VIEW_COUNTING", default=True)
KB_VIEW_COUNTS_FLUSH_EVERY = int(os.environ.get("KB_VIEW_COUNTS_FLUSH_EVERY", "1000"))
KB_VIEW_COUNTS_FLUSH_SECONDS = int(os.environ.get("KB_VIEW_COUNTS_FLUSH_SECONDS", "60"))

# --- Markdown editor ----------------------------------------------------------
# The admin's live preview uses the very function that renders public pages.

MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.markdown.markdownify"
MARKDOWNX_MEDIA_PATH = "markdownx/"
# Images uploaded from the editor (articles/uploads.py): largest file and most pixels accepted.
KB_UPLOAD_MAX_BYTES = int(os.environ.get("KB_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
KB_UPLOAD_MAX_PIXELS = int(os.environ.get("KB_UPLOAD_MAX_PIXELS", str(25_000_000)))

# --- Search meaning signal -----------------------------------------------------
# Embeddings from a model shipped inside the wordllama wheel, blended with the
# lexical ranking (articles/search/semantic.py); KB_SEARCH_MEANING=0 ranks on
# words alone. One BLAS thread per process: a web worker serves one request at a
# time, and more threads only contend for the cores (set before numpy loads).
KB_SEARCH_MEANING = env_flag("KB_SEARCH_MEANING", default=True)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# --- Logging ----------------------------------------------------------------

# One line per request (method, path, status, duration) from kb/request_log.py,
# on by default except in debug mode (runserver prints its own). KB_LOG_FORMAT=json
# writes every log line as a JSON object.

KB_REQUEST_LOG = env_flag("KB_REQUEST_LOG", default=not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "kb.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if os.environ.get("KB_LOG_FORMAT", "").lower() == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
