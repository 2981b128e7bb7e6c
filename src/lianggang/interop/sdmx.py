"""SDMX-CSV 2.0 and 1.0 export of indicator values, with the UN SDG database's dimensions.

Dimensions as the SDG database (IAEG-SDGs' DSD) names them: ``FREQ``, ``SERIES``, ``REF_AREA``,
``SEX``, ``AGE``, ``URBANISATION``, ``CUST_BREAKDOWN`` and ``TIME_PERIOD``; ``OBS_VALUE`` is the
measure and ``UNIT_MEASURE``, ``UNIT_MULT`` and ``OBS_STATUS`` (``U``, low reliability, for a
rate on fewer than 20 events) are attributes. Codes not broken down by a dimension are ``_T``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lianggang.cells import InertWriter

from .figures import FigureRow
from .model import number_text

if TYPE_CHECKING:
    from .exporting import ExportSource

AGENCY = "LIANGGANG"
DATAFLOW = "DF_LIANGGANG"
VERSION = "1.0"
STRUCTURE_ID = f"{AGENCY}:{DATAFLOW}({VERSION})"
DIMENSIONS = (
    "FREQ",
    "SERIES",
    "REF_AREA",
    "SEX",
    "AGE",
    "URBANISATION",
    "CUST_BREAKDOWN",
    "TIME_PERIOD",
)
ATTRIBUTES = ("UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "COMMENT_OBS")
TOTAL = "_T"
SEX = {"female": "F", "male": "M"}
URBANISATION = {"urban": "U", "rural": "R"}
# Units as the SDG database codes them; others are written as they are.
UNITS = {
    "%": "PT",
    "‰": "PER_1000",
    "1/万": "PER_10000",
    "1/10万": "PER_100000",
    "人": "NUMBER",
    "个": "NUMBER",
    "岁": "YR",
    "年": "YR",
}


def _dimensions(row: FigureRow) -> dict[str, str]:
    dims = {
        "FREQ": "A",
        "SERIES": row.indicator,
        "REF_AREA": row.orgunit,
        "SEX": TOTAL,
        "AGE": TOTAL,
        "URBANISATION": TOTAL,
        "CUST_BREAKDOWN": TOTAL,
        "TIME_PERIOD": str(row.year),
    }
    if row.category == "sex":
        dims["SEX"] = SEX.get(row.disaggregation, row.disaggregation)
    elif row.category == "residence":
        dims["URBANISATION"] = URBANISATION.get(row.disaggregation, row.disaggregation)
    elif row.category == "age":
        dims["AGE"] = row.disaggregation
    elif row.category:
        dims["CUST_BREAKDOWN"] = row.disaggregation
    return dims


def write(rows: Iterable[FigureRow], *, version: str = "2.0", note: str = "") -> bytes:
    """SDMX-CSV (version "2.0" or "1.0"); a non-empty note goes into COMMENT_OBS."""
    if version not in ("1.0", "2.0"):
        raise ValueError(version)
    buf = io.StringIO()
    writer = InertWriter(buf, lineterminator="\n")
    lead = ["STRUCTURE", "STRUCTURE_ID", "ACTION"] if version == "2.0" else ["DATAFLOW"]
    writer.writerow([*lead, *DIMENSIONS, "OBS_VALUE", *ATTRIBUTES])
    first = ["dataflow", STRUCTURE_ID, "I"] if version == "2.0" else [STRUCTURE_ID]
    for row in rows:
        if row.value is None:
            continue
        dims = _dimensions(row)
        writer.writerow(
            [
                *first,
                *(dims[d] for d in DIMENSIONS),
                number_text(row.value),
                UNITS.get(row.unit, row.unit),
                "0",
                "U" if row.unstable else "A",
                note,
            ]
        )
    return buf.getvalue().encode()


def export_file(source: ExportSource) -> bytes:
    """The registry's writer (lianggang.interop.formats)."""
    req = source.request
    return write(source.figures(), version=req.sdmx_version, note=req.note)
