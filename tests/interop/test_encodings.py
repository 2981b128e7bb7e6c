"""The DHIS2 CSV reader takes the encodings office programs write, as the tidy one does."""

from __future__ import annotations

import pytest
from django.utils import translation

from lianggang.interop.dhis2 import read_csv

DHIS2 = (
    "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,"
    "storedby,lastupdated,comment,followup,deleted\n"
    "live_births,2026,513301,total,,1480,,,康定市：已核对户籍,,\n"
    "neonatal_deaths,2026,513301,total,,5,,,含转诊,,\n"
)


def _values(content: bytes) -> list[tuple[str, str, object, str]]:
    parsed = read_csv(content, name="dhis2.csv")
    assert not parsed.conflicts, [str(c) for c in parsed.conflicts]
    return [(v.element, v.orgunit, v.value, v.comment) for v in parsed.values]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_dhis2_csv_in_an_office_encoding_reads_as_utf8(encoding: str) -> None:
    twin = _values(DHIS2.encode("utf-8"))
    assert twin[0] == ("live_births", "513301", "1480", "康定市：已核对户籍")
    assert _values(DHIS2.encode(encoding)) == twin


def test_dhis2_csv_in_neither_encoding_names_the_file_and_line() -> None:
    content = DHIS2.encode("utf-8") + b"live_births,2026,513322,total,,9,,,Caf\xe9 \xe9t\xe9,,\n"
    with translation.override("en"):
        (conflict,) = read_csv(content, name="dhis2.csv").conflicts
        message = str(conflict)
    assert "dhis2.csv" in message
    assert "line 4" in message
