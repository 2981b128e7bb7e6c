"""The follow-up register's reads and writes, within the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from lianggang.accounts.models import Role
from lianggang.accounts.selectors import Scope, user_scope
from lianggang.analytics.models import Assessment
from lianggang.analytics.status import LAGGING
from lianggang.analytics.status import in_text as status_words
from lianggang.cells import workbook_bytes
from lianggang.framework.models import Indicator, Outline
from lianggang.framework.naming import local_name
from lianggang.orgunits.models import Department, OrgUnit
from lianggang.orgunits.selectors import in_subtree

from .models import FollowUp, FollowUpEvent, ItemState

LIVE = (ItemState.OPEN, ItemState.IN_PROGRESS)
MANAGERS = {Role.ADMIN, Role.COMMITTEE_OFFICER, Role.COUNTY_OFFICER}
# What a department's clerk may do with its own items; officers may do anything but reopen a
# closed item (a closed item stays closed: a new one is opened if the target lags again).
CLERK_MOVES = {(ItemState.OPEN, ItemState.IN_PROGRESS), (ItemState.IN_PROGRESS, ItemState.DONE)}


class FollowUpError(Exception):
    """A refused change; ``str()`` is the message for the user."""


class NotFound(FollowUpError):
    pass


def _manager(scope: Scope) -> bool:
    return scope.superuser or scope.role in MANAGERS


def followup_may_open(user: Any) -> bool:
    """Whether the user's role opens follow-up items (somewhere in their scope)."""
    return _manager(user_scope(user))


def followup_orgunit(user: Any, code: str) -> OrgUnit | None:
    """The unit a follow-up may be opened for by this user; None when there is no such unit or
    it is outside the user's scope (the two answer alike)."""
    scope = user_scope(user)
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None or not scope.covers_orgunit(unit.path):
        return None
    return unit


def followups_visible_to(user: Any) -> QuerySet[FollowUp]:
    scope = user_scope(user)
    if scope.empty or scope.orgunit_path is None:
        return FollowUp.objects.none()
    qs = FollowUp.objects.filter(in_subtree(scope.orgunit_path, via="orgunit"))
    if scope.department_ids is not None:
        qs = qs.filter(department_id__in=scope.department_ids)
    return qs


def current_judgements(items: list[FollowUp]) -> dict[int, Assessment]:
    """Each item's latest judgement (its target may have moved since the item was opened)."""
    latest: dict[tuple[int, int], Assessment] = {}
    for a in Assessment.objects.filter(
        indicator_id__in={i.indicator_id for i in items},
        orgunit_id__in={i.orgunit_id for i in items},
    ).order_by("year"):
        latest[a.indicator_id, a.orgunit_id] = a
    return {
        i.pk: latest[i.indicator_id, i.orgunit_id]
        for i in items
        if (i.indicator_id, i.orgunit_id) in latest
    }


def followup_candidates(
    *, user: Any, outline: Outline, orgunit: OrgUnit, year: int
) -> list[Assessment]:
    """Lagging targets at the unit and the units directly below, without a live item."""
    scope = user_scope(user)
    if not _manager(scope) or not scope.covers_orgunit(orgunit.path):
        return []
    units = [orgunit, *orgunit.children.filter(aggregated=True)]
    live = set(
        FollowUp.objects.filter(state__in=LIVE, orgunit__in=units).values_list(
            "indicator_id", "orgunit_id"
        )
    )
    lagging = (
        Assessment.objects.filter(
            indicator__target__area__outline=outline,
            orgunit__in=units,
            year=year,
            status__in=LAGGING,
        )
        .select_related("indicator", "orgunit")
        .prefetch_related("indicator__departments")
        .order_by("orgunit__level", "orgunit__sort_order", "-status", "indicator__sort_order")
    )
    return [a for a in lagging if (a.indicator_id, a.orgunit_id) not in live]


