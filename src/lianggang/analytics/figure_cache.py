"""Things built from the approved figures, kept in Django's cache until the figures change.

Keys carry the figures' version (:mod:`lianggang.analytics.versions`): an approval, a rebuild
or a change of the framework or the hierarchy moves it, and the next reader builds afresh. The
figures pages (web/page_cache.py) and the API's figure queries keep their content here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

# A safety net only: a page is normally replaced because the version moved, long before this.
PAGE_SECONDS = 600

# One rendering per page at a time in a process: when the version moves, the readers of a page
# that arrive while it is being rendered wait for that rendering instead of repeating it.
_rendering: dict[str, threading.Lock] = {}
_rendering_guard = threading.Lock()


def cached_content(key: str, render_content: Callable[[], T]) -> T:
    """The content cached under ``key``, else ``render_content()`` once, however many threads
    ask for it meanwhile."""
    content: T | None = cache.get(key)
    if content is not None:
        return content
    with _rendering_guard:
        lock = _rendering.setdefault(key, threading.Lock())
    try:
        with lock:
            content = cache.get(key)  # rendered while this request waited
            if content is None:
                content = render_content()
                cache.set(key, content, PAGE_SECONDS)
    finally:
        with _rendering_guard:
            _rendering.pop(key, None)
    return content
