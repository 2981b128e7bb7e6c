"""The user's own API tokens: made (the token shown once), listed, revoked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianggang.accounts.selectors import api_tokens_of
from lianggang.accounts.services import api_token_create, api_token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("What it is for"), max_length=100)
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_expires_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        return day


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["expires_on"]
        expires = (
            timezone.make_aware(dt.datetime.combine(day, dt.time.max)) if day is not None else None
        )
        _token, made = api_token_create(
            user=request.user, name=form.cleaned_data["name"], expires_at=expires
        )
        form = TokenForm()
    return render(
        request,
        "web/tokens.html",
        {"form": form, "made": made, "tokens": api_tokens_of(request.user), "now": timezone.now()},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, _("The token is revoked: it no longer works."))
    else:
        messages.error(request, _("No such token."))
    return redirect("web:tokens")


def login_locked(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes answers once a user name has had too many wrong passwords (429)."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "web/locked.html", {"cooloff_minutes": minutes}, status=429)
