"""Users with a role and a scope, as the tests need them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from lianggang.accounts.models import Membership
from lianggang.orgunits.models import Department, OrgUnit

PASSWORD = "a-long-test-password"


def member(
    username: str, role: str | None, orgunit: str | None, departments: list[str] | None = None
) -> Any:
    """A user with a membership: ``departments`` None means all of them, [] none.

    With ``role`` None the user has no membership at all (an empty scope).
    """
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    if role is not None:
        assert orgunit is not None
        m = Membership.objects.create(
            user=user,
            role=role,
            orgunit=OrgUnit.objects.get(code=orgunit),
            all_departments=departments is None,
        )
        m.departments.set(Department.objects.filter(code__in=departments or []))
    return user


def ledger_people() -> dict[str, Any]:
    """The ledger's cast: federation officers at the prefecture and two counties, two case
    workers, a leader and a department clerk of Kangding."""
    from lianggang.accounts.models import Role

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


def kangding_case(*, worker: Any, supervisor: Any, name: str, phone: str) -> Any:
    """A domestic-violence case of Kangding opened by ``worker``, with canary personal data."""
    import datetime as dt

    from lianggang.ledger.models import CaseKind, Channel, RightsCase
    from lianggang.ledger.services import rights_case_open

    return rights_case_open(
        actor=worker,
        case=RightsCase(
            orgunit=OrgUnit.objects.get(code="513301"),
            received_on=dt.date(2024, 3, 5),
            channel=Channel.HOTLINE,
            kind=CaseKind.DOMESTIC_VIOLENCE,
            applicant_name=name,
            applicant_phone=phone,
            applicant_id_number="513321199001010012",
            applicant_address="CANARY-村",
            narrative="CANARY-narrative",
            supervisor=supervisor,
        ),
    )
