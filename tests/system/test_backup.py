"""The restore drill: back up, lose data, restore, and find every table as it was — on the
database the tests run on (SQLite or PostgreSQL). Also: a damaged or foreign backup is refused
before anything changes, and a dump of the database holds none of the ledger's personal data.

These tests commit (the backup tools read committed data from their own connection), so they
run in the transactional pass with the browser tests (``-m "e2e or system"``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import subprocess
import tarfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import translation

from lianggang.backup import (
    BackupError,
    backup,
    pg_connection_args,
    restore,
    table_rows,
    tool_path,
)
from lianggang.cli import run
from lianggang.collection.models import DataValue, DataValueAudit, Submission
from lianggang.collection.services import Entry, datavalues_save, round_open
from lianggang.dbguard import maintenance
from lianggang.ledger.models import AidProgramme, AidRecord
from lianggang.ledger.services import rights_case_reveal
from lianggang.orgunits.models import OrgUnit
from tests.factories import kangding_case, ledger_people

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

CANARIES = ("CANARY-卓玛", "13800000077", "CANARY-村", "CANARY-narrative", "CANARY-拉姆")


def _fingerprint() -> dict[str, str]:
    """Every table's rows, as a digest each (row order set aside)."""
    out: dict[str, str] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(
                repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in r))
                for r in cursor.fetchall()
            )
            out[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


def _world() -> dict[str, Any]:
    """A round with values and their audit, a rights case and an aid record with canaries."""
    root = get_user_model().objects.create_superuser("opener", "", "x-long-pw-1")
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2027, 4, 30))
    sub = Submission.objects.get(round=rnd, data_set__code="annual-health", orgunit__code="513301")
    datavalues_save(actor=root, submission_id=sub.pk, entries=[Entry("live_births", "total", 1480)])
    datavalues_save(actor=root, submission_id=sub.pk, entries=[Entry("live_births", "total", 1502)])
    people = ledger_people()
    case = kangding_case(
        worker=people["worker"],
        supervisor=people["supervisor"],
        name=CANARIES[0],
        phone=CANARIES[1],
    )
    rights_case_reveal(actor=people["worker"], case_id=case.pk, purpose="跟进")
    AidRecord.objects.create(
        orgunit=OrgUnit.objects.get(code="513301"),
        programme=AidProgramme.TWO_CANCERS,
        given_on=dt.date(2024, 5, 1),
        amount_yuan=Decimal(10_000),
        recipient_name=CANARIES[4],
        recipient_id_number="513321198001010020",
        handler=people["kd_officer"],
        supervisor=people["supervisor"],
    )
    return {"submission": sub, "people": people, "case": case}


def _lose_data() -> None:
    """What a bad day does: a value overwritten, audit rows and a user gone, a stray user."""
    DataValue.objects.filter(element__code="live_births", year=2026).update(value=1)
    with maintenance():
        DataValueAudit.objects.filter(year=2026).delete()
    get_user_model().objects.create_user("intruder", password="x-long-pw-9")


def test_the_restore_drill(tmp_path: Path) -> None:
    _world()
    before = _fingerprint()
    rows = table_rows()
    path = tmp_path / "backup.tar"
    out, err = io.StringIO(), io.StringIO()
    assert run(["backup", str(path)], out, err) == 0, err.getvalue()
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only
    _lose_data()
    assert _fingerprint() != before
    out, err = io.StringIO(), io.StringIO()
    assert run(["restore", str(path)], out, err) == 2  # without --yes: shown, not applied
    assert _fingerprint() != before
    out, err = io.StringIO(), io.StringIO()
    assert run(["restore", str(path), "--yes"], out, err) == 0, err.getvalue()
    assert err.getvalue() == ""  # every table has the rows the manifest says
    assert _fingerprint() == before
    assert table_rows() == rows
    # The restored database works: its audit still refuses changes, the app writes again.
    assert DataValue.objects.get(element__code="live_births", year=2026).value == 1502
    with pytest.raises(Exception):  # noqa: B017,PT011 - the database's own refusal
        DataValueAudit.objects.filter(year=2026).delete()


def test_a_damaged_or_foreign_backup_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    _world()
    path = tmp_path / "backup.tar"
    backup(path)
    before = _fingerprint()

    def rewrite(name: str, change: Any) -> Path:
        target = tmp_path / name
        with tarfile.open(path) as src, tarfile.open(target, "w") as dst:
            for member in src.getmembers():
                data = src.extractfile(member)
                assert data is not None
                content = change(member.name, data.read())
                member.size = len(content)
                dst.addfile(member, io.BytesIO(content))
        return target

    def flip(name: str, content: bytes) -> bytes:
        if name == "manifest.json":
            return content
        middle = len(content) // 2
        return content[:middle] + bytes([content[middle] ^ 0xFF]) + content[middle + 1 :]

    def other_vendor(name: str, content: bytes) -> bytes:
        if name != "manifest.json":
            return content
        data = json.loads(content)
        data["vendor"] = "mysql"
        return json.dumps(data).encode()

    def newer(name: str, content: bytes) -> bytes:
        if name != "manifest.json":
            return content
        data = json.loads(content)
        data["migrations"].append(["collection", "9999_from_the_future"])
        return json.dumps(data).encode()

    not_a_backup = tmp_path / "notes.tar"
    not_a_backup.write_bytes(b"just some bytes")
    cases = {
        "damaged": (rewrite("damaged.tar", flip), "checksum"),
        "other database": (rewrite("other.tar", other_vendor), "mysql"),
        "newer version": (rewrite("newer.tar", newer), "9999_from_the_future"),
        "not a backup": (not_a_backup, "not a Lianggang backup"),
    }
    for case, (bad, said) in cases.items():
        with translation.override("en"), pytest.raises(BackupError, match=said):
            restore(bad)
        assert _fingerprint() == before, case


def _plain_dump() -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    args, env = pg_connection_args("default")
    done = subprocess.run(
        [tool_path("pg_dump"), "--format=plain", "--no-owner", *args],
        env=env,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("utf-8", "replace")


def test_a_database_dump_holds_none_of_the_canaries(tmp_path: Path) -> None:
    world = _world()
    dump = _plain_dump()
    assert "ledger_rightscase" in dump  # a real dump of the whole database
    for canary in CANARIES:
        assert canary not in dump, canary
    # …and neither does a backup, unpacked.
    path = tmp_path / "backup.tar"
    backup(path)
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            data = tar.extractfile(member)
            assert data is not None
            raw = data.read()
            for canary in CANARIES:
                assert canary.encode() not in raw, (member.name, canary)
    # The data are there all the same, for the people assigned.
    worker = world["people"]["worker"]
    case_id = world["case"].pk
    assert (
        rights_case_reveal(actor=worker, case_id=case_id, purpose="核对")["applicant_name"]
        == (CANARIES[0])
    )
