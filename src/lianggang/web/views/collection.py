"""Pages of the yearly collection round: thin views over collection.access/services/selectors.

The rounds, a submission's grid (cell by cell, with its history, notes and transitions), the
notifications and the audit trail; the workbooks and uploads are in
:mod:`.collection_imports`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianggang.accounts.selectors import user_scope
from lianggang.analytics.exports import count
from lianggang.cells import InertWriter
from lianggang.collection import selectors
from lianggang.collection.access import (
    Action,
    access_submission,
    audit_visible_to,
    notifications_of,
    role_allows,
    submissions_visible_to,
)
from lianggang.collection.errors import CollectionError, Forbidden, NotFound
from lianggang.collection.models import (
    Channel,
    DataValueAudit,
    Round,
    RoundState,
    Submission,
    SubmissionState,
)
from lianggang.collection.review import (
    mail_configured,
    submissions_batch_approve,
    submissions_batch_return,
    submissions_remind,
)
from lianggang.collection.services import (
    EDITABLE,
    SUBMISSION_TRANSITIONS,
    Entry,
    SubmissionBlocked,
    datavalues_save,
    round_close,
    round_open,
    submission_review,
    validation_note_save,
)
from lianggang.framework.naming import local_name
from lianggang.orgunits.models import Department, OrgUnit

from ._shared import actor, domain_page

# Log in first; outside one's scope is 404 and a role's limit is 403.
collection_view = domain_page(not_found=NotFound, forbidden=Forbidden)


@collection_view
def index(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    visible = submissions_visible_to(request.user)
    every_round = list(Round.objects.order_by("-year"))
    # The rounds in progress (the demo's are all past), and the closed ones, openable to read.
    rounds = [r for r in every_round if r.state != RoundState.CLOSED]
    past = [r for r in every_round if r.state == RoundState.CLOSED]
    open_rounds = [r for r in rounds if r.state == RoundState.OPEN]
    mine = (
        visible.filter(round__in=open_rounds)
        .select_related("round", "data_set__department", "orgunit")
        .order_by("round__year", "orgunit__sort_order", "data_set__code")
    )
    # What is due: the submissions the user enters that were returned (first, with why) or are
    # still open, the nearest deadline first.
    due = selectors.submissions_due(mine) if role_allows(scope, Action.EDIT) else mine.none()
    return render(
        request,
        "web/collection/index.html",
        {
            "rounds": rounds,
            "past_rounds": past,
            "past_counts": _round_counts(visible, past),
            # The rest of the open rounds' submissions: what is due is listed once, above.
            "submissions": mine.exclude(pk__in=[s.pk for s in due]),
            "due": due,
            "can_manage": role_allows(scope, Action.MANAGE_ROUNDS),
            "today": timezone.localdate(),
            "next_year": (every_round[0].year + 1)
            if every_round
            else timezone.localdate().year - 1,
        },
    )


def _round_counts(visible: QuerySet[Submission], rounds: list[Round]) -> dict[int, Any]:
    """For each round: its submissions in the user's scope, and how many were approved."""
    return {
        row["round_id"]: row
        for row in visible.filter(round__in=rounds)
        .values("round_id")
        .annotate(total=Count("pk"), approved=Count("pk", filter=Q(state=SubmissionState.APPROVED)))
        .order_by()
    }


@collection_view
@require_POST
def round_open_view(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.POST["year"])
        closes_on = dt.date.fromisoformat(request.POST["closes_on"])
    except (KeyError, ValueError):
        messages.error(request, _("Give the data year and a deadline (YYYY-MM-DD)."))
        return redirect("web:collection")
    try:
        rnd = round_open(actor=actor(request), year=year, closes_on=closes_on)
    except CollectionError as exc:
        if isinstance(exc, Forbidden):
            raise
        messages.error(request, str(exc))
        return redirect("web:collection")
    messages.success(request, _("The %(year)s round is open.") % {"year": rnd.year})
    return redirect("web:round", year=rnd.year)


@collection_view
@require_POST
def round_close_view(request: HttpRequest, year: int) -> HttpResponse:
    rnd = Round.objects.filter(year=year, is_demo=False).first()
    if rnd is None:
        raise Http404
    try:
        round_close(actor=actor(request), round_id=rnd.pk)
    except CollectionError as exc:
        if isinstance(exc, Forbidden):
            raise
        messages.error(request, str(exc))
    return redirect("web:round", year=year)


