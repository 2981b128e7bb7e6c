"""The error pages, in the site's frame and the request's language: 404, 403, 400 and 500
(``handler404`` … in config/urls.py). The API's addresses (/api/) keep the API's error shape,
``{"errors": [{"code", "message", "field", "row"}]}``.

404 and 403 are rendered like any page (the menu of the user's role, the demo banner). 400 and
500 are rendered without the context processors, which read the database: the frame (header,
language switch, footer) needs none, so the page shows even when the database is the failure;
should the frame itself fail, a bare page in the same words answers.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from lianggang.web.context_processors import MENU_SESSION_KEY

TEMPLATE = "web/error.html"
API_PREFIX = "/api/"
logger = logging.getLogger(__name__)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _api_error(status: int, code: str, message: str) -> HttpResponse:
    item = {"code": code, "message": message, "field": None, "row": None}
    return HttpResponse(
        json.dumps({"errors": [item]}, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _detail(exception: Exception | None) -> str:
    """The message a view gave with its 404 (ours are translated: "No such indicator."), not
    the resolver's dictionary of tried patterns."""
    args = getattr(exception, "args", ())
    return args[0] if args and isinstance(args[0], str) else ""


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(404, "not_found", _("Not found."))
    context = {
        "status": 404,
        "heading": _("Page not found"),
        "message": _(
            "There is nothing at this address: the link may be out of date, the address "
            "mistyped, or what it showed is outside what your account may see."
        ),
        "detail": _detail(exception),
    }
    return render(request, TEMPLATE, context, status=404)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(403, "forbidden", _("Your role does not allow this."))
    context = {
        "status": 403,
        "heading": _("Not allowed"),
        "message": _("Your role does not allow this."),
        "detail": _("If your work needs it, ask your system administrator to change your role."),
    }
    return render(request, TEMPLATE, context, status=403)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(
            400, "bad_request", _("The request cannot be read (is the body valid JSON?).")
        )
    return _plain_page(
        request,
        400,
        _("Bad request"),
        _("The request could not be understood. Go back and try again."),
    )


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    message = _(
        "Something went wrong on the server. The error has been recorded for the system "
        "administrator; try again in a moment."
    )
    if _is_api(request):
        return _api_error(500, "server_error", message)
    return _plain_page(request, 500, _("Server error"), message)


def _plain_page(request: HttpRequest, status: int, heading: str, message: str) -> HttpResponse:
    """The frame without the context processors (no database): the user and the menu only
    when the request has already read them."""
    context: dict[str, Any] = {
        "status": status,
        "heading": heading,
        "message": message,
        "request": request,
        "plain": True,
    }
    try:
        context["csrf_token"] = get_token(request)
        context.update(_known_user(request))
        return HttpResponse(loader.get_template(TEMPLATE).render(context), status=status)
    except Exception:  # the frame itself failed: still answer, in the same words
        logger.exception("the error page could not be rendered")
        title = _("Lianggang monitoring")
        body = format_html(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{} · {}</title></head>'
            '<body><h1>{}</h1><p>{}</p><p><a href="/">{}</a></p></body></html>',
            heading,
            title,
            heading,
            message,
            _("Overview"),
        )
        return HttpResponse(body, status=status)


def _known_user(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user and the menu kept in the session, when already loaded (no query)."""
    user = getattr(request, "_cached_user", None)
    if user is None or not user.is_authenticated:
        return {}
    known: dict[str, Any] = {"user": user}
    session = getattr(request, "session", None)
    if session is not None and hasattr(session, "_session_cache"):
        kept = session.get(MENU_SESSION_KEY)
        if isinstance(kept, dict) and kept.get("user") == user.pk:
            known.update({k: bool(v) for k, v in kept.items() if k != "user"})
    return known
