"""
What /healthz checks: each database the site reads or writes, and the cache.

Each check answers "ok" or the kind of error (the exception's class name); the
details go to the log, not to the public answer.
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

HEALTH_KEY_PREFIX = "kb:healthz:"


def _check_database(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def _check_cache() -> None:
    key, token = HEALTH_KEY_PREFIX + secrets.token_hex(8), secrets.token_hex(8)
    cache.set(key, token, timeout=10)
    try:
        if cache.get(key) != token:
            raise RuntimeError("a value written to the cache could not be read back")
    finally:
        cache.delete(key)


def health_checks() -> dict[str, str]:
    """{"database": "ok", "cache": "ok", ...}: one entry per part, in a fixed order."""
    checks = {"database": lambda: _check_database(DEFAULT_DB_ALIAS)}
    if settings.KB_READ_REPLICA:
        checks["database replica"] = lambda: _check_database(settings.KB_READ_REPLICA)
    checks["cache"] = _check_cache
    results = {}
    for part, check in checks.items():
        try:
            check()
        except Exception as error:  # any failure of that part makes it unhealthy
            logger.error("Health check failed for the %s: %r", part, error)
            results[part] = f"error: {type(error).__name__}"
        else:
            results[part] = "ok"
    return results
