"""Files as offices have them (issue 19): CSVs in GB18030, UTF-8 with a BOM or UTF-16 read as
their UTF-8 twins, a file in none of them refused at its line, a legacy .xls template or tidy
sheet read, and a workbook with a password refused with a message that says so."""

from __future__ import annotations

import datetime as dt
import io
import struct
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from lianggang.accounts.models import Role
from lianggang.cells import decode_text, is_encrypted_workbook, ole_stream_names, read_xls
from lianggang.collection.imports import import_plan
from lianggang.collection.models import DataValue, Submission
from lianggang.collection.services import round_open
from lianggang.collection.workbook import read_csv, read_workbook, template_workbook
from lianggang.interop.importing import ImportSettings, values_import
from lianggang.interop.tidy import read_xlsx
from lianggang.ledger.workbook import ledger_import
from tests.factories import member

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "office"
PASSWORD_EN = "password-protected: remove the password in Excel and upload it again."


@pytest.fixture
def ctx() -> dict[str, Any]:
    root = get_user_model().objects.create_superuser("opener", "", "a-long-test-password")
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
    clerk = member("clerk", Role.CLERK, "513300", ["health"])
    client = Client()
    client.force_login(clerk)
    kangding = Submission.objects.select_related("round", "orgunit", "data_set").get(
        round=rnd, data_set__code="annual-health", orgunit__code="513301"
    )
    return {"clerk": clerk, "client": client, "kangding": kangding, "root": root}


# --- a legacy workbook, written by hand: an OLE2 compound file holding a BIFF8 stream ---------

_END = 0xFFFFFFFE


def _ole(streams: dict[str, bytes]) -> bytes:
    """A compound file (v3, 512-byte sectors); streams padded to 4096 bytes (no mini stream)."""
    body, fat = b"", list[int]()
    entries = [("Root Entry", 5, _END, 0)]
    for name, data in streams.items():
        data = data.ljust(4096, b"\0")
        start, n = len(fat), -(-len(data) // 512)
        fat += [*range(start + 1, start + n), _END]
        body += data.ljust(n * 512, b"\0")
        entries.append((name, 2, start, len(data)))
    directory = b""
    for i, (name, kind, start, size) in enumerate(entries):
        right = i + 1 if 0 < i < len(entries) - 1 else 0xFFFFFFFF
        raw = (name + "\0").encode("utf-16-le")
        directory += struct.pack(
            "<64sHBBIII16sI16sIII",
            raw, len(raw), kind, 1, 0xFFFFFFFF, right, 1 if i == 0 else 0xFFFFFFFF,
            b"", 0, b"", start, size, 0,
        )  # fmt: skip
    fat += [_END, 0xFFFFFFFD]  # the directory's sector, then the FAT's own
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIIII",
        bytes.fromhex("d0cf11e0a1b11ae1"), b"", 0x3E, 3, 0xFFFE, 9, 6, b"",
        0, 1, len(fat) - 2, 0, 4096, _END, 0, _END, 0, len(fat) - 1,
    )  # fmt: skip
    fat_sector = b"".join(struct.pack("<I", n) for n in fat).ljust(512, b"\xff")
    return header.ljust(512, b"\xff") + body + directory.ljust(512, b"\0") + fat_sector


def _rec(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _xls(sheets: list[tuple[str, int, list[list[Any]]]]) -> bytes:
    """A BIFF8 workbook of (name, 0 visible or 2 very hidden, rows of text, numbers, None)."""

    def bof(kind: int) -> bytes:
        return _rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))

    streams = []
    for _name, _state, rows in sheets:
        cells = b""
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, str):  # LABEL, UTF-16
                    text = struct.pack("<HHHHB", r, c, 0, len(v), 1) + v.encode("utf-16-le")
                    cells += _rec(0x0204, text)
                elif v is not None:  # NUMBER
                    cells += _rec(0x0203, struct.pack("<HHHd", r, c, 0, v))
        streams.append(bof(0x10) + cells + _rec(0x000A, b""))

    def workbook_globals(offsets: list[int]) -> bytes:
        sheet_records = b"".join(
            _rec(
                0x0085, struct.pack("<IBBBB", at, state, 0, len(name), 1) + name.encode("utf-16-le")
            )
            for at, (name, state, _rows) in zip(offsets, sheets, strict=True)
        )
        return bof(5) + sheet_records + _rec(0x000A, b"")

    at, offsets = len(workbook_globals([0] * len(sheets))), []
    for stream in streams:
        offsets.append(at)
        at += len(stream)
    return _ole({"Workbook": workbook_globals(offsets) + b"".join(streams)})


