"""
One log line per request: method, path, status and duration.

`RequestLogMiddleware` logs to the "kb.requests" logger; `KB_LOG_FORMAT=json`
turns every log line into a JSON object (`JsonFormatter`), for log shippers.
The query string is left out: searches are what customers typed, and they stay
in the search analytics, normalised, not in the server's logs.
"""

import json
import logging
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed

logger = logging.getLogger("kb.requests")

REQUEST_FIELDS = ("method", "path", "status", "duration_ms")


class RequestLogMiddleware:
    def __init__(self, get_response):
        if not settings.KB_REQUEST_LOG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={"method": request.method, "path": request.path, "status": response.status_code,
                   "duration_ms": duration_ms},
        )  # fmt: skip
        return response


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", and the request's fields when there are}."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
