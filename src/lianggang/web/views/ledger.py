"""The ledger's pages: lists of each record type in the user's scope, the entry forms, the
Excel import with its preview and the period summary. The pages of one rights case, aid record
or family are in :mod:`.ledger_records`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianggang.accounts.selectors import user_scope
from lianggang.demo.services import demo_note
from lianggang.ledger.access import (
    assigned_among,
    ledger_may_read,
    ledger_may_use,
    ledger_may_write,
    ledger_records_visible_to,
    outside_reads_to_review,
)
from lianggang.ledger.crypto import LedgerKeyError, mask
from lianggang.ledger.errors import Forbidden, LedgerError, NotFound
from lianggang.ledger.models import (
    Activity,
    AidRecord,
    Family,
    FamilyAward,
    Honour,
    Project,
    RightsCase,
    Site,
    field_label,
)
from lianggang.ledger.selectors import MEASURE_BY_KEY, ledger_figure_records, ledger_summary
from lianggang.ledger.services import (
    family_nominate,
    ledger_record_create,
    rights_case_open,
)
from lianggang.ledger.workbook import (
    SHEET_BY_KEY,
    ledger_import_confirm,
    ledger_import_preview,
    ledger_template,
)
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import in_subtree_of_code
from lianggang.reports.ledger_summary import build_ledger_summary
from lianggang.reports.render import CONTENT_TYPES, SUMMARY_FORMATS, summary_choices
from lianggang.reports.render import render as render_document

from ..ledger_forms import (
    ActivityForm,
    AidForm,
    CaseForm,
    FamilyForm,
    HonourForm,
    LedgerForm,
    ProjectForm,
    SiteForm,
    SummaryForm,
)
from ._shared import View, actor, domain_page, download

PAGE = 50


@dataclass(frozen=True)
class Kind:
    """A record type's pages: its model, form, the date it is listed by, the columns shown."""

    slug: str
    title: Any
    model: type[Model]
    form: type[LedgerForm]
    date_field: str
    columns: tuple[str, ...]


KINDS = {
    k.slug: k
    for k in (
        Kind(
            "activities",
            gettext_lazy("Activities"),
            Activity,
            ActivityForm,
            "held_on",
            ("held_on", "orgunit", "kind", "title", "sessions", "participants", "women"),
        ),
        Kind(
            "projects",
            gettext_lazy("Projects and funds"),
            Project,
            ProjectForm,
            "approved_on",
            ("approved_on", "orgunit", "name", "source", "amount_yuan", "beneficiaries"),
        ),
        Kind(
            "sites",
            gettext_lazy("Sites and organisations"),
            Site,
            SiteForm,
            "established_on",
            ("established_on", "orgunit", "kind", "subtype", "level", "name", "members"),
        ),
        Kind(
            "honours",
            gettext_lazy("Honours"),
            Honour,
            HonourForm,
            "awarded_on",
            ("awarded_on", "orgunit", "title", "level", "recipient"),
        ),
        Kind(
            "families",
            gettext_lazy("最美家庭"),
            Family,
            FamilyForm,
            "nominated_on",
            ("nominated_on", "orgunit", "name", "address"),
        ),
        Kind(
            "cases",
            gettext_lazy("Rights cases"),
            RightsCase,
            CaseForm,
            "received_on",
            ("received_on", "orgunit", "channel", "kind", "state", "protection_order"),
        ),
        Kind(
            "aid",
            gettext_lazy("Aid records"),
            AidRecord,
            AidForm,
            "given_on",
            ("given_on", "orgunit", "programme", "amount_yuan", "recipients", "quantity"),
        ),
    )
}
DETAIL = {"cases": "web:ledger-case", "aid": "web:ledger-aid", "families": "web:ledger-family"}


_ledger_errors = domain_page(
    not_found=NotFound, forbidden=Forbidden, forbidden_template="web/ledger/forbidden.html"
)


def ledger_page(view: View) -> View:
    """Signed in; the ledger's errors as the pages show them ("not yours" is "not there")."""

    @_ledger_errors
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except LedgerKeyError as exc:
            return render(request, "web/ledger/forbidden.html", {"error": exc}, status=503)

    return wrapped


def _kind(slug: str) -> Kind:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404(_("Not found."))
    return kind


def _cell(record: Model, name: str) -> Any:
    display = getattr(record, f"get_{name}_display", None)
    if display is not None:
        return display()
    value = getattr(record, name)
    if isinstance(value, bool):
        return _("yes") if value else ""
    return value


@ledger_page
def index(request: HttpRequest) -> HttpResponse:
    if not ledger_may_use(request.user):
        raise Forbidden
    scope = user_scope(request.user)
    counts = [
        (kind, ledger_records_visible_to(request.user, kind.model, scope=scope).count())
        for kind in KINDS.values()
    ]
    return render(
        request,
        "web/ledger/index.html",
        {
            "counts": counts,
            "summary_form": SummaryForm(user=request.user),
            "outside_reads": list(outside_reads_to_review(request.user)[:50]),
        },
    )