def _as_xls(xlsx: bytes, values: dict[tuple[str, str], Any]) -> bytes:
    """A template saved again as .xls (as WPS does): every sheet's values, H filled in."""
    wb = load_workbook(io.BytesIO(xlsx))
    sheets = []
    for ws in wb.worksheets:
        rows = [[c.value for c in row] for row in ws.iter_rows()]
        for row in rows[3:]:
            if (row[0], row[1]) in values:
                row[7] = values[row[0], row[1]]
        sheets.append((ws.title, 2 if ws.sheet_state == "veryHidden" else 0, rows))
    return _xls(sheets)


ENCRYPTED = _ole({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"x"})


# --- CSV encodings --------------------------------------------------------------------------

TIDY = (
    "data_element,orgunit,year,disaggregation,value,comment\n"
    'live_births,513301,2026,total,"1,480",康定市：出生登记已与公安户籍核对\n'
    "neonatal_deaths,513301,2026,total,5,新生儿死亡（含转诊）\n"
    "live_births,513322,2026,total,900,泸定县\n"
)


def _plan(ctx: dict[str, Any], content: bytes) -> list[tuple[Any, ...]]:
    """What the import would change, and every value read with its comment."""
    read = read_csv(content, name="数据.csv")
    assert not read.problems, [str(p) for p in read.problems]
    plan = import_plan(actor=ctx["clerk"], read=read)
    assert plan.ok, [str(p) for p in plan.problems]
    changes = sorted((c.orgunit, c.element, c.new) for c in plan.changes)
    return changes + sorted((v.orgunit, v.element, v.value, v.comment) for v in read.values)


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(TIDY.encode("gb18030"), id="gb18030"),
        pytest.param(TIDY.encode("gbk"), id="gbk"),
        pytest.param(TIDY.encode("utf-8-sig"), id="utf-8-bom"),
        pytest.param(TIDY.encode("utf-16"), id="utf-16-bom"),
        pytest.param(TIDY.replace("\n", "\r\n").encode("utf-16-be"), id="no-bom-utf-16-refused"),
        pytest.param(
            TIDY.replace(",", "\t").replace('"1\t480"', "1480").encode("utf-16"),
            id="excel-unicode-text",
        ),
    ],
)
def test_a_tidy_csv_in_any_office_encoding_imports_as_its_utf8_twin(
    ctx: dict[str, Any], encoded: bytes, request: pytest.FixtureRequest
) -> None:
    if request.node.callspec.id == "no-bom-utf-16-refused":
        # UTF-16 without its mark is not told from other bytes: refused, not misread.
        assert read_csv(encoded).problems
        return
    twin = _plan(ctx, TIDY.encode("utf-8"))
    assert ("513301", "live_births", "1,480", "康定市：出生登记已与公安户籍核对") in twin
    got = _plan(ctx, encoded)
    if request.node.callspec.id == "excel-unicode-text":
        got = [(*row[:2], "1,480" if row[2] == "1480" else row[2], *row[3:]) for row in got]
    assert got == twin


