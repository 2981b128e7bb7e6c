"""Submissions in the caller's scope, and their transitions (submit, approve, return,
reopen) as in the pages.

No ``from __future__ import annotations`` here: django-ninja reads the annotations at import.
"""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from lianggang.collection.access import submissions_visible_to
from lianggang.collection.models import Submission, SubmissionState
from lianggang.collection.services import (
    SUBMISSION_TRANSITIONS,
    SubmissionBlocked,
)

from ..auth import actor as _actor
from ..common import Page
from ..errors import ERRORS, ApiErrors

router = Router(tags=["submissions"])


class SubmissionOut(Schema):
    id: int
    year: int
    data_set: str
    orgunit: str
    state: str

    @staticmethod
    def resolve_year(obj: Submission) -> int:
        return obj.round.year

    @staticmethod
    def resolve_data_set(obj: Submission) -> str:
        return obj.data_set.code

    @staticmethod
    def resolve_orgunit(obj: Submission) -> str:
        return obj.orgunit.code


class SubmissionFilter(Schema):
    year: int | None = None
    state: SubmissionState | None = None
    orgunit: list[str] = Field(default_factory=list)


class TransitionIn(Schema):
    action: Literal["submit", "approve", "return", "reopen"]
    reason: str = ""


@router.get("/submissions", response={200: list[SubmissionOut], **ERRORS})
@paginate(Page)
def submission_list(request: HttpRequest, filters: Query[SubmissionFilter]) -> Any:
    """The submissions in the caller's scope; an org unit outside it lists nothing."""
    qs = submissions_visible_to(request.user).select_related("round", "data_set", "orgunit")
    if filters.year is not None:
        qs = qs.filter(round__year=filters.year)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.orgunit:
        qs = qs.filter(orgunit__code__in=filters.orgunit)
    return qs.order_by("round__year", "orgunit__path", "data_set__code")


@router.post("/submissions/{submission_id}/transitions", response={200: SubmissionOut, **ERRORS})
def submission_transition(request: HttpRequest, submission_id: int, body: TransitionIn) -> Any:
    """Submit, approve, return or reopen (a reason for the last two), as in the pages."""
    kwargs: dict[str, Any] = {"actor": _actor(request), "submission_id": submission_id}
    if body.action in ("return", "reopen"):
        kwargs["reason"] = body.reason
    try:
        SUBMISSION_TRANSITIONS[body.action](**kwargs)
    except SubmissionBlocked as exc:
        raise ApiErrors(
            409,
            [{"code": "validation_failed", "message": str(exc)}]
            + [
                {"code": "finding", "message": f.text, "field": f.cells[0][0] if f.cells else None}
                for f in [*exc.errors, *exc.warnings]
            ],
        ) from exc
    return (
        submissions_visible_to(request.user)
        .select_related("round", "data_set", "orgunit")
        .get(pk=submission_id)
    )
