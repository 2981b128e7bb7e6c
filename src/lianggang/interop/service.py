"""Import and export values in any of the exchange formats.

An import reads the file into values with their rows, resolves DHIS2's id schemes, and hands
the values to the collection's own planner (:func:`~lianggang.collection.imports.import_plan`):
the same scope, state and number checks as the pages and the Excel upload, and one transaction
to apply. By default (``atomic_mode="ALL"``) one refused value refuses the file; with
``"NONE"``, DHIS2's other mode, the values that pass are imported and the rest listed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lianggang.analytics.exports import (
    INDICATOR_COLUMNS,
    VALUE_COLUMNS,
    export_indicators,
    write_csv,
    write_xlsx,
)
from lianggang.analytics.models import IndicatorValue
from lianggang.analytics.query import Selection, query_values
from lianggang.collection.errors import CollectionError
from lianggang.collection.imports import Change, ImportPlan, import_apply, import_plan
from lianggang.collection.models import Channel
from lianggang.collection.selectors import datavalues_approved
from lianggang.collection.validation import Finding
from lianggang.collection.workbook import MAX_BYTES_DEFAULT, RawValue, ReadResult
from lianggang.framework.models import (
    DataElement,
    DisaggregationCategory,
    DisaggregationOption,
    Indicator,
    Kind,
    Outline,
)
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import orgunit_descendants

from . import adx, dhis2, jsonstat, opensdg, sdmx, tidy
from .dhis2 import ExportRow, ImportCount
from .figures import FigureRow
from .formats import (
    ATOMIC_MODES,
    EXPORT_FORMATS,
    FIGURE_FORMATS,
    ID_SCHEMES,
    IMPORT_FORMATS,
    STRATEGIES,
)
from .model import TOTAL, Conflict, Parsed

MEDIA_TYPES = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "dhis2-json": ("application/json", "json"),
    "dhis2-csv": ("application/csv; charset=utf-8", "csv"),
    "adx": ("application/adx+xml", "adx.xml"),
    "sdmx-csv": ("application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8", "csv"),
    "opensdg": ("application/zip", "zip"),
    "jsonstat": ("application/json", "json"),
}


def guess_format(name: str, content: bytes) -> str:
    """The format of a file from its name and first bytes ("" when it cannot tell)."""
    lower = name.lower()
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if lower.endswith((".xml", ".adx")) or head.startswith(b"<"):
        return "adx"
    if lower.endswith(".json") or head.startswith(b"{"):
        return "dhis2-json"
    if lower.endswith(".zip") or (lower.startswith("indicator_") and lower.endswith(".csv")):
        return "opensdg"
    if lower.endswith(".xlsx") or head.startswith(b"PK"):
        return "xlsx"
    if lower.endswith(".csv"):
        first = head.split(b"\n", 1)[0].decode("utf-8", "replace").lower()
        return "csv" if "data_element" in first else "dhis2-csv"
    return ""


@dataclass(frozen=True)
class ImportSettings:
    format: str
    dry_run: bool = False
    import_strategy: str = "CREATE_AND_UPDATE"
    atomic_mode: str = "ALL"
    id_scheme: str = "CODE"
    first_row_is_header: bool = True
    opensdg: opensdg.ImportOptions = field(default_factory=opensdg.ImportOptions)

    def as_dhis2(self) -> dict[str, Any]:
        return {
            "dryRun": self.dry_run,
            "importStrategy": self.import_strategy,
            "atomicMode": self.atomic_mode,
            "idScheme": self.id_scheme,
            "firstRowIsHeader": self.first_row_is_header,
        }


@dataclass
class ImportOutcome:
    settings: ImportSettings
    count: ImportCount = field(default_factory=ImportCount)
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[Conflict] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    # What the validation rules and outlier checks will find once applied (org unit, finding).
    findings: list[tuple[str, Finding]] = field(default_factory=list)
    applied: bool = False

    @property
    def goes_through(self) -> bool:
        """Applied, or (a dry run) would be: nothing refused, or only what NONE leaves out."""
        if self.applied:
            return True
        if not self.settings.dry_run:
            return False
        return not self.conflicts or (self.settings.atomic_mode == "NONE" and bool(self.changes))

    @property
    def ok(self) -> bool:
        return not self.conflicts or (self.settings.atomic_mode == "NONE" and self.goes_through)

    def summary(self) -> dict[str, Any]:
        return dhis2.import_summary(
            count=self.count,
            conflicts=self.conflicts,
            options=self.settings.as_dhis2(),
            applied=self.goes_through,
        )


class InteropError(ValueError):
    """A request that cannot be carried out at all (unknown format or option)."""


def _check_settings(s: ImportSettings) -> None:
    for value, allowed, what in (
        (s.format, IMPORT_FORMATS, "format"),
        (s.import_strategy, STRATEGIES, "importStrategy"),
        (s.atomic_mode, ATOMIC_MODES, "atomicMode"),
        (s.id_scheme, ID_SCHEMES, "idScheme"),
    ):
        if value not in allowed:
            raise InteropError(
                _("%(what)s “%(value)s” is not one of %(allowed)s.")
                % {"what": what, "value": value, "allowed": ", ".join(allowed)}
            )
    if s.opensdg.year_range not in ("", "start", "end"):
        raise InteropError(_("The year range choice is start or end."))


def read_values(content: bytes, settings_: ImportSettings, *, name: str = "") -> Parsed:
    """Read a file of the given format into values and conflicts; nothing is looked up yet."""
    fmt = settings_.format
    if fmt == "csv":
        return tidy.read_tidy_csv(content)
    if fmt == "xlsx":
        return tidy.read_xlsx(content)
    if fmt == "dhis2-json":
        return dhis2.read_json(content)
    if fmt == "dhis2-csv":
        return dhis2.read_csv(content, first_row_is_header=settings_.first_row_is_header)
    if fmt == "adx":
        return adx.read(content)
    return opensdg.read([(name, content)], lookup=opensdg_lookup(), options=settings_.opensdg)


def opensdg_lookup() -> opensdg.Lookup:
    lookup = opensdg.Lookup()
    for code, name, name_en in DataElement.objects.values_list("code", "name", "name_en"):
        for key in (code, name, name_en):
            if key:
                lookup.elements.setdefault(key.strip().casefold(), code)
    for ind in Indicator.objects.select_related("numerator"):
        own = ind.kind == Kind.VALUE and ind.factor == 1 and ind.denominator_id is None
        for key in (ind.code, ind.name, ind.name_en):
            if key:
                lookup.indicators.setdefault(
                    key.strip().casefold(), (ind.code, ind.numerator.code, own)
                )
    for code, name, name_en in DisaggregationCategory.objects.values_list(
        "code", "name", "name_en"
    ):
        for key in (code, name, name_en):
            if key:
                lookup.categories.setdefault(key.strip().casefold(), code)
    for category, code, name, name_en in DisaggregationOption.objects.values_list(
        "category__code", "code", "name", "name_en"
    ):
        for key in (code, name, name_en):
            if key:
                lookup.options.setdefault((category, key.strip().casefold()), code)
    lookup.orgunits = set(OrgUnit.objects.values_list("code", flat=True))
    return lookup


def _by_name(parsed: Parsed) -> None:
    """idScheme=NAME: element, org unit and option names (Chinese or English) to codes."""
    elements: dict[str, str] = {}
    for code, name, name_en in DataElement.objects.values_list("code", "name", "name_en"):
        elements.update({name: code, name_en: code} if name_en else {name: code})
    orgunits: dict[str, str] = {}
    for code, name, name_en in OrgUnit.objects.values_list("code", "name", "name_en"):
        orgunits.update({name: code, name_en: code} if name_en else {name: code})
    options: dict[str, str] = {}
    for code, name, name_en in DisaggregationOption.objects.values_list("code", "name", "name_en"):
        options.update({name: code, name_en: code} if name_en else {name: code})
    parsed.values = [
        replace(
            v,
            element=elements.get(v.element, v.element),
            orgunit=orgunits.get(v.orgunit, v.orgunit),
            disaggregation=options.get(v.disaggregation, v.disaggregation),
        )
        for v in parsed.values
    ]


def _conflicts_of(plan: ImportPlan, parsed: Parsed) -> list[Conflict]:
    return [
        Conflict(
            p.message,
            property=p.column,
            row=p.row,
            index=parsed.index_of_row.get(p.row) if p.row is not None else None,
            file=p.sheet,
            code="E7630",
        )
        for p in plan.problems
    ]


def _plan(actor: User, values: list[RawValue]) -> ImportPlan:
    return import_plan(actor=actor, read=ReadResult(values=values))


def values_import(
    *,
    actor: User,
    content: bytes,
    settings_: ImportSettings,
    name: str = "",
    channel: str = Channel.API,
) -> ImportOutcome:
    """Read, check and (unless a dry run, or refused) apply a file of values."""
    _check_settings(settings_)
    outcome = ImportOutcome(settings_)
    limit = int(getattr(settings, "LIANGGANG_UPLOAD_MAX_BYTES", MAX_BYTES_DEFAULT))
    if len(content) > limit:
        outcome.conflicts.append(
            Conflict(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": f"{len(content) / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
            )
        )
        return outcome
    parsed = read_values(content, settings_, name=name)
    if settings_.id_scheme == "NAME":
        _by_name(parsed)
    if settings_.import_strategy == "DELETE":
        parsed.values = [replace(v, value=None, comment="") for v in parsed.values]
    outcome.conflicts.extend(parsed.conflicts)
    outcome.skipped.extend(parsed.skipped)
    values = parsed.values
    plan = _plan(actor, values)
    if plan.problems:
        outcome.conflicts.extend(_conflicts_of(plan, parsed))
        if settings_.atomic_mode == "NONE" and all(p.row is not None for p in plan.problems):
            bad = {(p.sheet, p.row) for p in plan.problems}
            values = [v for v in values if (v.sheet, v.row) not in bad]
            plan = _plan(actor, values)
            outcome.conflicts.extend(_conflicts_of(plan, parsed))
    unwanted: set[tuple[str, int]] = set()
    if plan.ok and settings_.import_strategy in ("CREATE", "UPDATE"):
        # CREATE leaves stored values alone; UPDATE adds none where nothing is stored.
        keep_new = settings_.import_strategy == "CREATE"
        unwanted = {
            (c.sheet, c.row)
            for c in plan.changes
            if (c.old is None) != keep_new and c.new is not None
        }
        if unwanted:
            values = [v for v in values if (v.sheet, v.row) not in unwanted]
            plan = _plan(actor, values)
    refused = len(outcome.conflicts)
    # Nothing written: every value read is ignored, once (the planner's refusals are among
    # them), with the values refused while reading and the rows skipped.
    nothing = len(parsed.conflicts) + len(outcome.skipped) + len(parsed.values)
    if not plan.ok or (outcome.conflicts and settings_.atomic_mode == "ALL"):
        outcome.count.ignored = nothing
        return outcome
    outcome.count.ignored = refused + len(outcome.skipped) + len(unwanted) + plan.unchanged
    outcome.changes = plan.changes
    outcome.findings = plan.findings
    for c in plan.changes:
        if c.new is None:
            outcome.count.deleted += 1
        elif c.old is None:
            outcome.count.imported += 1
        else:
            outcome.count.updated += 1
    if settings_.dry_run or not plan.changes:
        return outcome
    try:
        import_apply(actor=actor, plan=plan, channel=channel)
    except CollectionError as exc:
        outcome.conflicts.append(Conflict(str(exc), code="E7631"))
        outcome.count = ImportCount(ignored=nothing)
        outcome.changes = []
        return outcome
    outcome.applied = True
    return outcome


# Export ---------------------------------------------------------------------------------------


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


def values_export(req: ExportRequest) -> ExportFile:
    if req.format not in EXPORT_FORMATS:
        raise InteropError(
            _("format “%(value)s” is not one of %(allowed)s.")
            % {"value": req.format, "allowed": ", ".join(EXPORT_FORMATS)}
        )
    media_type, ext = MEDIA_TYPES[req.format]
    span = f"{req.years.start}-{req.year}" if len(req.years) > 1 else str(req.year)
    stem = f"{req.outline.code}-{(req.orgunit.code if req.orgunit else 'all')}-{span}"
    figures = req.format in FIGURE_FORMATS or (req.format == "jsonstat" and req.what != "values")
    if req.format == "opensdg":
        content = _opensdg(req)
    elif req.format == "sdmx-csv":
        content = sdmx.write(figure_rows(req), version=req.sdmx_version, note=req.note)
        if req.sdmx_version == "1.0":
            media_type = "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8"
    elif req.format == "jsonstat":
        content = _jsonstat_figures(req) if figures else _jsonstat_values(req)
    elif req.what == "indicators":  # csv or xlsx of the indicator values, year by year
        figures = True
        table = [
            row
            for year in req.years
            for row in export_indicators(outline=req.outline, year=year, orgunit=req.orgunit)
        ]
        if req.format == "xlsx":
            content = write_xlsx(INDICATOR_COLUMNS, table, req.note)
        else:
            buf = io.StringIO()
            write_csv(INDICATOR_COLUMNS, table, buf, req.note)
            content = buf.getvalue().encode()
    else:
        rows = approved_rows(req)
        if req.format == "dhis2-json":
            content = dhis2.write_json(rows)
        elif req.format == "dhis2-csv":
            content = dhis2.write_csv(rows)
        elif req.format == "adx":
            category_of = dict(DisaggregationOption.objects.values_list("code", "category__code"))
            content = adx.write(rows, category_of=category_of)
        else:
            table = [(r.element, r.orgunit, r.year, r.disaggregation, r.value) for r in rows]
            if req.format == "xlsx":
                content = write_xlsx(VALUE_COLUMNS, table, req.note)
            else:
                buf = io.StringIO()
                write_csv(VALUE_COLUMNS, table, buf, req.note)
                content = buf.getvalue().encode()
    kind = "indicators" if figures else "values"
    return ExportFile(content, media_type, f"lianggang-{kind}-{stem}.{ext}")


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
