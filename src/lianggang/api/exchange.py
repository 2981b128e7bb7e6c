"""Values in and out in the exchange formats: DHIS2, ADX, SDMX-CSV, Open SDG, JSON-stat.

No ``from __future__ import annotations`` here: django-ninja reads the annotations at import.
"""

from typing import Any, Literal
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from lianggang.collection.models import Channel
from lianggang.demo.services import demo_note
from lianggang.framework.models import Outline
from lianggang.interop import formats
from lianggang.interop.errors import InteropError
from lianggang.interop.exporting import ExportRequest, values_export
from lianggang.interop.importing import ImportSettings, values_import
from lianggang.interop.opensdg import ImportOptions
from lianggang.orgunits.models import OrgUnit

from .auth import actor
from .errors import ERRORS, ApiError, ErrorItem, ErrorOut

router = Router(tags=["exchange formats"])

# The registry's choices (lianggang.interop.formats), in its order.
ExportFormat = Literal[formats.EXPORT_FORMATS]  # type: ignore[valid-type]
ImportFormat = Literal[formats.IMPORT_FORMATS]  # type: ignore[valid-type]
ImportStrategy = Literal[formats.STRATEGIES]  # type: ignore[valid-type]
AtomicMode = Literal[formats.ATOMIC_MODES]  # type: ignore[valid-type]
IdScheme = Literal[formats.ID_SCHEMES]  # type: ignore[valid-type]


class ExportQuery(Schema):
    format: ExportFormat = "csv"
    outline: str = Field(description="women-2021, children-2021, women-2011…")
    year: int = Field(ge=1900, le=2200, description="the year, or the last year with from_year")
    from_year: int | None = Field(None, ge=1900, le=2200)
    orgunit: str | None = Field(None, description="this unit and the units below it")
    sdmx_version: Literal["2.0", "1.0"] = "2.0"


def _export_content() -> dict[str, Any]:
    """One OpenAPI media type per kind of file the export answers (parameters such as the
    charset or SDMX's version left off, as OpenAPI keys name bare media types)."""
    content: dict[str, Any] = {}
    for fmt in formats.export_formats():
        for version in ("2.0", "1.0"):
            media_type = fmt.media_type_for(sdmx_version=version).split(";")[0].strip()
            if fmt.binary:
                schema = {"type": "string", "format": "binary"}
            elif media_type.endswith("json"):
                schema = {"type": "object"}  # DHIS2's and JSON-stat's documents
            else:
                schema = {"type": "string"}
            content.setdefault(media_type, {"schema": schema})
    return content


# Merged by django-ninja into the 200 answer it declares for ``response={200: None}``: the key
# is the same int 200 (a "200" string would be a second key, and the JSON document would hold
# "200" twice: Swagger UI's "duplicated mapping key").
FILE_RESPONSE = {"responses": {200: {"description": "The file", "content": _export_content()}}}


@router.get("/exports/{what}", response={200: None, **ERRORS}, openapi_extra=FILE_RESPONSE)
def export(
    request: HttpRequest, what: Literal["values", "indicators"], q: Query[ExportQuery]
) -> HttpResponse:
    """Approved values (csv, xlsx, dhis2-json, dhis2-csv, adx, jsonstat) or indicator values
    (sdmx-csv, opensdg and, for ``indicators``, csv, xlsx and jsonstat) as a file. Figures are
    those every signed-in user sees."""
    outline = Outline.objects.filter(code=q.outline).first()
    if outline is None:
        raise ApiError(
            404,
            "not_found",
            _("Unknown outline “%(code)s”.") % {"code": q.outline},
            field="outline",
        )
    orgunit = None
    if q.orgunit:
        orgunit = OrgUnit.objects.filter(code=q.orgunit).first()
        if orgunit is None:
            raise ApiError(
                404,
                "not_found",
                _("Unknown org unit code “%(code)s”.") % {"code": q.orgunit},
                field="orgunit",
            )
    if q.from_year is not None and q.from_year > q.year:
        raise ApiError(422, "invalid", _("from_year comes after year."), field="from_year")
    try:
        exported = values_export(
            ExportRequest(
                format=q.format,
                outline=outline,
                year=q.year,
                from_year=q.from_year,
                orgunit=orgunit,
                what=what,
                sdmx_version=q.sdmx_version,
                note=demo_note(),
            )
        )
    except InteropError as exc:
        raise ApiError(422, "invalid", str(exc), field="format") from None
    response = HttpResponse(exported.content, content_type=exported.media_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(exported.filename)}"
    return response


class ImportQuery(Schema):
    format: ImportFormat | None = Field(None, description="told from the content when absent")
    dry_run: bool = False
    import_strategy: ImportStrategy = "CREATE_AND_UPDATE"
    atomic_mode: AtomicMode = "ALL"
    id_scheme: IdScheme = "CODE"
    first_row_is_header: bool = True
    element: str = Field(
        "", max_length=60, description="Open SDG: what a file without Series fills"
    )
    orgunit: str = Field("", max_length=20, description="Open SDG: where headline rows go")
    year_range: Literal["", "start", "end"] = ""


class ImportCountOut(Schema):
    imported: int
    updated: int
    ignored: int
    deleted: int


class ConflictOut(Schema):
    object: str
    objects: dict[str, str]
    value: str
    errorCode: str
    property: str
    indexes: list[int]
    row: int | None


class ImportSummaryOut(Schema):
    responseType: str
    status: Literal["SUCCESS", "WARNING", "ERROR"]
    description: str
    importOptions: dict[str, Any]
    importCount: ImportCountOut
    conflicts: list[ConflictOut]


class ImportRefusedOut(Schema):
    errors: list[ErrorItem]
    importSummary: ImportSummaryOut


BODY = {
    "requestBody": {
        "required": True,
        "description": "The file itself, as the request body.",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.post(
    "/imports/values",
    response={
        200: ImportSummaryOut,
        409: ImportRefusedOut,
        frozenset({400, 401, 403, 404, 422}): ErrorOut,
    },
    openapi_extra=BODY,
)
def import_values(request: HttpRequest, q: Query[ImportQuery]) -> Any:
    """Import a file of values (the request body) through the same checks as the pages, into
    open submissions in the caller's scope. The answer is DHIS2's import summary; when values
    are refused (with ``atomic_mode=ALL``, any value), nothing is written and the answer is 409
    with every refusal, its row and why."""
    content = request.body
    fmt = q.format or formats.guess("", content)
    if not fmt:
        raise ApiError(
            422, "invalid", _("Cannot tell the file's format; say it with format."), field="format"
        )
    settings = ImportSettings(
        format=fmt,
        dry_run=q.dry_run,
        import_strategy=q.import_strategy,
        atomic_mode=q.atomic_mode,
        id_scheme=q.id_scheme,
        first_row_is_header=q.first_row_is_header,
        opensdg=ImportOptions(element=q.element, orgunit=q.orgunit, year_range=q.year_range),
    )
    try:
        outcome = values_import(
            actor=actor(request), content=content, settings_=settings, channel=Channel.API
        )
    except InteropError as exc:
        raise ApiError(422, "invalid", str(exc)) from None
    summary = outcome.summary()
    if outcome.ok:
        return summary
    return Status(
        409,
        {
            "errors": [
                {"code": "refused", "message": c.message, "field": c.property or None, "row": c.row}
                for c in outcome.conflicts
            ],
            "importSummary": summary,
        },
    )
