"""DHIS2 ``dataValueSets``, JSON and CSV: reader, writer and DHIS2's import summary.

The reader is DHIS2's own reading: JSON by property name, with the set's ``period``,
``orgUnit`` and ``attributeOptionCombo`` applying to values that do not give their own; CSV by
column position (DHIS2 ignores the header's words, so a misspelt header is no error). Periods
other than a calendar year, and attribute option combinations (Lianggang has none), are refused
value by value.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from lianggang.cells import InertWriter, NotText, csv_delimiter, decode_text, restore
from lianggang.collection.errors import ErrorCode
from lianggang.collection.workbook import RawValue

from .model import (
    DEFAULT_COMBO,
    DEFAULT_COMBO_UID,
    TOTAL,
    Conflict,
    Parsed,
    number_text,
    period_kind,
    year_of_period,
)

if TYPE_CHECKING:
    from .exporting import ExportSource
    from .importing import ImportSettings

CSV_COLUMNS = (
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
    "deleted",
)
MIN_CSV_COLUMNS = 6  # data element to value: what a value cannot do without
_DEFAULTS = {"", DEFAULT_COMBO, DEFAULT_COMBO_UID}
_TRUE = {"true", "t", "1", "yes"}


@dataclass(frozen=True)
class ExportRow:
    """One value as the writers need it."""

    element: str
    orgunit: str
    year: int
    disaggregation: str
    value: float
    comment: str = ""
    stored_by: str = ""
    last_updated: str = ""
    data_set: str = ""


def _combo(disaggregation: str) -> str:
    return DEFAULT_COMBO if disaggregation == TOTAL else disaggregation


def _one(
    parsed: Parsed,
    *,
    row: int,
    index: int,
    element: str,
    period: str,
    orgunit: str,
    combo: str,
    attribute: str,
    value: Any,
    comment: str,
    deleted: bool,
    has_value: bool = True,
) -> None:
    """Check one value's identifiers and period; add it or its conflict. A value without a
    value (not blank: absent) is refused unless it is ``deleted``, the explicit clearing."""
    parsed.index_of_row[row] = index
    if not has_value and not deleted:
        parsed.conflicts.append(
            Conflict.of(
                ErrorCode.NO_VALUE,
                property="value",
                object=element,
                row=row,
                index=index,
                code="E7610",
            )
        )
        return
    for prop, text in (("dataElement", element), ("orgUnit", orgunit), ("period", period)):
        if not text:
            parsed.conflicts.append(
                Conflict(
                    _("The value has no %(property)s.") % {"property": prop},
                    property=prop,
                    row=row,
                    index=index,
                    code="E7610",
                )
            )
            return
    try:
        year = year_of_period(period)
    except ValueError as exc:
        parsed.conflicts.append(
            Conflict(str(exc), object=period, property="period", row=row, index=index, code="E7641")
        )
        return
    if attribute not in _DEFAULTS:
        parsed.conflicts.append(
            Conflict(
                _(
                    "Attribute option combination “%(code)s”: Lianggang keeps no attribute "
                    "dimension; send the value with the default one."
                )
                % {"code": attribute},
                object=attribute,
                property="attributeOptionCombo",
                row=row,
                index=index,
                code="E7615",
            )
        )
        return
    parsed.values.append(
        RawValue(
            orgunit,
            element,
            TOTAL if combo in _DEFAULTS else combo,
            year,
            None if deleted else value,
            comment,
            "",
            row,
            "value",
            deleted,
        )
    )


def read_json(content: bytes) -> Parsed:
    parsed = Parsed()
    try:
        doc = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        parsed.conflicts.append(
            Conflict(_("The file is not JSON: %(error)s") % {"error": exc}, code="E7600")
        )
        return parsed
    values = doc.get("dataValues") if isinstance(doc, dict) else None
    if not isinstance(values, list):
        parsed.conflicts.append(
            Conflict(
                _("A dataValueSet is a JSON object with a list “dataValues”."),
                property="dataValues",
                code="E7600",
            )
        )
        return parsed
    top = {k: _text(doc.get(k)) for k in ("period", "orgUnit", "attributeOptionCombo")}
    for index, dv in enumerate(values):
        if not isinstance(dv, dict):
            parsed.conflicts.append(
                Conflict(
                    _("Each data value is a JSON object."), row=index + 1, index=index, code="E7600"
                )
            )
            continue
        _one(
            parsed,
            row=index + 1,
            index=index,
            element=_text(dv.get("dataElement")),
            period=_text(dv.get("period")) or top["period"],
            orgunit=_text(dv.get("orgUnit")) or top["orgUnit"],
            combo=_text(dv.get("categoryOptionCombo")),
            attribute=_text(dv.get("attributeOptionCombo")) or top["attributeOptionCombo"],
            value=dv.get("value"),
            comment=_text(dv.get("comment")),
            deleted=_text(dv.get("deleted")).lower() in _TRUE,
            has_value="value" in dv,
        )
    return parsed


def read_csv(content: bytes, *, first_row_is_header: bool = True, name: str = "") -> Parsed:
    """DHIS2's CSV: columns by position, the first line a header unless told otherwise; UTF-8,
    UTF-16 or GB18030 text (see :func:`~lianggang.cells.decode_text`), comma- or tab-separated."""
    parsed = Parsed()
    try:
        text = decode_text(content, name)
    except NotText as exc:
        parsed.conflicts.append(Conflict(str(exc), code="E7600"))
        return parsed
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))
    index = 0
    for line, cells in enumerate(rows, start=1):
        if line == 1 and first_row_is_header and not _is_value_row(cells):
            continue  # a header (DHIS2 ignores its words); a first line of values is read
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < MIN_CSV_COLUMNS:
            parsed.conflicts.append(
                Conflict(
                    _(
                        "Expected at least %(n)d columns (data element, period, org unit, "
                        "category option combo, attribute option combo, value), found %(found)d."
                    )
                    % {"n": MIN_CSV_COLUMNS, "found": len(cells)},
                    row=line,
                    index=index,
                    code="E7600",
                )
            )
            index += 1
            continue
        cells = [c.strip() for c in cells] + [""] * (len(CSV_COLUMNS) - len(cells))
        _one(
            parsed,
            row=line,
            index=index,
            element=cells[0],
            period=cells[1],
            orgunit=cells[2],
            combo=cells[3],
            attribute=cells[4],
            value=cells[5],
            comment=restore(cells[8]),
            deleted=cells[10].lower() in _TRUE,
        )
        index += 1
    return parsed


def _is_value_row(cells: list[str]) -> bool:
    """Whether a first line is a value rather than a header: its period column holds a period,
    which a header's never does. Otherwise DHIS2's rule (the first line is a header) would drop
    the first value of a file written without one, whatever that value is."""
    return len(cells) >= MIN_CSV_COLUMNS and bool(period_kind(cells[1].strip()))


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


def write_json(rows: Iterable[ExportRow], *, data_set: str = "") -> bytes:
    values = []
    for r in rows:
        dv: dict[str, Any] = {
            "dataElement": r.element,
            "period": str(r.year),
            "orgUnit": r.orgunit,
            "categoryOptionCombo": _combo(r.disaggregation),
            "attributeOptionCombo": DEFAULT_COMBO,
            "value": number_text(r.value),
        }
        if r.stored_by:
            dv["storedBy"] = r.stored_by
        if r.last_updated:
            dv["lastUpdated"] = r.last_updated
        if r.comment:
            dv["comment"] = r.comment
        values.append(dv)
    doc: dict[str, Any] = {}
    if data_set:
        doc["dataSet"] = data_set
    doc["dataValues"] = values
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()


def write_csv(rows: Iterable[ExportRow]) -> bytes:
    buf = io.StringIO()
    writer = InertWriter(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.element,
                str(r.year),
                r.orgunit,
                _combo(r.disaggregation),
                DEFAULT_COMBO,
                number_text(r.value),
                r.stored_by,
                r.last_updated,
                r.comment,
                "false",
                "false",
            ]
        )
    return buf.getvalue().encode()


# The import summary ---------------------------------------------------------------------------


@dataclass
class ImportCount:
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0


def import_summary(
    *,
    count: ImportCount,
    conflicts: Sequence[Conflict],
    options: Mapping[str, Any],
    applied: bool,
) -> dict[str, Any]:
    """DHIS2's ImportSummary: SUCCESS, WARNING (some refused, the rest imported) or ERROR."""
    if conflicts and not applied:
        status = "ERROR"
    elif conflicts:
        status = "WARNING"
    else:
        status = "SUCCESS"
    description = {
        "SUCCESS": _("Import process completed successfully"),
        "WARNING": _("Import process completed; some values were refused"),
        "ERROR": _("Nothing was imported: some values were refused"),
    }[status]
    return {
        "responseType": "ImportSummary",
        "status": status,
        "description": description,
        "importOptions": dict(options),
        "importCount": {
            "imported": count.imported,
            "updated": count.updated,
            "ignored": count.ignored,
            "deleted": count.deleted,
        },
        "conflicts": [
            {
                "object": c.object,
                "objects": {c.property: c.object} if c.property and c.object else {},
                "value": c.message,
                "errorCode": c.code,
                "reason": c.reason,
                "property": c.property,
                "indexes": [] if c.index is None else [c.index],
                "row": c.row,
            }
            for c in conflicts
        ],
    }


# The registry's readers and writers (lianggang.interop.formats).


def import_json(content: bytes, settings: ImportSettings, name: str) -> Parsed:
    return read_json(content)


def import_csv(content: bytes, settings: ImportSettings, name: str) -> Parsed:
    return read_csv(content, first_row_is_header=settings.first_row_is_header, name=name)


def export_json(source: ExportSource) -> bytes:
    return write_json(source.values())


def export_csv(source: ExportSource) -> bytes:
    return write_csv(source.values())
