"""Export reported values or indicator values in any exchange format.

:func:`values_export` finds the format in the registry (:mod:`lianggang.interop.formats`) and
hands its writer an :class:`ExportSource`: the request, and the approved values or indicator
values it asks for, read once.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lianggang.analytics.exports import (
    INDICATOR_COLUMNS,
    VALUE_COLUMNS,
    export_indicators,
)
from lianggang.analytics.exports import write_csv as _write_csv
from lianggang.analytics.exports import write_xlsx as _write_xlsx
from lianggang.analytics.models import IndicatorValue
from lianggang.analytics.query import Selection, query_values
from lianggang.collection.selectors import datavalues_approved
from lianggang.framework.models import (
    DataElement,
    DisaggregationOption,
    Indicator,
    Kind,
    Outline,
)
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import orgunit_descendants

from . import formats, jsonstat, opensdg
from .dhis2 import ExportRow
from .errors import InteropError
from .figures import FigureRow
from .formats import Carried
from .model import TOTAL


@dataclass(frozen=True)
class ExportRequest:
    format: str
    outline: Outline
    year: int
    from_year: int | None = None
    orgunit: OrgUnit | None = None
    what: str = "values"  # "values" or "indicators"
    sdmx_version: str = "2.0"
    note: str = ""  # the demo label, when the figures are synthetic

    @property
    def years(self) -> range:
        return range(self.from_year or self.year, self.year + 1)


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str


def _outline_elements(outline: Outline) -> Q:
    return Q(numerator_of__target__area__outline=outline) | Q(
        denominator_of__target__area__outline=outline
    )


def approved_rows(req: ExportRequest) -> list[ExportRow]:
    """Approved values of the outline's data elements, as every writer needs them."""
    elements = DataElement.objects.filter(_outline_elements(req.outline)).values("pk")
    qs = datavalues_approved().filter(year__in=list(req.years), element__in=elements)
    if req.orgunit is not None:
        qs = qs.filter(orgunit__in=orgunit_descendants(req.orgunit, include_self=True))
    rows = qs.order_by("element__code", "orgunit__path", "year", "disaggregation").values_list(
        "element__code",
        "orgunit__code",
        "year",
        "disaggregation",
        "value",
        "comment",
        "updated_by__username",
        "updated_at",
        "submission__data_set__code",
    )
    return [
        ExportRow(
            element,
            orgunit,
            year,
            disaggregation,
            value,
            comment,
            stored_by or "",
            updated_at.astimezone(UTC).isoformat(timespec="seconds") if updated_at else "",
            data_set,
        )
        for (
            element,
            orgunit,
            year,
            disaggregation,
            value,
            comment,
            stored_by,
            updated_at,
            data_set,
        ) in rows
    ]


def figure_rows(req: ExportRequest) -> list[FigureRow]:
    """Indicator values (every breakdown) of the outline in the years asked for."""
    qs = IndicatorValue.objects.filter(
        indicator__target__area__outline=req.outline, year__in=list(req.years)
    )
    if req.orgunit is not None:
        qs = qs.filter(orgunit__in=orgunit_descendants(req.orgunit, include_self=True))
    return _figure_rows(qs)


def query_figure_rows(sel: Selection) -> list[FigureRow]:
    """The indicator values of a query selection (analytics.query), as the writers need them."""
    return _figure_rows(query_values(sel))


def _figure_rows(qs: QuerySet[IndicatorValue]) -> list[FigureRow]:
    category_of = dict(DisaggregationOption.objects.values_list("code", "category__code"))
    rows = qs.order_by("indicator__code", "orgunit__path", "year", "disaggregation").values_list(
        "indicator__code",
        "orgunit__code",
        "year",
        "disaggregation",
        "value",
        "indicator__unit",
        "unstable",
        "numerator",
        "denominator",
    )
    return [
        FigureRow(
            ind,
            ou,
            year,
            dis,
            "" if dis == TOTAL else category_of.get(dis, ""),
            value,
            unit,
            unstable,
            num,
            den,
        )
        for ind, ou, year, dis, value, unit, unstable, num, den in rows
    ]


def _area(req: ExportRequest) -> OrgUnit:
    if req.orgunit is not None:
        return req.orgunit
    top = OrgUnit.objects.filter(aggregated=True).order_by("level", "sort_order", "code").first()
    if top is None:
        raise InteropError(_("There is no org unit to export."))
    return top


