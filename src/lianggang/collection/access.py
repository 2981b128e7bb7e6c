"""The access checks of the collection: every read and write of submissions goes through here.

Outside a user's scope an object does not exist (NotFound); inside it, an action the role does
not allow is Forbidden.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from lianggang.accounts.models import Role
from lianggang.accounts.selectors import Scope, user_scope
from lianggang.orgunits.selectors import in_subtree

from .errors import Forbidden, NotFound
from .models import DataValue, DataValueAudit, Notification, PendingImport, Submission


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    SUBMIT = "submit"
    REVIEW = "review"  # approve or return
    REOPEN = "reopen"
    MANAGE_ROUNDS = "manage_rounds"


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.COMMITTEE_OFFICER: frozenset(
        {Action.VIEW, Action.REVIEW, Action.REOPEN, Action.MANAGE_ROUNDS}
    ),
    Role.COUNTY_OFFICER: frozenset({Action.VIEW, Action.REVIEW, Action.REOPEN}),
    Role.CLERK: frozenset({Action.VIEW, Action.EDIT, Action.SUBMIT}),
    Role.VIEWER: frozenset(),
}


def role_allows(scope: Scope, action: Action) -> bool:
    return scope.role is not None and action in ROLE_ACTIONS.get(scope.role, frozenset())


def submissions_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Submission]:
    """The submissions a user may see: in the org-unit subtree and of the departments in scope."""
    scope = user_scope(user)
    if scope.empty or not role_allows(scope, Action.VIEW):
        return Submission.objects.none()
    qs = Submission.objects.all()
    if not scope.superuser:
        qs = qs.filter(in_subtree(scope.orgunit_path, via="orgunit"))
        if scope.department_ids is not None:
            qs = qs.filter(Q(data_set__department_id__in=scope.department_ids))
    return qs


def access_submission(
    user: AbstractBaseUser | AnonymousUser, submission_id: int, action: Action
) -> Submission:
    """Return the submission if the user may do the action on it; else NotFound or Forbidden."""
    submission = (
        submissions_visible_to(user)
        .select_related("round", "data_set__department", "orgunit")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise NotFound
    if not role_allows(user_scope(user), action):
        raise Forbidden
    return submission


def access_rounds(user: AbstractBaseUser | AnonymousUser) -> None:
    """Raise Forbidden unless the user may open and close rounds."""
    if not role_allows(user_scope(user), Action.MANAGE_ROUNDS):
        raise Forbidden


def data_values_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[DataValue]:
    """The reported values (any state) of the submissions the user may see."""
    return DataValue.objects.filter(submission__in=submissions_visible_to(user))


def audit_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[DataValueAudit]:
    """The changes of the values of the submissions the user may see."""
    return DataValueAudit.objects.filter(submission__in=submissions_visible_to(user))


def notifications_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Notification]:
    """The user's own notifications (none for an anonymous or disabled user)."""
    if not user.is_authenticated or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def access_pending_import(user: AbstractBaseUser | AnonymousUser, pending_id: int) -> PendingImport:
    """An upload waiting for its confirmation: only the user who uploaded it sees it."""
    pending = None
    if user.is_authenticated and user.is_active:
        pending = PendingImport.objects.filter(pk=pending_id, user_id=user.pk).first()
    if pending is None:
        raise NotFound
    return pending
