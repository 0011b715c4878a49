"""
What search reads for every query but what changes only with the site's
content (editors' boosts and pins, the articles waiting for their publish
date), kept in each process until the content version changes.

The content version and its memos are the page cache's
(`page_cache.content_memo()`: every save or delete of content replaces the
version). The page cache builds on this package, so the models hand its memo
function in when they load (`follow_content_memo()`) rather than this module
importing it. Until then (code that runs before the models are loaded) each
value is read afresh.
"""

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_memo: Callable | None = None


def follow_content_memo(memo: Callable[[str, Callable[[], T]], T]) -> None:
    """Keep search's memos with `memo(name, compute)`, which recomputes once the content version changes."""
    global _memo
    _memo = memo


def remembered(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in this process for as long as the content stays the same."""
    if _memo is None:
        return compute()
    return _memo(f"search:{name}", compute)
