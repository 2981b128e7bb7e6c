"""Import of values from a template or a CSV: plan (check everything, list old → new), then apply.

Nothing is written unless every value is valid; applying runs in one transaction and refuses
the whole import if a value changed since the plan was made.

A department workbook holds a sheet per org unit, some of them no longer editable (approved).
Such a sheet uploaded unchanged is skipped with a note, not refused; a changed value in it is
refused, naming the sheet, the cell and the stored and uploaded values. A sheet removed from the
workbook is not imported (noted in the preview): nothing stored is ever deleted by omission.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from lianggang.accounts.selectors import user_scope
from lianggang.framework.models import DataElement, DisaggregationOption

from .access import Action, access_submission, role_allows, submissions_visible_to
from .errors import CollectionError, ErrorCode
from .models import Channel, DataSet, DataValue, PendingImport, RoundState, Submission
from .selectors import elements_for_year
from .services import EDITABLE, Entry, check_value, datavalues_save_many, parse_number
from .validation import Cell, Finding, validate_many
from .workbook import COMMENT_COL, Problem, RawValue, ReadResult, is_blank, lock_reason


@dataclass(frozen=True)
class Change:
    submission_id: int
    orgunit: str
    element: str
    element_name: str
    disaggregation: str
    old: float | None
    new: float | None
    old_comment: str
    new_comment: str
    version: int
    sheet: str
    row: int


class Stored(NamedTuple):
    value: float
    comment: str
    version: int


@dataclass(frozen=True)
class Skipped:
    """An org unit (a sheet) the import leaves alone: locked and unchanged, or removed."""

    orgunit: str
    sheet: str
    reason: str  # why it is locked (its state), "" if it is open
    removed: bool

    def __str__(self) -> str:
        args = {"orgunit": self.orgunit, "state": self.reason}
        if self.reason and not self.removed:
            return _("%(orgunit)s: %(state)s, values unchanged, skipped.") % args
        if self.reason:
            return _("%(orgunit)s: %(state)s, sheet removed from the workbook, skipped.") % args
        return (
            _(
                "%(orgunit)s: sheet removed from the workbook, nothing imported for it; its "
                "stored values are kept."
            )
            % args
        )


@dataclass
class ImportPlan:
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unchanged: int = 0
    # Blank values read over a stored value: never a change (only an explicit clearing clears
    # a stored value), counted so that the preview says what they keep.
    blank: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    # What the checks would find once the changes are applied: (org unit, finding). They do
    # not stop the import; errors will stop the submission.
    findings: list[tuple[str, Finding]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def identify(
    raw: RawValue, elements: dict[str, DataElement], options: dict[str, str]
) -> DataElement | Problem:
    """The data element a value read names, its breakdown checked (``options``: breakdown
    option → its category); else the problem, at the code's column of the file."""
    element = elements.get(raw.element)
    if element is None:
        return Problem.of(
            ErrorCode.NO_SUCH_ELEMENT,
            sheet=raw.sheet,
            row=raw.row,
            column="A" if raw.sheet else "data_element",
            code=raw.element,
        )
    if raw.disaggregation != "total" and options.get(raw.disaggregation) not in (
        element.disaggregations or []
    ):
        return Problem.of(
            ErrorCode.UNKNOWN_DISAGGREGATION,
            sheet=raw.sheet,
            row=raw.row,
            column="B" if raw.sheet else "disaggregation",
            element=element.name,
            disaggregation=raw.disaggregation,
        )
    return element


def value_problem(exc: CollectionError, raw: RawValue) -> Problem:
    """What :func:`~.services.check_value` refused, placed where the value was read."""
    return Problem(str(exc), raw.sheet, raw.row, raw.column, str(exc.code))


