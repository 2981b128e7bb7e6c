"""The ledger's pages of one record: a rights case and an aid record (their personal data
opened only by the people assigned, with a stated purpose, each time logged) and a family's
最美家庭 candidacies, level by level."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lianggang.ledger.access import (
    access_aid_record,
    access_rights_case,
    family_awards,
    personal_data_readable,
    personal_data_readable_outside,
)
from lianggang.ledger.errors import Forbidden, LedgerError, NotFound
from lianggang.ledger.models import (
    SELECTION_LEVELS,
    AidRecord,
    Decision,
    Family,
    FamilyAward,
    RightsCase,
    field_label,
)
from lianggang.ledger.services import (
    aid_record_reveal,
    family_decide,
    family_recommend,
    rights_case_reveal,
    rights_case_step,
)

from ..ledger_forms import DecisionForm, PurposeForm, RecommendForm, StepForm
from ._shared import actor
from .ledger import ledger_page


@ledger_page
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_rights_case(request.user, case_id)
    assigned = personal_data_readable(request.user, case)
    personal = None
    purpose_form = PurposeForm(request.POST if "purpose" in request.POST else None)
    step_form = StepForm(request.POST if "kind" in request.POST else None)
    if request.method == "POST":
        if "purpose" in request.POST and purpose_form.is_valid():
            try:
                personal = rights_case_reveal(
                    actor=actor(request), case_id=case.pk, **purpose_form.cleaned_data
                )
            except Forbidden:
                raise  # answered 403 by the page's decorator
            except LedgerError as exc:
                messages.error(request, str(exc))
        elif "kind" in request.POST and step_form.is_valid():
            try:
                rights_case_step(actor=actor(request), case_id=case.pk, **step_form.cleaned_data)
            except LedgerError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect("web:ledger-case", case.pk)
    fields = (
        "applicant_name",
        "applicant_phone",
        "applicant_id_number",
        "applicant_address",
        "narrative",
    )
    return render(
        request,
        "web/ledger/case.html",
        {
            "case": case,
            "assigned": assigned,
            "outside": not assigned and personal_data_readable_outside(request.user, case),
            "steps": case.steps.defer("note").select_related("actor"),
            "personal": [(field_label(RightsCase, f), personal[f]) for f in fields]
            if personal
            else None,
            "purpose_form": purpose_form,
            "step_form": step_form,
            "workers": case.workers.all(),
        },
    )


@ledger_page
def aid_detail(request: HttpRequest, aid_id: int) -> HttpResponse:
    aid = access_aid_record(request.user, aid_id)
    personal = None
    form = PurposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            personal = aid_record_reveal(actor=actor(request), aid_id=aid.pk, **form.cleaned_data)
        except Forbidden:
            raise  # answered 403 by the page's decorator
        except LedgerError as exc:
            messages.error(request, str(exc))
    assigned = personal_data_readable(request.user, aid)
    fields = ("recipient_name", "recipient_id_number")
    return render(
        request,
        "web/ledger/aid.html",
        {
            "aid": aid,
            "assigned": assigned,
            "outside": not assigned and personal_data_readable_outside(request.user, aid),
            "personal": [(field_label(AidRecord, f), personal[f]) for f in fields]
            if personal
            else None,
            "purpose_form": form,
        },
    )


@ledger_page
def family_detail(request: HttpRequest, family_id: int) -> HttpResponse:
    family, awards = family_awards(request.user, family_id)
    if request.method == "POST":
        _family_action(request, family, awards)
        return redirect("web:ledger-family", family.pk)
    levels = []
    for i, level in enumerate(SELECTION_LEVELS):
        award = awards.get(level.value)
        below = awards.get(SELECTION_LEVELS[i - 1].value) if i else None
        levels.append(
            {
                "level": level,
                "award": award,
                "may_recommend": award is None
                and i > 0
                and below is not None
                and below.decision == Decision.SELECTED,
            }
        )
    return render(
        request,
        "web/ledger/family.html",
        {
            "family": family,
            "levels": levels,
            "decision_form": DecisionForm(),
            "today": timezone.localdate(),
        },
    )


def _family_action(request: HttpRequest, family: Family, awards: dict[str, FamilyAward]) -> None:
    """Record a decision on one of this family's candidacies, or put it to the next level."""
    deciding = request.POST.get("action") == "decide"
    form = DecisionForm(request.POST) if deciding else RecommendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for e in form.errors.values()))
        return
    try:
        if deciding:
            award = next(
                (a for a in awards.values() if str(a.pk) == request.POST.get("award")), None
            )
            if award is None:
                raise NotFound
            family_decide(actor=actor(request), award_id=award.pk, **form.cleaned_data)
        else:
            family_recommend(
                actor=actor(request),
                family_id=family.pk,
                level=request.POST.get("level", ""),
                **form.cleaned_data,
            )
    except (LedgerError, ValueError) as exc:
        messages.error(request, str(exc) or _("Not found."))
    else:
        messages.success(request, _("Saved."))
