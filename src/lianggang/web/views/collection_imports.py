"""The collection round's workbooks and uploads: a submission's or a department's template
to fill in, an upload's preview (kept as a pending import) and its confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianggang.accounts.selectors import user_scope
from lianggang.collection.access import (
    Action,
    access_pending_import,
    access_submission,
    role_allows,
    submissions_visible_to,
)
from lianggang.collection.errors import CollectionError, Forbidden, NotFound
from lianggang.collection.imports import (
    import_apply,
    import_plan,
    pending_import_keep,
    plan_fingerprint,
)
from lianggang.collection.models import RoundState
from lianggang.collection.workbook import (
    ReadResult,
    read_csv,
    read_workbook,
    template_workbook,
)

from ._shared import XLSX, actor, download
from .collection import collection_view


@collection_view
def submission_template(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_submission(request.user, submission_id, Action.VIEW)
    name = f"{submission.round.year}-{submission.data_set.code}-{submission.orgunit.code}.xlsx"
    return download(template_workbook([submission]), XLSX, name)


@collection_view
def department_template(request: HttpRequest, year: int, data_set: str) -> HttpResponse:
    """One workbook for all the org units of a data set that the user may enter; the sheets of
    submissions no longer editable (approved) are read-only, with a note saying so."""
    if not role_allows(user_scope(request.user), Action.EDIT):
        raise Forbidden
    subs = list(
        submissions_visible_to(request.user)
        .filter(round__year=year, data_set__code=data_set, round__state=RoundState.OPEN)
        .select_related("round", "data_set", "orgunit")
        .order_by("orgunit__sort_order")
    )
    if not subs:
        raise NotFound
    return download(template_workbook(subs), XLSX, f"{year}-{data_set}.xlsx")


def _read(content: bytes, filename: str) -> ReadResult:
    """An upload as values; a sheet removed from a workbook is noted by the plan, not refused."""
    if filename.lower().endswith((".csv", ".txt")):
        return read_csv(content, name=filename)  # the file named in what cannot be read
    return read_workbook(content, missing_ok=True, name=filename)


def _preview(request: HttpRequest, *, submission_id: int | None, back: str) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect(back)
    content = upload.read()
    filename = upload.name or "upload.xlsx"
    plan = import_plan(
        actor=actor(request), read=_read(content, filename), submission_id=submission_id
    )
    pending = None
    if plan.ok and plan.changes:
        pending = pending_import_keep(
            actor=actor(request),
            plan=plan,
            submission_id=submission_id,
            filename=filename,
            content=content,
        )
    return render(
        request,
        "web/collection/import_preview.html",
        {"plan": plan, "pending": pending, "filename": filename, "back": back},
        status=200 if plan.ok else 422,
    )


@collection_view
@require_POST
def submission_upload(request: HttpRequest, submission_id: int) -> HttpResponse:
    access_submission(request.user, submission_id, Action.EDIT)
    return _preview(
        request,
        submission_id=submission_id,
        back=reverse("web:submission", args=[submission_id]),
    )


@collection_view
@require_POST
def round_upload(request: HttpRequest, year: int) -> HttpResponse:
    if not role_allows(user_scope(request.user), Action.EDIT):
        raise Forbidden
    return _preview(request, submission_id=None, back=reverse("web:round", args=[year]))


@collection_view
@require_POST
def import_confirm(request: HttpRequest, pending_id: int) -> HttpResponse:
    """Apply exactly what was previewed, or nothing if the data changed meanwhile."""
    pending = access_pending_import(request.user, pending_id)
    back = (
        reverse("web:submission", args=[pending.submission_id])
        if pending.submission_id
        else reverse("web:collection")
    )
    # The same reading and planning as the preview's: its fingerprint says it is the same plan.
    read = _read(bytes(pending.content), pending.filename)
    plan = import_plan(actor=actor(request), read=read, submission_id=pending.submission_id)
    if not plan.ok or plan_fingerprint(plan) != pending.fingerprint:
        pending.delete()
        messages.error(
            request, _("The data changed since the preview; nothing was imported. Upload again.")
        )
        return redirect(back)
    try:
        n = import_apply(actor=actor(request), plan=plan)
    except CollectionError as exc:
        messages.error(request, f"{exc} " + _("Nothing was imported."))
        return redirect(back)
    pending.delete()
    messages.success(request, _("Imported: %(n)d value(s) changed.") % {"n": n})
    return redirect(back)
