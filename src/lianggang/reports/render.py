"""One entry for every format: a document in, the file's bytes out."""

from __future__ import annotations

from collections.abc import Callable

from .document import Document

FORMATS = ("docx", "pdf", "html", "xlsx")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(doc: Document, fmt: str) -> bytes:
    """The document in ``fmt`` (one of :data:`FORMATS`)."""
    renderer: Callable[[Document], bytes]
    if fmt == "docx":
        from .render_docx import render_docx as renderer
    elif fmt == "pdf":
        from .render_pdf import render_pdf as renderer
    elif fmt == "html":
        from .render_html import render_html as renderer
    elif fmt == "xlsx":
        from .render_xlsx import render_xlsx as renderer
    else:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    return renderer(doc)
