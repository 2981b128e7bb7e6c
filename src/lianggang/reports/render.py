"""The report renderers, each declared once: a document in, the file's bytes out.

A renderer is declared with :func:`register`: its name (also the file's ending), the label the
pages show, the media type, whether a browser shows the file in place, and its function as a
``"module:function"`` path imported when first used (the way Django names a storage backend).
Adding a renderer is one new module with its function, taking a
:class:`~lianggang.reports.document.Document` and returning bytes, and one :func:`register` call
below; the pages, the API and the command line read their choices from here.

>>> FORMATS
('docx', 'pdf', 'html', 'xlsx')
>>> get("pdf").inline, get("docx").inline
(True, False)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .document import Document


@dataclass(frozen=True)
class Renderer:
    name: str  # also the file's ending
    label: str
    media_type: str
    function: str  # "module:function": (Document) -> bytes
    inline: bool = False  # served to be shown in the browser, not saved
    # Offered for the federation's ledger summaries (prose and small tables), not only reports.
    summaries: bool = False

    def __call__(self, doc: Document) -> bytes:
        module, _, name = self.function.partition(":")
        renderer: Callable[[Document], bytes] = getattr(importlib.import_module(module), name)
        return renderer(doc)


_REGISTRY: dict[str, Renderer] = {}


def register(renderer: Renderer) -> Renderer:
    if renderer.name in _REGISTRY:
        raise ValueError(f"renderer {renderer.name!r} is registered twice")
    _REGISTRY[renderer.name] = renderer
    return renderer


def get(name: str) -> Renderer | None:
    return _REGISTRY.get(name)


def shown_inline(name: str) -> bool:
    """Whether a browser shows a file of this format in place (PDF, HTML) rather than saving it."""
    renderer = _REGISTRY.get(name)
    return renderer is not None and renderer.inline


def summary_choices() -> list[tuple[str, str]]:
    """(name, label) of the renderers offered for ledger summaries."""
    return [(r.name, r.label) for r in _REGISTRY.values() if r.summaries]


def renderers() -> list[Renderer]:
    return list(_REGISTRY.values())


def choices() -> list[tuple[str, str]]:
    """(name, label) of every renderer: the report run's format field and the pages' choices."""
    return [(r.name, r.label) for r in _REGISTRY.values()]


def render(doc: Document, fmt: str) -> bytes:
    """The document in ``fmt`` (one of :data:`FORMATS`)."""
    renderer = _REGISTRY.get(fmt)
    if renderer is None:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    return renderer(doc)


_R = "lianggang.reports"
register(
    Renderer(
        "docx",
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        f"{_R}.render_docx:render_docx",
        summaries=True,
    )
)
register(Renderer("pdf", "PDF", "application/pdf", f"{_R}.render_pdf:render_pdf", inline=True))
register(
    Renderer(
        "html",
        "HTML",
        "text/html; charset=utf-8",
        f"{_R}.render_html:render_html",
        inline=True,
        summaries=True,
    )
)
register(
    Renderer(
        "xlsx",
        "Excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{_R}.render_xlsx:render_xlsx",
    )
)

FORMATS = tuple(_REGISTRY)
CONTENT_TYPES = {r.name: r.media_type for r in _REGISTRY.values()}
SUMMARY_FORMATS = tuple(r.name for r in _REGISTRY.values() if r.summaries)
