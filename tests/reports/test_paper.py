"""The reports on paper: the PDF's tables as WeasyPrint lays them out, the Word contents.

The PDF checks walk WeasyPrint's own layout (pages and boxes), not the text: a table row that
breaks across two pages is one element with boxes on both pages.
"""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

import pytest
from django.utils import translation
from docx.oxml.ns import qn
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from lianggang.framework.models import Outline
from lianggang.orgunits.models import OrgUnit
from lianggang.reports.annual import build_annual
from lianggang.reports.document import Document, Heading, Table
from lianggang.reports.render import render
from lianggang.reports.render_html import render_html

pytestmark = pytest.mark.django_db
DEMO = "演示数据，非官方统计"


@pytest.fixture
def doc() -> Document:
    with translation.override("zh-hans"):
        return build_annual(
            outline=Outline.objects.get(code="women-2021"),
            orgunit=OrgUnit.objects.get(code="513300"),
            year=2024,
            demo_note=DEMO,
        )


def _text(box: Any) -> str:
    if isinstance(box, boxes.TextBox):
        return str(box.text)
    if isinstance(box, boxes.ParentBox):
        return "".join(_text(child) for child in box.children)
    return ""


def _lines(box: Any) -> int:
    return sum(1 for b in box.descendants() if isinstance(b, boxes.LineBox))


def test_pdf_rows_stay_whole_names_on_one_line_and_tables_inside_the_page(doc: Document) -> None:
    with translation.override("zh-hans"):
        laid_out = HTML(string=render_html(doc).decode("utf-8")).render()
    pages_of_row: dict[Any, set[int]] = defaultdict(set)
    repeated_heads = 0
    names: dict[str, int] = {}
    for number, page in enumerate(laid_out.pages):
        page_box = page._page_box
        root = page_box.children[0]
        right = page_box.content_box_x() + page_box.width
        for box in root.descendants():
            if isinstance(box, boxes.TableBox):
                # No figure cut at the right edge: every table ends inside its page's text area.
                assert box.position_x + box.margin_width() <= right + 0.5, number + 1
            if isinstance(box, boxes.TableRowGroupBox):
                if box.is_header:
                    repeated_heads += 1
                else:
                    for row in box.children:
                        pages_of_row[row.element].add(number)
            if (
                isinstance(box, boxes.TableCellBox)
                and box.element.get("class") == "name"
                and _text(box)
            ):
                names[_text(box)] = max(names.get(_text(box), 0), _lines(box))
    # Every body row of every table lies on one page (色达县 beside its figures).
    split = [_text_of(row) for row, pages in pages_of_row.items() if len(pages) > 1]
    assert split == []
    assert len(pages_of_row) == sum(len(t.rows) for t in doc.tables())
    # The column headings start every table and repeat on each page it continues on.
    assert repeated_heads > len(doc.tables())
    # County names print on one line, the longest too.
    counties = set(OrgUnit.objects.filter(parent__code="513300").values_list("name", flat=True))
    assert counties <= set(names)
    assert {name: lines for name, lines in names.items() if lines != 1} == {}


def _text_of(element: Any) -> str:
    return "".join(element.itertext())


def test_pdf_stylesheet_keeps_rows_whole_and_repeats_headings(doc: Document) -> None:
    html = render_html(doc).decode("utf-8")
    assert "tr, th, td { break-inside: avoid; }" in html
    assert "thead { display: table-header-group; }" in html
    assert "th.name, td.name { white-space: nowrap; }" in html
    units = next(t for t in doc.tables() if t.key.startswith("units-"))
    assert units.unbroken()[0]
    assert not any(units.unbroken()[1:])


def test_a_short_text_column_is_unbroken_a_long_one_wraps() -> None:
    table = Table(
        title="t",
        columns=["单位", "指标", "值"],
        rows=[["甘孜藏族自治州", "女性高中阶段毛入学率和女性平均受教育年限", "1.0"]],
        numeric=[False, False, True],
        sheet="t",
    )
    assert table.unbroken() == [True, False, False]
    weights = table.column_weights()
    assert weights[1] > weights[0] > 0
    assert weights[2] == 4.0


def test_word_contents_list_the_headings_linked_to_their_bookmarks(doc: Document) -> None:
    from docx import Document as Docx

    docx = Docx(io.BytesIO(render(doc, "docx")))
    body = docx.element.body
    paragraphs = list(body.iter(qn("w:p")))
    # The TOC field: begin and instruction in its first entry, end in its last.
    start = next(
        i
        for i, p in enumerate(paragraphs)
        if any((t.text or "").strip().startswith("TOC ") for t in p.iter(qn("w:instrText")))
    )
    end = next(
        i
        for i, p in enumerate(paragraphs[start:], start)
        if any(
            c.get(qn("w:fldCharType")) == "end"
            for r in p.findall(qn("w:r"))
            for c in r.findall(qn("w:fldChar"))
        )
    )
    first = [c.get(qn("w:fldCharType")) for c in paragraphs[start].iter(qn("w:fldChar"))]
    assert first[:2] == ["begin", "separate"]
    instruction = "".join(t.text or "" for t in paragraphs[start].iter(qn("w:instrText")))
    assert '\\o "1-2"' in instruction
    assert "\\h" in instruction
    entries = []
    for p in paragraphs[start : end + 1]:
        style = p.find(qn("w:pPr")).find(qn("w:pStyle")).get(qn("w:val"))
        link = p.find(qn("w:hyperlink"))
        text = "".join(t.text or "" for t in link.iter(qn("w:t")))
        entries.append((style, text, link.get(qn("w:anchor"))))
    headings = [(b.level, b.text) for b in doc.blocks if isinstance(b, Heading) and b.level <= 2]
    assert [(int(s.removeprefix("TOC")), t) for s, t, _ in entries] == headings
    assert docx.styles["toc 1"].style_id == "TOC1"
    # Each entry links to the bookmark on its heading.
    bookmarked = {}
    for p in docx.paragraphs:
        if p.style is not None and p.style.name in ("Heading 1", "Heading 2"):
            for mark in p._p.findall(qn("w:bookmarkStart")):
                bookmarked[mark.get(qn("w:name"))] = p.text
    assert {anchor: text for _, text, anchor in entries} == {
        anchor: bookmarked.get(anchor) for _, _, anchor in entries
    }
    assert len(bookmarked) == len(entries)
    # Under their own title, with no "update the field" placeholder left.
    title = docx.paragraphs[start - 1].style
    assert title is not None
    assert title.name == "TOC Heading"
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "更新域" not in text
    assert "Right-click" not in text
