"""The query page: indicators × org units × years (× breakdown) → a pivot table → export.

The selection lives in the URL (a GET form), so a query can be bookmarked and shared; the
exports (CSV, Excel) are exactly the table shown.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lianggang.analytics.exports import write_xlsx
from lianggang.analytics.models import IndicatorValue
from lianggang.collection.selectors import data_is_demo
from lianggang.demo.services import DEMO_LABEL
from lianggang.framework.models import DisaggregationOption, Indicator, Outline
from lianggang.orgunits.models import Level, OrgUnit

from .presentation import format_value
from .templatetags.lianggang import tr
from .views import figures_page

MAX_CELLS = 20_000
FIRST_YEAR, LAST_YEAR = 2010, 2030


@dataclass
class Selection:
    indicators: list[Indicator] = field(default_factory=list)
    units: list[OrgUnit] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    breakdowns: bool = False

    @property
    def complete(self) -> bool:
        return bool(self.indicators and self.units and self.years)


@dataclass
class Pivot:
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]


def _selection(request: HttpRequest) -> tuple[Selection, list[str]]:
    problems = []
    wanted = request.GET.getlist("i")
    by_code = {i.code: i for i in Indicator.objects.filter(code__in=wanted)}
    indicators = [by_code[c] for c in wanted if c in by_code]
    unknown = [c for c in wanted if c not in by_code]
    if unknown:
        problems.append(_("Unknown indicators: %(codes)s.") % {"codes": ", ".join(unknown)})
    codes = request.GET.getlist("u")
    units_by_code = {u.code: u for u in OrgUnit.objects.filter(code__in=codes, aggregated=True)}
    units = [units_by_code[c] for c in codes if c in units_by_code]
    try:
        first = int(request.GET.get("from") or 0)
        last = int(request.GET.get("to") or 0)
    except ValueError:
        first = last = 0
        problems.append(_("The years must be numbers such as 2024."))
    years = list(range(max(first, FIRST_YEAR), min(last, LAST_YEAR) + 1)) if first else []
    return Selection(indicators, units, years, request.GET.get("d") == "all"), problems


def _pivot(sel: Selection) -> Pivot:
    """Rows: indicator × unit (× breakdown); columns: the years."""
    values = IndicatorValue.objects.filter(
        indicator__in=sel.indicators, orgunit__in=sel.units, year__in=sel.years
    )
    if not sel.breakdowns:
        values = values.filter(disaggregation="total")
    cell: dict[tuple[int, int, str, int], IndicatorValue] = {
        (v.indicator_id, v.orgunit_id, v.disaggregation, v.year): v for v in values
    }
    present = {k[2] for k in cell} - {"total"}
    options = DisaggregationOption.objects.filter(code__in=present).order_by(
        "category_id", "sort_order", "code"
    )
    names = {o.code: tr(o) for o in options}
    breakdowns = [*names, *sorted(present - set(names))]
    rows = []
    for ind in sel.indicators:
        for unit in sel.units:
            for dis in ["total", *breakdowns]:
                if dis != "total" and not any((ind.pk, unit.pk, dis, y) in cell for y in sel.years):
                    continue
                figures = []
                for y in sel.years:
                    v = cell.get((ind.pk, unit.pk, dis, y))
                    text = (
                        "" if v is None or v.value is None else format_value(v.value, ind.decimals)
                    )
                    figures.append(text + ("*" if v is not None and v.unstable else ""))
                rows.append([tr(ind), ind.unit, tr(unit), names.get(dis, _("total")), *figures])
    return Pivot(
        columns=[_("Indicator"), _("Unit"), _("Org unit"), _("Breakdown"), *map(str, sel.years)],
        rows=rows,
        numeric=[False, False, False, False, *([True] * len(sel.years))],
    )


def _export(pivot: Pivot, fmt: str) -> HttpResponse:
    note = DEMO_LABEL if data_is_demo() else ""
    if fmt == "xlsx":
        content = write_xlsx(pivot.columns, pivot.rows, note)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([*pivot.columns, *(["note"] if note else [])])
        for row in pivot.rows:
            writer.writerow([*row, *([note] if note else [])])
        # A BOM so that Excel opens the Chinese text as UTF-8.
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    name = quote(f"{_('query')}.{fmt}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@figures_page
def query(request: HttpRequest) -> HttpResponse:
    sel, problems = _selection(request)
    pivot = None
    cells = len(sel.indicators) * len(sel.units) * len(sel.years)
    if sel.complete and cells > MAX_CELLS:
        problems.append(
            _("That is %(n)d cells; choose at most %(max)d (fewer indicators, units or years).")
            % {"n": cells, "max": MAX_CELLS}
        )
    elif sel.complete:
        pivot = _pivot(sel)
        fmt = request.GET.get("format")
        if fmt in ("csv", "xlsx"):
            return _export(pivot, fmt)
    grouped: dict[int, list[Indicator]] = {}
    for ind in Indicator.objects.select_related("target__area").order_by(
        "target__area__number", "target__sort_order", "sort_order"
    ):
        grouped.setdefault(ind.target.area.outline_id, []).append(ind)
    outlines = list(Outline.objects.order_by("-start_year", "-kind"))
    wanted = {i.code for i in sel.indicators}
    shown = request.GET.copy()
    shown.pop("format", None)
    context: dict[str, Any] = {
        "outlines": [
            (
                o,
                grouped.get(o.pk, []),
                n == 0 or any(i.code in wanted for i in grouped.get(o.pk, [])),
            )
            for n, o in enumerate(outlines)
        ],
        "units": OrgUnit.objects.filter(aggregated=True, level__lte=Level.COUNTY).order_by(
            "level", "sort_order", "code"
        ),
        "sel": sel,
        "chosen_indicators": {i.code for i in sel.indicators},
        "chosen_units": {u.code for u in sel.units},
        "year_choices": list(range(FIRST_YEAR, LAST_YEAR + 1)),
        "first": sel.years[0] if sel.years else 2020,
        "last": sel.years[-1] if sel.years else 2025,
        "pivot": pivot,
        "problems": problems,
        "query_string": shown.urlencode(),
    }
    return render(request, "web/query.html", context)
