"""The ledger's Excel template, and importing a filled-in one: every row checked, row-level
errors in the reader's language, nothing saved unless every row of every sheet is right.

A sheet per record type. Row 1 (hidden) holds the field codes, so a file is read by its codes
whatever the language of its headers; row 2 the headers; row 3 what each column expects (its
choices, the date format); records from row 4.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from lianggang.cells import SheetProblem as Problem
from lianggang.cells import check_xlsx, workbook_bytes
from lianggang.orgunits.models import OrgUnit

from .access import access_ledger_write
from .errors import LedgerError, NotFound
from .models import (
    SELECTION_LEVELS,
    Activity,
    ActivityKind,
    AidProgramme,
    AidRecord,
    CaseKind,
    CaseState,
    Channel,
    Decision,
    Family,
    FamilyAward,
    FundSource,
    Honour,
    HonourTitle,
    Level,
    PendingImport,
    Project,
    RightsCase,
    Site,
    SiteKind,
    field_label,
)

FIRST_ROW = 4
MAX_ROWS = 50_000


@dataclass(frozen=True)
class Column:
    field: str
    parse: str  # text, int, decimal, date, choice, orgunit, bool, user, users
    required: bool = False
    choices: type[models.TextChoices] | None = None
    label_field: str = ""  # the model field whose verbose name heads the column


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: Callable[[], str]
    model: type[models.Model]
    columns: tuple[Column, ...]
    case: bool = False  # rights cases: written by case workers too


def _c(name: str, parse: str = "text", required: bool = False, choices: Any = None) -> Column:
    return Column(name, parse, required, choices)


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "activities",
        lambda: _("Activities"),
        Activity,
        (
            _c("orgunit", "orgunit", True),
            _c("kind", "choice", True, ActivityKind),
            _c("title", required=True),
            _c("held_on", "date", True),
            _c("organiser"),
            _c("sessions", "int", True),
            _c("participants", "int"),
            _c("women", "int"),
            _c("families", "int"),
            _c("funds_yuan", "decimal"),
            _c("materials_yuan", "decimal"),
            _c("notes"),
        ),
    ),
    SheetSpec(
        "projects",
        lambda: _("Projects and funds"),
        Project,
        (
            _c("orgunit", "orgunit", True),
            _c("name", required=True),
            _c("source", "choice", True, FundSource),
            _c("amount_yuan", "decimal", True),
            _c("approved_on", "date", True),
            _c("ends_on", "date"),
            _c("beneficiaries", "int"),
            _c("notes"),
        ),
    ),
    SheetSpec(
        "sites",
        lambda: _("Sites and organisations"),
        Site,
        (
            _c("orgunit", "orgunit", True),
            _c("kind", "choice", True, SiteKind),
            _c("subtype"),
            _c("level", "choice", True, Level),
            _c("name", required=True),
            _c("established_on", "date", True),
            _c("closed_on", "date"),
            _c("members", "int"),
            _c("notes"),
        ),
    ),
    SheetSpec(
        "honours",
        lambda: _("Honours"),
        Honour,
        (
            _c("orgunit", "orgunit", True),
            _c("title", "choice", True, HonourTitle),
            _c("level", "choice", True, Level),
            _c("awarded_on", "date", True),
            _c("recipient", required=True),
            _c("notes"),
        ),
    ),
    SheetSpec(
        "families",
        lambda: _("最美家庭"),
        FamilyAward,
        (
            _c("orgunit", "orgunit", True),
            _c("name", required=True),
            _c("address"),
            _c("nominated_on", "date", True),
            Column("level", "choice", True, Level, "level"),
            _c("recommended_on", "date", True),
            Column("decision", "choice", False, Decision),
            _c("decided_on", "date"),
            _c("story"),
        ),
    ),
    SheetSpec(
        "cases",
        lambda: _("Rights cases"),
        RightsCase,
        (
            _c("orgunit", "orgunit", True),
            _c("received_on", "date", True),
            _c("channel", "choice", True, Channel),
            _c("kind", "choice", True, CaseKind),
            _c("applicant_name", required=True),
            _c("applicant_phone"),
            _c("applicant_id_number"),
            _c("applicant_address"),
            _c("narrative"),
            _c("state", "choice", False, CaseState),
            _c("closed_on", "date"),
            _c("protection_order", "bool"),
            _c("supervisor", "user", True),
            _c("workers", "users"),
        ),
        case=True,
    ),
    SheetSpec(
        "aid",
        lambda: _("Aid records"),
        AidRecord,
        (
            _c("orgunit", "orgunit", True),
            _c("programme", "choice", True, AidProgramme),
            _c("given_on", "date", True),
            _c("amount_yuan", "decimal", True),
            _c("recipients", "int"),
            _c("quantity", "int"),
            _c("recipient_name"),
            _c("recipient_id_number"),
            _c("handler", "user"),
            _c("supervisor", "user"),
            _c("notes"),
        ),
    ),
)
SHEET_BY_KEY = {s.key: s for s in SHEETS}
FAMILY_FIELDS = {"orgunit", "name", "address", "nominated_on", "story"}


def header(spec: SheetSpec, column: Column) -> str:
    model = Family if spec.key == "families" and column.field in FAMILY_FIELDS else spec.model
    name = field_label(model, column.field)
    return name[:1].upper() + name[1:] + ("*" if column.required else "")


def _labels(choices: type[models.TextChoices]) -> list[str]:
    return [str(c.label) for c in choices]


def hint(column: Column) -> str:
    if column.choices is not None:
        return "／".join(_labels(column.choices))
    return {
        "date": _("date, YYYY-MM-DD"),
        "int": _("whole number"),
        "decimal": _("number (yuan)"),
        "orgunit": _("org unit code or name"),
        "bool": _("yes or no"),
        "user": _("user name"),
        "users": _("user names, separated by commas"),
    }.get(column.parse, "")


def ledger_template() -> bytes:
    """An empty workbook with a sheet per record type, for any officer to fill in."""
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor="EEEEEE")
    for spec in SHEETS:
        ws = wb.create_sheet(spec.title()[:31])
        for i, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(i)
            ws.cell(1, i, column.field)
            ws.cell(2, i, header(spec, column)).font = bold
            ws.cell(3, i, hint(column)).fill = grey
            ws.column_dimensions[letter].width = max(12, min(40, len(header(spec, column)) * 2))
            if column.choices is not None:
                labels = ",".join(_labels(column.choices))
                if len(labels) < 250:  # Excel's limit for a list typed into a rule
                    rule = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
                    rule.add(f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + 5000}")
                    ws.add_data_validation(rule)
        ws.row_dimensions[1].hidden = True
        ws.freeze_panes = ws.cell(FIRST_ROW, 1)
    return workbook_bytes(wb)


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


class _Lookups:
    """Org units, users and choice labels, read once per import."""

    def __init__(self) -> None:
        units = list(OrgUnit.objects.all())
        self.units: dict[str, OrgUnit | None] = {}
        for u in units:
            self.units[u.code] = u
        for u in units:
            for name in (u.name, u.name_en):
                if name and name not in self.units:
                    self.units[name] = u
                elif name and self.units.get(name) is not u and name != u.code:
                    self.units[name] = None  # ambiguous: two units share the name
        self.users = {u.get_username(): u for u in get_user_model().objects.filter(is_active=True)}
        self.choices: dict[type[models.TextChoices], dict[str, str]] = {}

    def choice(self, choices: type[models.TextChoices]) -> dict[str, str]:
        if choices not in self.choices:
            known: dict[str, str] = {}
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    for c in choices:
                        known[str(c.label).strip().lower()] = c.value
            for c in choices:
                known[c.value.lower()] = c.value
            self.choices[choices] = known
        return self.choices[choices]


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def _parse(column: Column, raw: Any, lookups: _Lookups) -> Any:
    """The cell's value for the model, or ValueError with a message for the user."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if column.required:
            raise ValueError(_("required, found an empty cell"))
        return {"int": 0, "decimal": Decimal(0), "bool": False, "users": [], "text": ""}.get(
            column.parse
        )
    text = str(raw).strip()
    if column.parse == "text":
        return text
    if column.parse == "int":
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool):
            number = raw
        elif re.fullmatch(r"[0-9][0-9,]*", text):
            number = int(text.replace(",", ""))
        else:
            raise ValueError(_("expected a whole number, found “%(text)s”") % {"text": text})
        if number < 0:
            raise ValueError(_("expected a whole number, found “%(text)s”") % {"text": text})
        return number
    if column.parse == "decimal":
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(
                _("expected an amount in yuan, found “%(text)s”") % {"text": text}
            ) from None
        if amount < 0 or not amount.is_finite():
            raise ValueError(_("expected an amount in yuan, found “%(text)s”") % {"text": text})
        return amount.quantize(Decimal("0.01"))
    if column.parse == "date":
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date only)
            except ValueError:
                continue
        raise ValueError(_("expected a date (YYYY-MM-DD), found “%(text)s”") % {"text": text})
    if column.parse == "choice":
        assert column.choices is not None
        value = lookups.choice(column.choices).get(text.lower())
        if value is None:
            raise ValueError(
                _("expected one of %(choices)s, found “%(text)s”")
                % {"choices": "／".join(_labels(column.choices)), "text": text}
            )
        return value
    if column.parse == "orgunit":
        unit = lookups.units.get(text)
        if unit is None:
            raise ValueError(
                _("no single org unit has the code or name “%(text)s”") % {"text": text}
            )
        return unit
    if column.parse == "bool":
        if text.lower() in ("是", "yes", "y", "1", "true", "有"):
            return True
        if text.lower() in ("否", "no", "n", "0", "false", "无"):
            return False
        raise ValueError(_("expected yes or no, found “%(text)s”") % {"text": text})
    if column.parse in ("user", "users"):
        names = [n.strip() for n in re.split(r"[,，、;；]", text) if n.strip()]
        missing = [n for n in names if n not in lookups.users]
        if missing:
            raise ValueError(_("no active user named “%(text)s”") % {"text": "、".join(missing)})
        found = [lookups.users[n] for n in names]
        return found[0] if column.parse == "user" else found
    raise AssertionError(column.parse)


