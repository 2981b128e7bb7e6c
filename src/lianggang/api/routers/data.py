"""Data values: read within the caller's scope, and written into open submissions through
the same checks as the pages and the Excel upload.

No ``from __future__ import annotations`` here: django-ninja reads the annotations at import.
"""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from lianggang.collection.access import data_values_visible_to
from lianggang.collection.imports import import_apply, import_plan
from lianggang.collection.models import Channel, DataValue
from lianggang.collection.workbook import RawValue, ReadResult

from ..auth import actor as _actor
from ..common import Page
from ..errors import ERRORS, ApiErrors

MAX_VALUES = 100_000  # values in one write

router = Router(tags=["data values"])


class DataValueOut(Schema):
    element: str
    orgunit: str
    year: int
    disaggregation: str
    value: float
    comment: str
    state: str

    @staticmethod
    def resolve_element(obj: DataValue) -> str:
        return obj.element.code

    @staticmethod
    def resolve_orgunit(obj: DataValue) -> str:
        return obj.orgunit.code

    @staticmethod
    def resolve_state(obj: DataValue) -> str:
        return obj.submission.state


class ValueFilter(Schema):
    element: list[str] = Field(default_factory=list)
    orgunit: list[str] = Field(default_factory=list)
    year: int | None = None


@router.get("/data-values", response={200: list[DataValueOut], **ERRORS})
@paginate(Page)
def data_values(request: HttpRequest, filters: Query[ValueFilter]) -> Any:
    """Reported values in the caller's scope (org-unit subtree × departments), any state."""
    qs = data_values_visible_to(request.user).select_related("element", "orgunit", "submission")
    if filters.element:
        qs = qs.filter(element__code__in=filters.element)
    if filters.orgunit:
        qs = qs.filter(Q(orgunit__code__in=filters.orgunit))
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    return qs.order_by("orgunit__path", "element__code", "year", "disaggregation")


# ---- Writing data values ------------------------------------------------------------------


class ValueIn(Schema):
    element: str
    orgunit: str
    year: int
    disaggregation: str = "total"
    value: float | str | None = Field(
        description=(
            "A number. null clears the stored value (an explicit clearing); an empty string "
            "changes nothing."
        )
    )
    comment: str = ""


class ValuesIn(Schema):
    values: list[ValueIn] = Field(max_length=MAX_VALUES)
    dry_run: bool = False


class ValuesOut(Schema):
    dry_run: bool
    changed: int
    unchanged: int


@router.post("/data-values", response={200: ValuesOut, **ERRORS})
def data_values_write(request: HttpRequest, body: ValuesIn) -> Any:
    """Enter values into open submissions in the caller's scope, as the pages and the Excel
    upload do (the same checks): all of them, or none with every problem and its row."""
    read = ReadResult(
        values=[
            RawValue(
                orgunit=v.orgunit,
                element=v.element,
                disaggregation=v.disaggregation,
                year=v.year,
                value=v.value,
                comment=v.comment,
                sheet="",
                row=i,
                column="",
                clear=v.value is None,
            )
            for i, v in enumerate(body.values)
        ]
    )
    actor = _actor(request)
    plan = import_plan(actor=actor, read=read)
    if not plan.ok:
        raise ApiErrors(
            422,
            [
                {
                    "code": p.code or "invalid",
                    "message": p.message,
                    "field": p.column or None,
                    "row": p.row,
                }
                for p in plan.problems
            ],
        )
    if body.dry_run:
        return {
            "dry_run": True,
            "changed": len(plan.changes),
            "unchanged": plan.unchanged + plan.blank,
        }
    changed = import_apply(actor=actor, plan=plan, channel=Channel.API)
    return {"dry_run": False, "changed": changed, "unchanged": plan.unchanged + plan.blank}
