"""Reads of users' roles and scopes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from lianggang.orgunits.selectors import WHOLE_TREE, path_within

from .models import ApiToken, Membership, Role


@dataclass(frozen=True)
class Scope:
    """What a user may see: a role, the path of an org-unit subtree and a set of departments.

    An empty scope (no membership, inactive user) covers nothing; it never falls back to more.
    """

    role: str | None
    orgunit_path: str | None
    department_ids: frozenset[int] | None  # None: every department
    superuser: bool = False

    def covers_orgunit(self, path: str) -> bool:
        if self.superuser:
            return True
        return self.orgunit_path is not None and path_within(path, self.orgunit_path)

    def covers_department(self, department_id: int) -> bool:
        if self.superuser:
            return True
        if self.role is None:
            return False
        return self.department_ids is None or department_id in self.department_ids

    @property
    def empty(self) -> bool:
        return not self.superuser and self.role is None


EMPTY = Scope(role=None, orgunit_path=None, department_ids=frozenset())


# Within one request a user's scope is read once (a page asks several access checks); outside a
# request (services, the command line, tests) it is read afresh every time.
_request_scopes: ContextVar[dict[int, Scope] | None] = ContextVar("request_scopes", default=None)


@contextmanager
def scopes_read_once() -> Iterator[None]:
    """Remember users' scopes until the block ends (one request: web/middleware.py)."""
    token = _request_scopes.set({})
    try:
        yield
    finally:
        _request_scopes.reset(token)


def user_scope(user: AbstractBaseUser | AnonymousUser) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return EMPTY
    remembered = _request_scopes.get()
    if remembered is None:
        return _read_scope(user)
    scope = remembered.get(user.pk)
    if scope is None:
        scope = remembered[user.pk] = _read_scope(user)
    return scope


def _read_scope(user: AbstractBaseUser) -> Scope:
    if getattr(user, "is_superuser", False):
        return Scope(role=Role.ADMIN, orgunit_path=WHOLE_TREE, department_ids=None, superuser=True)
    membership = Membership.objects.filter(user_id=user.pk).select_related("orgunit").first()
    if membership is None:
        return EMPTY
    departments = (
        None
        if membership.all_departments
        else frozenset(membership.departments.values_list("pk", flat=True))
    )
    return Scope(
        role=membership.role,
        orgunit_path=membership.orgunit.path,
        department_ids=departments,
    )


def api_token_user(raw: str) -> Any:
    """The active user a live token belongs to, else None (unknown, revoked, expired, or its
    user disabled). Marks the token used."""
    from .services import token_digest

    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at=None)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_tokens_of(user: Any) -> Any:
    return ApiToken.objects.filter(user=user).order_by("-created_at")