@dataclass
class _Row:
    spec: SheetSpec
    sheet: str
    row: int
    values: dict[str, Any]


def _read(content: bytes, result: ImportResult) -> list[_Row]:
    max_bytes = settings.LIANGGANG_UPLOAD_MAX_BYTES
    if len(content) > max_bytes:
        result.problems.append(
            Problem(
                "",
                None,
                "",
                _("The file is larger than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)},
            )
        )
        return []
    try:
        check_xlsx(content)  # an UnsafeUpload is a ValueError: its message says why
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as exc:
        result.problems.append(
            Problem(
                "",
                None,
                "",
                _("The file cannot be read as an Excel workbook: %(problem)s") % {"problem": exc},
            )
        )
        return []
    rows: list[_Row] = []
    lookups = _Lookups()
    for ws in wb.worksheets:
        codes = [c for c in next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())]
        spec = next(
            (
                s
                for s in SHEETS
                if [c.field for c in s.columns] == [str(c) for c in codes[: len(s.columns)] if c]
            ),
            None,
        )
        if spec is None:
            result.problems.append(
                Problem(
                    ws.title,
                    1,
                    "",
                    _("not a sheet of the ledger template (its first row of codes is changed)"),
                )
            )
            continue
        if (ws.max_row or 0) > MAX_ROWS + FIRST_ROW:
            result.problems.append(
                Problem(ws.title, None, "", _("more than %(n)d rows") % {"n": MAX_ROWS})
            )
            continue
        for number, cells in enumerate(
            ws.iter_rows(min_row=FIRST_ROW, max_col=len(spec.columns), values_only=True),
            start=FIRST_ROW,
        ):
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            values: dict[str, Any] = {}
            for column, raw in zip(
                spec.columns, list(cells) + [None] * len(spec.columns), strict=False
            ):
                try:
                    values[column.field] = _parse(column, raw, lookups)
                except ValueError as exc:
                    result.problems.append(
                        Problem(ws.title, number, header(spec, column), str(exc))
                    )
            rows.append(_Row(spec, ws.title, number, values))
    return rows


