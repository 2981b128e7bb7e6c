"""The report as PDF: the HTML report laid out by WeasyPrint, with the CJK font embedded.

The glyphs come from the fonts the set-up installs (Debian's fonts-noto-cjk); WeasyPrint embeds
the subset it uses, so the PDF reads the same on any machine.
"""

from __future__ import annotations

from weasyprint import HTML

from .document import Document
from .render_html import render_html


def render_pdf(doc: Document) -> bytes:
    pdf = HTML(string=render_html(doc).decode("utf-8")).write_pdf()
    assert pdf is not None
    return bytes(pdf)