@collection_view
def round_detail(request: HttpRequest, year: int) -> HttpResponse:
    rnd = Round.objects.filter(year=year).first()
    if rnd is None:
        raise Http404
    scope = user_scope(request.user)
    visible = submissions_visible_to(request.user).filter(round=rnd)
    today = timezone.localdate()
    late = selectors.submissions_in_tree_order(selectors.submissions_late(visible, today))
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="late-{year}.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
        writer = InertWriter(response)
        writer.writerow([_("Org unit"), _("Department"), _("Data set"), _("State"), _("Deadline")])
        for s in late:
            writer.writerow(
                [
                    s.orgunit.name,
                    s.data_set.department.name,
                    s.data_set.name,
                    s.get_state_display(),
                    rnd.closes_on,
                ]
            )
        return response
    table = selectors.completeness(visible)
    filters, listed = _round_filters(request.GET, visible)
    is_open = rnd.state == RoundState.OPEN
    can_review = is_open and role_allows(scope, Action.REVIEW)
    return render(
        request,
        "web/collection/round.html",
        {
            "round": rnd,
            "by_department": table["departments"].items(),
            "by_orgunit": table["orgunits"].items(),
            "states": [selectors.NOT_STARTED, *SubmissionState.values],
            "late": late,
            "overdue": bool(rnd.closes_on and rnd.closes_on < today),
            "can_manage": role_allows(scope, Action.MANAGE_ROUNDS),
            "data_sets": sorted(set(visible.values_list("data_set__code", "data_set__name")))
            if is_open and role_allows(scope, Action.EDIT)
            else [],
            "submissions": selectors.submissions_in_tree_order(
                listed.select_related("data_set__department", "orgunit")
            ),
            "filters": filters,
            "filter_options": _filter_options(visible),
            "filtered": any(filters.values()),
            "total": visible.count(),
            # Awaiting review under the same department and org unit filters (the state aside).
            "to_review": _round_filters({**filters, "state": ""}, visible)[1]
            .filter(state=SubmissionState.SUBMITTED)
            .count(),
            "can_review": can_review,
            "selectable": can_review and listed.filter(state=SubmissionState.SUBMITTED).exists(),
            "select_all": can_review and request.GET.get("select") == "submitted",
            "not_submitted": visible.filter(state__in=EDITABLE).count() if can_review else 0,
            "mail": mail_configured(),
            "batch": _batch_result(request, visible, year),
        },
    )


FILTERS = ("state", "department", "orgunit")
UNSUBMITTED = "unsubmitted"  # the state filter's "not yet submitted": a draft or returned


def _round_filters(params: Any, visible: QuerySet[Submission]) -> tuple[dict[str, str], Any]:
    """The list's filters from the address (unknown values are ignored) and the list they
    leave: by state, by the data set's department, by org unit."""
    filters = {name: params.get(name, "").strip() for name in FILTERS}
    listed = visible
    if filters["state"] == UNSUBMITTED:
        listed = listed.filter(state__in=EDITABLE)
    elif filters["state"] in SubmissionState.values:
        listed = listed.filter(state=filters["state"])
    else:
        filters["state"] = ""
    if filters["department"]:
        listed = listed.filter(data_set__department__code=filters["department"])
    if filters["orgunit"]:
        listed = listed.filter(orgunit__code=filters["orgunit"])
    return filters, listed


def _filter_options(visible: QuerySet[Submission]) -> dict[str, Any]:
    """The choices of the filters: the states, and the departments and org units of the
    round's submissions in scope (the org units parent first)."""
    return {
        "states": [(UNSUBMITTED, _("not yet submitted")), *SubmissionState.choices],
        "departments": Department.objects.filter(pk__in=visible.values("data_set__department_id")),
        "orgunits": OrgUnit.objects.filter(pk__in=visible.values("orgunit_id")).order_by("path"),
    }


def _filters_query(post: Any) -> str:
    """The list's filters sent back with a form, as the address's query ("" or "?…")."""
    kept = {name: post.get(name, "") for name in FILTERS if post.get(name, "")}
    return f"?{urlencode(kept)}" if kept else ""


BATCH_SESSION_KEY = "lianggang.review_batch"


def _batch_result(
    request: HttpRequest, visible: QuerySet[Submission], year: int
) -> dict[str, Any] | None:
    """The outcome of the batch just done on this round (kept in the session for one page)."""
    stored = request.session.get(BATCH_SESSION_KEY)
    if not stored or stored.get("year") != year:
        return None
    del request.session[BATCH_SESSION_KEY]
    ids = set(stored["done"]) | {pk for pk, _message in stored["refused"] if pk}
    found = {s.pk: s for s in visible.filter(pk__in=ids).select_related("data_set", "orgunit")}
    return {
        "action": stored["action"],
        "done": [found[pk] for pk in stored["done"] if pk in found],
        "refused": [(found.get(pk), message) for pk, message in stored["refused"]],
    }


