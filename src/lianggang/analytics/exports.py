"""Tidy exports of raw values, indicator values and judgements (CSV or Excel).

Two presentations share the writers below. The machine exports (``lianggang export``,
``/api/v1/exports/…``) write ``headers="codes"``: stable English column codes (``orgunit``,
``year``, ``note``) that other systems parse, unchanged whatever the language. The downloads
of the pages write ``headers="labels"``: the columns as given (labels translated by the
caller) and the demo note's column and sheet in the user's language. In both, a
:class:`Figure` is a number as the pages publish it: rounded at its decimals, written as a
plain number in CSV and as a numeric cell with that number format in Excel.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal

from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

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
Headers = Literal["codes", "labels"]


@dataclass(frozen=True)
class Figure:
    """A number as published: its value rounded at ``decimals`` places, and those places."""

    value: float
    decimals: int

    @property
    def text(self) -> str:
        """As CSV writes it: a plain number at its decimals (no thousands separator)."""
        return f"{self.value:.{self.decimals}f}"

    @property
    def number_format(self) -> str:
        """Excel's number format for its decimals: ``0``, ``0.0``, ``0.00`` …"""
        return "0." + "0" * self.decimals if self.decimals > 0 else "0"


def figure(value: float | None, decimals: int) -> Figure | None:
    """A figure as the pages show it (rounded half away from zero on its exact decimal,
    :func:`~lianggang.analytics.engine.precision.rounded`); None for a missing one or NaN."""
    if value is None or value != value:
        return None
    return Figure(rounded(value, decimals), decimals)


def count(value: float | None) -> int | float | None:
    """A count (a numerator, a denominator, a raw value) as a whole number where it is whole."""
    if value is None or value != value:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


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
    if isinstance(v, Figure):
        return v.text
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def _note_column(headers: Headers) -> str:
    return NOTE_COLUMN if headers == "codes" else capfirst(_("note"))


def write_csv(
    columns: Sequence[str],
    rows: Iterable[Row],
    stream: IO[str],
    note: str = "",
    *,
    headers: Headers = "codes",
) -> None:
    """Write a tidy CSV; a non-empty note (the demo label) becomes a last column on every row
    (headed ``note``, or in the user's language with ``headers="labels"``)."""
    writer = InertWriter(stream, lineterminator="\n")
    writer.writerow([*columns, _note_column(headers)] if note else columns)
    for row in rows:
        cells = [_cell(v) for v in row]
        writer.writerow([*cells, note] if note else cells)


def write_xlsx(
    columns: Sequence[str], rows: Iterable[Row], note: str = "", *, headers: Headers = "codes"
) -> bytes:
    """Write a tidy workbook: a :class:`Figure` is a numeric cell with its number format; a
    non-empty note (the demo label) becomes a last column and a sheet of its own."""
    labels = headers == "labels"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Data")[:31] if labels else "data"
    ws.append([*columns, _note_column(headers)] if note else list(columns))
    if labels:
        for cell in ws[1]:
            cell.font = Font(bold=True)
    for row in rows:
        cells = [v.value if isinstance(v, Figure) else v for v in row]
        ws.append([*cells, note] if note else cells)
        for cell, v in zip(ws[ws.max_row], row, strict=False):
            if isinstance(v, Figure):
                cell.number_format = v.number_format
    ws.freeze_panes = "A2"
    if note:
        info = wb.create_sheet(capfirst(_("note"))[:31] if labels else "说明 note")
        info.append([note])
    return workbook_bytes(wb)
