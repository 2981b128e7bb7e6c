"""The years and their review: each year with figures, how far its round is approved, which one
the pages open on, and the officer's rule for a complete year (its share of submissions)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lianggang.accounts.selectors import user_scope
from lianggang.analytics.selectors import figure_years, year_settings
from lianggang.analytics.years import YearSettingsError, year_settings_save
from lianggang.collection.access import Action, role_allows
from lianggang.framework.models import Outline

from ._shared import figures_page


def _may_set(request: HttpRequest) -> bool:
    """The committee's officers and the administrators set the rule (as they open rounds)."""
    return request.user.is_authenticated and role_allows(
        user_scope(request.user), Action.MANAGE_ROUNDS
    )


@figures_page
def years(request: HttpRequest) -> HttpResponse:
    may_set = _may_set(request)
    if request.method == "POST":
        if not may_set:
            messages.error(request, _("Only the committee's officers set when a year is complete."))
            return redirect("web:years")
        try:
            percent = int(request.POST.get("percent", ""))
            year_settings_save(percent=percent, actor=request.user)
        except ValueError as exc:
            text = str(exc) if isinstance(exc, YearSettingsError) else ""
            messages.error(request, text or _("Give a share between 1 and 100 %."))
        else:
            saved = _("Saved: a year counts as complete from %(percent)d %% of its submissions.")
            messages.success(request, saved % {"percent": percent})
        return redirect("web:years")
    first = min((o.start_year for o in Outline.objects.all()), default=None)
    choice = figure_years(first=first)
    context = {
        "years": list(reversed(choice.years)),
        "default": choice.default,
        "settings": year_settings(),
        "percent": choice.percent,
        "may_set": may_set,
    }
    return render(request, "web/years.html", context)
