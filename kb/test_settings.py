"""
Test settings: the real settings, made fast and self-contained.

The database still comes from DATABASE_URL, so the same suite runs on SQLite
(the default) and on PostgreSQL.
"""

from .settings import *  # noqa: F403

# A fast hasher: tests create many users and never need real password strength.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Plain static storage: tests render templates without running collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
KB_SUPPORT_EMAIL = "support@example.com"
# Send a request's emails in the committing thread: most tests run inside a
# transaction that a background thread could not see. Tests of the background
# sender switch to "thread" with a transactional database.
KB_MAIL_DELIVERY = "immediate"
# Redis is exercised when REDIS_URL is set (as in CI's PostgreSQL run); otherwise
# local memory, as kb.settings has it (with its own cache for buffered counts).
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True  # serve from the finders: no collectstatic, no missing-STATIC_ROOT warning
# A second alias on the same test database, for the read-replica router's tests;
# reads are routed to it only where a test sets KB_READ_REPLICA = "replica".
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
# View counts are flushed by the tests that check it, never by a request in passing.
KB_VIEW_COUNTS_FLUSH_EVERY = 0
KB_VIEW_COUNTS_FLUSH_SECONDS = 0
