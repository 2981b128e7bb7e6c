"""The follow-up register (督办) pages: lagging targets, items, their history, the export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianggang.accounts.selectors import user_scope
from lianggang.analytics.selectors import figure_years
from lianggang.demo.services import demo_note
from lianggang.followup.models import FollowUp, ItemState
from lianggang.followup.services import (
    FollowUpError,
    NotFound,
    current_judgements,
    followup_candidates,
    followup_may_open,
    followup_open,
    followup_orgunit,
    followup_update,
    followups_visible_to,
    followups_xlsx,
)
from lianggang.framework.models import Indicator
from lianggang.orgunits.models import Department, OrgUnit

from ..presentation import STATUS_STYLE
from ._shared import XLSX, asked_orgunit, download, outline_choice


def _items(request: HttpRequest) -> list[FollowUp]:
    qs = followups_visible_to(request.user).select_related("indicator", "orgunit", "department")
    state = request.GET.get("state", "live")
    if state == "live":
        qs = qs.filter(state__in=[ItemState.OPEN, ItemState.IN_PROGRESS])
    elif state in ItemState.values:
        qs = qs.filter(state=state)
    if request.GET.get("department"):
        qs = qs.filter(department__code=request.GET["department"])
    return list(qs)


def _register_unit(request: HttpRequest) -> OrgUnit:
    """The unit whose register is shown: the one asked for, else the reader's own (a county
    officer's county), else the site's home unit."""
    if not request.GET.get("orgunit"):
        path = user_scope(request.user).orgunit_path
        own = OrgUnit.objects.filter(path=path, aggregated=True).first() if path else None
        if own is not None:
            return own
    return asked_orgunit(request)


@login_required
def register(request: HttpRequest) -> HttpResponse:
    outlines, outline = outline_choice(request)
    home = _register_unit(request)
    year = figure_years(outline).default  # the latest complete year
    items = _items(request)
    today = timezone.localdate()
    current = current_judgements(items)
    context: dict[str, Any] = {
        "outlines": outlines,
        "outline": outline,
        "orgunit": home,
        "year": year,
        "items": [
            {
                "item": i,
                "now": current.get(i.pk),
                "overdue": i.state in ("open", "in_progress") and i.due_on < today,
            }
            for i in items
        ],
        "candidates": followup_candidates(
            user=request.user, outline=outline, orgunit=home, year=year
        )
        if year
        else [],
        "states": ItemState.choices,
        "state": request.GET.get("state", "live"),
        "departments": Department.objects.order_by("sort_order", "code"),
        "department": request.GET.get("department", ""),
        "default_due": today + dt.timedelta(days=180),
        "status_style": STATUS_STYLE,
        "query_string": request.GET.urlencode(),
    }
    return render(request, "web/followup.html", context)


@login_required
@require_POST
def item_open(request: HttpRequest) -> HttpResponse:
    if not followup_may_open(request.user):
        messages.error(request, _("Only the committee's or the county's officers open follow-ups."))
        return redirect("web:followup")
    try:
        indicator = Indicator.objects.get(code=request.POST.get("indicator", ""))
        orgunit = followup_orgunit(request.user, request.POST.get("orgunit", ""))
        department = Department.objects.get(code=request.POST.get("department", ""))
        due_on = dt.date.fromisoformat(request.POST.get("due_on", ""))
        if orgunit is None:
            raise ValueError
    except (Indicator.DoesNotExist, Department.DoesNotExist, ValueError):
        messages.error(request, _("Choose the department and a due date (YYYY-MM-DD)."))
        return redirect("web:followup")
    try:
        item = followup_open(
            actor=request.user,
            indicator=indicator,
            orgunit=orgunit,
            department=department,
            due_on=due_on,
            actions=request.POST.get("actions", ""),
        )
    except FollowUpError as exc:
        messages.error(request, str(exc))
        return redirect("web:followup")
    messages.success(request, _("Follow-up item opened."))
    return redirect("web:followup-item", item_id=item.pk)


@login_required
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = (
        followups_visible_to(request.user)
        .select_related("indicator", "orgunit", "department", "opened_by")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404(_("No such follow-up item."))
    if request.method == "POST":
        try:
            followup_update(
                actor=request.user,
                item_id=item.pk,
                note=request.POST.get("note", ""),
                state=request.POST.get("state") or None,
            )
        except NotFound:
            raise Http404(_("No such follow-up item.")) from None
        except FollowUpError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved."))
        return redirect("web:followup-item", item_id=item.pk)
    context = {
        "item": item,
        "events": item.events.select_related("actor"),
        "now": current_judgements([item]).get(item.pk),
        "states": ItemState.choices,
        "status_style": STATUS_STYLE,
    }
    return render(request, "web/followup_item.html", context)


@login_required
def register_export(request: HttpRequest) -> HttpResponse:
    content = followups_xlsx(_items(request), timezone.localdate(), demo_note())
    return download(content, XLSX, _("Follow-up register") + ".xlsx")
