"""
What search reads for every query but what changes only with the site's
content (editors' boosts and pins, synonym groups, the articles waiting for
their publish date, how many are public and how long they are), kept in each
process until the content version changes.

The content version and its memos are the page cache's
(`page_cache.content_memo()`: every save or delete of content replaces the
version). The page cache builds on this package, so the models hand its memo
and change functions in when they load (`follow_content_memo()`) rather than
this module importing them. Until then (code that runs before the models are
loaded) each value is read afresh.
"""

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_memo: Callable | None = None
_changed: Callable[[], None] | None = None


def follow_content_memo(memo: Callable[[str, Callable[[], T]], T], changed: Callable[[], None]) -> None:
    """
    Keep search's memos with `memo(name, compute)`, which recomputes once the
    content version changes, and replace the version with `changed()`.
    """
    global _memo, _changed
    _memo, _changed = memo, changed


def remembered(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in this process for as long as the content stays the same."""
    if _memo is None:
        return compute()
    return _memo(f"search:{name}", compute)


def content_changed() -> None:
    """Replace the content version: for writes that bypass the models' save(), such as a rebuilt index."""
    if _changed is not None:
        _changed()
