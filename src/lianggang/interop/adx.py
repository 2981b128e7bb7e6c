"""ADX (IHE QRPH Aggregate Data Exchange, ``urn:ihe:qrph:adx:2015``): reader and writer.

A ``group`` holds one data set, org unit and period (``2024-01-01/P1Y`` for a year); each
``dataValue`` carries its data element, its value and its breakdown as attributes named by the
category (``sex="female"``) or, as DHIS2 also accepts, a ``categoryOptionCombo``. Lianggang
breaks a value down by one category at a time and has no attribute dimension, so a value with
two breakdowns or a group with attribute categories is refused, value by value.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import groupby
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, ElementTree, SubElement, indent  # writing only

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from lianggang.collection.errors import ErrorCode
from lianggang.collection.workbook import RawValue

from .dhis2 import ExportRow
from .model import (
    DEFAULT_COMBO,
    DEFAULT_COMBO_UID,
    TOTAL,
    Conflict,
    Parsed,
    adx_period,
    number_text,
    year_of_adx_period,
)

if TYPE_CHECKING:
    from .exporting import ExportSource
    from .importing import ImportSettings

NS = "urn:ihe:qrph:adx:2015"
_Q = "{" + NS + "}"
GROUP_KEYS = {"dataSet", "period", "orgUnit", "completeDate"}
VALUE_KEYS = {"dataElement", "value"}
_DEFAULTS = {"", DEFAULT_COMBO, DEFAULT_COMBO_UID}


def read(content: bytes) -> Parsed:
    parsed = Parsed()
    try:
        root = SafeET.fromstring(content, forbid_dtd=True)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        parsed.conflicts.append(
            Conflict(_("The file is not readable ADX: %(error)s") % {"error": exc}, code="E7600")
        )
        return parsed
    if root.tag != _Q + "adx":
        parsed.conflicts.append(
            Conflict(
                _("The root element is not adx in the namespace %(ns)s.") % {"ns": NS},
                object=root.tag,
                code="E7600",
            )
        )
        return parsed
    index = 0
    for group in root.iter(_Q + "group"):
        period = group.get("period", "")
        orgunit = group.get("orgUnit", "")
        attributes = {k: v for k, v in group.attrib.items() if k not in GROUP_KEYS}
        group_error: Conflict | None = None
        try:
            year = year_of_adx_period(period)
        except ValueError as exc:
            group_error = Conflict(str(exc), object=period, property="period", code="E7641")
            year = 0
        if group_error is None and not orgunit:
            group_error = Conflict(_("The group has no orgUnit."), property="orgUnit", code="E7610")
        if group_error is None:
            extra = {k: v for k, v in attributes.items() if v not in _DEFAULTS}
            if extra:
                name, code = next(iter(extra.items()))
                group_error = Conflict(
                    _(
                        "The group's attribute %(name)s=“%(code)s”: Lianggang keeps no "
                        "attribute dimension."
                    )
                    % {"name": name, "code": code},
                    object=code,
                    property=name,
                    code="E7615",
                )
        for dv in group.iter(_Q + "dataValue"):
            index += 1
            row = index
            parsed.index_of_row[row] = index - 1
            if group_error is not None:
                parsed.conflicts.append(
                    Conflict(
                        group_error.message,
                        object=group_error.object,
                        property=group_error.property,
                        row=row,
                        index=index - 1,
                        code=group_error.code,
                    )
                )
                continue
            element = dv.get("dataElement", "")
            if not element:
                parsed.conflicts.append(
                    Conflict(
                        _("The value has no dataElement."),
                        property="dataElement",
                        row=row,
                        index=index - 1,
                        code="E7610",
                    )
                )
                continue
            breakdown = {
                k: v for k, v in dv.attrib.items() if k not in VALUE_KEYS and v not in _DEFAULTS
            }
            if len(breakdown) > 1:
                parsed.conflicts.append(
                    Conflict(
                        _(
                            "The value is broken down by %(names)s at once; Lianggang breaks a "
                            "value down by one category at a time."
                        )
                        % {"names": ", ".join(sorted(breakdown))},
                        object=", ".join(f"{k}={v}" for k, v in sorted(breakdown.items())),
                        property="categoryOptionCombo",
                        row=row,
                        index=index - 1,
                        code="E7616",
                    )
                )
                continue
            if "value" not in dv.attrib:  # required by ADX's schema; never read as a clearing
                parsed.conflicts.append(
                    Conflict.of(
                        ErrorCode.NO_VALUE,
                        property="value",
                        object=element,
                        row=row,
                        index=index - 1,
                        code="E7610",
                    )
                )
                continue
            note = dv.find(_Q + "annotation")
            parsed.values.append(
                RawValue(
                    orgunit,
                    element,
                    next(iter(breakdown.values())) if breakdown else TOTAL,
                    year,
                    dv.get("value"),
                    (note.text or "").strip() if note is not None else "",
                    "",
                    row,
                    "value",
                )
            )
    return parsed


def write(rows: Iterable[ExportRow], *, category_of: dict[str, str]) -> bytes:
    """ADX with one group per data set, org unit and year; breakdowns as category attributes.

    ``category_of`` maps each breakdown option code to its category code.
    """
    root = Element(
        "adx", {"xmlns": NS, "exported": datetime.now(UTC).replace(microsecond=0).isoformat()}
    )
    ordered = sorted(rows, key=lambda r: (r.data_set, r.orgunit, r.year))
    for (data_set, orgunit, year), members in groupby(
        ordered, key=lambda r: (r.data_set, r.orgunit, r.year)
    ):
        group = SubElement(
            root,
            "group",
            {"dataSet": data_set or "lianggang", "orgUnit": orgunit, "period": adx_period(year)},
        )
        for r in members:
            attrs = {"dataElement": r.element}
            if r.disaggregation != TOTAL:
                attrs[category_of.get(r.disaggregation, "categoryOptionCombo")] = r.disaggregation
            attrs["value"] = number_text(r.value)
            dv = SubElement(group, "dataValue", attrs)
            if r.comment:
                SubElement(dv, "annotation").text = r.comment
    tree = ElementTree(root)
    indent(tree)
    buf = io.BytesIO()
    tree.write(buf, encoding="utf-8", xml_declaration=True)
    return buf.getvalue()


# The registry's reader and writer (lianggang.interop.formats).


def import_file(content: bytes, settings: ImportSettings, name: str) -> Parsed:
    return read(content)


def export_file(source: ExportSource) -> bytes:
    return write(source.values(), category_of=source.category_of())