def _problem_from_validation(
    row: _Row, exc: ValidationError, model: type[models.Model]
) -> list[Problem]:
    out = []
    by_field = {c.field: c for c in row.spec.columns}
    for name, messages in exc.message_dict.items():
        column = header(row.spec, by_field[name]) if name in by_field else ""
        out.append(
            Problem(row.sheet, row.row, column, "；".join(m.rstrip("。.") for m in messages))
        )
    return out


def _build(row: _Row, actor: User) -> tuple[models.Model, list[Any]]:
    """The record of a row (not saved) and what to set after saving (case workers)."""
    v = dict(row.values)
    later: list[Any] = []
    if row.spec.key == "cases":
        later = [actor, *v.pop("workers")]
        v["state"] = v.get("state") or CaseState.OPEN
    record = row.spec.model(**v)
    if hasattr(record, "created_by_id"):
        record.created_by = actor  # type: ignore[attr-defined]
    return record, later


def _check(row: _Row, record: models.Model, actor: User, result: ImportResult) -> None:
    try:
        access_ledger_write(actor, record.orgunit, case=row.spec.case)  # type: ignore[attr-defined]
    except LedgerError as exc:
        result.problems.append(Problem(row.sheet, row.row, "", str(exc)))
        return
    try:
        record.full_clean(exclude=["created_by", "family"])
    except ValidationError as exc:
        result.problems.extend(_problem_from_validation(row, exc, type(record)))


LEVEL_ORDER = [lv.value for lv in SELECTION_LEVELS]


