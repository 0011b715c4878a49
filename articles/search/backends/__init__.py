"""
The engine backends: matching and scoring primitives for each database, behind
one typed protocol (`SearchBackend`, in base.py). The backend follows the
database in use.
"""

from django.db import connection

from .base import HeadField, HeadMatch, IndexRow, SearchBackend
from .postgres import PostgresBackend
from .sqlite import SQLiteBackend

BACKENDS: dict[str, SearchBackend] = {"sqlite": SQLiteBackend(), "postgresql": PostgresBackend()}


def current_backend() -> SearchBackend:
    """The backend for the default database's engine."""
    try:
        return BACKENDS[connection.vendor]
    except KeyError:
        raise RuntimeError(f"search supports SQLite and PostgreSQL, not {connection.vendor}") from None


__all__ = [
    "BACKENDS",
    "HeadField",
    "HeadMatch",
    "IndexRow",
    "PostgresBackend",
    "SQLiteBackend",
    "SearchBackend",
    "current_backend",
]
