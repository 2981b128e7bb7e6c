"""Victims' and aid recipients' personal data: encrypted at rest, failing closed without the
key, readable only by the people assigned, every reading logged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from lianggang.ledger.access import ledger_records_visible_to, outside_reads_to_review
from lianggang.ledger.crypto import LedgerKeyError, mask
from lianggang.ledger.errors import ErrorCode, Forbidden, LedgerError, NotFound
from lianggang.ledger.models import (
    AidProgramme,
    AidRecord,
    PersonalDataRead,
    RightsCase,
    StepKind,
)
from lianggang.ledger.services import (
    aid_record_reveal,
    ledger_rekey,
    rights_case_reveal,
    rights_case_step,
)
from lianggang.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db


def _raw(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        return " ".join(str(v) for v in cursor.fetchone())


def test_personal_fields_are_unreadable_in_the_database(case: RightsCase) -> None:
    row = _raw("ledger_rightscase", case.pk)
    for canary in ("CANARY", "卓玛", "13800000001", "513321199001010012"):
        assert canary not in row
    assert row.count("f1:") == 5  # each personal field holds a tagged token
    worker = case.workers.first()
    assert worker is not None
    rights_case_step(
        actor=worker,
        case_id=case.pk,
        kind=StepKind.COUNSELLING,
        taken_on=dt.date(2024, 3, 6),
        note="CANARY-step",
    )
    assert "CANARY" not in _raw("ledger_casestep", case.steps.get().pk)


def test_the_assigned_read_it_and_every_reading_is_logged(
    case: RightsCase, people: dict[str, Any]
) -> None:
    data = rights_case_reveal(actor=people["worker"], case_id=case.pk, purpose="跟进回访")
    assert data["applicant_name"] == "CANARY-卓玛"
    assert data["narrative"] == "CANARY-narrative"
    sup = rights_case_reveal(actor=people["supervisor"], case_id=case.pk, purpose="督导检查")
    assert sup["applicant_phone"] == "13800000001"
    reads = list(PersonalDataRead.objects.filter(case=case).order_by("pk"))
    assert [(r.user, r.purpose) for r in reads] == [
        (people["worker"], "跟进回访"),
        (people["supervisor"], "督导检查"),
    ]


@pytest.mark.parametrize("who", ["other_worker", "kd_officer", "officer"])
def test_reading_outside_ones_assignment_needs_a_reason_and_is_flagged_to_the_supervisor(
    case: RightsCase, people: dict[str, Any], who: str
) -> None:
    reader, supervisor = people[who], people["supervisor"]
    for reason in ("", "   ", "太短了"):
        with pytest.raises(LedgerError) as caught:
            rights_case_reveal(actor=reader, case_id=case.pk, purpose="查看", reason=reason)
        assert caught.value.code == ErrorCode.REASON_REQUIRED
    assert not PersonalDataRead.objects.exists()
    reason = "原承办人休假，当事人来电求助需核实身份"
    data = rights_case_reveal(actor=reader, case_id=case.pk, purpose="接听来电", reason=reason)
    assert data["applicant_name"] == "CANARY-卓玛"
    read = PersonalDataRead.objects.get(case=case)
    assert (read.user, read.outside_assignment, read.reason) == (reader, True, reason)
    assert list(outside_reads_to_review(supervisor)) == [read]
    assert list(outside_reads_to_review(reader)) == []  # not the reader's to review
    # The case's own worker reads as before: no reason asked, nothing flagged.
    rights_case_reveal(actor=people["worker"], case_id=case.pk, purpose="跟进")
    assert list(outside_reads_to_review(supervisor)) == [read]


def test_a_leader_does_not_read_it_whatever_the_reason(
    case: RightsCase, people: dict[str, Any]
) -> None:
    with pytest.raises(Forbidden):
        rights_case_reveal(
            actor=people["leader"], case_id=case.pk, purpose="查看", reason="领导需要了解详细情况"
        )
    assert not PersonalDataRead.objects.exists()


def test_an_administrator_does_not_read_it(case: RightsCase, django_user_model: Any) -> None:
    admin = django_user_model.objects.create_superuser("root", "", "a-long-test-password")
    with pytest.raises(Forbidden):
        rights_case_reveal(
            actor=admin, case_id=case.pk, purpose="查看", reason="管理员例行检查数据"
        )


@pytest.mark.parametrize("who", ["ld_officer", "clerk"])
def test_outside_the_scope_the_case_does_not_exist(
    case: RightsCase, people: dict[str, Any], who: str
) -> None:
    with pytest.raises(NotFound):
        rights_case_reveal(actor=people[who], case_id=case.pk, purpose="查看")
    assert not ledger_records_visible_to(people[who], RightsCase).filter(pk=case.pk).exists()


def test_a_reading_needs_a_purpose(case: RightsCase, people: dict[str, Any]) -> None:
    with pytest.raises(LedgerError) as caught:
        rights_case_reveal(actor=people["worker"], case_id=case.pk, purpose="  ")
    assert caught.value.code == ErrorCode.PURPOSE_REQUIRED


def test_lists_do_not_decrypt(case: RightsCase, people: dict[str, Any], settings: Any) -> None:
    """A listing works without the key: it never reads the personal fields."""
    settings.LIANGGANG_LEDGER_KEYS = []
    listed = list(ledger_records_visible_to(people["kd_officer"], RightsCase).filter(pk=case.pk))
    assert [c.kind for c in listed] == ["domestic_violence"]
    with pytest.raises(LedgerKeyError):
        rights_case_reveal(actor=people["worker"], case_id=case.pk, purpose="跟进")


def test_a_wrong_key_fails_closed(case: RightsCase, people: dict[str, Any], settings: Any) -> None:
    settings.LIANGGANG_LEDGER_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(LedgerKeyError):
        rights_case_reveal(actor=people["worker"], case_id=case.pk, purpose="跟进")
    with pytest.raises(LedgerKeyError):
        RightsCase.objects.get(pk=case.pk)  # never ciphertext shown as data


def test_rekeying_retires_the_old_key(
    case: RightsCase, people: dict[str, Any], settings: Any
) -> None:
    old = settings.LIANGGANG_LEDGER_KEYS[0]
    new = Fernet.generate_key().decode()
    settings.LIANGGANG_LEDGER_KEYS = [new, old]
    before = _raw("ledger_rightscase", case.pk)
    assert ledger_rekey() >= 1
    assert _raw("ledger_rightscase", case.pk) != before
    settings.LIANGGANG_LEDGER_KEYS = [new]  # the old key is gone
    data = rights_case_reveal(actor=people["worker"], case_id=case.pk, purpose="跟进")
    assert data["applicant_name"] == "CANARY-卓玛"


def test_aid_recipients_are_protected_the_same_way(people: dict[str, Any]) -> None:
    aid = AidRecord.objects.create(
        orgunit=OrgUnit.objects.get(code="513301"),
        programme=AidProgramme.TWO_CANCERS,
        given_on=dt.date(2024, 5, 1),
        amount_yuan=Decimal(10_000),
        recipient_name="CANARY-拉姆",
        recipient_id_number="513321198001010020",
        handler=people["kd_officer"],
        supervisor=people["supervisor"],
    )
    assert "CANARY" not in _raw("ledger_aidrecord", aid.pk)
    data = aid_record_reveal(actor=people["kd_officer"], aid_id=aid.pk, purpose="核对发放")
    assert data["recipient_name"] == "CANARY-拉姆"
    with pytest.raises(LedgerError):  # not assigned: a reason first
        aid_record_reveal(actor=people["officer"], aid_id=aid.pk, purpose="查看")
    with pytest.raises(Forbidden):
        aid_record_reveal(actor=people["leader"], aid_id=aid.pk, purpose="查看", reason="x" * 20)
    with pytest.raises(NotFound):
        aid_record_reveal(actor=people["ld_officer"], aid_id=aid.pk, purpose="查看")
    assert PersonalDataRead.objects.filter(aid=aid).count() == 1


def test_masks() -> None:
    assert mask("扎西卓玛") == "扎***"
    assert mask("13812345678", 3, 4) == "138****5678"
    assert mask("王") == "王"