@collection_view
@require_POST
def round_review(request: HttpRequest, year: int) -> HttpResponse:
    """Approve or return the selected submissions (one form); the outcome shows on the round's
    page, with the list's filters kept."""
    back = reverse("web:round", args=[year]) + _filters_query(request.POST)
    action = request.POST.get("action", "")
    try:
        ids = [int(v) for v in request.POST.getlist("submission")]
    except ValueError:
        ids = []
    if action not in ("approve", "return"):
        raise Http404
    if not ids:
        messages.error(request, _("Select at least one submission."))
        return redirect(back)
    try:
        if action == "approve":
            result = submissions_batch_approve(actor=actor(request), submission_ids=ids)
        else:
            result = submissions_batch_return(
                actor=actor(request), submission_ids=ids, reason=request.POST.get("reason", "")
            )
    except (NotFound, Forbidden):
        raise
    except CollectionError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    request.session[BATCH_SESSION_KEY] = {
        "year": year,
        "action": action,
        "done": [o.submission_id for o in result.done],
        "refused": [(o.submission_id if o.submission else None, o.message) for o in result.refused],
    }
    return redirect(back)


@collection_view
@require_POST
def round_remind(request: HttpRequest, year: int) -> HttpResponse:
    """催报: remind the clerks of the submissions not yet submitted; say how many were told."""
    rnd = Round.objects.filter(year=year).first()
    if rnd is None:
        raise Http404
    back = reverse("web:round", args=[year]) + _filters_query(request.POST)
    try:
        result = submissions_remind(
            actor=actor(request),
            round_id=rnd.pk,
            link=request.build_absolute_uri(reverse("web:collection")),
        )
    except (NotFound, Forbidden):
        raise
    except CollectionError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    if result.reminded:
        messages.success(
            request,
            _("Reminded %(clerks)d clerk(s) of %(submissions)d submission(s) not yet submitted.")
            % {"clerks": result.clerks, "submissions": len(result.reminded)},
        )
    if result.emailed:
        messages.success(request, _("%(n)d of them also got an e-mail.") % {"n": result.emailed})
    if result.email_failed:
        messages.error(
            request,
            _("%(n)d e-mail(s) could not be sent; the notifications were.")
            % {"n": result.email_failed},
        )
    if result.already_today:
        messages.info(
            request,
            _("%(n)d submission(s) were already reminded today and were not reminded again.")
            % {"n": len(result.already_today)},
        )
    if result.without_clerk:
        by_department = Counter(local_name(s.data_set.department) for s in result.without_clerk)
        messages.error(
            request,
            _(
                "No clerk's account covers %(n)d submission(s), so nobody was reminded of them "
                "(by department: %(departments)s). An administrator gives the departments' "
                "clerks their accounts."
            )
            % {
                "n": len(result.without_clerk),
                "departments": "; ".join(f"{d} {n}" for d, n in by_department.items()),
            },
        )
    if not (result.reminded or result.already_today or result.without_clerk):
        messages.info(request, _("Every submission has been submitted: nobody to remind."))
    return redirect(back)


def _submission_context(request: HttpRequest, submission_id: int) -> dict[str, Any]:
    submission = access_submission(request.user, submission_id, Action.VIEW)
    scope = user_scope(request.user)
    return {
        "submission": submission,
        "rows": selectors.submission_grid(submission),
        "year": submission.round.year,
        **_findings_context(request, submission),
        "can_review": submission.state == SubmissionState.SUBMITTED
        and role_allows(scope, Action.REVIEW),
        "can_reopen": submission.state == SubmissionState.APPROVED
        and role_allows(scope, Action.REOPEN),
        "events": submission.events.select_related("actor"),
    }


def _findings_context(request: HttpRequest, submission: Submission) -> dict[str, Any]:
    """What the findings panel shows: on the page, and again after each cell saved."""
    scope = user_scope(request.user)
    review = submission_review(submission)
    editable = (
        submission.state in (SubmissionState.DRAFT, SubmissionState.RETURNED)
        and submission.round.state == RoundState.OPEN
        and role_allows(scope, Action.EDIT)
    )
    return {
        "editable": editable,
        "can_submit": editable and role_allows(scope, Action.SUBMIT),
        "review": review,
        "notes": {n.check_key: n for n in submission.validation_notes.all()},
        "unexplained": {f.key for f in review.unexplained},
    }


@collection_view
def submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    return render(
        request, "web/collection/submission.html", _submission_context(request, submission_id)
    )


