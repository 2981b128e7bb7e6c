"""Open SDG: its tidy per-indicator CSVs in, and a prefecture's indicators out with their YAML.

An Open SDG CSV has a ``Year`` column, one column per breakdown (a blank cell is the total),
``GeoCode`` (blank: the file's whole area, its headline) and ``Value``; ``Series`` names what is
measured when a file holds several series; ``Progress`` is Open SDG's own computation and is
not read. Years may be ranges (``2016/2017``, a school year): which end counts is the
importer's choice, never a guess.

The export writes, per indicator, ``data/indicator_<code>.csv`` with the indicator's series and,
beside it, the series of its numerator and denominator (so that importing the export brings back
the reported values: a rate alone cannot), and ``indicator-config/<code>.yml`` with its name,
unit, breakdowns, target line and progress options, ready for a site built by sdg-build.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.translation import gettext as _

from lianggang.cells import InertWriter
from lianggang.collection.workbook import RawValue

from .figures import FigureRow
from .model import TOTAL, Conflict, Parsed, number_text

YEAR, SERIES, GEOCODE, GEOGRAPHY, VALUE = "Year", "Series", "GeoCode", "Geography", "Value"
# Columns Open SDG gives meaning of its own; none of them is a breakdown.
NOT_BREAKDOWNS = {
    YEAR,
    SERIES,
    GEOCODE,
    GEOGRAPHY,
    VALUE,
    "Progress",
    "Observation status",
    "Unit multiplier",
    "Unit measure",
    "COMMENT_OBS",
    "Reporting type",
}
_RANGE = re.compile(r"^(\d{4})\s*/\s*(\d{4})$")
_FILE = re.compile(r"indicator_(.+)\.csv$")


def _key(text: str) -> str:
    return text.strip().casefold()


@dataclass
class Lookup:
    """What the reader resolves names against, built by the caller from the database."""

    elements: dict[str, str] = field(default_factory=dict)  # code/name/English name → code
    # code/name/English name → (indicator code, numerator code, the indicator's own value
    # is its numerator's: kind value with factor 1)
    indicators: dict[str, tuple[str, str, bool]] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    options: dict[tuple[str, str], str] = field(default_factory=dict)  # (category, name) → code
    orgunits: set[str] = field(default_factory=set)
    orgunit_names: dict[str, str] = field(default_factory=dict)  # code → name


@dataclass(frozen=True)
class ImportOptions:
    element: str = ""  # the data element every row fills, when the file has no Series
    orgunit: str = ""  # the file's whole area: where headline rows (blank GeoCode) go
    year_range: str = ""  # "start" or "end": which year a range such as 2016/2017 counts for


def read(files: Iterable[tuple[str, bytes]], *, lookup: Lookup, options: ImportOptions) -> Parsed:
    """Read one or more Open SDG CSVs (or a zip of them, as the export writes)."""
    parsed = Parsed()
    headline: list[RawValue] = []
    for name, content in _members(files, parsed):
        _read_one(name, content, lookup, options, parsed, headline)
    # A headline row of an area whose units the file also lists is their total: Lianggang
    # computes it, and importing it as well would count it twice.
    listed = {(v.element, v.disaggregation, v.year) for v in parsed.values}
    for v in headline:
        if (v.element, v.disaggregation, v.year) in listed:
            parsed.skipped.append(
                Conflict(
                    _("The total of the units listed below it; Lianggang adds it up itself."),
                    object=str(v.year),
                    property=GEOCODE,
                    row=v.row,
                    file=v.sheet,
                )
            )
        elif not options.orgunit:
            parsed.conflicts.append(
                Conflict(
                    _(
                        "A headline row (blank GeoCode) is for the file's whole area; say which "
                        "org unit that is (--orgunit)."
                    ),
                    property=GEOCODE,
                    row=v.row,
                    file=v.sheet,
                    code="E7610",
                )
            )
        else:
            parsed.values.append(
                RawValue(
                    options.orgunit,
                    v.element,
                    v.disaggregation,
                    v.year,
                    v.value,
                    v.comment,
                    v.sheet,
                    v.row,
                    v.column,
                )
            )
    # The same reported value in two files (a denominator shared by two indicators) is one
    # value; two different values for one cell stay, for the planner to refuse.
    unique: dict[tuple[str, str, str, int, str], RawValue] = {}
    for v in parsed.values:
        unique.setdefault((v.orgunit, v.element, v.disaggregation, v.year, str(v.value)), v)
    parsed.values = list(unique.values())
    return parsed


def _members(files: Iterable[tuple[str, bytes]], parsed: Parsed) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for name, content in files:
        if content[:4] != b"PK\x03\x04":
            out.append((name, content))
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                for info in zf.infolist():
                    base = info.filename.rsplit("/", 1)[-1]
                    if _FILE.match(base):
                        out.append((base, zf.read(info)))
        except zipfile.BadZipFile as exc:
            parsed.conflicts.append(Conflict(str(exc), file=name))
    return out


def _element_of_file(name: str, lookup: Lookup, options: ImportOptions) -> tuple[str, str]:
    """The element a file without Series fills, and an error message if none."""
    wanted = options.element
    if not wanted:
        m = _FILE.search(name)
        wanted = m.group(1) if m else ""
    if not wanted:
        return "", _("Which data element does this file fill? Say it with --element.")
    key = _key(wanted)
    if key in lookup.elements:
        return lookup.elements[key], ""
    if key in lookup.indicators:
        indicator, numerator, own = lookup.indicators[key]
        if own:
            return numerator, ""
        return "", _(
            "%(indicator)s is computed from its numerator and denominator; a file of the rate "
            "alone cannot fill them. Import the numerator and the denominator (--element)."
        ) % {"indicator": indicator}
    return "", _(
        "No data element or indicator is called “%(name)s”; say which data element the file "
        "fills (--element)."
    ) % {"name": wanted}


def _read_one(
    name: str,
    content: bytes,
    lookup: Lookup,
    options: ImportOptions,
    parsed: Parsed,
    headline: list[RawValue],
) -> None:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed.conflicts.append(Conflict(_("The CSV file is not UTF-8 text."), file=name))
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in (YEAR, VALUE) if c not in header]
    if missing:
        parsed.conflicts.append(
            Conflict(
                _("The header lacks the column(s) %(columns)s.") % {"columns": ", ".join(missing)},
                row=1,
                file=name,
            )
        )
        return
    file_element, file_error = (
        ("", "") if SERIES in header else _element_of_file(name, lookup, options)
    )
    if file_error:
        parsed.conflicts.append(Conflict(file_error, row=1, file=name, code="E7610"))
        return
    breakdowns = [h for h in header if h not in NOT_BREAKDOWNS]
    category_of = {h: lookup.categories.get(_key(h), "") for h in breakdowns}
    for line, row in enumerate(reader, start=2):

        def refuse(message: str, prop: str, obj: str = "", line: int = line) -> None:
            parsed.conflicts.append(
                Conflict(message, object=obj, property=prop, row=line, file=name)
            )

        value = (row.get(VALUE) or "").strip()
        if not value:
            continue  # Open SDG's way of saying "no figure": nothing to import
        year_text = (row.get(YEAR) or "").strip()
        m = _RANGE.match(year_text)
        if m and options.year_range in ("start", "end"):
            year = int(m.group(1) if options.year_range == "start" else m.group(2))
        elif m:
            refuse(
                _(
                    "Year “%(year)s” is a range; say which year it counts for "
                    "(--year-range start or end)."
                )
                % {"year": year_text},
                YEAR,
                year_text,
            )
            continue
        elif year_text.isdigit() and len(year_text) == 4:
            year = int(year_text)
        else:
            refuse(_("Expected a year, found “%(text)s”.") % {"text": year_text}, YEAR, year_text)
            continue
        element = file_element
        if not element:
            series = (row.get(SERIES) or "").strip()
            key = _key(series)
            if key in lookup.elements:
                element = lookup.elements[key]
            elif key in lookup.indicators and lookup.indicators[key][2]:
                element = lookup.indicators[key][1]  # the indicator's value is its numerator's
            elif key in lookup.indicators:
                parsed.skipped.append(
                    Conflict(
                        _(
                            "Series “%(series)s” is an indicator Lianggang computes from the "
                            "values reported; it is not imported."
                        )
                        % {"series": series},
                        object=series,
                        property=SERIES,
                        row=line,
                        file=name,
                    )
                )
                continue
            else:
                refuse(
                    _("No data element is called “%(series)s”.") % {"series": series},
                    SERIES,
                    series,
                )
                continue
        given = {h: (row.get(h) or "").strip() for h in breakdowns if (row.get(h) or "").strip()}
        if len(given) > 1:
            refuse(
                _(
                    "The value is broken down by %(names)s at once; Lianggang breaks a value "
                    "down by one category at a time."
                )
                % {"names": ", ".join(given)},
                "breakdown",
                ", ".join(given.values()),
            )
            continue
        disaggregation = TOTAL
        if given:
            column, cell = next(iter(given.items()))
            category = category_of[column]
            if not category:
                refuse(
                    _("Column “%(column)s” is not a breakdown Lianggang knows.")
                    % {"column": column},
                    column,
                    cell,
                )
                continue
            option = lookup.options.get((category, _key(cell)))
            if option is None:
                refuse(
                    _("“%(cell)s” is not an option of %(column)s.")
                    % {"cell": cell, "column": column},
                    column,
                    cell,
                )
                continue
            disaggregation = option
        geocode = (row.get(GEOCODE) or "").strip()
        if geocode and geocode not in lookup.orgunits:
            refuse(_("Unknown org unit code “%(code)s”.") % {"code": geocode}, GEOCODE, geocode)
            continue
        raw = RawValue(geocode, element, disaggregation, year, value, "", name, line, VALUE)
        (parsed.values if geocode else headline).append(raw)


# Export ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorMeta:
    code: str
    name: str
    unit: str
    decimals: int
    direction: str  # Lianggang's: "<=", ">=", "up", "down", "="…
    target_value: float | None
    target_year: int
    numerator: tuple[str, str]  # (code, name)
    denominator: tuple[str, str] | None
    own_value: bool  # kind value with factor 1: the indicator's value is its numerator's
    data_source: str = ""
    definition: str = ""


def _progress_direction(direction: str) -> str:
    return "negative" if direction in ("<=", "<", "down") else "positive"


def write(
    indicators: Iterable[IndicatorMeta],
    rows: Iterable[FigureRow],
    *,
    option_labels: Mapping[str, tuple[str, str]],  # option code → (category label, option label)
    area: str,  # the headline org unit's code
    area_name: str,
    orgunit_names: Mapping[str, str],
    note: str = "",
) -> bytes:
    """A zip of Open SDG's data and indicator configuration for these indicators."""
    by_indicator: dict[str, list[FigureRow]] = {}
    for r in rows:
        by_indicator.setdefault(r.indicator, []).append(r)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for meta in indicators:
            figures = by_indicator.get(meta.code, [])
            columns = sorted({option_labels[r.disaggregation][0] for r in figures if r.category})
            zf.writestr(
                f"data/indicator_{meta.code}.csv",
                _data_csv(meta, figures, columns, area, option_labels, orgunit_names),
            )
            zf.writestr(
                f"indicator-config/{meta.code}.yml",
                yaml.safe_dump(
                    _config(meta, columns, area_name, note), allow_unicode=True, sort_keys=True
                ),
            )
    return buf.getvalue()