class ExportSource:
    """What a writer exports from: the request, and the rows it asks for, read once."""

    def __init__(self, request: ExportRequest, carried: Carried) -> None:
        self.request = request
        self.carried = carried  # "values" (reported) or "indicators" (computed)
        self._values: list[ExportRow] | None = None
        self._figures: list[FigureRow] | None = None

    def values(self) -> list[ExportRow]:
        """Approved values of the outline's data elements."""
        if self._values is None:
            self._values = approved_rows(self.request)
        return self._values

    def figures(self) -> list[FigureRow]:
        """Indicator values (every breakdown) of the outline."""
        if self._figures is None:
            self._figures = figure_rows(self.request)
        return self._figures

    def category_of(self) -> dict[str, str]:
        """Each breakdown option's category code."""
        return dict(DisaggregationOption.objects.values_list("code", "category__code"))

    def table(self) -> tuple[tuple[str, ...], list[Sequence[Any]]]:
        """The plain table (csv, xlsx) of what is carried: its columns and rows."""
        req = self.request
        if self.carried == "indicators":  # the indicator values, year by year
            return INDICATOR_COLUMNS, [
                row
                for year in req.years
                for row in export_indicators(outline=req.outline, year=year, orgunit=req.orgunit)
            ]
        rows: list[Sequence[Any]] = [
            (r.element, r.orgunit, r.year, r.disaggregation, r.value) for r in self.values()
        ]
        return VALUE_COLUMNS, rows


def values_export(req: ExportRequest) -> ExportFile:
    """The file of ``req.format``: reported values or indicator values, as the format carries."""
    fmt = formats.get(req.format)
    if fmt is None or not fmt.exports:
        allowed = ", ".join(f.name for f in formats.export_formats())
        raise InteropError(
            _("format “%(value)s” is not one of %(allowed)s.")
            % {"value": req.format, "allowed": allowed}
        )
    carried = carried_by(fmt, req.what)
    source = ExportSource(req, carried)
    content: bytes = fmt.writer_function()(source)
    span = f"{req.years.start}-{req.year}" if len(req.years) > 1 else str(req.year)
    stem = f"{req.outline.code}-{(req.orgunit.code if req.orgunit else 'all')}-{span}"
    return ExportFile(
        content,
        fmt.media_type_for(sdmx_version=req.sdmx_version),
        f"lianggang-{carried}-{stem}.{fmt.suffix}",
    )


def carried_by(fmt: formats.Format, what: str) -> Carried:
    """What an export of ``what`` ("values" or "indicators") in ``fmt`` holds.

    A format that carries one kind only carries it whatever was asked, except that indicator
    values are not turned into reported values (DHIS2, ADX): that is refused.
    """
    for carried in fmt.carries:
        if carried == what:
            return carried
    if what == "indicators":
        raise InteropError(_("DHIS2 and ADX carry reported values: export values, not indicators."))
    return fmt.carries[0]


# The registry's writers (lianggang.interop.formats) that need the database's labels.


def write_csv(source: ExportSource) -> bytes:
    columns, rows = source.table()
    buf = io.StringIO()
    _write_csv(columns, rows, buf, source.request.note)
    return buf.getvalue().encode()


def write_xlsx(source: ExportSource) -> bytes:
    columns, rows = source.table()
    return _write_xlsx(columns, rows, source.request.note)


def write_opensdg(source: ExportSource) -> bytes:
    return _opensdg(source.request)


def write_jsonstat(source: ExportSource) -> bytes:
    if source.carried == "indicators":
        return _jsonstat_figures(source.request)
    return _jsonstat_values(source.request)


def _label(obj: Any) -> str:
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")
    return (getattr(obj, "name_en", "") if english else "") or obj.name


