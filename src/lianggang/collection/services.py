"""Writes of the collection: each workflow step is one atomic service.

Every service takes the acting user, checks access (``access.py``), locks what it changes,
validates, saves, writes the audit, and defers side effects (analytics refresh) to on_commit.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianggang.accounts.models import Membership, Role
from lianggang.accounts.selectors import user_scope
from lianggang.framework.models import (
    Aggregation,
    DataElement,
    DisaggregationOption,
    Indicator,
    Kind,
)
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import path_within

from .access import (
    Action,
    access_rounds,
    access_submission,
    role_allows,
    submissions_visible_to,
)
from .bulk import insert_values, update_rows
from .errors import CollectionError, ErrorCode, Forbidden, NotFound
from .models import (
    Channel,
    DataSet,
    DataValue,
    DataValueAudit,
    Notification,
    NotificationKind,
    Round,
    RoundState,
    Severity,
    Submission,
    SubmissionEvent,
    SubmissionState,
    ValidationNote,
    ValidationRule,
)
from .selectors import elements_for_year
from .validation import Cell, Finding, validate_many, validate_submission

EDITABLE = (SubmissionState.DRAFT, SubmissionState.RETURNED)

# Called on commit with the ids of submissions whose approval changed (approved or reopened);
# the analytics app registers its refresh here, so that collection never imports analytics.
approval_listeners: list[Callable[[list[int]], object]] = []


# Within ``approvals_refreshed_once`` the approvals' ids wait here, refreshed together at its end.
_refresh_later: ContextVar[list[int] | None] = ContextVar("refresh_later", default=None)


def _notify_approval_changed(submission_ids: list[int]) -> None:
    later = _refresh_later.get()

    def run() -> None:
        if later is not None:
            later.extend(submission_ids)
            return
        for listener in approval_listeners:
            listener(submission_ids)

    # robust: a failed refresh is logged, never turned into an error page for an approval that
    # has committed; the next refresh or `lianggang analytics rebuild` catches up.
    transaction.on_commit(run, robust=True)


@contextmanager
def approvals_refreshed_once() -> Iterator[None]:
    """Refresh the figures once, at the end, for every approval committed within the block (a
    batch of approvals, each in its own transaction) rather than once per approval."""
    later: list[int] = []
    token = _refresh_later.set(later)

    def run() -> None:
        if later:
            for listener in approval_listeners:
                listener(list(later))

    try:
        yield
    finally:
        _refresh_later.reset(token)
        # On commit too: inside an outer transaction the approvals' own callbacks (which fill
        # ``later``) run at its commit, before this one.
        transaction.on_commit(run, robust=True)


# Rounds ---------------------------------------------------------------------------------------


@transaction.atomic
def round_open(
    *, actor: User, year: int, closes_on: dt.date, opens_on: dt.date | None = None
) -> Round:
    """Open the round of a data year and create a submission for each data set × reporting unit."""
    access_rounds(actor)
    if Round.objects.filter(year=year).exists():
        raise CollectionError(ErrorCode.ROUND_EXISTS, year=year)
    rnd = Round.objects.create(
        year=year,
        state=RoundState.OPEN,
        opens_on=opens_on or timezone.localdate(),
        closes_on=closes_on,
        opened_at=timezone.now(),
        opened_by=actor,
    )
    units = list(OrgUnit.objects.filter(aggregated=True))
    # A data set the year asks nothing of (its elements only outlines of other periods use)
    # gets no submissions: a clerk is never handed an empty form.
    Submission.objects.bulk_create(
        Submission(round=rnd, data_set=ds, orgunit=unit)
        for ds in DataSet.objects.order_by("code")
        if elements_for_year(ds, year).exists()
        for unit in units
        if unit.level in (ds.levels or [])
    )
    return rnd


@transaction.atomic
def round_close(*, actor: User, round_id: int) -> Round:
    access_rounds(actor)
    rnd = Round.objects.select_for_update().get(pk=round_id)
    if rnd.state != RoundState.OPEN:
        raise CollectionError(ErrorCode.ROUND_NOT_OPEN, year=rnd.year)
    rnd.state = RoundState.CLOSED
    rnd.closed_at = timezone.now()
    rnd.closed_by = actor
    rnd.save(update_fields=["state", "closed_at", "closed_by"])
    return rnd


@transaction.atomic
def round_reopen(*, actor: User, round_id: int) -> Round:
    """Open a closed round again (a late correction); its submissions keep their states."""
    access_rounds(actor)
    rnd = Round.objects.select_for_update().get(pk=round_id)
    if rnd.state != RoundState.CLOSED:
        raise CollectionError(ErrorCode.ROUND_NOT_CLOSED, year=rnd.year)
    rnd.state = RoundState.OPEN
    rnd.closed_at = None
    rnd.closed_by = None
    rnd.save(update_fields=["state", "closed_at", "closed_by"])
    return rnd


# Values ---------------------------------------------------------------------------------------

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")


def parse_number(text: Any) -> float | None:
    """Read what officers type: "1,234", "12.5%", full-width digits, spaces; "" is not reported.

    >>> parse_number(" １，２３４ "), parse_number("12.5%"), parse_number(""), parse_number(0)
    (1234.0, 12.5, None, 0.0)
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, int | float):
        if not math.isfinite(text):
            raise ValueError(text)
        return float(text)
    s = unicodedata.normalize("NFKC", str(text)).translate(_FULLWIDTH).strip()
    s = s.replace(",", "").replace(" ", "").removesuffix("%")
    if s in ("", "-", "—"):
        return None
    value = float(s)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


