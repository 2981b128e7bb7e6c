"""Entering records: checked, scoped, and the 最美家庭 selection level by level."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from lianggang.ledger.errors import ErrorCode, Forbidden, LedgerError
from lianggang.ledger.models import (
    Activity,
    ActivityKind,
    CaseState,
    Decision,
    Family,
    Level,
    Project,
    RightsCase,
    StepKind,
)
from lianggang.ledger.services import (
    family_decide,
    family_nominate,
    family_recommend,
    ledger_record_create,
    rights_case_step,
)
from lianggang.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 4, 1)


def _activity(unit: str = "513301", **values: Any) -> Activity:
    fields = {
        "orgunit": OrgUnit.objects.get(code=unit),
        "kind": ActivityKind.LECTURE,
        "title": "巾帼宣讲",
        "held_on": DAY,
        "sessions": 1,
        "participants": 80,
        "women": 50,
    }
    return Activity(**{**fields, **values})


def test_a_record_is_entered_by_an_officer_in_scope(people: dict[str, Any]) -> None:
    saved = ledger_record_create(actor=people["kd_officer"], record=_activity())
    assert isinstance(saved, Activity)
    assert saved.pk
    assert saved.created_by == people["kd_officer"]
    with pytest.raises(LedgerError) as caught:
        ledger_record_create(actor=people["ld_officer"], record=_activity())
    assert caught.value.code == ErrorCode.OUT_OF_SCOPE
    for who in ("leader", "worker", "clerk"):
        with pytest.raises(Forbidden):
            ledger_record_create(actor=people[who], record=_activity())


def test_a_wrong_record_is_refused_with_the_field_named(people: dict[str, Any]) -> None:
    with pytest.raises(LedgerError) as caught:
        ledger_record_create(actor=people["kd_officer"], record=_activity(women=90))
    assert caught.value.code == ErrorCode.INVALID
    assert "activity_women_within_participants" in str(caught.value) or "妇女" in str(caught.value)
    with pytest.raises(LedgerError) as caught:
        ledger_record_create(
            actor=people["kd_officer"],
            record=Project(
                orgunit=OrgUnit.objects.get(code="513301"),
                name="项目",
                source="nowhere",
                amount_yuan=Decimal(-5),
                approved_on=DAY,
            ),
        )
    assert str(caught.value) == "资金来源：值 'nowhere' 不是有效选项；金额不能为负数"
    assert not Project.objects.filter(name="项目").exists()


def test_the_selection_goes_up_level_by_level(people: dict[str, Any]) -> None:
    officer = people["kd_officer"]
    award = family_nominate(
        actor=officer,
        family=Family(
            orgunit=OrgUnit.objects.get(code="513301"), name="扎西家庭", nominated_on=DAY
        ),
        recommended_on=DAY,
    )
    family_id = award.family_id
    with pytest.raises(LedgerError) as caught:
        family_recommend(
            actor=officer, family_id=family_id, level=Level.PREFECTURE, recommended_on=DAY
        )
    assert caught.value.code == ErrorCode.NOT_RECOMMENDED
    family_decide(
        actor=officer,
        award_id=award.pk,
        decision=Decision.SELECTED,
        decided_on=DAY + dt.timedelta(days=30),
    )
    with pytest.raises(LedgerError) as caught:
        family_decide(
            actor=officer, award_id=award.pk, decision=Decision.NOT_SELECTED, decided_on=DAY
        )
    assert caught.value.code == ErrorCode.ALREADY_DECIDED
    up = family_recommend(
        actor=officer,
        family_id=family_id,
        level=Level.PREFECTURE,
        recommended_on=DAY + dt.timedelta(days=31),
    )
    assert up.decision == Decision.PENDING
    with pytest.raises(LedgerError):  # decided before it was put to the level
        family_decide(actor=officer, award_id=up.pk, decision=Decision.SELECTED, decided_on=DAY)
    with pytest.raises(LedgerError) as caught:
        family_recommend(
            actor=officer, family_id=family_id, level=Level.NATIONAL, recommended_on=DAY
        )
    assert caught.value.code == ErrorCode.NOT_RECOMMENDED


def test_a_case_is_handled_step_by_step(case: RightsCase, people: dict[str, Any]) -> None:
    worker = people["worker"]
    rights_case_step(actor=worker, case_id=case.pk, kind=StepKind.PROTECTION_ORDER, taken_on=DAY)
    rights_case_step(actor=worker, case_id=case.pk, kind=StepKind.CLOSURE, taken_on=DAY)
    case = RightsCase.objects.only("state", "closed_on", "protection_order").get(pk=case.pk)
    assert (case.state, case.closed_on, case.protection_order) == (CaseState.CLOSED, DAY, True)
    with pytest.raises(LedgerError) as caught:
        rights_case_step(actor=worker, case_id=case.pk, kind=StepKind.COUNSELLING, taken_on=DAY)
    assert caught.value.code == ErrorCode.CASE_CLOSED
    with pytest.raises(Forbidden):  # not assigned
        rights_case_step(
            actor=people["other_worker"], case_id=case.pk, kind=StepKind.COUNSELLING, taken_on=DAY
        )
