"""Refuse, at the door of the API, text no database column can hold (NUL characters)."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class RefuseNulMiddleware:
    """A NUL in the address or the body is refused with the API's error shape (422): PostgreSQL
    text cannot hold it, and no code, name or comment of ours contains one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and self._has_nul(request):
            item = {
                "code": "invalid",
                "message": _("Text may not contain NUL characters."),
                "field": None,
                "row": None,
            }
            return HttpResponse(
                json.dumps({"errors": [item]}), status=422, content_type="application/json"
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or any(
            "\x00" in v for values in request.GET.lists() for v in values[1]
        ):
            return True
        if (
            request.method in ("POST", "PUT", "PATCH")
            and request.content_type == "application/json"
        ):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body.lower()
        return False
