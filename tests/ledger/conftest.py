from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lianggang.accounts.models import Role
from lianggang.ledger.models import CaseKind, Channel, RightsCase
from lianggang.ledger.services import rights_case_open
from lianggang.orgunits.models import OrgUnit
from tests.factories import member


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    return {
        "officer": member("fl_officer", Role.FEDERATION_OFFICER, "513300"),
        "kd_officer": member("kd_fl", Role.FEDERATION_OFFICER, "513301"),
        "ld_officer": member("ld_fl", Role.FEDERATION_OFFICER, "513322"),
        "worker": member("kd_worker", Role.CASE_WORKER, "513301"),
        "other_worker": member("kd_worker2", Role.CASE_WORKER, "513301"),
        "supervisor": member("fl_supervisor", Role.FEDERATION_OFFICER, "513300"),
        "leader": member("leader", Role.VIEWER, "513300"),
        "clerk": member("kd_clerk", Role.CLERK, "513301", ["health"]),
    }


@pytest.fixture
def case(people: dict[str, Any]) -> RightsCase:
    return rights_case_open(
        actor=people["worker"],
        case=RightsCase(
            orgunit=OrgUnit.objects.get(code="513301"),
            received_on=dt.date(2024, 3, 5),
            channel=Channel.HOTLINE,
            kind=CaseKind.DOMESTIC_VIOLENCE,
            applicant_name="CANARY-卓玛",
            applicant_phone="13800000001",
            applicant_id_number="513321199001010012",
            applicant_address="CANARY-村",
            narrative="CANARY-narrative",
            supervisor=people["supervisor"],
        ),
    )
