"""The review queue: approving or returning many submissions at once, and reminding the clerks
of those not yet submitted (催报).

A batch goes through the single-submission services one submission at a time, each in its own
transaction with its own checks: one refusal never undoes another's approval, and every refusal
keeps its error's message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lianggang.accounts.models import Membership, Role
from lianggang.accounts.selectors import user_scope
from lianggang.orgunits.selectors import path_within

from .access import Action, access_submission, role_allows, submissions_visible_to
from .errors import CollectionError, ErrorCode, Forbidden
from .models import Notification, NotificationKind, Round, RoundState, Submission, SubmissionState
from .services import (
    EDITABLE,
    SubmissionBlocked,
    approvals_refreshed_once,
    submission_approve,
    submission_return,
    submission_review,
)

logger = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


# Batch approval and return ----------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What became of one submission of a batch: done, or refused with the error."""

    submission_id: int
    submission: Submission | None  # None: not found in the actor's scope
    error: CollectionError | None = None

    @property
    def done(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str:
        """The refusal's message; for blocking findings, the findings' own messages too."""
        if self.error is None:
            return ""
        if isinstance(self.error, SubmissionBlocked) and self.error.errors:
            n = len(self.error.errors)
            return ngettext(
                "Its checks find an error: %(findings)s",
                "Its checks find %(n)d errors: %(findings)s",
                n,
            ) % {"n": n, "findings": "; ".join(f.text for f in self.error.errors)}
        return str(self.error)


@dataclass
class BatchResult:
    action: str  # "approve" or "return"
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def done(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.done]

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.done]


def submissions_batch_approve(*, actor: User, submission_ids: Iterable[int]) -> BatchResult:
    """Approve each submission in its own transaction, through ``submission_approve``.

    Approving in a batch is approving without opening each page, so a submission whose checks
    now find an error (a rule added, or values changed, since it was submitted) is refused with
    the findings' messages; it can still be opened and decided on its own page.
    """
    _require_review(actor)

    def approve(submission_id: int) -> Submission:
        with transaction.atomic():
            submission = _reviewable(actor, submission_id)
            if submission.state == SubmissionState.SUBMITTED:
                errors = submission_review(submission).errors
                if errors:
                    raise SubmissionBlocked(errors, [])
            return submission_approve(actor=actor, submission_id=submission_id)

    return _batch(actor, "approve", submission_ids, approve)


def submissions_batch_return(
    *, actor: User, submission_ids: Iterable[int], reason: str
) -> BatchResult:
    """Return each submission with the same reason, each in its own transaction, through
    ``submission_return``. Without a reason nothing is returned."""
    _require_review(actor)
    if not reason.strip():
        raise CollectionError(ErrorCode.REASON_REQUIRED)

    def return_one(submission_id: int) -> Submission:
        with transaction.atomic():
            _reviewable(actor, submission_id)
            return submission_return(actor=actor, submission_id=submission_id, reason=reason)

    return _batch(actor, "return", submission_ids, return_one)


def _require_review(actor: User) -> None:
    if not role_allows(user_scope(actor), Action.REVIEW):
        raise Forbidden


def _reviewable(actor: User, submission_id: int) -> Submission:
    """The submission, if the actor may review it and its round is open (a closed round's
    page is read-only)."""
    submission = access_submission(actor, submission_id, Action.REVIEW)
    if submission.round.state != RoundState.OPEN:
        raise CollectionError(ErrorCode.ROUND_NOT_OPEN, year=submission.round.year)
    return submission


def _batch(
    actor: User, action: str, submission_ids: Iterable[int], one: Callable[[int], Submission]
) -> BatchResult:
    ids = list(dict.fromkeys(submission_ids))  # each once, in the order given
    visible = {
        s.pk: s
        for s in submissions_visible_to(actor)
        .filter(pk__in=ids)
        .select_related("round", "data_set__department", "orgunit")
    }
    result = BatchResult(action=action)
    with approvals_refreshed_once():
        for pk in ids:
            try:
                done = one(pk)
            except CollectionError as exc:
                result.outcomes.append(Outcome(pk, visible.get(pk), exc))
            else:
                result.outcomes.append(Outcome(pk, visible.get(pk, done)))
    return result


# Reminders (催报) ----------------------------------------------------------------------------


@dataclass
class ReminderResult:
    """What a reminder did: the submissions reminded now and the clerks told of them."""

    reminded: list[Submission] = field(default_factory=list)
    clerks: int = 0
    emailed: int = 0
    email_failed: int = 0
    already_today: list[Submission] = field(default_factory=list)
    without_clerk: list[Submission] = field(default_factory=list)


