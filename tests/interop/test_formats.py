"""The registry of exchange formats: one declaration per format, read by the services, the
command line and the API."""

from __future__ import annotations

import doctest

import pytest
from django.contrib.auth import get_user_model

from lianggang.framework.models import Outline
from lianggang.interop import formats
from lianggang.interop.errors import InteropError
from lianggang.interop.exporting import ExportRequest, values_export
from lianggang.interop.importing import ImportSettings, values_import


def test_the_examples_run() -> None:
    result = doctest.testmod(formats)
    assert result.attempted >= 3
    assert result.failed == 0


@pytest.mark.parametrize("fmt", formats.all_formats(), ids=lambda f: f.name)
def test_every_reader_and_writer_resolves(fmt: formats.Format) -> None:
    assert fmt.imports or fmt.exports
    if fmt.imports:
        assert callable(fmt.reader_function())
    if fmt.exports:
        assert callable(fmt.writer_function())
    assert fmt.carries
    assert set(fmt.carries) <= {"values", "indicators"}


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("x.adx", b"", "adx"),
        ("", b"\xef\xbb\xbf  <adx>", "adx"),
        ("values.json", b"", "dhis2-json"),
        ("", b'{"dataValues": []}', "dhis2-json"),
        ("site.zip", b"PK\x03\x04", "opensdg"),
        ("indicator_1-1-1.csv", b"Year,Value", "opensdg"),
        ("exports/indicator_1-1-1.csv", b"Year,Value", "dhis2-csv"),
        ("Book.XLSX", b"", "xlsx"),
        ("", b"PK\x03\x04", "xlsx"),
        ("tidy.csv", b"\xef\xbb\xbfdata_element,orgunit,year", "csv"),
        ("dhis.csv", b"dataelement,period,orgunit", "dhis2-csv"),
        ("legacy.xls", b"", "xlsx"),
        ("", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "xlsx"),  # an .xls saved by WPS
        ("unicode.csv", "data_element\torgunit\tyear".encode("utf-16"), "csv"),
        ("gbk.csv", "data_element,orgunit,year,value,备注".encode("gb18030"), "csv"),
        ("notes.txt", b"hello", ""),
    ],
)
def test_guessing_a_format(name: str, head: bytes, expected: str) -> None:
    assert formats.guess(name, head) == expected


def test_the_choices_are_the_registry_s_in_its_order() -> None:
    assert formats.IMPORT_FORMATS == ("csv", "xlsx", "dhis2-json", "dhis2-csv", "adx", "opensdg")
    assert formats.EXPORT_FORMATS[-2:] == ("opensdg", "jsonstat")
    assert "jsonstat" not in formats.IMPORT_FORMATS
    assert "sdmx-csv" not in formats.IMPORT_FORMATS


def test_a_name_is_registered_once() -> None:
    with pytest.raises(ValueError, match="twice"):
        formats.register(formats.get("csv"))  # type: ignore[arg-type]


@pytest.mark.django_db
def test_a_new_format_is_one_module_and_one_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "_REGISTRY", dict(formats._REGISTRY))
    formats.register(
        formats.Format(
            "lines",
            "Lines",
            ("values",),
            "text/plain; charset=utf-8",
            "txt",
            reader="tests.interop.lines_format:read",
            writer="tests.interop.lines_format:export",
        )
    )
    outline = Outline.objects.get(code="women-2021")
    exported = values_export(ExportRequest(format="lines", outline=outline, year=2023))
    lines = exported.content.decode().splitlines()
    assert exported.media_type == "text/plain; charset=utf-8"
    assert exported.filename == "lianggang-values-women-2021-all-2023.txt"
    assert len(lines) > 100
    assert all(len(line.split()) == 5 for line in lines)
    # …and files of it are read through the registry too (the test reader reads nothing).
    clerk = get_user_model().objects.create_superuser("formats", "", "a-long-test-password")
    outcome = values_import(
        actor=clerk, content=b"anything", settings_=ImportSettings(format="lines", dry_run=True)
    )
    assert not outcome.conflicts
    assert outcome.count.imported == 0
    with pytest.raises(InteropError, match="lines"):
        values_import(actor=clerk, content=b"x", settings_=ImportSettings(format="nope"))


@pytest.mark.django_db
def test_reported_values_formats_refuse_indicators() -> None:
    outline = Outline.objects.get(code="women-2021")
    for name in ("dhis2-json", "dhis2-csv", "adx"):
        with pytest.raises(InteropError, match="ADX"):
            values_export(ExportRequest(format=name, outline=outline, year=2023, what="indicators"))
    with pytest.raises(InteropError, match="pdf"):
        values_export(ExportRequest(format="pdf", outline=outline, year=2023))
