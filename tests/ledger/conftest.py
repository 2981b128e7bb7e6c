from __future__ import annotations

from typing import Any

import pytest

from lianggang.ledger.models import RightsCase
from tests.factories import kangding_case, ledger_people


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    return ledger_people()


@pytest.fixture
def case(people: dict[str, Any]) -> RightsCase:
    return kangding_case(
        worker=people["worker"],
        supervisor=people["supervisor"],
        name="CANARY-卓玛",
        phone="13800000001",
    )
