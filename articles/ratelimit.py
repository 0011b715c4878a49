"""
Per-client rate limits, counted in Django's cache, shared by every public form
and the search API.

A limit is a named scope ("contact_ip", "search_ip", ...) with a rate such as
"10/h". Each scope's rate comes from the environment (documented in README.md)
through `settings.KB_RATE_LIMIT_RATES`; `KB_RATE_LIMITS=0` turns every limit off.
Counting is a fixed window per scope and key: `cache.add()` opens the window and
`cache.incr()` counts atomically on the local-memory cache and on Redis alike, so
several app servers sharing Redis share their counts.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def __str__(self):
        return f"{self.count} per {self.seconds} s"


def parse_rate(text: str) -> Rate:
    """'10/h' -> Rate(10, 3600); also '5/10m' (5 per ten minutes)."""
    try:
        count, period = text.strip().split("/")
        unit = period[-1]
        multiplier = int(period[:-1] or 1)
        rate = Rate(int(count), multiplier * PERIODS[unit])
    except (ValueError, KeyError, IndexError):
        raise ImproperlyConfigured(f"Invalid rate {text!r}: write it as COUNT/PERIOD, e.g. 10/m, 100/h, 5/10m.")
    if rate.count < 1 or rate.seconds < 1:
        raise ImproperlyConfigured(f"Invalid rate {text!r}: the count and the period must be positive.")
    return rate


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window reopens; 0 when allowed


ALLOWED = Verdict(True, 0)


def rate_limit_hit(scope: str, key: str) -> Verdict:
    """
    Count one hit of `key` (an address, an email) against `scope`'s rate and say
    whether it is allowed. Hits over the limit keep counting but change nothing.
    """
    if not settings.KB_RATE_LIMITS or not key:
        return ALLOWED
    try:
        rate = parse_rate(settings.KB_RATE_LIMIT_RATES[scope])
    except KeyError:
        raise ImproperlyConfigured(f"No rate is configured for the rate-limit scope {scope!r}.")
    now = int(time.time())
    window = now // rate.seconds
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window expired between add() and incr()
        cache.set(cache_key, 1, timeout=rate.seconds + 1)
        count = 1
    if count <= rate.count:
        return ALLOWED
    return Verdict(False, max(1, (window + 1) * rate.seconds - now))


def client_ip(request: HttpRequest) -> str:
    """
    The client's address. Behind N trusted proxies (`KB_TRUSTED_PROXIES=N`), the
    Nth address from the right of X-Forwarded-For; the leftmost ones can be forged.
    """
    proxies = settings.KB_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
