"""Tidy exports of raw values, indicator values and judgements (CSV or Excel)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.db.models import Q
from openpyxl import Workbook

from lianggang.cells import InertWriter, workbook_bytes
from lianggang.collection.selectors import datavalues_approved
from lianggang.framework.models import DataElement, Outline
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import orgunit_descendants

from . import selectors
from .engine.precision import rounded
from .engine.tidy import NOT_WITHIN_HORIZON

VALUE_COLUMNS = ("data_element", "orgunit", "year", "disaggregation", "value")
INDICATOR_COLUMNS = (
    "indicator",
    "orgunit",
    "year",
    "value",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
)
ASSESSMENT_COLUMNS = (
    "indicator",
    "orgunit",
    "year",
    "status",
    "substatus",
    "target_value",
    "target_year",
    "value_used",
    "latest_year",
    "latest_value",
    "period_start",
    "period_end",
    "single_year",
    "single_value",
    "projected_value",
    "projected_low",
    "projected_high",
    "chance_of_meeting",
    "year_met",
)
NOTE_COLUMN = "note"

Row = Sequence[Any]


def export_values(*, outline: Outline, year: int, orgunit: OrgUnit | None) -> list[Row]:
    elements = DataElement.objects.filter(
        Q(numerator_of__target__area__outline=outline)
        | Q(denominator_of__target__area__outline=outline)
    ).values("pk")
    qs = datavalues_approved().filter(year=year, element__in=elements)
    if orgunit is not None:
        qs = qs.filter(orgunit__in=orgunit_descendants(orgunit, include_self=True))
    return list(
        qs.order_by("element__code", "orgunit__path", "disaggregation").values_list(
            "element__code", "orgunit__code", "year", "disaggregation", "value"
        )
    )


def export_indicators(*, outline: Outline, year: int, orgunit: OrgUnit | None) -> list[Row]:
    qs = selectors.indicator_values(outline=outline, year=year, orgunit=orgunit)
    return [
        (
            v.indicator.code,
            v.orgunit.code,
            v.year,
            v.value,
            v.numerator,
            v.denominator,
            v.ci_low,
            v.ci_high,
        )
        for v in qs.order_by("indicator__code", "orgunit__path")
    ]


def export_assessments(*, outline: Outline, year: int, orgunit: OrgUnit | None) -> list[Row]:
    qs = selectors.assessments(outline=outline, year=year, orgunit=orgunit)
    rows: list[Row] = []
    for a in qs.order_by("indicator__code", "orgunit__path"):
        decimals = a.indicator.decimals
        rows.append(
            (
                a.indicator.code,
                a.orgunit.code,
                a.year,
                a.status,
                a.substatus,
                a.target_value,
                a.target_year,
                a.value_used,
                a.latest_year,
                _published(a.latest_value, decimals),
                a.period_start,
                a.period_end,
                a.single_year,
                _published(a.single_value, decimals),
                _published(a.projected_value, decimals),
                _published(a.projected_low, decimals),
                _published(a.projected_high, decimals),
                _published(a.chance_of_meeting, 3),
                a.year_met
                if a.year_met is not None
                else (NOT_WITHIN_HORIZON if a.met_beyond_horizon else ""),
            )
        )
    return rows


def _published(x: float | None, decimals: int) -> float | None:
    """A figure as pages and reports show it (rounded as the judgement compares it)."""
    return None if x is None or x != x else rounded(x, decimals)


EXPORTS = {
    "values": (VALUE_COLUMNS, export_values),
    "indicators": (INDICATOR_COLUMNS, export_indicators),
    "assessments": (ASSESSMENT_COLUMNS, export_assessments),
}


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def write_csv(columns: Sequence[str], rows: Iterable[Row], stream: IO[str], note: str = "") -> None:
    """Write a tidy CSV; a non-empty note (the demo label) becomes a last column on every row."""
    writer = InertWriter(stream, lineterminator="\n")
    writer.writerow([*columns, NOTE_COLUMN] if note else columns)
    for row in rows:
        cells = [_cell(v) for v in row]
        writer.writerow([*cells, note] if note else cells)


def write_xlsx(columns: Sequence[str], rows: Iterable[Row], note: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "data"
    ws.append([*columns, NOTE_COLUMN] if note else list(columns))
    for row in rows:
        cells = [None if v is None else v for v in row]
        ws.append([*cells, note] if note else cells)
    ws.freeze_panes = "A2"
    if note:
        info = wb.create_sheet("说明 note")
        info.append([note])
    return workbook_bytes(wb)