def import_plan(*, actor: User, read: ReadResult, submission_id: int | None = None) -> ImportPlan:
    """Check every value read and list the changes it would make; write nothing."""
    plan = ImportPlan(problems=list(read.problems))
    if plan.problems:
        return plan
    target = None
    if submission_id is not None:
        target = access_submission(actor, submission_id, Action.EDIT)
        if read.data_set and read.data_set != target.data_set.code:
            plan.problems.append(Problem.of(ErrorCode.WRONG_DATA_SET, code=read.data_set))
            return plan
        if read.year is not None and read.year != target.round.year:
            plan.problems.append(
                Problem.of(ErrorCode.WRONG_YEAR, year=read.year, expected=target.round.year)
            )
            return plan
    elements = {e.code: e for e in DataElement.objects.all()}
    options = dict(DisaggregationOption.objects.values_list("code", "category__code"))
    submissions, not_asked = _submissions_for(read, target)
    # Plain rows, not model instances: a large import reads thousands of them.
    stored = DataValue.objects.filter(
        submission__in={s.pk for s in submissions.values()}
    ).values_list(
        "orgunit__code", "element__code", "disaggregation", "year", "value", "comment", "version"
    )
    existing = {(o, e, d, y): Stored(value, c, version) for o, e, d, y, value, c, version in stored}
    # Which of these submissions the user may edit: one query, not one per submission.
    allowed = (
        set(
            submissions_visible_to(actor)
            .filter(pk__in={s.pk for s in submissions.values()})
            .values_list("pk", flat=True)
        )
        if role_allows(user_scope(actor), Action.EDIT)
        else set()
    )
    seen: dict[tuple[str, str, str, int], RawValue] = {}
    locked: dict[int, tuple[Submission, str]] = {}
    locked_changed: set[int] = set()
    for raw in read.values:
        element = identify(raw, elements, options)
        if isinstance(element, Problem):
            plan.problems.append(element)
            continue
        key = (raw.orgunit, raw.element, raw.disaggregation, raw.year)
        if key in seen:
            plan.problems.append(
                Problem.of(
                    ErrorCode.DUPLICATE,
                    sheet=raw.sheet,
                    row=raw.row,
                    element=element.name,
                    other=seen[key].row,
                )
            )
            continue
        seen[key] = raw
        sub = submissions.get((raw.orgunit, raw.element, raw.year))
        if sub is None and (raw.orgunit, raw.element, raw.year) in not_asked:
            plan.problems.append(
                Problem.of(
                    ErrorCode.NOT_ASKED,
                    sheet=raw.sheet,
                    row=raw.row,
                    element=element.name,
                    year=raw.year,
                )
            )
            continue
        if target is not None and (sub is None or sub.pk != target.pk):
            plan.problems.append(
                Problem.of(
                    ErrorCode.OTHER_SUBMISSION, sheet=raw.sheet, row=raw.row, orgunit=raw.orgunit
                )
            )
            continue
        if sub is None or sub.pk not in allowed:
            plan.problems.append(
                Problem.of(
                    ErrorCode.NO_OPEN_SUBMISSION,
                    sheet=raw.sheet,
                    row=raw.row,
                    element=element.name,
                    orgunit=raw.orgunit,
                    year=raw.year,
                )
            )
            continue
        if sub.state not in EDITABLE or sub.round.state != RoundState.OPEN:
            locked.setdefault(sub.pk, (sub, raw.sheet))
            refused = _locked_changes(sub, raw, existing.get(key))
            if refused:
                locked_changed.add(sub.pk)
                plan.problems.extend(refused)
            continue
        current = existing.get(key)
        old = current.value if current else None
        old_comment = current.comment if current else ""
        # A blank comment keeps the stored one, as a blank value does (a file without a comment
        # column says nothing about comments).
        comment = raw.comment or old_comment
        if raw.clear:
            new = None
        elif is_blank(raw.value):
            # A blank never clears a stored value (counted: the preview says so); with a new
            # comment, the comment is saved. A blank where nothing is stored changes nothing.
            if current is None:
                plan.unchanged += 1
                continue
            plan.blank += 1
            if not raw.comment or raw.comment == old_comment:
                continue
            new = old
        else:
            try:
                new = check_value(raw.value, element)  # the grid's check, the grid's message
            except CollectionError as exc:
                plan.problems.append(value_problem(exc, raw))
                continue
        if old == new and old_comment == comment:
            plan.unchanged += 1
            continue
        if current is None and new is None:
            plan.unchanged += 1
            continue
        plan.changes.append(
            Change(
                sub.pk,
                sub.orgunit.name,
                raw.element,
                element.name,
                raw.disaggregation,
                old,
                new,
                old_comment,
                "" if new is None else comment,
                current.version if current else 0,
                raw.sheet,
                raw.row,
            )
        )
    for pk, (sub, sheet) in locked.items():
        if pk not in locked_changed:
            plan.skipped.append(Skipped(sub.orgunit.name, sheet, lock_reason(sub), False))
    _skip_missing(plan, read, submissions, target)
    if plan.ok and plan.changes:
        _check_after(plan, submissions)
    return plan