@dataclass(frozen=True)
class Entry:
    """One cell to save: a value (None: not reported) and a comment.

    ``expected_version`` is the version the user saw (0: the cell was empty); when the stored
    version differs, the save is refused as a conflict rather than overwriting a newer value.
    """

    element: str
    disaggregation: str
    value: Any
    comment: str = ""
    expected_version: int | None = None


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    findings: list[Finding] = field(default_factory=list)
    versions: dict[Cell, int] = field(default_factory=dict)


def check_value(text: Any, element: DataElement) -> float | None:
    """The one check of a value typed or read for ``element``: the grid's, every import's and
    the API's. None: no value; CollectionError with its code otherwise."""
    try:
        value = parse_number(text)
    except ValueError:
        raise CollectionError(
            ErrorCode.NOT_A_NUMBER, element=element.name, text=str(text)
        ) from None
    if value is None:
        return None
    shown = str(text).strip()  # as the person typed it: "-1", not "-1.0"
    if element.integer and value < 0:
        raise CollectionError(ErrorCode.NEGATIVE, element=element.name, value=shown)
    if element.integer and not float(value).is_integer():
        raise CollectionError(ErrorCode.NOT_WHOLE, element=element.name, value=shown)
    return value


@transaction.atomic
def datavalues_save(
    *,
    actor: User,
    submission_id: int,
    entries: Sequence[Entry],
    channel: str = Channel.GRID,
    reason: str = "",
) -> SaveResult:
    """Save cells of a submission in one transaction: all of them, or none on any error."""
    return datavalues_save_many(
        actor=actor, entries={submission_id: entries}, channel=channel, reason=reason
    )[submission_id]


@dataclass(slots=True)
class _NewValue:
    """A value to create, as cheap to make as a tuple (imports make tens of thousands)."""

    element_id: int
    orgunit_id: int
    year: int
    disaggregation: str
    value: float
    comment: str
    submission_id: int
    updated_by_id: int
    updated_at: Any
    version: int = 1
    pk: None = None
    updated_by: Any = None

    def row(self) -> dict[str, Any]:
        return {
            "element_id": self.element_id,
            "orgunit_id": self.orgunit_id,
            "year": self.year,
            "disaggregation": self.disaggregation,
            "value": self.value,
            "comment": self.comment,
            "version": self.version,
            "submission_id": self.submission_id,
            "updated_at": self.updated_at,
            "updated_by_id": self.updated_by_id,
        }


