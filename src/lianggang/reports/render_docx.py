"""The report as a Word document, laid out as Chinese offices expect.

Real heading styles ("Heading 1", "Heading 2") so that Word's navigation pane and the table of
contents work; fonts named as offices expect: the title in 宋体 (方正小标宋 where installed),
first-level headings in 黑体, second-level in 楷体, the text in 仿宋; A4, page numbers, the demo
label in the header when the figures are synthetic.

The table of contents is a Word TOC field written with its result already filled: one entry per
heading, each a link to a bookmark on its heading, so that Word, WPS and LibreOffice show the
contents on opening. The page numbers are PAGEREF fields left blank (only a layout engine knows
them); Word offers to update the fields when the file opens (``w:updateFields``) and fills them,
and the reader can update the field at any time ("更新域") without losing anything.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document as new_docx
from docx.document import Document as Docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from .charts import draw_all
from .document import BarsChart, Document, Heading, Paragraph, SeriesChart, Table

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体"
TITLE_FONT = "宋体"
TABLE_FONT = "宋体"
RED = RGBColor(0xB0, 0x3A, 0x2E)


def _fonts(target: ParagraphStyle | Run, east_asian: str, size: float, bold: bool = False) -> None:
    """Set a style's or run's font: the East Asian face (as Word stores it) and a Latin face."""
    target.font.name = "Times New Roman"
    target.font.size = Pt(size)
    target.font.bold = bold
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    """A Word field (the page number) that Word computes."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(begin)
    run._r.append(code)
    run._r.append(separate)
    end_run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    end_run._r.append(end)


def _fld_char(kind: str) -> BaseOxmlElement:
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run.append(char)
    return run


def _instr(instruction: str) -> BaseOxmlElement:
    run = OxmlElement("w:r")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    run.append(code)
    return run


TOC_INSTRUCTION = 'TOC \\o "1-2" \\h \\z \\u'


def _anchor(number: int) -> str:
    """A hidden bookmark's name ("_Toc…", as Word names those of its contents)."""
    return f"_Toc{100000000 + number}"


def _bookmark(paragraph: DocxParagraph, number: int) -> None:
    """Put the bookmark the contents link to around a heading."""
    name = _anchor(number)
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    p = paragraph._p
    p_pr = p.pPr
    if p_pr is not None:
        p_pr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


def _contents(docx: Docx, entries: list[tuple[Heading, str]]) -> None:
    """The TOC field with its result: the headings, linked to their bookmarks."""
    title = docx.add_paragraph(_("Contents"), style="TOC Heading")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraphs = []
    for heading, anchor in entries:
        p = docx.add_paragraph(style=f"toc {heading.level}")
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), anchor)
        link.set(qn("w:history"), "1")
        text = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = heading.text
        text.append(t)
        tab = OxmlElement("w:r")
        tab.append(OxmlElement("w:tab"))
        link.extend([text, tab])
        # The page number: blank until Word updates the field.
        link.extend([_fld_char("begin"), _instr(f"PAGEREF {anchor} \\h"), _fld_char("separate")])
        link.append(_fld_char("end"))
        p._p.append(link)
        paragraphs.append(p)
    if not paragraphs:
        paragraphs.append(docx.add_paragraph(style="toc 1"))
    first = paragraphs[0]._p
    anchor_at = first.pPr if first.pPr is not None else None
    field_start = [_fld_char("begin"), _instr(TOC_INSTRUCTION), _fld_char("separate")]
    for run in reversed(field_start):
        if anchor_at is not None:
            anchor_at.addnext(run)
        else:
            first.insert(0, run)
    paragraphs[-1]._p.append(_fld_char("end"))
    docx.add_page_break()


def _toc_styles(docx: Docx) -> None:
    """Word's built-in "toc 1" and "toc 2" styles: a dotted leader to the right margin."""
    styles = docx.styles
    heading = styles["TOC Heading"]
    _fonts(heading, HEADING_FONT, 16, bold=True)
    heading.font.color.rgb = RGBColor(0, 0, 0)
    heading.paragraph_format.first_line_indent = Pt(0)
    heading.paragraph_format.space_after = Pt(12)
    for level in (1, 2):
        style = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = f"TOC{level}"
        style.base_style = styles["Normal"]
        style.next_paragraph_style = styles["Normal"]
        style.priority = 39
        style.unhide_when_used = True
        _fonts(style, BODY_FONT if level == 2 else HEADING_FONT, 14 if level == 1 else 12)
        fmt = style.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.left_indent = Pt(0 if level == 1 else 28)
        fmt.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def _styles(docx: Docx) -> None:
    styles = docx.styles
    normal = styles["Normal"]
    _fonts(normal, BODY_FONT, 14)
    normal.paragraph_format.line_spacing = Pt(26)
    normal.paragraph_format.first_line_indent = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    for name, font, size in (
        ("Heading 1", HEADING_FONT, 16),
        ("Heading 2", SUBHEADING_FONT, 14),
        ("Title", TITLE_FONT, 22),
    ):
        style = styles[name]
        _fonts(style, font, size, bold=name != "Heading 2")
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False
        style.paragraph_format.first_line_indent = Pt(0) if name == "Title" else Pt(28)
        style.paragraph_format.space_before = Pt(12 if name != "Heading 2" else 6)
        style.paragraph_format.space_after = Pt(6)
        if name == "Title":
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            # The title style's bottom border is a Western habit.
            border = style.element.pPr.find(qn("w:pBdr")) if style.element.pPr is not None else None
            if border is not None:
                style.element.pPr.remove(border)


