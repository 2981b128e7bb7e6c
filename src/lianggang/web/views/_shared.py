"""What several view modules use: the signed-in user, the pages' answers to a domain's "not
found" and "not allowed" (404 and 403), the figures pages' access rule, the org unit and
outline a page is asked for, page titles and downloads."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lianggang.analytics.selectors import FigureYears
from lianggang.framework.models import Outline
from lianggang.framework.naming import local_name
from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import orgunit_home

View = Callable[..., HttpResponse]
Errors = type[Exception] | tuple[type[Exception], ...]

DEFAULT_OUTLINE = "women-2021"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def actor(request: HttpRequest) -> User:
    """The logged-in user (for the views that require a login)."""
    user = request.user
    assert isinstance(user, User)
    return user


def domain_page(
    *, not_found: Errors, forbidden: Errors, forbidden_template: str | None = None
) -> Callable[[View], View]:
    """A decorator: log in first; then a domain's ``not_found`` error is a 404 (outside one's
    scope answers as "not there") and its ``forbidden`` error (a role's limit) a 403 —
    the site's 403 page (web/views/errors.py), or ``forbidden_template`` when given."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except not_found:
                raise Http404(_("Not found.")) from None
            except forbidden:
                if forbidden_template is None:
                    raise PermissionDenied(_("Your role does not allow this.")) from None
                return render(request, forbidden_template, status=403)

        return wrapped

    return decorate


def figures_page(view: View) -> View:
    """A page of approved figures: open to visitors in public mode, else behind the login."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.LIANGGANG_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def asked_orgunit(request: HttpRequest) -> OrgUnit:
    """The org unit of ``?orgunit=``, else the site's home unit; 404 for an unknown code."""
    code = request.GET.get("orgunit") or settings.LIANGGANG_HOME_ORGUNIT
    unit = orgunit_home(code=code)
    if unit is None:
        raise Http404(_("No such org unit."))
    return unit


def outline_choice(request: HttpRequest) -> tuple[list[Outline], Outline]:
    """The outlines a page offers, newest first, and the one chosen by ``?outline=``."""
    outlines = list(Outline.objects.order_by("-start_year", "-kind"))
    code = request.GET.get("outline", DEFAULT_OUTLINE)
    outline = next((o for o in outlines if o.code == code), None)
    if outline is None:
        raise Http404(_("No such outline."))
    return outlines, outline


def asked_year(request: HttpRequest, default: int | None) -> int | None:
    """The year of ``?year=``, else ``default`` (the latest complete year:
    ``analytics.selectors.figure_years``); 404 for a year that is not a number."""
    try:
        return int(request.GET.get("year") or default or 0) or None
    except ValueError:
        raise Http404(_("No such year.")) from None


def year_context(choice: FigureYears, year: int | None) -> dict[str, Any]:
    """What the year picker (web/_outline_year.html) shows: the years with their coverage, the
    one shown, and a word when it is incomplete or when younger years are still reviewed."""
    return {
        "year": year,
        "years": choice.years,
        "year_shown": choice.get(year),
        "year_default": choice.default,
        "years_younger": [y for y in choice.younger if year is not None and y.year > year],
    }


def page_title(*parts: Any) -> str:
    """A page's title: the names of what it shows, then the product's."""
    return " · ".join(
        [*(p if isinstance(p, str) else local_name(p) for p in parts), _("Lianggang monitoring")]
    )


def download(
    content: Any, content_type: str, filename: str, *, inline: bool = False
) -> HttpResponse:
    """A file to save (``inline``: to show in the browser), its name in UTF-8 (RFC 6266)."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response
