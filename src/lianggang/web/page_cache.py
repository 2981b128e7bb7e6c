"""Figures pages rendered once and served from the cache until the figures change.

The overview, indicator and unit pages show approved figures only, the same for every reader,
so their content is cached whole, keyed by the page, what the page reads from the address, the
language and the figures' version (:mod:`lianggang.analytics.versions`). The frame around the
content (the reader's name, the language switch, the demo banner, the CSRF token) is rendered
for each request. An approval, a rebuild or a change of the framework or the hierarchy gives
the figures a new version, so the next request renders the page afresh: the figures stay live.

The cache is Django's (settings ``CACHES``: memory of each server process by default, enough
since the version is read from the database on each request and so agrees across processes).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from lianggang.analytics.versions import figures_version

# A safety net only: a page is normally replaced because the version moved, long before this.
PAGE_SECONDS = 600

# One rendering per page at a time in a process: when the version moves, the readers of a page
# that arrive while it is being rendered wait for that rendering instead of repeating it.
_rendering: dict[str, threading.Lock] = {}
_rendering_guard = threading.Lock()


def page_key(page: str, params: Iterable[str]) -> str:
    """The cache key of a page's content in the current language at the current version."""
    digest = hashlib.sha256("\x1f".join(params).encode()).hexdigest()[:32]
    return f"figures-page:{page}:{get_language()}:{figures_version()}:{digest}"


def figures_response(
    request: HttpRequest,
    *,
    page: str,
    params: Iterable[str],
    template: str,
    build: Callable[[], dict[str, Any]],
    charts: bool = False,
) -> HttpResponse:
    """The page, its content taken from the cache or rendered by ``template`` from ``build()``.

    ``params`` must hold everything ``build`` reads from the request. ``build`` returns the
    template's context with the page's ``title``; an error it raises (404) is not cached.
    """

    def render_content() -> dict[str, str]:
        context = build()
        return {"title": context["title"], "main": render_to_string(template, context)}

    content = cached_content(page_key(page, params), render_content)
    return render(
        request,
        "web/figures_page.html",
        {"page_title": content["title"], "main": mark_safe(content["main"]), "charts": charts},  # noqa: S308 (our own rendered template)
    )


def cached_content(key: str, render_content: Callable[[], dict[str, str]]) -> dict[str, str]:
    """The content cached under ``key``, else ``render_content()`` once, however many threads
    ask for it meanwhile."""
    content: dict[str, str] | None = cache.get(key)
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
