"""The ledger's entry forms: one per record type, the org units limited to the user's scope."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from lianggang.accounts.models import Role
from lianggang.accounts.selectors import user_scope
from lianggang.ledger.models import (
    Activity,
    AidRecord,
    CaseStep,
    Decision,
    Family,
    Honour,
    Project,
    RightsCase,
    Site,
)
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import in_ancestry, in_subtree

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def units_for(user: Any) -> Any:
    scope = user_scope(user)
    units = OrgUnit.objects.order_by("path")
    if scope.superuser:
        return units
    return units.filter(in_subtree(scope.orgunit_path))


def ledger_people(user: Any) -> Any:
    """Who may be assigned to a case or an aid record: the federation's officers and case
    workers whose scope covers the user's."""
    scope = user_scope(user)
    people = get_user_model().objects.filter(
        is_active=True, membership__role__in=[Role.FEDERATION_OFFICER, Role.CASE_WORKER]
    )
    if scope.superuser or not scope.orgunit_path:
        return people.order_by("username")
    return people.filter(
        in_ancestry(scope.orgunit_path, via="membership__orgunit")
        | in_subtree(scope.orgunit_path, via="membership__orgunit")
    ).order_by("username")


class LedgerForm(forms.ModelForm):
    """A record's form for this user: units in scope, dates as date inputs."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "orgunit" in self.fields:
            self.fields["orgunit"].queryset = units_for(user)  # type: ignore[attr-defined]
        for name in ("supervisor", "handler"):
            if name in self.fields:
                self.fields[name].queryset = ledger_people(user)  # type: ignore[attr-defined]
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DATE


def _form(model: type[Model], fields: list[str]) -> type[LedgerForm]:
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}Form", (LedgerForm,), {"Meta": meta})


ActivityForm = _form(
    Activity,
    [
        "orgunit",
        "kind",
        "title",
        "held_on",
        "organiser",
        "sessions",
        "participants",
        "women",
        "families",
        "funds_yuan",
        "materials_yuan",
        "notes",
    ],
)
ProjectForm = _form(
    Project,
    [
        "orgunit",
        "name",
        "source",
        "amount_yuan",
        "approved_on",
        "ends_on",
        "beneficiaries",
        "notes",
    ],
)
SiteForm = _form(
    Site,
    [
        "orgunit",
        "kind",
        "subtype",
        "level",
        "name",
        "established_on",
        "closed_on",
        "members",
        "notes",
    ],
)
HonourForm = _form(Honour, ["orgunit", "title", "level", "awarded_on", "recipient", "notes"])
FamilyForm = _form(Family, ["orgunit", "name", "address", "nominated_on", "story", "notes"])
AidForm = _form(
    AidRecord,
    [
        "orgunit",
        "programme",
        "given_on",
        "amount_yuan",
        "recipients",
        "quantity",
        "recipient_name",
        "recipient_id_number",
        "handler",
        "supervisor",
        "notes",
    ],
)
CaseForm = _form(
    RightsCase,
    [
        "orgunit",
        "received_on",
        "channel",
        "kind",
        "applicant_name",
        "applicant_phone",
        "applicant_id_number",
        "applicant_address",
        "narrative",
        "supervisor",
        "notes",
    ],
)


class StepForm(forms.ModelForm):
    class Meta:
        model = CaseStep
        fields = ("kind", "taken_on", "referred_to", "note")
        widgets: ClassVar = {"taken_on": DATE}


class PurposeForm(forms.Form):
    purpose = forms.CharField(label=_("Why you open it"), max_length=200)
    reason = forms.CharField(
        label=_("Why you must, not being assigned to it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[
            (Decision.SELECTED, Decision.SELECTED.label),
            (Decision.NOT_SELECTED, Decision.NOT_SELECTED.label),
        ],
    )
    decided_on = forms.DateField(label=_("decided on"), widget=DATE)


class RecommendForm(forms.Form):
    recommended_on = forms.DateField(label=_("recommended on"), widget=DATE)


class SummaryForm(forms.Form):
    orgunit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none())
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["orgunit"].queryset = units_for(user).filter(aggregated=True)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
