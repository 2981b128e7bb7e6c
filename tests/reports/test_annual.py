"""The annual monitoring report of the demo prefecture, built and rendered in every format."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from django.utils import translation

from lianggang.analytics.models import Assessment, Status
from lianggang.cli import run
from lianggang.framework.models import Indicator, Outline
from lianggang.orgunits.models import OrgUnit
from lianggang.reports.annual import build_annual
from lianggang.reports.document import Document, Heading, Paragraph
from lianggang.reports.render import render

pytestmark = pytest.mark.django_db
YEAR = 2024
DEMO = "演示数据，非官方统计"
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture
def doc() -> Document:
    with translation.override("zh-hans"):
        return build_annual(
            outline=Outline.objects.get(code="women-2021"),
            orgunit=OrgUnit.objects.get(code="513300"),
            year=YEAR,
            demo_note=DEMO,
        )


def test_title_issuer_lead_and_areas(doc: Document) -> None:
    assert doc.title == "2024年甘孜藏族自治州《中国妇女发展纲要（2021—2030年）》统计监测报告"
    assert doc.issuer.startswith("甘孜藏族自治州妇女儿童工作委员会办公室")
    lead = next(b for b in doc.blocks if isinstance(b, Paragraph) and b.style == "lead")
    assert lead.text.startswith("根据《纲要》监测指标体系和各成员单位数据，对2024年")
    areas = [b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 1]
    assert areas[:2] == ["一、妇女与健康", "二、妇女与教育"]
    for area in ("妇女与健康领域", "妇女与经济领域", "妇女与环境领域"):
        assert area in lead.text
    assert any(b.text.startswith("（一）") for b in doc.blocks if isinstance(b, Heading))


def test_every_indicator_is_in_the_annex_with_its_status(doc: Document) -> None:
    annex = doc.table("annex")
    outline = Outline.objects.get(code="women-2021")
    names = [r[1] for r in annex.rows]
    expected = list(
        Indicator.objects.filter(target__area__outline=outline).values_list("name", flat=True)
    )
    assert sorted(names) == sorted(expected)
    judged = {
        a.indicator.name: a
        for a in Assessment.objects.filter(
            indicator__target__area__outline=outline, orgunit__code="513300", year=YEAR
        ).select_related("indicator")
    }
    status_column = annex.columns.index("状态")
    for row in annex.rows:
        a = judged.get(row[1])
        label = str(Status(a.status if a else "NO_DATA").label)
        assert row[status_column].startswith(label), row


def test_every_number_in_the_text_is_in_the_annex(doc: Document) -> None:
    annex = doc.table("annex")
    checked = 0
    for row in annex.rows:
        if row[3] == "—":
            continue
        opening = f"{YEAR}年，{row[1]}为"
        paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
        text = next(t for t in paragraphs if t.startswith(opening))
        # The fixed wording of the small-number caution and of the projection's interval is
        # not a figure.
        wording = text.replace("少于20例", "").replace("95%置信区间", "").replace("95%区间", "")
        numbers = set(NUMBER.findall(wording)) - {str(YEAR)}
        cells = " ".join(row)
        missing = {n for n in numbers if n not in cells}
        assert not missing, (row[1], text, missing)
        checked += 1
    assert checked >= 20


def test_unstable_rates_give_their_interval_not_a_change(doc: Document) -> None:
    text = doc.text()
    sentence = next(line for line in text.splitlines() if line.startswith("2024年，孕产妇死亡率为"))
    assert "依据的事件数少于20例，95%置信区间为" in sentence
    assert "比上年" not in sentence.split("。")[0]
    assert "其中，" in sentence  # urban and rural


def test_projections_say_their_interval_and_chance(doc: Document) -> None:
    # "按当前趋势，2030年预计为…（95%区间…—…），达标可能性约…%" for every projected judgement.
    outline = Outline.objects.get(code="women-2021")
    projected = Assessment.objects.filter(
        indicator__target__area__outline=outline,
        orgunit__code="513300",
        year=YEAR,
        chance_of_meeting__isnull=False,
        status__in=["ON_TRACK", "OFF_TRACK", "REGRESSING"],
    ).select_related("indicator")
    assert projected
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    pattern = re.compile(
        r"按当前趋势，2030年预计为[\d.]+[^（]*（95%区间[\d.]+[～—][\d.]+[^）]*），"
        r"达标可能性(约\d+%|超过99%|不足1%)"
    )
    for a in projected:
        opening = f"{YEAR}年，{a.indicator.name}为"
        text = next((t for t in paragraphs if t.startswith(opening)), None)
        if text is None:
            continue  # no value this year: no paragraph
        match = pattern.search(text)
        assert match, text
        assert a.chance_of_meeting is not None
        pct = round(a.chance_of_meeting * 100)
        assert match[1] in (f"约{pct}%", "超过99%", "不足1%"), (match[1], a.chance_of_meeting)


def test_quality_note_and_demo_label(doc: Document) -> None:
    text = doc.text()
    assert doc.demo_note == DEMO
    assert text.rstrip().endswith(DEMO)  # the last word of the data-quality note
    assert "数据质量说明" in text
    assert "2024年填报的数据均已审核通过。" in text


def test_word_has_heading_styles_chinese_fonts_and_the_demo_header(doc: Document) -> None:
    from docx import Document as Docx

    content = render(doc, "docx")
    docx = Docx(io.BytesIO(content))
    headings = [
        p.text for p in docx.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert headings[:2] == ["一、妇女与健康", "二、妇女与教育"]
    assert any(p.style is not None and p.style.name == "Heading 2" for p in docx.paragraphs)
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/styles.xml").decode()
    for font in ("仿宋", "黑体", "楷体", "宋体"):
        assert f'w:eastAsia="{font}"' in xml
    assert DEMO in docx.sections[0].header.paragraphs[0].text
    assert docx.paragraphs[0].text == DEMO  # and a banner above the title
    document_xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    assert "TOC \\o" in document_xml
    assert len(docx.inline_shapes) >= 5  # the charts
    assert len(docx.tables) == len(doc.tables())


def test_html_is_self_contained_with_charts_as_svg(doc: Document) -> None:
    html = render(doc, "html").decode()
    assert doc.title in html
    assert html.count('src="data:image/svg+xml;base64,') >= 5
    assert html.count("alt=") == html.count("<img")
    # Nothing is fetched from elsewhere (namespace URIs are names, not requests).
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "url(http" not in html
    assert DEMO in html


def test_excel_has_one_sheet_per_table_with_numbers(doc: Document) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render(doc, "xlsx")))
    assert len(wb.sheetnames) == len(doc.tables())
    annex = wb["附表"]
    values = [row for row in annex.iter_rows(values_only=True)]
    assert values[0][0] == "2024年监测指标"
    assert values[1][0] == DEMO
    header = values[2]
    assert header[3] == "2024"
    numbers = [r[3] for r in values[3:] if isinstance(r[3], float)]
    assert len(numbers) >= 20


def test_pdf_embeds_a_cjk_font_and_its_text_is_chinese(doc: Document) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render(doc, "pdf")))
    fonts: set[str] = set()
    for page in reader.pages:
        resources: Any = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    assert any("CJK" in f for f in fonts), fonts
    text = "".join(page.extract_text() for page in reader.pages[:2])
    assert "统计监测报告" in text
    assert "妇女与健康" in text
    assert len(reader.pages) >= 5


def test_report_command_writes_the_file(tmp_path: Any) -> None:
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "report.docx"
    code = run(
        ["report", "annual", "--outline", "children-2021", "--year", "2024", "-o", str(target)],
        out,
        err,
    )
    assert code == 0, err.getvalue()
    assert target.read_bytes()[:2] == b"PK"
    assert "统计监测报告" in out.getvalue()


def test_final_evaluation_of_the_2011_outline() -> None:
    from lianggang.analytics.evaluation import evaluation
    from lianggang.reports.evaluation_report import build_evaluation

    with translation.override("zh-hans"):
        doc = build_evaluation(
            outline=Outline.objects.get(code="women-2011"),
            orgunit=OrgUnit.objects.get(code="513300"),
            year=2020,
            demo_note=DEMO,
        )
    assert doc.title == "甘孜藏族自治州《中国妇女发展纲要（2011—2020年）》终期评估统计报告"
    lead = next(b for b in doc.blocks if isinstance(b, Paragraph) and b.style == "lead")
    match = re.search(r"在可监测的(\d+)项指标中，(\d+)项已实现，达标率([\d.]+)%", lead.text)
    assert match, lead.text
    monitorable, achieved, rate = int(match[1]), int(match[2]), float(match[3])
    assert rate == round(achieved / monitorable * 100, 1)
    annex = doc.table("annex")
    statuses = [row[-1] for row in annex.rows]
    assert sum(s.startswith("已实现") for s in statuses) == achieved
    units = doc.table("units")
    assert len(units.rows) == 18
    assert units.rows[0][0] == "1"
    scorecard = doc.table("scorecard")
    assert scorecard.rows[-1][0] == "全部领域"
    assert scorecard.rows[-1][2] == str(achieved)
    # The second rate, counting directional targets whose trend improved, as NBS does.
    second = re.search(r"方向性目标中趋势改善的(\d+)项计为已实现，达标率为([\d.]+)%", lead.text)
    assert second, lead.text
    ev = evaluation(
        outline=Outline.objects.get(code="women-2011"),
        orgunit=OrgUnit.objects.get(code="513300"),
        year=2020,
    )
    card = ev.overall
    assert int(second[1]) == card.trend_improving
    assert float(second[2]) == round(
        (card.achieved + card.trend_improving) / (card.monitorable + card.trend_monitorable) * 100,
        1,
    )
    for fmt in ("docx", "pdf", "html", "xlsx"):
        assert len(render(doc, fmt)) > 1000
