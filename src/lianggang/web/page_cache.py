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
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from lianggang.analytics.figure_cache import cached_content
from lianggang.analytics.versions import figures_version

__all__ = ["cached_content", "figures_response", "page_key"]


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