def mail_configured() -> bool:
    """Whether reminders also go by e-mail: a mail server is named (``EMAIL_HOST``), or a
    backend other than SMTP is set (a file or console backend; the tests' memory one)."""
    if settings.EMAIL_BACKEND != SMTP_BACKEND:
        return True
    return bool(settings.EMAIL_HOST)


def submissions_remind(
    *, actor: User, round_id: int, link: str = "", today: dt.date | None = None
) -> ReminderResult:
    """Remind the clerks of every submission of the round not yet submitted (draft or
    returned; after the deadline, the late ones), in the actor's scope.

    Each clerk whose scope covers a submission gets a notification for it, and when mail is
    configured one e-mail listing all of theirs. A submission reminded earlier the same day is
    not reminded again; one without any clerk is reported as such.
    """
    _require_review(actor)
    today = today or timezone.localdate()
    with transaction.atomic():
        # Locks the round so that two officers pressing the button together remind once.
        rnd = Round.objects.select_for_update().get(pk=round_id)
        if rnd.state != RoundState.OPEN:
            raise CollectionError(ErrorCode.ROUND_NOT_OPEN, year=rnd.year)
        pending = list(
            submissions_visible_to(actor)
            .filter(round=rnd, state__in=EDITABLE)
            .select_related("round", "data_set__department", "orgunit")
            .order_by("orgunit__path", "data_set__code")
        )
        start_of_day = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        reminded_today = set(
            Notification.objects.filter(
                kind=NotificationKind.REMINDED,
                submission__in=pending,
                created_at__gte=start_of_day,
            ).values_list("submission_id", flat=True)
        )
        clerks = _clerk_memberships()
        result = ReminderResult()
        todo: dict[int, list[Submission]] = {}
        notes = []
        for submission in pending:
            if submission.pk in reminded_today:
                result.already_today.append(submission)
                continue
            recipients = [m.user for m in clerks if _covers(m, submission)]
            if not recipients:
                result.without_clerk.append(submission)
                continue
            result.reminded.append(submission)
            for user in recipients:
                todo.setdefault(user.pk, []).append(submission)
                notes.append(
                    Notification(
                        recipient=user,
                        kind=NotificationKind.REMINDED,
                        submission=submission,
                        actor=actor,
                    )
                )
        Notification.objects.bulk_create(notes)
    result.clerks = len(todo)
    if todo and mail_configured():
        users = {m.user.pk: m.user for m in clerks}
        result.emailed, result.email_failed = _send_reminders(
            actor, rnd, {users[pk]: subs for pk, subs in todo.items()}, link
        )
    return result


def _clerk_memberships() -> list[Membership]:
    return list(
        Membership.objects.filter(role=Role.CLERK, user__is_active=True)
        .select_related("user", "orgunit")
        .prefetch_related("departments")
        .order_by("user_id")
    )


def _covers(membership: Membership, submission: Submission) -> bool:
    """Whether the clerk's scope holds the submission (as ``services._notify`` decides)."""
    if not path_within(submission.orgunit.path, membership.orgunit.path):
        return False
    return membership.all_departments or any(
        d.pk == submission.data_set.department_id for d in membership.departments.all()
    )


def _send_reminders(
    actor: User, rnd: Round, todo: dict[User, list[Submission]], link: str
) -> tuple[int, int]:
    """One e-mail per clerk with an address, in the site's language: (sent, failed)."""
    sent = failed = 0
    connection = get_connection(fail_silently=False)
    with translation.override(settings.LANGUAGE_CODE):
        for user, submissions in todo.items():
            if not user.email:
                continue
            try:
                send_mail(
                    _("[Lianggang] Reminder: please submit the %(year)s data") % {"year": rnd.year},
                    _reminder_text(actor, rnd, user, submissions, link),
                    None,
                    [user.email],
                    connection=connection,
                )
            except OSError:  # smtplib's errors included: the notifications stand regardless
                logger.warning("reminder e-mail to %s failed", user.email, exc_info=True)
                failed += 1
            else:
                sent += 1
    return sent, failed


def _reminder_text(
    actor: User, rnd: Round, user: User, submissions: list[Submission], link: str
) -> str:
    deadline = rnd.closes_on.isoformat() if rnd.closes_on else "—"
    lines = [
        _("Hello %(name)s,") % {"name": user.get_full_name() or user.get_username()},
        "",
        _(
            "%(officer)s reminds you to complete and submit these submissions of the %(year)s "
            "round (deadline %(deadline)s):"
        )
        % {
            "officer": actor.get_full_name() or actor.get_username(),
            "year": rnd.year,
            "deadline": deadline,
        },
        "",
        *(f"- {s.orgunit.name} · {s.data_set.name} ({s.get_state_display()})" for s in submissions),
        "",
        _("Open them on the data collection page: %(link)s") % {"link": link}
        if link
        else _("Open them on the data collection page of Lianggang."),
    ]
    return "\n".join(lines) + "\n"
