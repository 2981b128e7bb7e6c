"""The report as one self-contained HTML page: no request leaves it.

Charts are SVG images in ``data:`` URIs: each keeps its own ids and styles (inline SVGs would
share matplotlib's ids), and the PDF renderer lays them out from the same page.
"""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

from .charts import draw_all
from .document import BarsChart, Document, Heading, Paragraph, SeriesChart, Table


def _blocks(doc: Document) -> list[dict[str, Any]]:
    charts = [b for b in doc.blocks if isinstance(b, SeriesChart | BarsChart)]
    drawn = iter(draw_all(charts, "svg"))
    out: list[dict[str, Any]] = []
    for block, after in zip(doc.blocks, [*doc.blocks[1:], None], strict=True):
        if isinstance(block, Heading):
            # A heading over a landscape table goes onto the table's page, not alone at the
            # foot of the portrait page before it.
            wide = isinstance(after, Table) and after.wide
            out.append({"kind": "heading", "block": block, "wide": wide})
        elif isinstance(block, Paragraph):
            out.append({"kind": "paragraph", "block": block})
        elif isinstance(block, Table):
            kinds = [
                "num" if numeric else "name" if unbroken else ""
                for numeric, unbroken in zip(block.numeric, block.unbroken(), strict=True)
            ]
            weights = block.column_weights()
            widths = [f"{100 * w / sum(weights):.1f}%" for w in weights]
            rows = [list(zip(row, kinds, strict=True)) for row in block.rows]
            head = list(zip(block.columns, kinds, strict=True))
            out.append(
                {"kind": "table", "block": block, "rows": rows, "head": head, "widths": widths}
            )
        else:
            svg = base64.b64encode(next(drawn)).decode("ascii")
            out.append({"kind": "chart", "block": block, "src": f"data:image/svg+xml;base64,{svg}"})
    return out


def render_html(doc: Document) -> bytes:
    return render_to_string("reports/document.html", {"doc": doc, "blocks": _blocks(doc)}).encode(
        "utf-8"
    )
