"""Reads of users' roles and scopes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from lianggang.orgunits.models import Department, OrgUnit
from lianggang.orgunits.selectors import WHOLE_TREE, in_subtree, path_within

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


# ---- user administration ---------------------------------------------------------------------
# Administrators (a superuser, or a membership with the administrator role) manage users: a
# superuser all of them; an administrator's membership only the users whose membership lies in
# its subtree and departments, and it grants no more than it has. Superusers and users without a
# membership are a superuser's alone.


def may_manage_users(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user_scope(user).role == Role.ADMIN


def access_user_admin(user: AbstractBaseUser | AnonymousUser) -> Scope:
    """The administrator's scope; Forbidden for everyone else (the page's 403)."""
    from .errors import Forbidden

    scope = user_scope(user)
    if scope.role != Role.ADMIN:
        raise Forbidden
    return scope


def users_managed_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Any]:
    """The users an administrator may see and change (none for anyone else)."""
    User = get_user_model()
    scope = user_scope(user)
    if scope.role != Role.ADMIN:
        return User.objects.none()
    users = User.objects.all()
    if scope.superuser:
        return users
    users = users.filter(is_superuser=False).filter(
        in_subtree(scope.orgunit_path, via="membership__orgunit")
    )
    if scope.department_ids is not None:
        users = users.filter(membership__all_departments=False).exclude(
            membership__departments__in=Department.objects.exclude(pk__in=scope.department_ids)
        )
    return users


def access_managed_user(user: AbstractBaseUser | AnonymousUser, user_id: int) -> Any:
    """A user the administrator manages; Forbidden for a non-administrator, NotFound for a user
    outside the administrator's reach (as for one that does not exist)."""
    from .errors import NotFound

    access_user_admin(user)
    found = users_managed_by(user).filter(pk=user_id).first()
    if found is None:
        raise NotFound
    return found


def membership_of(user: Any) -> Membership | None:
    """A managed user's membership (with its unit and departments), or None."""
    return (
        Membership.objects.filter(user_id=user.pk)
        .select_related("orgunit")
        .prefetch_related("departments")
        .first()
    )


def orgunits_grantable_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[OrgUnit]:
    """The org units an administrator may give a membership at: the subtree of its scope."""
    scope = user_scope(user)
    if scope.role != Role.ADMIN:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(in_subtree(scope.orgunit_path)).order_by("path")


def departments_grantable_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Department]:
    scope = user_scope(user)
    if scope.role != Role.ADMIN:
        return Department.objects.none()
    departments = Department.objects.order_by("sort_order", "code")
    if scope.department_ids is not None:
        departments = departments.filter(pk__in=scope.department_ids)
    return departments


def may_grant(
    scope: Scope, *, orgunit: OrgUnit, departments: Iterable[Department], all_departments: bool
) -> bool:
    """Whether an administrator of ``scope`` may give such a membership: no more than its own."""
    if scope.superuser:
        return True
    if scope.role != Role.ADMIN or not scope.covers_orgunit(orgunit.path):
        return False
    if scope.department_ids is None:
        return True
    return not all_departments and all(d.pk in scope.department_ids for d in departments)


def user_history(user: Any) -> QuerySet[Any]:
    """The administrators' changes of a user (the admin site's and the user pages'), newest
    first."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    return (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(user)), object_id=str(user.pk)
        )
        .select_related("user")
        .order_by("-action_time")
    )