def _series(meta: IndicatorMeta) -> list[tuple[str, str]]:
    """(series label, which figure: value, numerator or denominator) for one indicator."""
    out = [(meta.name, "value")]
    if not meta.own_value:
        num_code, num_name = meta.numerator
        out.append((num_name if num_name != meta.name else f"{num_name} ({num_code})", "numerator"))
        if meta.denominator is not None:
            den_code, den_name = meta.denominator
            out.append(
                (den_name if den_name != meta.name else f"{den_name} ({den_code})", "denominator")
            )
    return out


def _data_csv(
    meta: IndicatorMeta,
    figures: list[FigureRow],
    columns: list[str],
    area: str,
    option_labels: Mapping[str, tuple[str, str]],
    orgunit_names: Mapping[str, str],
) -> str:
    buf = io.StringIO()
    writer = InertWriter(buf, lineterminator="\n")
    writer.writerow([YEAR, SERIES, *columns, GEOGRAPHY, GEOCODE, VALUE])
    for label, which in _series(meta):
        for r in sorted(
            figures, key=lambda f: (f.year, f.orgunit != area, f.orgunit, f.disaggregation)
        ):
            figure: Any = getattr(r, which)
            if figure is None:
                continue
            cells = [""] * len(columns)
            if r.category:
                category_label, option_label = option_labels[r.disaggregation]
                cells[columns.index(category_label)] = option_label
            headline = r.orgunit == area
            writer.writerow(
                [
                    r.year,
                    label,
                    *cells,
                    "" if headline else orgunit_names.get(r.orgunit, r.orgunit),
                    "" if headline else r.orgunit,
                    number_text(figure),
                ]
            )
    return buf.getvalue()


def _config(meta: IndicatorMeta, columns: list[str], area_name: str, note: str) -> dict[str, Any]:
    config: dict[str, Any] = {
        "indicator_number": meta.code,
        "indicator_name": meta.name,
        "graph_title": meta.name,
        "graph_type": "line",
        "computation_units": meta.unit,
        "reporting_status": "complete",
        "data_non_statistical": False,
        "data_show_map": True,
        "national_geographical_coverage": area_name,
        "expected_disaggregations": [GEOGRAPHY, *columns],
        "data_start_values": [{"field": SERIES, "value": meta.name}],
        "auto_progress_calculation": meta.target_value is not None,
        "precision": [{"decimals": meta.decimals}],
        "data_footnote": note,
        "source_organisation_1": meta.data_source,
        "computation_definitions": meta.definition,
    }
    if meta.target_value is not None:
        config["graph_target_lines"] = [{"value": meta.target_value}]
        config["progress_calculation_options"] = [
            {
                "direction": _progress_direction(meta.direction),
                "target": meta.target_value,
                "target_year": meta.target_year,
            }
        ]
    return config
