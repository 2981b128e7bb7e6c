"""The access checks of the ledger: every read and write of its records goes through here.

- The records (activities, projects, sites, honours, families, the counts of cases and aid) and
  the summaries: the federation's officers, the committee's officers and leaders, in their
  org-unit subtree; rights cases also the case workers.
- Writing: the federation's officers (and case workers for cases), in their subtree.
- The personal data of a case or an aid record: only the people assigned to it (the case's
  workers and its supervisor; the aid record's handler and supervisor), each reading logged.
  Nobody else, whatever the role: an administrator manages accounts, not victims' files.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, Q, QuerySet

from lianggang.accounts.models import Role
from lianggang.accounts.selectors import Scope, user_scope
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import in_subtree

from .errors import ErrorCode, Forbidden, LedgerError, NotFound
from .models import (
    PERSONAL_FIELDS,
    AidRecord,
    Family,
    FamilyAward,
    PersonalDataRead,
    RightsCase,
)

User = AbstractBaseUser | AnonymousUser

READERS = frozenset(
    {Role.ADMIN, Role.FEDERATION_OFFICER, Role.COMMITTEE_OFFICER, Role.COUNTY_OFFICER, Role.VIEWER}
)
WRITERS = frozenset({Role.ADMIN, Role.FEDERATION_OFFICER})
CASE_WRITERS = frozenset({Role.ADMIN, Role.FEDERATION_OFFICER, Role.CASE_WORKER})


def _reads(scope: Scope, model: type[Model]) -> bool:
    if scope.role in READERS:
        return True
    return model is RightsCase and scope.role == Role.CASE_WORKER


def ledger_records_visible_to(
    user: User, model: type[Model], *, scope: Scope | None = None
) -> QuerySet[Any]:
    """The records of a ledger model a user may see, their personal data left unread.
    ``scope``: the user's, when the caller has read it already."""
    scope = scope or user_scope(user)
    qs = model._default_manager.defer(*PERSONAL_FIELDS.get(model, ()))
    if scope.empty or not _reads(scope, model):
        return qs.none()
    if scope.superuser:
        return qs
    field = "family__orgunit" if model is FamilyAward else "orgunit"
    return qs.filter(in_subtree(scope.orgunit_path, via=field))


def ledger_may_use(user: User) -> bool:
    """Whether the ledger's pages are for this user at all."""
    scope = user_scope(user)
    return not scope.empty and (scope.role in READERS or scope.role == Role.CASE_WORKER)


def ledger_may_write(user: User, *, case: bool = False) -> bool:
    """Whether the user's role records the ledger's work (somewhere in their scope)."""
    scope = user_scope(user)
    return not scope.empty and scope.role in (CASE_WRITERS if case else WRITERS)


def ledger_may_read(user: User, orgunit: OrgUnit) -> bool:
    """Whether a user may read the ledger's records and summary of this unit."""
    scope = user_scope(user)
    return scope.role in READERS and scope.covers_orgunit(orgunit.path)


def access_ledger_write(user: User, orgunit: OrgUnit, *, case: bool = False) -> None:
    """Raise unless the user may record the ledger's work at this unit."""
    scope = user_scope(user)
    if scope.empty:
        raise Forbidden
    if scope.role not in (CASE_WRITERS if case else WRITERS):
        raise Forbidden
    if not scope.covers_orgunit(orgunit.path):
        raise LedgerError(ErrorCode.OUT_OF_SCOPE, orgunit=orgunit.name)


def personal_data_readable(user: User, record: RightsCase | AidRecord) -> bool:
    """Whether the user is assigned to the record (its workers or handler, its supervisor)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if isinstance(record, RightsCase):
        return record.supervisor_id == user.pk or record.workers.filter(pk=user.pk).exists()
    return user.pk in (record.handler_id, record.supervisor_id)


# Who may open a record's personal data without being assigned to it: with a stated reason,
# logged and shown to the record's supervisor. Never an administrator or a leader.
OUTSIDE_READERS = frozenset({Role.FEDERATION_OFFICER, Role.CASE_WORKER})
OUTSIDE_REASON_MIN = 10


def personal_data_readable_outside(user: User, record: RightsCase | AidRecord) -> bool:
    """Whether the user may open the record's personal data, not being assigned to it, by
    stating a reason (the record is in their scope: the caller got it from an access_*)."""
    if not user.is_authenticated or not user.is_active:
        return False
    scope = user_scope(user)
    return scope.role in OUTSIDE_READERS and scope.covers_orgunit(record.orgunit.path)


def outside_reads_to_review(user: User) -> QuerySet[PersonalDataRead]:
    """Readings outside the assignment of the records this user supervises, newest first."""
    if not user.is_authenticated or not user.is_active:
        return PersonalDataRead.objects.none()
    return (
        PersonalDataRead.objects.filter(outside_assignment=True)
        .filter(Q(case__supervisor=user.pk) | Q(aid__supervisor=user.pk))
        .select_related("user", "case", "aid")
        .order_by("-at", "-id")
    )


def access_rights_case(user: User, case_id: int) -> RightsCase:
    """The case if the user may see it at all (outside the scope it does not exist)."""
    case = ledger_records_visible_to(user, RightsCase).filter(pk=case_id).first()
    if case is None:
        raise NotFound
    return case


def access_aid_record(user: User, aid_id: int) -> AidRecord:
    aid = ledger_records_visible_to(user, AidRecord).filter(pk=aid_id).first()
    if aid is None:
        raise NotFound
    return aid


def assigned_among(user: User, model: type[Model], pks: list[int]) -> Any:
    """Those of the given cases or aid records that the user is assigned to (its workers or
    handler, its supervisor)."""
    if not user.is_authenticated or not user.is_active:
        return model._default_manager.none()
    mine = (
        Q(workers=user.pk) | Q(supervisor=user.pk)
        if model is RightsCase
        else Q(handler=user.pk) | Q(supervisor=user.pk)
    )
    return model._default_manager.filter(pk__in=pks).filter(mine).distinct()


def family_awards(user: User, family_id: int) -> Any:
    """The awards of a family the user may see (outside the scope it does not exist)."""
    family = ledger_records_visible_to(user, Family).filter(pk=family_id).first()
    if family is None:
        raise NotFound
    return family, {a.level: a for a in FamilyAward.objects.filter(family=family)}
