"""Writes of the ledger: each a function in one transaction, the acting user passed in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction

from .access import (
    OUTSIDE_REASON_MIN,
    access_aid_record,
    access_ledger_write,
    access_rights_case,
    personal_data_readable,
    personal_data_readable_outside,
)
from .crypto import rotate
from .errors import ErrorCode, Forbidden, LedgerError
from .models import (
    PERSONAL_FIELDS,
    SELECTION_LEVELS,
    Activity,
    AidRecord,
    CaseState,
    CaseStep,
    Decision,
    Family,
    FamilyAward,
    Honour,
    Level,
    PersonalDataRead,
    Project,
    RightsCase,
    Site,
    StepKind,
    field_label,
)

# The record types entered through the generic form and import path.
SIMPLE_RECORDS: tuple[type[models.Model], ...] = (Activity, Project, Site, Honour, AidRecord)


def validation_text(exc: ValidationError, model: type[models.Model]) -> str:
    """A model's validation errors as one line: “field name: message; …”."""
    parts = []
    for name, messages in exc.message_dict.items():
        text = "；".join(m.rstrip("。.") for m in messages)
        if name == "__all__":
            parts.append(text)
            continue
        parts.append(f"{field_label(model, name)}：{text}")
    return "；".join(parts)


def _clean(record: models.Model) -> None:
    try:
        record.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        raise LedgerError(ErrorCode.INVALID, problems=validation_text(exc, type(record))) from exc


@transaction.atomic
def ledger_record_create(*, actor: User, record: models.Model) -> models.Model:
    """Check and save a new activity, project, site, honour or aid record."""
    if not isinstance(record, SIMPLE_RECORDS):
        raise Forbidden
    access_ledger_write(actor, record.orgunit)  # type: ignore[attr-defined]
    record.created_by = actor  # type: ignore[attr-defined]
    _clean(record)
    record.save()
    return record


@transaction.atomic
def family_nominate(*, actor: User, family: Family, recommended_on: dt.date) -> FamilyAward:
    """Enter a family nominated to its county's selection (the first level)."""
    access_ledger_write(actor, family.orgunit)
    family.created_by = actor
    _clean(family)
    family.save()
    award = FamilyAward(family=family, level=Level.COUNTY, recommended_on=recommended_on)
    _clean(award)
    award.save()
    return award


@transaction.atomic
def family_recommend(
    *, actor: User, family_id: int, level: str, recommended_on: dt.date
) -> FamilyAward:
    """Put a family to the next level up: allowed once the level below selected it."""
    family = Family.objects.select_for_update().get(pk=family_id)
    access_ledger_write(actor, family.orgunit)
    index = [lv.value for lv in SELECTION_LEVELS].index(level)
    if index == 0:
        raise LedgerError(ErrorCode.INVALID, problems=str(Level(level).label))
    below = SELECTION_LEVELS[index - 1]
    if not FamilyAward.objects.filter(
        family=family, level=below, decision=Decision.SELECTED
    ).exists():
        raise LedgerError(
            ErrorCode.NOT_RECOMMENDED,
            family=family.name,
            level=Level(level).label,
            below=below.label,
        )
    award = FamilyAward(family=family, level=level, recommended_on=recommended_on)
    _clean(award)
    award.save()
    return award


@transaction.atomic
def family_decide(*, actor: User, award_id: int, decision: str, decided_on: dt.date) -> FamilyAward:
    """Record a level's decision on a family put to it (once)."""
    award = FamilyAward.objects.select_for_update().select_related("family").get(pk=award_id)
    access_ledger_write(actor, award.family.orgunit)
    if award.decision != Decision.PENDING:
        raise LedgerError(ErrorCode.ALREADY_DECIDED, decision=award.get_decision_display())
    if decision not in (Decision.SELECTED, Decision.NOT_SELECTED):
        raise LedgerError(ErrorCode.INVALID, problems=decision)
    award.decision = decision
    award.decided_on = decided_on
    award.decided_by = actor
    _clean(award)
    award.save(update_fields=["decision", "decided_on", "decided_by"])
    return award


