"""Users from an Excel sheet: the template to fill in, and reading a filled-in one into a plan
that is either wholly right (every row a new user with a membership) or refused with every
problem named by its sheet, row and column.

The first sheet lists the users, one a row from row 2, under a header row whose columns are
found by their titles, in Chinese or English (姓名 name, 用户名 username, 部门 department,
单位 org unit, 角色 role); the second lists the valid departments, org units and roles. A user
name is required, never made up: it is what the person types to sign in, and one derived from
a name (pinyin) would collide for common names. A department, an org unit and a role are given
by their name or code (a role by its label); several departments are separated by "、" or a
comma; no department means all of them, except for a clerk, who enters a department's figures.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from lianggang.cells import (
    NotAWorkbook,
    UnsafeUpload,
    check_xlsx,
    is_ole2,
    read_xls,
    workbook_bytes,
)
from lianggang.cells import SheetProblem as Problem
from lianggang.orgunits.models import Department, OrgUnit

from .models import Role
from .selectors import (
    access_user_admin,
    departments_grantable_by,
    may_grant,
    orgunits_grantable_by,
)
from .services import MembershipSpec, NewUser

COLUMNS = ("name", "username", "department", "orgunit", "role")
MAX_ROWS = 2000
SEPARATORS = re.compile(r"[、,，;；]")


def column_title(code: str) -> str:
    return {
        "name": _("Name"),
        "username": _("User name"),
        "department": _("Department"),
        "orgunit": _("Org unit"),
        "role": _("Role"),
    }[code]


def users_sheet_title() -> str:
    return _("Users")


def choices_sheet_title() -> str:
    return _("Valid values")


@dataclass
class RawRow:
    """A row as read: its number and the text of each column."""

    row: int
    cells: dict[str, str]


@dataclass
class PeoplePlan:
    sheet: str = ""
    rows: list[NewUser] = field(default_factory=list)
    raw: list[RawRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


# Header titles offices write besides the template's own (in either language).
HEADER_ALIASES = {
    "name": ("姓名", "名字", "full name"),
    "username": ("用户名", "账号", "帐号", "登录名", "username", "login"),
    "department": ("部门", "成员单位", "departments"),
    "orgunit": ("单位", "行政区划", "所在单位", "地区", "org unit", "orgunit"),
    "role": ("角色",),
}


def _in_both_languages(code: str) -> set[str]:
    names = {code, *HEADER_ALIASES[code]}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names.add(column_title(code))
    return {n.strip().lower() for n in names}


def _role_names() -> dict[str, str]:
    """Every way a role may be written (code, Chinese and English label) → its code."""
    found: dict[str, str] = {}
    for role in Role:
        found[role.value.lower()] = role.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                found[str(role.label).strip().lower()] = role.value
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# ---- the template ---------------------------------------------------------------------------


def people_template(actor: Any) -> bytes:
    """The workbook to fill in: the users' sheet with its headers and an example row's hint,
    and the sheet of valid departments, org units and roles (those the administrator may give)."""
    access_user_admin(actor)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = users_sheet_title()
    ws.append([column_title(c) for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (14, 16, 24, 16, 16), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    choices = wb.create_sheet(choices_sheet_title())
    choices.append(
        [
            _("Department code"),
            _("Department"),
            "",
            _("Org unit code"),
            _("Org unit"),
            "",
            _("Role code"),
            _("Role"),
        ]
    )
    for cell in choices[1]:
        cell.font = Font(bold=True)
    departments = [(d.code, d.name) for d in departments_grantable_by(actor)]
    units = [(u.code, u.name) for u in orgunits_grantable_by(actor)]
    roles = [(r.value, str(r.label)) for r in Role]
    for i in range(max(len(departments), len(units), len(roles))):
        row: list[Any] = []
        for items in (departments, units, roles):
            row += [*(items[i] if i < len(items) else ("", "")), ""]
        choices.append(row[:-1])
    for letter, width in zip("ABCDEFGH", (16, 22, 3, 14, 16, 3, 20, 22), strict=True):
        choices.column_dimensions[letter].width = width
    return workbook_bytes(wb)


# ---- reading --------------------------------------------------------------------------------


def _open(content: bytes, name: str) -> Any:
    """The workbook, opened as the project opens uploads (cells.check_xlsx first; a legacy
    .xls through read_xls); ValueError with the reason when it cannot be."""
    limit = int(settings.LIANGGANG_UPLOAD_MAX_BYTES)
    if len(content) > limit:
        raise ValueError(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
    check_xlsx(content, name)  # an UnsafeUpload is a ValueError: its message says why
    if is_ole2(content):
        return read_xls(content, name)
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise NotAWorkbook(str(exc)) from exc


def read_people(content: bytes, name: str = "") -> tuple[str, list[RawRow], list[Problem]]:
    """The users' sheet's rows as text, or the problems that stop it being read."""
    try:
        wb = _open(content, name)
    except UnsafeUpload as exc:
        return "", [], [Problem("", None, "", str(exc))]
    except (NotAWorkbook, ValueError) as exc:
        message = str(exc) if not isinstance(exc, NotAWorkbook) else ""
        return (
            "",
            [],
            [Problem("", None, "", message or _("This is not an Excel workbook (.xlsx)."))],
        )
    try:
        ws = wb.worksheets[0]
        title = str(ws.title)
        rows = ws.iter_rows(values_only=True)
        header = [_text(c).lower() for c in next(rows, ())]
        at: dict[str, int] = {}
        for code in COLUMNS:
            names = _in_both_languages(code)
            index = next((i for i, h in enumerate(header) if h in names), None)
            if index is not None:
                at[code] = index
        missing = [c for c in COLUMNS if c not in at]
        if missing:
            return (
                title,
                [],
                [
                    Problem(
                        title,
                        1,
                        "",
                        _("The header lacks the column(s) %(columns)s.")
                        % {"columns": "、".join(column_title(c) for c in missing)},
                    )
                ],
            )
        raw: list[RawRow] = []
        for number, cells in enumerate(rows, start=2):
            texts = {c: _text(cells[i]) if i < len(cells) else "" for c, i in at.items()}
            if not any(texts.values()):
                continue
            if len(raw) >= MAX_ROWS:
                return (
                    title,
                    [],
                    [Problem(title, number, "", _("more than %(n)d rows") % {"n": MAX_ROWS})],
                )
            raw.append(RawRow(number, texts))
        return title, raw, []
    finally:
        wb.close()


# ---- planning -------------------------------------------------------------------------------


class _Lookups:
    def __init__(self) -> None:
        self.departments = list(Department.objects.all())
        self.units = list(OrgUnit.objects.all())
        self.roles = _role_names()

    def department(self, text: str) -> Department | None:
        key = _key(text)
        return next(
            (
                d
                for d in self.departments
                if key in (_key(d.code), _key(d.name), _key(d.name_en or ""))
            ),
            None,
        )

    def orgunits(self, text: str) -> list[OrgUnit]:
        key = _key(text)
        by_code = [u for u in self.units if _key(u.code) == key]
        if by_code:
            return by_code
        return [u for u in self.units if key in (_key(u.name), _key(u.name_en or ""))]


def _key(text: str) -> str:
    """A name as compared: case, spaces and full-width brackets aside."""
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")").lower()


def people_plan(*, actor: Any, sheet: str, raw: list[RawRow]) -> PeoplePlan:
    """Check every row: the users to create, or every problem with its row and column. The same
    rows give the same plan at the preview and at the confirmation."""
    scope = access_user_admin(actor)
    plan = PeoplePlan(sheet=sheet, raw=raw)
    if not raw:
        plan.problems.append(Problem(sheet, None, "", _("The sheet lists no users.")))
        return plan
    lookups = _Lookups()
    User = get_user_model()
    validator = User.username_validator
    # Compared case-insensitively: "Zhang" and "zhang" would be two people signing in alike.
    taken = {u.lower() for u in User.objects.values_list("username", flat=True).iterator()}
    first_row: dict[str, int] = {}

    def problem(row: RawRow, column: str, message: str) -> None:
        plan.problems.append(Problem(sheet, row.row, column_title(column), message))

    for row in raw:
        c = row.cells
        before = len(plan.problems)
        name = c["name"]
        if not name:
            problem(row, "name", _("required: the person's name"))
        elif len(name) > 150:
            problem(row, "name", _("at most %(n)d characters") % {"n": 150})
        username = c["username"]
        if not username:
            problem(row, "username", _("required: the name the person signs in with"))
        else:
            try:
                validator(username)
                if len(username) > 150:
                    raise ValidationError(_("at most %(n)d characters") % {"n": 150})
            except ValidationError as exc:
                problem(row, "username", "；".join(str(m).rstrip("。.") for m in exc.messages))
            else:
                key = username.lower()
                if key in taken:
                    problem(
                        row,
                        "username",
                        _("the user name “%(username)s” is taken") % {"username": username},
                    )
                elif key in first_row:
                    problem(
                        row,
                        "username",
                        _("the user name “%(username)s” is also in row %(row)d")
                        % {"username": username, "row": first_row[key]},
                    )
                else:
                    first_row[key] = row.row
        role = lookups.roles.get(c["role"].lower()) if c["role"] else None
        if role is None:
            problem(
                row,
                "role",
                _("expected a role of the sheet “%(sheet)s”, found “%(text)s”")
                % {"sheet": choices_sheet_title(), "text": c["role"]},
            )
        units = lookups.orgunits(c["orgunit"]) if c["orgunit"] else []
        unit = units[0] if len(units) == 1 else None
        if not c["orgunit"]:
            problem(row, "orgunit", _("required: an org unit's name or code"))
        elif len(units) > 1:
            problem(
                row,
                "orgunit",
                _("several org units are named “%(text)s”: give the code") % {"text": c["orgunit"]},
            )
        elif unit is None:
            problem(
                row,
                "orgunit",
                _("expected an org unit's name or code of the sheet “%(sheet)s”, found “%(text)s”")
                % {"sheet": choices_sheet_title(), "text": c["orgunit"]},
            )
        departments: list[Department] = []
        for part in (p.strip() for p in SEPARATORS.split(c["department"])):
            if not part:
                continue
            found = lookups.department(part)
            if found is None:
                problem(
                    row,
                    "department",
                    _(
                        "expected a department's name or code of the sheet “%(sheet)s”, "
                        "found “%(text)s”"
                    )
                    % {"sheet": choices_sheet_title(), "text": part},
                )
            elif found not in departments:
                departments.append(found)
        all_departments = not c["department"]
        if all_departments and role == Role.CLERK:
            problem(row, "department", _("required for a clerk: the department they report for"))
        if len(plan.problems) > before or role is None or unit is None:
            continue
        if not may_grant(
            scope, orgunit=unit, departments=departments, all_departments=all_departments
        ):
            problem(
                row,
                "orgunit",
                _("%(what)s is outside your scope.")
                % {"what": f"{unit.name} · {c['department'] or _('all departments')}"},
            )
            continue
        plan.rows.append(
            NewUser(
                name=name,
                username=username,
                spec=MembershipSpec(
                    role=role,
                    orgunit=unit,
                    departments=tuple(departments),
                    all_departments=all_departments,
                ),
            )
        )
    if plan.problems:
        plan.rows = []
    return plan


def passwords_workbook(made: list[tuple[Any, str]]) -> bytes:
    """The new users with their one-time passwords, to hand over (made once, never stored)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("One-time passwords")
    ws.append([_("Name"), _("User name"), _("One-time password")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for user, password in made:
        ws.append([user.first_name, user.username, password])
    for letter, width in zip("ABC", (16, 18, 20), strict=True):
        ws.column_dimensions[letter].width = width
    return workbook_bytes(wb)