@collection_view
@require_POST
def cell_save(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Save one cell (htmx): the row comes back with its new version, or a conflict message."""
    element = request.POST.get("element", "")
    disaggregation = request.POST.get("disaggregation", "total")
    try:
        expected = int(request.POST.get("version", "0"))
    except ValueError:
        expected = 0
    entry = Entry(
        element=element,
        disaggregation=disaggregation,
        value=request.POST.get("value", ""),
        comment=request.POST.get("comment", ""),
        expected_version=expected,
    )
    status = 200
    error = ""
    findings: list[Any] = []
    try:
        result = datavalues_save(
            actor=actor(request),
            submission_id=submission_id,
            entries=[entry],
            channel=Channel.GRID,
        )
        findings = result.findings
    except (NotFound, Forbidden):
        raise
    except CollectionError as exc:
        error = str(exc)
        status = 409 if exc.code == "conflict" else 422
    submission = access_submission(request.user, submission_id, Action.VIEW)
    row = next(
        (
            r
            for r in selectors.submission_grid(submission)
            if r.element.code == element and r.disaggregation == disaggregation
        ),
        None,
    )
    if row is None:
        raise Http404
    # The row, and the submission's findings panel out of band (htmx): the list follows the save.
    return render(
        request,
        "web/collection/_cell_saved.html",
        {
            **_findings_context(request, submission),
            "row": row,
            "submission": submission,
            "year": submission.round.year,
            "editable": True,
            "error": error,
            "typed": entry.value if error else None,
            "cell_findings": findings,
        },
        status=status,
    )


@collection_view
def cell_history(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_submission(request.user, submission_id, Action.VIEW)
    history = selectors.cell_history(
        submission, request.GET.get("element", ""), request.GET.get("disaggregation", "total")
    )
    return render(request, "web/collection/_history.html", {"history": history})


@collection_view
@require_POST
def note_save(request: HttpRequest, submission_id: int) -> HttpResponse:
    try:
        validation_note_save(
            actor=actor(request),
            submission_id=submission_id,
            check_key=request.POST.get("check_key", ""),
            comment=request.POST.get("comment", ""),
        )
    except (NotFound, Forbidden):
        raise
    except CollectionError as exc:
        messages.error(request, str(exc))
    return redirect("web:submission", submission_id=submission_id)


@collection_view
@require_POST
def transition(request: HttpRequest, submission_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    service = SUBMISSION_TRANSITIONS.get(action)
    if service is None:
        raise Http404
    kwargs: dict[str, Any] = {"actor": request.user, "submission_id": submission_id}
    if action in ("return", "reopen"):
        kwargs["reason"] = request.POST.get("reason", "")
    try:
        submission = service(**kwargs)
    except (NotFound, Forbidden):
        raise
    except SubmissionBlocked as exc:
        messages.error(request, str(exc))
        return redirect("web:submission", submission_id=submission_id)
    except CollectionError as exc:
        messages.error(request, str(exc))
        return redirect("web:submission", submission_id=submission_id)
    messages.success(
        request,
        _("Submission %(name)s is now %(state)s.")
        % {
            "name": f"{submission.orgunit} · {submission.data_set}",
            "state": submission.get_state_display(),
        },
    )
    return redirect("web:submission", submission_id=submission_id)


@collection_view
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first; showing them marks them read."""
    items = list(
        notifications_of(request.user).select_related(
            "actor", "submission__orgunit", "submission__data_set", "submission__round"
        )[:200]
    )
    unread = [n.pk for n in items if n.read_at is None]
    notifications_of(request.user).filter(pk__in=unread).update(read_at=timezone.now())
    return render(
        request, "web/collection/notifications.html", {"items": items, "unread": set(unread)}
    )


@collection_view
def round_audit(request: HttpRequest, year: int) -> HttpResponse:
    """Every change of every value of the round that the user may see, as CSV: the headers in
    the page's language, the values as plain numbers (whole where whole)."""
    rows = (
        audit_visible_to(request.user)
        .filter(submission__round__year=year)
        .select_related("actor", "element", "orgunit")
        .order_by("at", "id")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{year}.csv"'
    response.write("\ufeff")
    writer = InertWriter(response)
    writer.writerow(_audit_header())
    for a in rows.iterator(chunk_size=2000):
        old, new = count(a.old_value), count(a.new_value)
        writer.writerow(
            [
                timezone.localtime(a.at).strftime("%Y-%m-%d %H:%M:%S"),
                a.actor.get_username(),
                a.get_channel_display(),
                a.orgunit.code,
                a.element.code,
                a.disaggregation,
                a.year,
                "" if old is None else old,
                "" if new is None else new,
                a.old_comment,
                a.new_comment,
                a.reason,
            ]
        )
    return response


def _audit_header() -> list[str]:
    """The audit CSV's headers in the page's language: the audit's own field names, the keys
    (written as codes, which other files join on) said to be codes."""
    field = DataValueAudit._meta.get_field

    def name(f: str) -> str:
        return str(capfirst(field(f).verbose_name))  # type: ignore[union-attr]

    def code(f: str) -> str:
        return _("%(field)s code") % {"field": name(f)}

    return [
        name("at"),
        name("actor"),
        name("channel"),
        code("orgunit"),
        code("element"),
        name("disaggregation"),
        name("year"),
        name("old_value"),
        name("new_value"),
        name("old_comment"),
        name("new_comment"),
        name("reason"),
    ]