def test_a_gb18030_csv_through_the_page(ctx: dict[str, Any]) -> None:
    upload = SimpleUploadedFile("数据.csv", TIDY.encode("gb18030"))
    response = ctx["client"].post("/collection/rounds/2026/upload/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200, html
    assert "1,480" in html
    pending = html.split("/collection/imports/")[1].split("/")[0]
    ctx["client"].post(f"/collection/imports/{pending}/confirm/")
    dv = DataValue.objects.get(
        element__code="live_births", year=2026, orgunit__code="513301", disaggregation="total"
    )
    assert dv.value == 1480
    assert dv.comment == "康定市：出生登记已与公安户籍核对"


LATIN1 = (
    "data_element,orgunit,year,disaggregation,value,comment\n"
    "live_births,513301,2026,total,1480,ok\n"
    "neonatal_deaths,513301,2026,total,5,Caf\xe9 r\xe9sum\xe9\n"
).encode("latin-1")


def test_a_file_in_neither_encoding_is_refused_at_its_line() -> None:
    with translation.override("en"):
        (problem,) = read_csv(LATIN1, name="values.csv").problems
        message = str(problem)
    assert "values.csv" in message
    assert "line 3" in message
    bad = LATIN1.index(b"\xe9")
    assert f"byte {bad + 1} " in message
    with translation.override("en"):
        (no_name,) = read_csv(LATIN1).problems
    assert "line 3" in str(no_name)


def test_decode_text_reads_what_it_says() -> None:
    assert decode_text("妇女儿童".encode("gb18030")) == "妇女儿童"
    assert decode_text("\ufeff妇女".encode("utf-8")) == "妇女"
    assert decode_text("妇女".encode("utf-16")) == "妇女"
    assert decode_text("𠀀".encode("gb18030")) == "𠀀"  # four-byte GB18030
    # A GBK file with one broken byte is pointed at that byte, not at its first Chinese letter.
    broken = "编码\n第二行\n".encode("gbk") + b"\x81\x20\n"
    with translation.override("en"), pytest.raises(ValueError, match=r"line 3 \(byte 13 "):
        decode_text(broken, "x.csv")


# --- legacy .xls -----------------------------------------------------------------------------


def test_a_template_saved_as_xls_through_the_page(ctx: dict[str, Any]) -> None:
    content = _as_xls(
        template_workbook([ctx["kangding"]]),
        {("live_births", "total"): 1480, ("neonatal_deaths", "total"): "5"},
    )
    assert content.startswith(bytes.fromhex("d0cf11e0a1b11ae1"))
    url = f"/collection/submissions/{ctx['kangding'].pk}/upload/"
    response = ctx["client"].post(url, {"file": SimpleUploadedFile("填报.xls", content)})
    html = response.content.decode()
    assert response.status_code == 200, html
    pending = html.split("/collection/imports/")[1].split("/")[0]
    ctx["client"].post(f"/collection/imports/{pending}/confirm/")
    got = dict(
        DataValue.objects.filter(year=2026, orgunit__code="513301").values_list(
            "element__code", "value"
        )
    )
    assert got == {"live_births": 1480, "neonatal_deaths": 5}


def test_an_xls_template_keeps_its_checks(ctx: dict[str, Any]) -> None:
    xlsx = template_workbook([ctx["kangding"]])
    wb = load_workbook(io.BytesIO(xlsx))
    wb.worksheets[1].cell(4, 1).value = "maternal_deaths"  # a changed hidden code
    buf = io.BytesIO()
    wb.save(buf)
    with translation.override("en"):
        read = read_workbook(_as_xls(buf.getvalue(), {}))
    assert [p.column for p in read.problems] == ["A–B"]
    with translation.override("en"):
        plain = read_workbook(_as_xls(xlsx, {("live_births", "total"): "=1+1"}))
        plan = import_plan(actor=ctx["clerk"], read=plain, submission_id=ctx["kangding"].pk)
    assert not plan.ok  # text typed as "=1+1" in an .xls is text, not a formula
    assert read_xls(_xls([("a", 0, [[1.0, 2.5, "x", None]])])).worksheets[
        0
    ].iter_rows().__next__() == (
        1,
        2.5,
        "x",
    )


def test_a_tidy_xls_saved_by_an_office_program(ctx: dict[str, Any]) -> None:
    content = (FIXTURES / "tidy-values.xls").read_bytes()
    parsed = read_xlsx(content, "tidy-values.xls")
    assert not parsed.conflicts
    assert sorted((v.orgunit, v.element, v.year, v.value, v.comment) for v in parsed.values) == [
        ("513301", "live_births", 2026, 1480, "康定市：出生登记核对"),
        ("513301", "neonatal_deaths", 2026, 5, ""),
        ("513322", "live_births", 2026, 900, "泸定县"),
    ]
    outcome = values_import(
        actor=ctx["clerk"],
        content=content,
        settings_=ImportSettings(format="xlsx"),
        name="tidy-values.xls",
    )
    assert outcome.applied, [str(c) for c in outcome.conflicts]
    assert outcome.count.imported == 3


def test_an_ole_file_that_is_no_workbook(ctx: dict[str, Any]) -> None:
    other = _ole({"WordDocument": b"not a workbook"})
    assert ole_stream_names(other) == ["Root Entry", "WordDocument"]
    problems = [str(p) for p in read_workbook(other).problems]
    assert len(problems) == 1
    assert "Excel" in problems[0]


# --- passwords -------------------------------------------------------------------------------


def test_a_workbook_with_a_password_is_refused_as_such(ctx: dict[str, Any]) -> None:
    assert is_encrypted_workbook(ENCRYPTED)
    assert not is_encrypted_workbook(_xls([("a", 0, [["EncryptedPackage"]])]))
    with translation.override("en"):
        (problem,) = read_workbook(ENCRYPTED, name="填报.xlsx").problems
        assert str(problem) == f"This workbook (填报.xlsx) is {PASSWORD_EN}"
        (tidy,) = read_xlsx(ENCRYPTED, "values.xlsx").conflicts
        assert "values.xlsx" in str(tidy)
        assert PASSWORD_EN in str(tidy)
        ledger = ledger_import(actor=ctx["root"], content=ENCRYPTED, dry_run=True)
        assert PASSWORD_EN in str(ledger.problems[0])
        url = f"/collection/submissions/{ctx['kangding'].pk}/upload/"
        response = ctx["client"].post(url, {"file": SimpleUploadedFile("填报.xlsx", ENCRYPTED)})
    assert response.status_code == 422
    assert "password" in response.content.decode() or "密码" in response.content.decode()
    assert not DataValue.objects.filter(year=2026).exists()