@transaction.atomic
def followup_open(
    *,
    actor: Any,
    indicator: Indicator,
    orgunit: OrgUnit,
    department: Department,
    due_on: dt.date,
    actions: str,
) -> FollowUp:
    scope = user_scope(actor)
    if not _manager(scope) or not scope.covers_orgunit(orgunit.path):
        raise FollowUpError(_("Only the committee's or the county's officers open follow-ups."))
    if not indicator.departments.filter(pk=department.pk).exists():
        raise FollowUpError(
            _("%(department)s is not responsible for %(indicator)s.")
            % {"department": department.name, "indicator": indicator.name}
        )
    if not actions.strip():
        raise FollowUpError(_("Write the actions agreed."))
    latest = (
        Assessment.objects.filter(indicator=indicator, orgunit=orgunit).order_by("-year").first()
    )
    if latest is None or latest.status not in LAGGING:
        raise FollowUpError(_("This target is neither off track nor regressing."))
    try:
        with transaction.atomic():
            item = FollowUp.objects.create(
                indicator=indicator,
                orgunit=orgunit,
                department=department,
                year=latest.year,
                status_at_opening=latest.status,
                actions=actions.strip(),
                due_on=due_on,
                opened_by=actor,
            )
    except IntegrityError:
        raise FollowUpError(_("This target already has an open follow-up item.")) from None
    FollowUpEvent.objects.create(item=item, actor=actor, to_state=item.state, note=item.actions)
    return item


@transaction.atomic
def followup_update(*, actor: Any, item_id: int, note: str, state: str | None = None) -> FollowUp:
    """Add a progress note, and or move the item to another state."""
    item = followups_visible_to(actor).select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("No such follow-up item."))
    scope = user_scope(actor)
    old = item.state
    new = state or old
    if new not in ItemState.values:
        raise FollowUpError(_("Unknown state “%(state)s”.") % {"state": new})
    if new == old and not note.strip():
        raise FollowUpError(_("Write a note, or choose a new state."))
    if new != old:
        if old == ItemState.CLOSED:
            raise FollowUpError(_("A closed item stays closed; open a new one if needed."))
        if not _manager(scope) and (old, new) not in CLERK_MOVES:
            raise FollowUpError(
                _("Your role may move an item from open to in progress and to done only.")
            )
    elif not _manager(scope) and scope.role != Role.CLERK:
        raise FollowUpError(_("Your role does not allow notes on follow-up items."))
    item.state = new
    item.save(update_fields=["state", "updated_at"])
    FollowUpEvent.objects.create(
        item=item,
        actor=actor,
        from_state=old if new != old else "",
        to_state=new if new != old else "",
        note=note.strip(),
    )
    return item


def followups_xlsx(items: list[FollowUp], today: dt.date, note: str = "") -> bytes:
    """The register as an Excel sheet, for the joint meeting: the headers and names in the
    active language, the due dates as dates, "overdue" as yes or no (the demo note, if any,
    a first row above the headers)."""
    current = current_judgements(items)
    last_notes: dict[int, str] = {}
    for e in FollowUpEvent.objects.filter(item__in=items).exclude(note="").order_by("at", "pk"):
        last_notes[e.item_id] = e.note
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Follow-up register")[:31]
    header = [
        _("Indicator"),
        _("Org unit"),
        _("Responsible department"),
        _("Status when opened"),
        _("Status now"),
        _("Actions agreed"),
        _("Due"),
        _("State"),
        _("Overdue"),
        _("Latest note"),
    ]
    if note:
        ws.append([note])
        ws["A1"].font = Font(bold=True, color="B03A2E")
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for item in items:
        now = current.get(item.pk)
        overdue = item.state in LIVE and item.due_on < today
        ws.append(
            [
                local_name(item.indicator),
                local_name(item.orgunit),
                local_name(item.department),
                status_words(item.status_at_opening),
                status_words(now.status) if now else "",
                item.actions,
                item.due_on,
                str(ItemState(item.state).label),
                _("yes") if overdue else _("no"),
                last_notes.get(item.pk, ""),
            ]
        )
        ws.cell(row=ws.max_row, column=7).number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGHIJ", (28, 14, 24, 12, 12, 40, 12, 10, 8, 40), strict=True):
        ws.column_dimensions[letter].width = width
    return workbook_bytes(wb)
