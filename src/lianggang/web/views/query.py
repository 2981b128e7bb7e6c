"""The query page: indicators × org units × years (× breakdown) → a pivot table → export.

The selection lives in the URL (a GET form), so a query can be bookmarked and shared; the
exports (CSV, Excel) are the table shown, ready for analysis: the figures as numbers rounded
as the page shows them, the "unstable" mark of each year in a column of its own, the headers
in the page's language.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lianggang.analytics.exports import Figure, figure, write_csv, write_xlsx
from lianggang.analytics.models import IndicatorValue
from lianggang.analytics.query import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_CELLS,
    Selection,
    query_select,
    query_values,
)
from lianggang.analytics.selectors import figure_years
from lianggang.demo.services import demo_note
from lianggang.framework.models import DisaggregationOption, Indicator, Outline
from lianggang.interop.exporting import jsonstat_of_figures, query_figure_rows
from lianggang.orgunits.models import Level, OrgUnit

from ..presentation import format_value
from ..templatetags.lianggang import tr
from ._shared import XLSX, download, figures_page


@dataclass
class Pivot:
    """The table as shown (``columns``, ``rows`` of text) and as exported (``export_columns``,
    ``export_rows``: the figures as numbers, then each year's "unstable" mark)."""

    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    export_columns: list[str] = field(default_factory=list)
    export_rows: list[list[str | Figure | None]] = field(default_factory=list)


def _selection(request: HttpRequest) -> tuple[Selection, list[str]]:
    """The selection in the address (i=, u=, from=, to=, d=all), as analytics reads it."""
    problems = []
    try:
        first = int(request.GET.get("from") or 0)
        last = int(request.GET.get("to") or 0)
    except ValueError:
        first = last = 0
        problems.append(_("The years must be numbers such as 2024."))
    sel, found = query_select(
        indicators=request.GET.getlist("i"),
        orgunits=request.GET.getlist("u"),
        year_from=first or None,
        year_to=last or None,
        breakdowns=request.GET.get("d") == "all",
    )
    return sel, problems + [p.message for p in found]


def _pivot(sel: Selection) -> Pivot:
    """Rows: indicator × unit (× breakdown); columns: the years."""
    values = query_values(sel)
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
    export_rows: list[list[str | Figure | None]] = []
    for ind in sel.indicators:
        for unit in sel.units:
            for dis in ["total", *breakdowns]:
                if dis != "total" and not any((ind.pk, unit.pk, dis, y) in cell for y in sel.years):
                    continue
                texts, numbers, marks = [], [], []
                for y in sel.years:
                    v = cell.get((ind.pk, unit.pk, dis, y))
                    has_value = v is not None and v.value is not None
                    unstable = v is not None and v.unstable
                    text = format_value(v.value, ind.decimals) if v and has_value else ""
                    texts.append(text + ("*" if unstable else ""))
                    numbers.append(figure(v.value, ind.decimals) if v else None)
                    marks.append((_("yes") if unstable else _("no")) if has_value else "")
                labels = [tr(ind), ind.unit, tr(unit), names.get(dis, _("total"))]
                rows.append([*labels, *texts])
                export_rows.append([*labels, *numbers, *marks])
    return Pivot(
        columns=[_("Indicator"), _("Unit"), _("Org unit"), _("Breakdown"), *map(str, sel.years)],
        rows=rows,
        numeric=[False, False, False, False, *([True] * len(sel.years))],
        export_columns=[
            _("Indicator"),
            _("Unit"),
            _("Org unit"),
            _("Breakdown"),
            *map(str, sel.years),
            *(_("Unstable in %(year)s (fewer than 20 events)") % {"year": y} for y in sel.years),
        ],
        export_rows=export_rows,
    )


def _export(pivot: Pivot, fmt: str) -> HttpResponse:
    note = demo_note()
    name = f"{_('query')}.{fmt}"
    columns, rows = pivot.export_columns, pivot.export_rows
    if fmt == "xlsx":
        return download(write_xlsx(columns, rows, note, headers="labels"), XLSX, name)
    buffer = io.StringIO()
    write_csv(columns, rows, buffer, note, headers="labels")
    # A BOM so that Excel opens the Chinese text as UTF-8.
    return download("\ufeff" + buffer.getvalue(), "text/csv; charset=utf-8", name)


def _jsonstat(sel: Selection) -> HttpResponse:
    """The selection's values as a JSON-stat 2.0 dataset (every breakdown asked for)."""
    content = jsonstat_of_figures(query_figure_rows(sel), label=_("Query"), note=demo_note())
    return download(content, "application/json", f"{_('query')}.json")


@figures_page
def query(request: HttpRequest) -> HttpResponse:
    sel, problems = _selection(request)
    pivot = None
    if sel.complete and sel.cells <= MAX_CELLS:
        fmt = request.GET.get("format")
        if fmt == "jsonstat":
            return _jsonstat(sel)
        pivot = _pivot(sel)
        if fmt in ("csv", "xlsx"):
            return _export(pivot, fmt)
    grouped: dict[int, list[Indicator]] = {}
    for ind in Indicator.objects.select_related("target__area").order_by(
        "target__area__number", "target__sort_order", "sort_order"
    ):
        grouped.setdefault(ind.target.area.outline_id, []).append(ind)
    outlines = list(Outline.objects.order_by("-start_year", "-kind"))
    choice = figure_years(first=FIRST_YEAR)
    last_complete = choice.default or LAST_YEAR
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
        "year_choices": [
            (y, covered.label if (covered := choice.get(y)) else str(y))
            for y in range(FIRST_YEAR, LAST_YEAR + 1)
        ],
        # Unless asked, the five years up to the latest complete one (analytics.selectors).
        "first": sel.years[0] if sel.years else last_complete - 5,
        "last": sel.years[-1] if sel.years else last_complete,
        "pivot": pivot,
        "problems": problems,
        "query_string": shown.urlencode(),
    }
    return render(request, "web/query.html", context)