@transaction.atomic
def datavalues_save_many(
    *,
    actor: User,
    entries: Mapping[int, Sequence[Entry]],
    channel: str = Channel.GRID,
    reason: str = "",
) -> dict[int, SaveResult]:
    """Save cells of many submissions at once (an import): one transaction, bulk writes."""
    ids = sorted(entries)
    visible = set(submissions_visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    if len(visible) != len(ids):
        raise NotFound
    if not role_allows(user_scope(actor), Action.EDIT):
        raise Forbidden
    # Locks in primary-key order, so that two imports touching the same submissions never
    # wait on each other in opposite orders.
    submissions = list(
        Submission.objects.select_for_update(of=("self",))
        .select_related("round", "data_set")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    for sub in submissions:
        if sub.state not in EDITABLE:
            raise CollectionError(ErrorCode.LOCKED, state=sub.get_state_display())
        if sub.round.state != RoundState.OPEN:
            raise CollectionError(ErrorCode.ROUND_NOT_OPEN, year=sub.round.year)
    elements_of: dict[int, dict[str, DataElement]] = {}
    for link in DataSet.elements.through.objects.filter(
        dataset_id__in={s.data_set_id for s in submissions}
    ).select_related("dataelement"):
        elements_of.setdefault(link.dataset_id, {})[link.dataelement.code] = link.dataelement
    options_of: dict[str, set[str]] = {}
    for code, category in DisaggregationOption.objects.values_list("code", "category__code"):
        options_of.setdefault(category, set()).add(code)
    code_of = dict(
        DataElement.objects.filter(
            code__in={e.element for es in entries.values() for e in es}
        ).values_list("pk", "code")
    )
    # No joins: thousands of rows each made one instance, not three (the user who last
    # changed a value is read only for a conflict's message).
    existing: dict[tuple[int, int, str, str], DataValue | _NewValue] = {
        (v.orgunit_id, v.year, code_of[v.element_id], v.disaggregation): v
        for v in DataValue.objects.select_for_update(of=("self",))
        .filter(
            orgunit_id__in={s.orgunit_id for s in submissions},
            year__in={s.round.year for s in submissions},
            element_id__in=code_of,
        )
        .order_by("pk")
    }
    now = timezone.now()
    audits: list[dict[str, Any]] = []
    to_create: dict[tuple[int, int, str, str], _NewValue] = {}
    to_update: dict[tuple[int, int, str, str], DataValue] = {}
    to_delete: list[int] = []
    results: dict[int, SaveResult] = {}
    touched: dict[int, list[Cell]] = {}
    for sub in submissions:
        result = results[sub.pk] = SaveResult()
        elements = elements_of.get(sub.data_set_id, {})
        year = sub.round.year
        for entry in entries[sub.pk]:
            element = elements.get(entry.element)
            if element is None:
                raise CollectionError(
                    ErrorCode.UNKNOWN_ELEMENT, element=entry.element, data_set=sub.data_set.name
                )
            allowed = {o for c in (element.disaggregations or []) for o in options_of.get(c, ())}
            if entry.disaggregation != "total" and entry.disaggregation not in allowed:
                raise CollectionError(
                    ErrorCode.UNKNOWN_DISAGGREGATION,
                    element=element.name,
                    disaggregation=entry.disaggregation,
                )
            value = check_value(entry.value, element)
            cell = (entry.element, entry.disaggregation)
            key = (sub.orgunit_id, year, entry.element, entry.disaggregation)
            current = existing.get(key)
            if entry.expected_version is not None:
                stored = current.version if current else 0
                if stored != entry.expected_version:
                    raise CollectionError(
                        ErrorCode.CONFLICT,
                        element=element.name,
                        user=(current.updated_by if current and current.updated_by else "—"),
                        current="—" if current is None else current.value,
                        yours="—" if value is None else value,
                    )
            comment = entry.comment.strip()
            if current is None and value is None:
                result.unchanged += 1
                continue
            if current is not None and current.value == value and current.comment == comment:
                result.unchanged += 1
                result.versions[cell] = current.version
                continue
            audits.append(
                {
                    "element_id": element.pk,
                    "orgunit_id": sub.orgunit_id,
                    "year": year,
                    "disaggregation": entry.disaggregation,
                    "submission_id": sub.pk,
                    "old_value": current.value if current else None,
                    "new_value": value,
                    "old_comment": current.comment if current else "",
                    "new_comment": comment,
                    "actor_id": actor.pk,
                    "at": now,
                    "channel": channel,
                    "reason": reason,
                }
            )
            touched.setdefault(sub.pk, []).append(cell)
            if value is None:
                assert current is not None
                if isinstance(current, _NewValue):  # created earlier in this same call
                    del to_create[key]
                else:
                    to_delete.append(current.pk)
                    to_update.pop(key, None)
                existing.pop(key)
                result.deleted += 1
                result.versions[cell] = 0
            elif current is None:
                existing[key] = to_create[key] = _NewValue(
                    element_id=element.pk,
                    orgunit_id=sub.orgunit_id,
                    year=year,
                    disaggregation=entry.disaggregation,
                    value=value,
                    comment=comment,
                    submission_id=sub.pk,
                    updated_by_id=actor.pk,
                    updated_at=now,
                )
                result.created += 1
                result.versions[cell] = 1
            else:
                current.value = value
                current.comment = comment
                current.version += 1
                current.updated_by = actor
                current.updated_at = now
                if isinstance(current, DataValue):
                    to_update[key] = current
                result.updated += 1
                result.versions[cell] = current.version
    # Written in bulk: one statement per kind of change, whatever the number of cells.
    DataValue.objects.filter(pk__in=to_delete).delete()
    insert_values(DataValue, [v.row() for v in to_create.values()])
    update_rows(
        list(to_update.values()), ["value", "comment", "version", "updated_by", "updated_at"]
    )
    insert_values(DataValueAudit, audits)
    findings = validate_many([(s, touched[s.pk]) for s in submissions if s.pk in touched])
    for pk, found in findings.items():
        results[pk].findings = found
    return results


# Workflow -------------------------------------------------------------------------------------


def _notify(submission: Submission, kind: str, actor: User, reason: str, roles: set[str]) -> None:
    """Tell the users whose scope covers the submission and whose role is among ``roles``."""
    path = submission.orgunit.path
    department = submission.data_set.department_id
    recipients = set()
    for m in (
        Membership.objects.filter(role__in=roles, user__is_active=True)
        .select_related("orgunit")
        .prefetch_related("departments")
    ):
        if not path_within(path, m.orgunit.path) or m.user_id == actor.pk:
            continue
        if m.all_departments or any(d.pk == department for d in m.departments.all()):
            recipients.add(m.user_id)
    if (
        kind in (NotificationKind.RETURNED, NotificationKind.APPROVED)
        and submission.submitted_by_id
    ) and submission.submitted_by_id != actor.pk:
        recipients.add(submission.submitted_by_id)
    Notification.objects.bulk_create(
        Notification(recipient_id=uid, kind=kind, submission=submission, actor=actor, reason=reason)
        for uid in sorted(recipients)
    )


OFFICERS: set[str] = {Role.COMMITTEE_OFFICER, Role.COUNTY_OFFICER}
CLERKS: set[str] = {Role.CLERK}


def _transition(
    *,
    actor: User,
    submission_id: int,
    action: Action,
    allowed_from: Iterable[str],
    to_state: str,
    verb: Any,
    reason: str = "",
    reason_required: bool = False,
) -> Submission:
    submission = access_submission(actor, submission_id, action)
    submission = (
        Submission.objects.select_for_update()
        .select_related("round", "data_set")
        .get(pk=submission.pk)
    )
    if submission.state not in allowed_from:
        raise CollectionError(
            ErrorCode.BAD_TRANSITION, state=submission.get_state_display(), action=verb
        )
    if reason_required and not reason.strip():
        raise CollectionError(ErrorCode.REASON_REQUIRED)
    SubmissionEvent.objects.create(
        submission=submission,
        from_state=submission.state,
        to_state=to_state,
        actor=actor,
        reason=reason.strip(),
    )
    submission.state = to_state
    return submission


@dataclass
class Review:
    """All findings of a submission, and those that block its submission."""

    findings: list[Finding]
    errors: list[Finding]
    unexplained: list[Finding]


def submission_review(submission: Submission) -> Review:
    findings = validate_submission(submission)
    explained = set(submission.validation_notes.values_list("check_key", flat=True))
    return Review(
        findings=findings,
        errors=[f for f in findings if f.severity == Severity.ERROR],
        unexplained=[
            f for f in findings if f.severity == Severity.WARNING and f.key not in explained
        ],
    )


class SubmissionBlocked(CollectionError):
    def __init__(self, errors: list[Finding], warnings: list[Finding]) -> None:
        self.errors = errors
        self.warnings = warnings
        super().__init__(ErrorCode.VALIDATION_FAILED, errors=len(errors), warnings=len(warnings))


@transaction.atomic
def submission_submit(*, actor: User, submission_id: int) -> Submission:
    submission = _transition(
        actor=actor,
        submission_id=submission_id,
        action=Action.SUBMIT,
        allowed_from=EDITABLE,
        to_state=SubmissionState.SUBMITTED,
        verb=_("submit"),
    )
    if submission.round.state != RoundState.OPEN:
        raise CollectionError(ErrorCode.ROUND_NOT_OPEN, year=submission.round.year)
    review = submission_review(submission)
    if review.errors or review.unexplained:
        raise SubmissionBlocked(review.errors, review.unexplained)
    submission.submitted_at = timezone.now()
    submission.submitted_by = actor
    submission.save(update_fields=["state", "submitted_at", "submitted_by"])
    _notify(submission, NotificationKind.SUBMITTED, actor, "", OFFICERS)
    return submission


@transaction.atomic
def submission_approve(*, actor: User, submission_id: int) -> Submission:
    submission = _transition(
        actor=actor,
        submission_id=submission_id,
        action=Action.REVIEW,
        allowed_from=(SubmissionState.SUBMITTED,),
        to_state=SubmissionState.APPROVED,
        verb=_("approve"),
    )
    submission.approved_at = timezone.now()
    submission.approved_by = actor
    submission.save(update_fields=["state", "approved_at", "approved_by"])
    _notify(submission, NotificationKind.APPROVED, actor, "", set())
    _notify_approval_changed([submission.pk])
    return submission


@transaction.atomic
def submission_return(*, actor: User, submission_id: int, reason: str) -> Submission:
    submission = _transition(
        actor=actor,
        submission_id=submission_id,
        action=Action.REVIEW,
        allowed_from=(SubmissionState.SUBMITTED,),
        to_state=SubmissionState.RETURNED,
        verb=_("return"),
        reason=reason,
        reason_required=True,
    )
    submission.save(update_fields=["state"])
    _notify(submission, NotificationKind.RETURNED, actor, reason.strip(), CLERKS)
    return submission


@transaction.atomic
def submission_reopen(*, actor: User, submission_id: int, reason: str) -> Submission:
    """Unlock an approved submission; its values leave the official figures until re-approved."""
    submission = _transition(
        actor=actor,
        submission_id=submission_id,
        action=Action.REOPEN,
        allowed_from=(SubmissionState.APPROVED,),
        to_state=SubmissionState.RETURNED,
        verb=_("reopen"),
        reason=reason,
        reason_required=True,
    )
    submission.approved_at = None
    submission.approved_by = None
    submission.save(update_fields=["state", "approved_at", "approved_by"])
    _notify(submission, NotificationKind.REOPENED, actor, reason.strip(), CLERKS)
    _notify_approval_changed([submission.pk])
    return submission


@transaction.atomic
def validation_note_save(
    *, actor: User, submission_id: int, check_key: str, comment: str
) -> ValidationNote:
    submission = access_submission(actor, submission_id, Action.EDIT)
    if not comment.strip():
        raise CollectionError(ErrorCode.REASON_REQUIRED)
    note, _created = ValidationNote.objects.update_or_create(
        submission=submission,
        check_key=check_key,
        defaults={"comment": comment.strip(), "author": actor},
    )
    return note


# Set-up ---------------------------------------------------------------------------------------


def shipped_rules_path() -> Path:
    return Path(str(resources.files("lianggang") / "data" / "frameworks" / "validation.yaml"))


class RuleFileError(ValueError):
    """A validation rule file refused: each problem names the rule (nothing of it is loaded)."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__("\n".join(f"{path.name}: {p}" for p in self.problems))


_RULE_REQUIRED = ("left", "operator", "right", "severity", "message")


def _rule_file_problems(rules: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What is wrong with the rules read from a file: keys missing, values not allowed, and the
    expressions' syntax and names (``validation.rule_problems``, as on saving in the admin)."""
    from .models import MissingValues, Operator
    from .validation import known_elements, rule_problems

    choices_of: dict[str, Any] = {
        "operator": Operator,
        "severity": Severity,
        "missing": MissingValues,
    }
    known = known_elements()
    problems: list[str] = []
    for code, r in rules.items():
        for key in (k for k in _RULE_REQUIRED if k not in r):
            problems.append(str(_("%(rule)s: “%(key)s” is missing") % {"rule": code, "key": key}))
        for key, choices in choices_of.items():
            if key in r and str(r[key]) not in choices.values:
                problems.append(
                    str(
                        _("%(rule)s: “%(key)s”: “%(value)s” is not one of %(allowed)s")
                        % {
                            "rule": code,
                            "key": key,
                            "value": r[key],
                            "allowed": ", ".join(choices.values),
                        }
                    )
                )
        if "left" in r and "right" in r:
            rule = ValidationRule(code=code, left=str(r["left"]), right=str(r["right"]))
            problems.extend(message for _field, message in rule_problems(rule, known))
    return problems


@transaction.atomic
def validation_rules_load(*, path: Path | None = None) -> int:
    """Load the shipped rules and derive numerator ≤ denominator for every proportion.

    Every rule is checked first (its keys, values and expressions); a file with any problem is
    refused whole (``RuleFileError`` naming each rule and problem) and nothing is written.
    """
    path = path or shipped_rules_path()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules: dict[str, dict[str, Any]] = {r.pop("code"): r for r in data["rules"]}
    for ind in Indicator.objects.filter(kind=Kind.PROPORTION).select_related(
        "numerator", "denominator"
    ):
        assert ind.denominator is not None
        code = f"{ind.numerator.code}-le-{ind.denominator.code}"
        rules.setdefault(
            code,
            {
                "left": ind.numerator.code,
                "operator": "<=",
                "right": ind.denominator.code,
                "severity": Severity.ERROR,
                "message": f"{ind.numerator.name}不能大于{ind.denominator.name}",
            },
        )
    problems = _rule_file_problems(rules)
    if problems:
        raise RuleFileError(path, problems)
    changed = 0
    for code, r in rules.items():
        _obj, created = ValidationRule.objects.update_or_create(
            code=code,
            defaults={
                "left": str(r["left"]),
                "operator": r["operator"],
                "right": str(r["right"]),
                "missing": r.get("missing", "skip_if_any"),
                "severity": r["severity"],
                "message": r["message"],
            },
        )
        changed += created
    return changed


@transaction.atomic
def data_sets_ensure() -> int:
    """Give every department the yearly data sets of the indicators it answers for.

    Each element is reported by one department: the first responsible for an indicator using
    it, in the outlines' order. Counties report every element (``annual-<dept>``); the
    prefecture reports directly only the elements that cannot be summed up from its counties
    (life expectancy, allowance levels: ``annual-<dept>-summary``).
    """
    owner: dict[int, Any] = {}
    aggregation: dict[int, str] = {}
    indicators = (
        Indicator.objects.select_related("numerator", "denominator")
        .prefetch_related("departments")
        .order_by(
            "-target__area__outline__start_year",
            "-target__area__outline__kind",
            "target__area__number",
            "target__sort_order",
            "sort_order",
        )
    )
    for ind in indicators:
        dept = next(iter(ind.departments.all()), None)
        if dept is None:
            continue
        for el in filter(None, (ind.numerator, ind.denominator)):
            owner.setdefault(el.pk, dept)
            aggregation[el.pk] = el.aggregation
    created = 0
    for element_id, dept in owner.items():
        wanted = [(f"annual-{dept.code}", f"{dept.name}年度监测数据", [4])]
        if aggregation[element_id] == Aggregation.NONE:
            wanted.append(
                (f"annual-{dept.code}-summary", f"{dept.name}年度监测数据（州级直报）", [3])
            )
        for code, name, levels in wanted:
            ds, was_created = DataSet.objects.get_or_create(
                code=code, defaults={"name": name, "department": dept, "levels": levels}
            )
            created += was_created
            if not ds.levels:  # data sets made before levels existed report where they should
                ds.levels = levels
                ds.save(update_fields=["levels"])
            ds.elements.add(element_id)
    return created


# The state changes of a submission by the name the pages and the API use.
SUBMISSION_TRANSITIONS: dict[str, Callable[..., Submission]] = {
    "submit": submission_submit,
    "approve": submission_approve,
    "return": submission_return,
    "reopen": submission_reopen,
}