def _page(docx: Docx, demo_note: str) -> None:
    section = docx.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    _field(footer, "PAGE")
    if demo_note:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        header.paragraph_format.first_line_indent = Pt(0)
        run = header.add_run(demo_note)
        _fonts(run, HEADING_FONT, 10.5)
        run.font.color.rgb = RED
    # Word offers to update the fields when the file is opened: the contents are there already,
    # the update adds their page numbers (WPS and LibreOffice show the contents without it).
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    docx.settings.element.append(update)


def _orientation(docx: Docx, landscape: bool) -> None:
    """Start a new section on a new page, landscape or portrait (header and footer carry on)."""
    section = docx.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    short, long = Cm(21), Cm(29.7)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    if landscape:
        section.top_margin, section.bottom_margin = Cm(2.6), Cm(2.4)
    else:
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def _table(docx: Docx, table: Table) -> None:
    wide = table.wide
    if wide:
        _orientation(docx, landscape=True)
    caption = docx.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.first_line_indent = Pt(0)
    _fonts(caption.add_run(table.title), HEADING_FONT, 12)
    grid = docx.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = 10.5 if len(table.columns) <= 6 else 9
    for cell, text in zip(grid.rows[0].cells, table.columns, strict=True):
        _cell(cell.paragraphs[0], text, bold=True, right=False, size=size)
    _repeat_header(grid.rows[0])
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, text, numeric in zip(cells, row, table.numeric, strict=True):
            _cell(cell.paragraphs[0], text, bold=False, right=numeric, size=size)
    text_width = LANDSCAPE_TEXT_WIDTH_CM if wide else TEXT_WIDTH_CM
    for column, width in zip(grid.columns, _widths(table, text_width), strict=True):
        for cell in column.cells:
            cell.width = width
    for note in table.notes:
        p = docx.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(0)
        _fonts(p.add_run(note), BODY_FONT, 10.5)
    if wide:
        _orientation(docx, landscape=False)


def _cell(p: DocxParagraph, text: str, *, bold: bool, right: bool, size: float) -> None:
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
    _fonts(p.add_run(text), TABLE_FONT, size, bold=bold)


TEXT_WIDTH_CM = 15.6
LANDSCAPE_TEXT_WIDTH_CM = 24.3


def _widths(table: Table, text_width: float = TEXT_WIDTH_CM) -> list[Cm]:
    """Column widths by content: figures as wide as their longest value, text up to a limit."""
    weights = table.column_weights()
    total = sum(weights)
    return [Cm(text_width * w / total) for w in weights]


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def render_docx(doc: Document) -> bytes:
    docx = new_docx()
    _styles(docx)
    _page(docx, doc.demo_note)
    docx.core_properties.title = doc.title
    docx.core_properties.author = doc.issuer
    docx.core_properties.language = doc.language
    if doc.demo_note:
        banner = docx.add_paragraph()
        banner.alignment = WD_ALIGN_PARAGRAPH.CENTER
        banner.paragraph_format.first_line_indent = Pt(0)
        run = banner.add_run(doc.demo_note)
        _fonts(run, HEADING_FONT, 14, bold=True)
        run.font.color.rgb = RED
    docx.add_paragraph(doc.title, style="Title")
    issuer = docx.add_paragraph(doc.issuer)
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    issuer.paragraph_format.first_line_indent = Pt(0)
    headings = [b for b in doc.blocks if isinstance(b, Heading)]
    if doc.contents:  # the n-th heading is bookmarked _anchor(n) below
        _toc_styles(docx)
        _contents(docx, [(h, _anchor(n)) for n, h in enumerate(headings) if h.level <= 2])
    charts = [b for b in doc.blocks if isinstance(b, SeriesChart | BarsChart)]
    drawn = iter(draw_all(charts, "png"))
    number = 0
    for block in doc.blocks:
        if isinstance(block, Heading):
            _bookmark(docx.add_heading(block.text, level=block.level), number)
            number += 1
        elif isinstance(block, Paragraph):
            p = docx.add_paragraph(block.text)
            if block.style == "note":
                for run in p.runs:
                    run.font.color.rgb = RED
        elif isinstance(block, Table):
            _table(docx, block)
        else:
            picture = io.BytesIO(next(drawn))
            p = docx.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.first_line_indent = Pt(0)
            # Single spacing: the text's exact 26 pt line would crop the picture to one line.
            p.paragraph_format.line_spacing = 1.0
            shape = p.add_run().add_picture(picture, width=Cm(15))
            shape._inline.docPr.set("descr", block.alt)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()
