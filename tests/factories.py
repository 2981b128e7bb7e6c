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