@ledger_page
def record_list(request: HttpRequest, kind: str) -> HttpResponse:
    k = _kind(kind)
    qs = ledger_records_visible_to(request.user, k.model).select_related("orgunit")
    start, end = request.GET.get("from", ""), request.GET.get("to", "")
    figure = MEASURE_BY_KEY.get(request.GET.get("figure", ""))
    try:
        first = dt.date.fromisoformat(start) if start else None
        last = dt.date.fromisoformat(end) if end else None
    except ValueError:
        messages.error(request, _("Dates are written YYYY-MM-DD."))
        first = last = None
    if figure is not None:
        # Exactly the records a figure of the period summary sums (its traceability).
        unit = OrgUnit.objects.filter(code=request.GET.get("orgunit", "")).first()
        if unit is None or first is None or last is None:
            raise NotFound
        records = ledger_figure_records(figure.key, orgunit=unit, start=first, end=last)
        if figure.model is k.model:
            qs = qs.filter(pk__in=records.values("pk"))
        elif figure.model is FamilyAward and k.model is Family:
            qs = qs.filter(awards__in=records)
        else:
            raise NotFound
    else:
        if first:
            qs = qs.filter(**{f"{k.date_field}__gte": first})
        if last:
            qs = qs.filter(**{f"{k.date_field}__lte": last})
        if request.GET.get("orgunit"):
            qs = qs.filter(in_subtree_of_code(request.GET["orgunit"], via="orgunit"))
    page = Paginator(qs.order_by(f"-{k.date_field}", "-pk"), PAGE).get_page(request.GET.get("page"))
    masked = _masked_names(request, k, list(page))
    headers = [field_label(k.model, c) for c in k.columns]
    if masked is not None:
        headers.append(field_label(k.model, MASKED[k.model]))
    return render(
        request,
        "web/ledger/list.html",
        {
            "kind": k,
            "figure": figure,
            "headers": headers,
            "rows": [
                (
                    r,
                    [
                        (v, isinstance(v, int | Decimal) and not isinstance(v, bool))
                        for v in (_cell(r, c) for c in k.columns)
                    ]
                    + ([(masked.get(r.pk, ""), False)] if masked is not None else []),
                )
                for r in page
            ],
            "page": page,
            "detail": DETAIL.get(k.slug),
            "start": start,
            "end": end,
            "query": request.GET.copy(),
        },
    )


# The personal field a list shows masked (扎***) on the rows the reader is assigned to.
MASKED: dict[type[Model], str] = {RightsCase: "applicant_name", AidRecord: "recipient_name"}


def _masked_names(request: HttpRequest, kind: Kind, rows: list[Any]) -> dict[int, str] | None:
    """Masked names of the listed cases or aid records assigned to the reader; None for other
    record types. The rest of a list shows no personal data at all."""
    field = MASKED.get(kind.model)
    if field is None:
        return None
    mine = assigned_among(request.user, kind.model, [r.pk for r in rows])
    return {pk: mask(name) for pk, name in mine.values_list("pk", field)}


@ledger_page
def record_new(request: HttpRequest, kind: str) -> HttpResponse:
    k = _kind(kind)
    if not ledger_may_write(request.user, case=k.model is RightsCase):
        raise Forbidden
    form = k.form(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        try:
            if isinstance(record, Family):
                family_nominate(
                    actor=actor(request), family=record, recommended_on=record.nominated_on
                )
            elif isinstance(record, RightsCase):
                rights_case_open(actor=actor(request), case=record)
            else:
                ledger_record_create(actor=actor(request), record=record)
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            if k.slug in DETAIL:
                return redirect(DETAIL[k.slug], record.pk)
            return redirect("web:ledger-list", k.slug)
    return render(
        request,
        "web/ledger/form.html",
        {"kind": k, "form": form},
        status=422 if form.errors else 200,
    )


@ledger_page
def template(request: HttpRequest) -> HttpResponse:
    return download(ledger_template(), CONTENT_TYPES["xlsx"], _("ledger") + ".xlsx")


@ledger_page
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect("web:ledger")
    result, pending = ledger_import_preview(
        actor=actor(request), filename=file.name or "ledger.xlsx", content=file.read()
    )
    return render(
        request,
        "web/ledger/import_preview.html",
        {
            "result": result,
            "pending": pending,
            "counts": [(SHEET_BY_KEY[k].title(), n) for k, n in result.counts.items()],
            "filename": file.name,
        },
        status=200 if result.ok else 422,
    )


@ledger_page
@require_POST
def upload_confirm(request: HttpRequest, pending_id: int) -> HttpResponse:
    result = ledger_import_confirm(actor=actor(request), pending_id=pending_id)
    if result.applied:
        messages.success(
            request, _("Imported %(n)d record(s).") % {"n": sum(result.counts.values())}
        )
    else:
        messages.error(
            request,
            _("The records changed since the preview; nothing was imported. Upload again.")
            + " "
            + "；".join(str(p) for p in result.problems[:5]),
        )
    return redirect("web:ledger")


@ledger_page
def summary(request: HttpRequest) -> HttpResponse:
    form = SummaryForm(request.GET or None, user=request.user)
    if not form.is_valid():
        return render(
            request, "web/ledger/summary.html", {"form": form}, status=422 if request.GET else 200
        )
    unit: OrgUnit = form.cleaned_data["orgunit"]
    if not ledger_may_read(request.user, unit):
        raise NotFound
    result = ledger_summary(
        orgunit=unit, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
    )
    fmt = request.GET.get("format")
    if fmt in SUMMARY_FORMATS:
        doc = build_ledger_summary(result, demo_note=demo_note(result.is_demo))
        return download(render_document(doc, fmt), CONTENT_TYPES[fmt], f"{doc.title}.{fmt}")
    return render(
        request,
        "web/ledger/summary.html",
        {
            "form": form,
            "summary": result,
            "summary_formats": summary_choices(),
            "query": request.GET.urlencode(),
            # Each figure's records open in the list of their type.
            "figure_lists": {
                key: next(
                    (
                        k.slug
                        for k in KINDS.values()
                        if k.model is m.model or (m.model is FamilyAward and k.model is Family)
                    ),
                    "",
                )
                for key, m in MEASURE_BY_KEY.items()
            },
        },
    )