def _show(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _locked_changes(sub: Submission, raw: RawValue, current: Stored | None) -> list[Problem]:
    """What a value read for a locked submission would change: one problem per changed cell.
    A blank value changes nothing (it never clears); a clearing marker does."""
    new: object
    if raw.clear:
        new = None
    elif is_blank(raw.value):
        new = current.value if current else None
    else:
        try:
            new = parse_number(raw.value)
        except ValueError:
            new = raw.value  # text where a number was: a change
    pairs = [
        (raw.column, current.value if current else None, new, raw.value),
        (
            get_column_letter(COMMENT_COL) if raw.sheet else "comment",
            current.comment if current else "",
            raw.comment or (current.comment if current else ""),  # blank: kept
            raw.comment,
        ),
    ]
    locked = _("The submission of %(orgunit)s is %(state)s: its values are locked.") % {
        "orgunit": sub.orgunit.name,
        "state": lock_reason(sub),
    }
    problems = []
    for column, stored, uploaded, shown in pairs:
        if stored == uploaded or (stored is None and uploaded in (None, "")):
            continue
        values = {"stored": _show(stored), "uploaded": _show(shown)}
        if raw.sheet:
            detail = _("Cell %(cell)s: stored %(stored)s, uploaded %(uploaded)s.") % {
                "cell": f"{column}{raw.row}",
                **values,
            }
            problems.append(Problem(f"{locked} {detail}", sheet=raw.sheet, code=ErrorCode.LOCKED))
        else:
            detail = _("Stored %(stored)s, uploaded %(uploaded)s.") % values
            problems.append(
                Problem(f"{locked} {detail}", row=raw.row, column=column, code=ErrorCode.LOCKED)
            )
    return problems


def _skip_missing(
    plan: ImportPlan,
    read: ReadResult,
    submissions: dict[tuple[str, str, int], Submission],
    target: Submission | None,
) -> None:
    """Note the sheets removed from the workbook: their org units are not imported."""
    by_orgunit = {s.orgunit.code: s for s in submissions.values() if s.round.year == read.year}
    for title, code in read.missing:
        sub = by_orgunit.get(code)
        if target is not None and sub is not None and sub.pk != target.pk:
            continue
        if sub is not None and (sub.state not in EDITABLE or sub.round.state != RoundState.OPEN):
            plan.skipped.append(Skipped(sub.orgunit.name, title, lock_reason(sub), True))
        else:
            plan.skipped.append(Skipped(sub.orgunit.name if sub else title, title, "", True))


def _check_after(plan: ImportPlan, submissions: dict[tuple[str, str, int], Submission]) -> None:
    """Run the validation rules and outlier checks on the values as the import would leave them."""
    by_id = {s.pk: s for s in submissions.values()}
    pending: dict[int, dict[Cell, float | None]] = {}
    for c in plan.changes:
        pending.setdefault(c.submission_id, {})[(c.element, c.disaggregation)] = c.new
    found = validate_many(
        [(by_id[pk], list(cells)) for pk, cells in pending.items()], pending=pending
    )
    for pk, findings in found.items():
        plan.findings.extend((by_id[pk].orgunit.name, f) for f in findings)


def _submissions_for(
    read: ReadResult, target: Submission | None
) -> tuple[dict[tuple[str, str, int], Submission], set[tuple[str, str, int]]]:
    """The submission that takes each (org unit, element, year) read, if any; and the
    (org unit, element, year) a data set holds but its round does not ask for (an element only
    outlines of other periods use: ``elements_for_year``)."""
    orgunits = {v.orgunit for v in read.values} | {code for _title, code in read.missing}
    years = {v.year for v in read.values} | ({read.year} if read.missing and read.year else set())
    qs = Submission.objects.filter(orgunit__code__in=orgunits, round__year__in=years)
    if target is not None:
        qs = qs.filter(pk=target.pk)
    elif read.data_set:
        qs = qs.filter(data_set__code=read.data_set)
    subs = list(qs.select_related("round", "orgunit", "data_set"))
    # The elements of each data set, once per data set rather than once per submission; those
    # its round asks for, once per data set and year.
    codes: dict[int, list[str]] = defaultdict(list)
    for data_set_id, code in DataSet.elements.through.objects.filter(
        dataset_id__in={s.data_set_id for s in subs}
    ).values_list("dataset_id", "dataelement__code"):
        codes[data_set_id].append(code)
    asked = {
        (s.data_set_id, s.round.year): set(
            elements_for_year(s.data_set, s.round.year).values_list("code", flat=True)
        )
        for s in {(s.data_set_id, s.round.year): s for s in subs}.values()
    }
    result: dict[tuple[str, str, int], Submission] = {}
    not_asked: set[tuple[str, str, int]] = set()
    for sub in subs:
        wanted = asked[sub.data_set_id, sub.round.year]
        for code in codes[sub.data_set_id]:
            key = (sub.orgunit.code, code, sub.round.year)
            if code in wanted:
                result.setdefault(key, sub)
            else:
                not_asked.add(key)
    return result, not_asked - result.keys()


@transaction.atomic
def import_apply(*, actor: User, plan: ImportPlan, channel: str = Channel.EXCEL) -> int:
    """Apply a checked plan in one transaction; return how many values changed."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be applied")
    by_submission: dict[int, list[Entry]] = defaultdict(list)
    for c in plan.changes:
        by_submission[c.submission_id].append(
            Entry(c.element, c.disaggregation, c.new, c.new_comment, expected_version=c.version)
        )
    results = datavalues_save_many(actor=actor, entries=by_submission, channel=channel)
    return sum(r.created + r.updated + r.deleted for r in results.values())


def plan_fingerprint(plan: ImportPlan) -> str:
    """A digest of exactly what a plan changes, to confirm what the user previewed."""
    digest = hashlib.sha256()
    for c in plan.changes:
        digest.update(
            f"{c.submission_id}|{c.element}|{c.disaggregation}|{c.old}|{c.new}|{c.version}|"
            f"{c.new_comment}\n".encode()
        )
    for skip in plan.skipped:  # the same sheets left alone, for the same reasons
        digest.update(f"skip|{skip.sheet}|{skip.reason}|{skip.removed}\n".encode())
    return digest.hexdigest()


PENDING_DAYS = 1


def pending_import_keep(
    *, actor: User, plan: ImportPlan, submission_id: int | None, filename: str, content: bytes
) -> PendingImport:
    """Keep an upload between its preview and its confirmation (only its uploader may confirm
    it: ``access_pending_import``). Previews never confirmed are kept a day at most."""
    PendingImport.objects.filter(
        created_at__lt=timezone.now() - dt.timedelta(days=PENDING_DAYS)
    ).delete()
    return PendingImport.objects.create(
        user=actor,
        submission_id=submission_id,
        filename=filename[:255],
        content=content,
        fingerprint=plan_fingerprint(plan),
    )