@transaction.atomic
def rights_case_open(
    *, actor: User, case: RightsCase, workers: list[Any] | None = None
) -> RightsCase:
    """Register a request for help; the person registering it is one of its workers."""
    access_ledger_write(actor, case.orgunit, case=True)
    case.created_by = actor
    _clean(case)
    case.save()
    case.workers.set([actor, *(workers or [])])
    return case


@transaction.atomic
def rights_case_step(
    *,
    actor: User,
    case_id: int,
    kind: str,
    taken_on: dt.date,
    note: str = "",
    referred_to: str = "",
) -> CaseStep:
    """Record a step of the handling; a closure closes the case, a referral marks it."""
    case = access_rights_case(actor, case_id)
    if not personal_data_readable(actor, case):
        raise Forbidden
    if case.state == CaseState.CLOSED:
        raise LedgerError(ErrorCode.CASE_CLOSED)
    step = CaseStep(
        case=case, kind=kind, taken_on=taken_on, note=note, referred_to=referred_to, actor=actor
    )
    _clean(step)
    step.save()
    changed = []
    if kind == StepKind.CLOSURE:
        case.state, case.closed_on = CaseState.CLOSED, taken_on
        changed = ["state", "closed_on"]
    elif kind == StepKind.REFERRAL:
        case.state = CaseState.REFERRED
        changed = ["state"]
    elif kind == StepKind.PROTECTION_ORDER:
        case.protection_order = True
        changed = ["protection_order"]
    if changed:
        case.save(update_fields=changed)
    return step


def _reveal(
    actor: User, record: RightsCase | AidRecord, purpose: str, reason: str = ""
) -> dict[str, str]:
    if not purpose.strip():
        raise LedgerError(ErrorCode.PURPOSE_REQUIRED)
    outside = not personal_data_readable(actor, record)
    if outside:
        if not personal_data_readable_outside(actor, record):
            raise Forbidden
        if len(reason.strip()) < OUTSIDE_REASON_MIN:
            raise LedgerError(ErrorCode.REASON_REQUIRED, n=OUTSIDE_REASON_MIN)
    fields = PERSONAL_FIELDS[type(record)]
    loaded = type(record)._default_manager.only(*fields).get(pk=record.pk)
    values = {name: getattr(loaded, name) for name in fields}
    PersonalDataRead.objects.create(
        user=actor,
        case=record if isinstance(record, RightsCase) else None,
        aid=record if isinstance(record, AidRecord) else None,
        purpose=purpose.strip()[:200],
        outside_assignment=outside,
        reason=reason.strip() if outside else "",
    )
    return values


@transaction.atomic
def rights_case_reveal(
    *, actor: User, case_id: int, purpose: str, reason: str = ""
) -> dict[str, str]:
    """The applicant's personal data, for the case's workers and supervisor; logged. Another
    federation officer or case worker in scope must state a reason, shown to the supervisor."""
    return _reveal(actor, access_rights_case(actor, case_id), purpose, reason)


@transaction.atomic
def aid_record_reveal(
    *, actor: User, aid_id: int, purpose: str, reason: str = ""
) -> dict[str, str]:
    """The recipient's personal data, for the record's handler and supervisor; logged (with a
    stated reason, shown to the supervisor, for anyone else allowed)."""
    return _reveal(actor, access_aid_record(actor, aid_id), purpose, reason)


@transaction.atomic
def ledger_rekey() -> int:
    """Re-encrypt every protected value under the first ledger key; return how many changed.

    Values are rotated as stored (never decrypted into the application's memory in bulk).
    """
    changed = 0
    for model, fields in PERSONAL_FIELDS.items():
        table = model._meta.db_table
        columns = [str(getattr(model._meta.get_field(f), "column", f)) for f in fields]
        with transaction.get_connection().cursor() as cursor:
            # The stored text, not the field's decrypted value.
            cursor.execute(f"SELECT id, {', '.join(columns)} FROM {table}")
            stored = cursor.fetchall()
            assignments = ", ".join(f"{c} = %s" for c in columns)
            for pk, *values in stored:
                cursor.execute(
                    f"UPDATE {table} SET {assignments} WHERE id = %s",
                    [*(rotate(v or "") for v in values), pk],
                )
                changed += 1
    return changed