def _opensdg(req: ExportRequest) -> bytes:
    area = _area(req)
    indicators = list(
        Indicator.objects.filter(target__area__outline=req.outline)
        .select_related("numerator", "denominator")
        .order_by("target__area__number", "target__sort_order", "sort_order")
    )
    metas = [
        opensdg.IndicatorMeta(
            code=i.code,
            name=_label(i),
            unit=i.unit,
            decimals=i.decimals,
            direction=i.direction,
            target_value=i.target_value,
            target_year=i.target_year,
            numerator=(i.numerator.code, _label(i.numerator)),
            denominator=(i.denominator.code, _label(i.denominator)) if i.denominator else None,
            own_value=i.kind == Kind.VALUE and i.factor == 1 and i.denominator_id is None,
            data_source=i.data_source,
            definition=i.definition,
        )
        for i in indicators
    ]
    options = {
        o.code: (_label(o.category), _label(o))
        for o in DisaggregationOption.objects.select_related("category")
    }
    units = orgunit_descendants(area, include_self=True)
    names = {u.code: _label(u) for u in units}
    rows = figure_rows(replace(req, orgunit=area))
    return opensdg.write(
        metas,
        rows,
        option_labels=options,
        area=area.code,
        area_name=_label(area),
        orgunit_names=names,
        note=req.note,
    )


def _dimension_orgunits(codes: Iterable[str]) -> jsonstat.Dimension:
    units = OrgUnit.objects.filter(code__in=set(codes)).order_by("path")
    return jsonstat.Dimension(
        "orgunit", _("org unit"), [(u.code, _label(u)) for u in units], role="geo"
    )


def _dimension_breakdowns(codes: Iterable[str]) -> jsonstat.Dimension:
    wanted = set(codes)
    cats = [(TOTAL, _("total"))] if TOTAL in wanted else []
    for o in DisaggregationOption.objects.filter(code__in=wanted).select_related("category"):
        cats.append((o.code, f"{_label(o.category)}: {_label(o)}"))
    return jsonstat.Dimension("disaggregation", _("breakdown"), cats)


def _jsonstat_values(req: ExportRequest) -> bytes:
    rows = approved_rows(req)
    elements = DataElement.objects.filter(code__in={r.element for r in rows}).order_by("code")
    dims = [
        jsonstat.Dimension(
            "data_element",
            _("data element"),
            [(e.code, _label(e)) for e in elements],
            role="metric",
            units={e.code: {"label": e.unit, "decimals": 0 if e.integer else 2} for e in elements},
        ),
        _dimension_orgunits(r.orgunit for r in rows),
        jsonstat.Dimension(
            "year", _("year"), [(str(y), str(y)) for y in sorted({r.year for r in rows})], "time"
        ),
        _dimension_breakdowns(r.disaggregation for r in rows),
    ]
    return jsonstat.write(
        label=_("Approved values: %(outline)s") % {"outline": _label(req.outline)},
        dimensions=dims,
        values={(r.element, r.orgunit, str(r.year), r.disaggregation): r.value for r in rows},
        notes=[req.note] if req.note else [],
        source=_("Lianggang"),
    )


def _jsonstat_figures(req: ExportRequest) -> bytes:
    rows = figure_rows(req)
    return jsonstat_of_figures(
        rows,
        label=_("Indicator values: %(outline)s") % {"outline": _label(req.outline)},
        note=req.note,
    )


def jsonstat_of_figures(rows: list[FigureRow], *, label: str, note: str = "") -> bytes:
    """JSON-stat of indicator values; a rate on fewer than 20 events has the status "u"."""
    indicators = Indicator.objects.filter(code__in={r.indicator for r in rows}).order_by(
        "target__area__outline", "target__area__number", "target__sort_order", "sort_order"
    )
    dims = [
        jsonstat.Dimension(
            "indicator",
            _("indicator"),
            [(i.code, _label(i)) for i in indicators],
            role="metric",
            units={i.code: {"label": i.unit, "decimals": i.decimals} for i in indicators},
        ),
        _dimension_orgunits(r.orgunit for r in rows),
        jsonstat.Dimension(
            "year", _("year"), [(str(y), str(y)) for y in sorted({r.year for r in rows})], "time"
        ),
        _dimension_breakdowns(r.disaggregation for r in rows),
    ]
    key = lambda r: (r.indicator, r.orgunit, str(r.year), r.disaggregation)  # noqa: E731
    notes = [_("Status “u”: a rate on fewer than 20 events, not stable.")]
    if note:
        notes.append(note)
    return jsonstat.write(
        label=label,
        dimensions=dims,
        values={key(r): r.value for r in rows},
        status={key(r): "u" for r in rows if r.unstable and r.value is not None},
        notes=notes,
        source=_("Lianggang"),
    )
