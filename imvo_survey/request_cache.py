"""What one request loads once and shares: the invitation and its token, the deadline,
the response and who acts.

Several checks ask the same question in one request (the access check, the view, the
service that saves), and the session's identity map does not keep their answers: it
holds loaded rows only weakly, so a row nobody refers to any more is loaded again by
the next `session.get`. `remembered` keeps the answer on `flask.g` for the rest of the
request. Outside a request (the CLI, the mail worker, tests calling services) nothing
is kept: each call loads afresh.

When a view loses a race and runs again (`unit_of_work.retry_on_conflict`), `clear`
drops everything kept, so the next attempt decides on what the winner committed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import g, has_request_context

T = TypeVar("T")

_KEY = "imvo_request_cache"


def _cache() -> dict | None:
    if not has_request_context():
        return None
    cache = g.get(_KEY)
    if cache is None:
        cache = {}
        setattr(g, _KEY, cache)
    return cache


def remembered(key: Hashable, load: Callable[[], T]) -> T:
    """`load()` once per request under `key`, then the same answer."""
    cache = _cache()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


def remember(key: Hashable, value) -> None:
    """Keep `value` under `key` for this request (one query answered several questions)."""
    cache = _cache()
    if cache is not None:
        cache[key] = value


def forget(key: Hashable) -> None:
    """Drop what was kept under `key`: the request has just changed it."""
    cache = _cache()
    if cache is not None:
        cache.pop(key, None)


def clear() -> None:
    """Drop everything kept in this request."""
    cache = _cache()
    if cache is not None:
        cache.clear()
