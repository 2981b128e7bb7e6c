"""One error shape for every failure: ``{"errors": [{"code", "message", "field", "row"}]}``,
the message in the request's language (Accept-Language, or the language cookie)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lianggang.collection.errors import CollectionError
from lianggang.collection.errors import ErrorCode as CollectionCode
from lianggang.ledger.errors import ErrorCode as LedgerCode
from lianggang.ledger.errors import LedgerError


class ErrorItem(Schema):
    code: str
    message: str
    field: str | None = None
    row: int | None = None


class ErrorOut(Schema):
    errors: list[ErrorItem]


# Every failure of every endpoint, in the one shape.
ERRORS: dict[int | frozenset[int], Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}


class ApiError(Exception):
    """An error an endpoint raises: status, code, message, and where."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        row: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.row = (
            status,
            code,
            message,
            field,
            row,
        )


class ApiErrors(Exception):
    """Several errors at once (every problem of a bulk write, each with its row)."""

    def __init__(self, status: int, items: list[dict[str, Any]]) -> None:
        super().__init__(items[0]["message"] if items else "")
        self.status = status
        self.items = [
            {
                "code": i["code"],
                "message": i["message"],
                "field": i.get("field"),
                "row": i.get("row"),
            }
            for i in items
        ]


def not_found() -> ApiError:
    """What "not yours" looks like too: exactly as "does not exist"."""
    return ApiError(404, "not_found", _("Not found."))


def _item(code: str, message: str) -> dict[str, Any]:
    return {"code": code, "message": message, "field": None, "row": None}


def _not_found_item() -> dict[str, Any]:
    return _item("not_found", _("Not found."))


def _reply(
    api: NinjaAPI, request: HttpRequest, status: int, items: list[dict[str, Any]]
) -> HttpResponse:
    return api.create_response(request, {"errors": items}, status=status)


STATUS = {
    CollectionCode.NOT_FOUND: 404,
    CollectionCode.FORBIDDEN: 403,
    CollectionCode.BAD_TRANSITION: 409,
    CollectionCode.LOCKED: 409,
    CollectionCode.CONFLICT: 409,
    CollectionCode.ROUND_NOT_OPEN: 409,
    CollectionCode.REASON_REQUIRED: 422,
    LedgerCode.NOT_FOUND: 404,
    LedgerCode.FORBIDDEN: 403,
    LedgerCode.OUT_OF_SCOPE: 403,
}


def _validation_message(error: dict[str, Any]) -> str:
    """A validation error in the request's language (pydantic's own text when unforeseen)."""
    messages = {
        "missing": _("Required."),
        "int_parsing": _("Expected a whole number."),
        "int_type": _("Expected a whole number."),
        "float_parsing": _("Expected a number."),
        "float_type": _("Expected a number."),
        "bool_parsing": _("Expected true or false."),
        "date_from_datetime_parsing": _("Expected a date, YYYY-MM-DD."),
        "date_parsing": _("Expected a date, YYYY-MM-DD."),
        "string_type": _("Expected text."),
        "list_type": _("Expected a list."),
        "json_invalid": _("The body is not valid JSON."),
        "greater_than_equal": _("Too small."),
        "less_than_equal": _("Too large."),
    }
    return str(messages.get(error.get("type", ""), error.get("msg", _("Invalid value."))))


def install(api: NinjaAPI) -> None:
    """Route every failure through the one shape."""

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        item = {"code": exc.code, "message": exc.message, "field": exc.field, "row": exc.row}
        return _reply(api, request, exc.status, [item])

    @api.exception_handler(ApiErrors)
    def api_errors(request: HttpRequest, exc: ApiErrors) -> HttpResponse:
        return _reply(api, request, exc.status, exc.items)

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        items = []
        for e in exc.errors:
            loc = [str(p) for p in e.get("loc", ())]
            # ninja names a body parameter "body" inside the body: say it once.
            loc = [p for i, p in enumerate(loc) if i == 0 or p != loc[i - 1]]
            row = next((int(p) for p in loc if p.isdigit()), None)
            items.append(
                {
                    "code": "invalid",
                    "message": _validation_message(e),
                    "field": ".".join(p for p in loc if not p.isdigit()) or None,
                    "row": row,
                }
            )
        return _reply(api, request, 422, items)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        item = {
            "code": "unauthenticated",
            "message": _("Sign in, or send a valid API token (Authorization: Bearer …)."),
            "field": None,
            "row": None,
        }
        return _reply(api, request, 401, [item])

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code, message = {
            400: ("bad_request", _("The request cannot be read (is the body valid JSON?).")),
            403: ("forbidden", _("Your role does not allow this.")),
            404: ("not_found", _("Not found.")),
            405: ("method_not_allowed", _("This method is not allowed here.")),
        }.get(exc.status_code, ("error", str(exc)))
        return _reply(api, request, exc.status_code, [_item(code, str(message))])

    @api.exception_handler(Http404)
    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _reply(api, request, 404, [_not_found_item()])

    @api.exception_handler(CollectionError)
    def collection_error(request: HttpRequest, exc: CollectionError) -> HttpResponse:
        status = STATUS.get(exc.code, 400)
        if status == 404:
            return _reply(api, request, 404, [_not_found_item()])
        return _reply(api, request, status, [_item(str(exc.code), str(exc))])

    @api.exception_handler(LedgerError)
    def ledger_error(request: HttpRequest, exc: LedgerError) -> HttpResponse:
        status = STATUS.get(exc.code, 400)
        if status == 404 or exc.code == LedgerCode.OUT_OF_SCOPE:  # not yours: not there
            return _reply(api, request, 404, [_not_found_item()])
        return _reply(api, request, status, [_item(str(exc.code), str(exc))])
