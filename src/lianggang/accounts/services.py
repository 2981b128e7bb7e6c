"""Writes to accounts."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianggang.orgunits.models import Department, OrgUnit

from .models import ApiToken, Membership


@transaction.atomic
def admin_ensure(*, username: str, password: str | None) -> tuple[bool, str | None]:
    """Create the administrator if missing, or set the given password.

    Return (created, password set): a password is generated only when the account is created
    without one; an existing account keeps its password unless one is given.
    """
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        password = password or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        return True, password
    if password and not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
        return False, password
    return False, None


TOKEN_TAG = "lg"  # noqa: S105 (the tokens' visible tag, not a secret)


@transaction.atomic
def api_token_create(
    *, user: Any, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a personal API token for the user; return it with the token text (shown once)."""
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_TAG}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API",
        prefix=prefix,
        digest=token_digest(raw),
        expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: Any, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False when there is no such live token of theirs."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at=None).update(
            revoked_at=timezone.now()
        )
    )


def api_tokens_revoke_all(*, user: Any) -> int:
    """Revoke every live token of the user (their password changed); how many were."""
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


def token_digest(raw: str) -> str:
    """The stored form of a token: tokens are long random strings, so a plain hash suffices."""
    return hashlib.sha256(raw.encode()).hexdigest()


# ---- user administration ---------------------------------------------------------------------
# Users are never deleted (the audit points at them): they are deactivated and reactivated.
# Every change is written to the admin site's log (LogEntry) against the user, with each changed
# field's old and new value, as the admin site's audited changes are (adminaudit.py).

# A one-time password: letters and digits people do not confuse (no 0/O, 1/l/I).
PASSWORD_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"  # noqa: S105
PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class MembershipSpec:
    """A role at an org unit (with the units below it) for some departments, or all."""

    role: str
    orgunit: OrgUnit
    departments: tuple[Department, ...] = ()
    all_departments: bool = False


def one_time_password(user: Any = None) -> str:
    """A random password that passes the site's password rules; shown once to the administrator
    who hands it over."""
    while True:
        text = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        try:
            validate_password(text, user)
        except ValidationError:
            continue
        return text


def _log(actor: Any, user: Any, flag: int, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[user],
        action_flag=flag,
        change_message=message,
        single_object=True,
    )


def _shown_membership(membership: Membership | None) -> dict[str, str]:
    if membership is None:
        return {"role": "—", "orgunit": "—", "departments": "—"}
    if membership.all_departments:
        departments = str(_("all departments"))
    else:
        departments = "、".join(d.name for d in membership.departments.order_by("sort_order"))
    return {
        "role": str(membership.get_role_display()),
        "orgunit": membership.orgunit.name,
        "departments": departments or "—",
    }


def _check_grant(actor: Any, spec: MembershipSpec) -> None:
    from .errors import AccountsError, ErrorCode
    from .selectors import access_user_admin, may_grant

    scope = access_user_admin(actor)
    if not may_grant(
        scope,
        orgunit=spec.orgunit,
        departments=spec.departments,
        all_departments=spec.all_departments,
    ):
        raise AccountsError(ErrorCode.OUT_OF_SCOPE, what=spec.orgunit.name)


def _membership_save(user: Any, spec: MembershipSpec) -> Membership:
    membership, _created = Membership.objects.update_or_create(
        user=user,
        defaults={
            "role": spec.role,
            "orgunit": spec.orgunit,
            "all_departments": spec.all_departments,
        },
    )
    membership.departments.set([] if spec.all_departments else list(spec.departments))
    return membership


@transaction.atomic
def user_create(*, actor: Any, username: str, name: str, spec: MembershipSpec) -> tuple[Any, str]:
    """Create an active user with a membership and a one-time password; return both (the
    password is shown once and kept nowhere)."""
    from .errors import AccountsError, ErrorCode

    _check_grant(actor, spec)
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise AccountsError(ErrorCode.USERNAME_TAKEN, username=username)
    user = User(username=username, first_name=name)
    password = one_time_password(user)
    user.set_password(password)
    user.save()
    membership = _membership_save(user, spec)
    shown = _shown_membership(membership)
    _log(
        actor,
        user,
        ADDITION,
        _("Created with a one-time password: %(role)s, %(orgunit)s, %(departments)s") % shown,
    )
    return user, password


def _locked_target(actor: Any, user_id: int) -> Any:
    """The managed user, row-locked for the change; the actor's own account is refused."""
    from .errors import AccountsError, ErrorCode
    from .selectors import access_managed_user

    user = access_managed_user(actor, user_id)
    if user.pk == actor.pk:
        raise AccountsError(ErrorCode.SELF)
    return get_user_model().objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def user_update(*, actor: Any, user_id: int, name: str, spec: MembershipSpec) -> list[str]:
    """Change a user's name and membership; return what changed (also logged), [] for nothing."""
    from .selectors import membership_of

    user = _locked_target(actor, user_id)
    _check_grant(actor, spec)
    before = _shown_membership(membership_of(user))
    parts = []
    if user.first_name != name:
        parts.append(f"{_('name')}: {user.first_name or '—'} → {name or '—'}")
        user.first_name = name
        user.save(update_fields=["first_name"])
    after = _shown_membership(_membership_save(user, spec))
    labels = {"role": _("role"), "orgunit": _("org unit"), "departments": _("departments")}
    parts += [f"{labels[k]}: {before[k]} → {after[k]}" for k in labels if before[k] != after[k]]
    if parts:
        _log(actor, user, CHANGE, "; ".join(parts))
    return parts


@transaction.atomic
def user_set_active(*, actor: Any, user_id: int, active: bool) -> bool:
    """Deactivate (every way in ends at the next request) or reactivate a user; False when it
    already was so."""
    user = _locked_target(actor, user_id)
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    yes, no = _("yes"), _("no")
    _log(
        actor,
        user,
        CHANGE,
        f"{_('active')}: {no if active else yes} → {yes if active else no}",
    )
    return True


@transaction.atomic
def user_password_reset(*, actor: Any, user_id: int) -> tuple[Any, str]:
    """Give a user a new one-time password (their sessions end and their API tokens are
    revoked); return the user and the password, shown once."""
    user = _locked_target(actor, user_id)
    password = one_time_password(user)
    user.set_password(password)
    user.save()
    _log(actor, user, CHANGE, _("One-time password set by an administrator"))
    return user, password


@dataclass(frozen=True)
class NewUser:
    name: str
    username: str
    spec: MembershipSpec


@transaction.atomic
def users_create_many(*, actor: Any, rows: list[NewUser]) -> list[tuple[Any, str]]:
    """Create all the users or none (an import); each with its one-time password."""
    return [user_create(actor=actor, username=r.username, name=r.name, spec=r.spec) for r in rows]