def _families(
    rows: list[_Row], actor: User, result: ImportResult
) -> list[tuple[Family, list[FamilyAward]]]:
    """Group the 最美家庭 rows by family and check each family's chain of levels."""
    groups: dict[tuple[int, str, dt.date], list[_Row]] = {}
    for row in rows:
        v = row.values
        if v.get("orgunit") is None or not v.get("name") or v.get("nominated_on") is None:
            continue
        groups.setdefault((v["orgunit"].pk, v["name"], v["nominated_on"]), []).append(row)
    out = []
    for group in groups.values():
        first = group[0].values
        family = Family(
            orgunit=first["orgunit"],
            name=first["name"],
            address=first.get("address", ""),
            story=first.get("story", ""),
            nominated_on=first["nominated_on"],
            created_by=actor,
        )
        try:
            access_ledger_write(actor, family.orgunit)
        except LedgerError as exc:
            result.problems.append(Problem(group[0].sheet, group[0].row, "", str(exc)))
            continue
        awards = []
        levels: dict[str, _Row] = {}
        for row in group:
            level = row.values.get("level")
            if level not in LEVEL_ORDER:
                result.problems.append(
                    Problem(
                        row.sheet,
                        row.row,
                        header(row.spec, row.spec.columns[4]),
                        _("not a level of the selection"),
                    )
                )
                continue
            if level in levels:
                result.problems.append(
                    Problem(
                        row.sheet,
                        row.row,
                        header(row.spec, row.spec.columns[4]),
                        _("this family already has a row for this level (row %(row)d)")
                        % {"row": levels[level].row},
                    )
                )
                continue
            levels[level] = row
        for level, row in levels.items():
            index = LEVEL_ORDER.index(level)
            if index:
                below = levels.get(LEVEL_ORDER[index - 1])
                if below is None or below.values.get("decision") != Decision.SELECTED:
                    result.problems.append(
                        Problem(
                            row.sheet,
                            row.row,
                            header(row.spec, row.spec.columns[4]),
                            _("put to this level without being selected at the level below"),
                        )
                    )
                    continue
            award = FamilyAward(
                level=level,
                recommended_on=row.values["recommended_on"],
                decision=row.values.get("decision") or Decision.PENDING,
                decided_on=row.values.get("decided_on"),
            )
            try:
                award.full_clean(exclude=["family", "decided_by"])
            except ValidationError as exc:
                result.problems.extend(_problem_from_validation(row, exc, FamilyAward))
                continue
            awards.append(award)
        try:
            family.full_clean(exclude=["created_by"])
        except ValidationError as exc:
            result.problems.extend(_problem_from_validation(group[0], exc, Family))
        out.append((family, awards))
    return out


def ledger_import(*, actor: User, content: bytes, dry_run: bool = False) -> ImportResult:
    """Check every row of a filled-in template; save them all, or none (and say why)."""
    result = ImportResult()
    rows = _read(content, result)
    records: list[tuple[_Row, models.Model, list[Any]]] = []
    unreadable = {(p.sheet, p.row) for p in result.problems}  # rows with a cell not understood
    for row in rows:
        if row.spec.key == "families" or (row.sheet, row.row) in unreadable:
            continue
        record, later = _build(row, actor)
        _check(row, record, actor, result)
        records.append((row, record, later))
    families = _families([r for r in rows if r.spec.key == "families"], actor, result)
    if not rows and not result.problems:
        result.problems.append(Problem("", None, "", _("The workbook holds no records.")))
    for row, _record, _later in records:
        result.counts[row.spec.key] = result.counts.get(row.spec.key, 0) + 1
    if families:
        result.counts["families"] = sum(len(a) for _f, a in families)
    if result.problems or dry_run:
        return result
    with transaction.atomic():
        for _row, record, later in records:
            record.save()
            if later:
                record.workers.set(later)  # type: ignore[attr-defined]
        for family, awards in families:
            family.save()
            for award in awards:
                award.family = family
                award.decided_by = actor if award.decided_on else None
                award.save()
    result.applied = True
    return result


PENDING_HOURS = 24


def ledger_import_preview(
    *, actor: User, filename: str, content: bytes
) -> tuple[ImportResult, PendingImport | None]:
    """Check an upload as a dry run; keep it (encrypted) for confirmation when it is right."""
    PendingImport.objects.filter(
        created_at__lt=timezone.now() - dt.timedelta(hours=PENDING_HOURS)
    ).delete()
    result = ledger_import(actor=actor, content=content, dry_run=True)
    pending = None
    if result.ok:
        pending = PendingImport.objects.create(
            user=actor, filename=filename[:255], content=base64.b64encode(content).decode()
        )
    return result, pending


def ledger_import_confirm(*, actor: User, pending_id: int) -> ImportResult:
    """Import what was previewed, checked again now: all rows, or none."""
    pending = PendingImport.objects.filter(pk=pending_id, user=actor).first()
    if pending is None:
        raise NotFound
    content = base64.b64decode(pending.content)
    result = ledger_import(actor=actor, content=content)
    pending.delete()
    return result
