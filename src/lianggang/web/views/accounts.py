"""The user's own account: API tokens (made, the token shown once; listed; revoked) and the
optional second factor (a TOTP app: set up with a QR code, asked after the password)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
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


class PasswordChange(PasswordChangeView):
    """The user's own password: the old one, the new one twice (Django's password validators
    apply). Django's view keeps this session signed in (``update_session_auth_hash``); the
    user's other sessions end, and the save revokes the user's API tokens (accounts' signals)."""

    form_class = PasswordChangeForm
    template_name = "web/password_change.html"
    success_url = reverse_lazy("web:password-change")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request, _("Your password is changed; any API tokens you had are revoked.")
        )
        return response


password_change = PasswordChange.as_view()


def login_locked(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes answers once a user name has had too many wrong passwords (429)."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "web/locked.html", {"cooloff_minutes": minutes}, status=429)


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("The 6-digit code your authenticator app shows"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _check(device: Any, token: str) -> str | None:
    """None when the code is right; else what to tell the user (wrong, or wait: throttled)."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return _("Too many wrong codes: wait a little, then try again.")
    if not device.verify_token(token.strip()):
        return _("Wrong or expired code.")
    return None


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Set up, or remove, the user's TOTP authenticator."""
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ..middleware import SECOND_FACTOR

    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if confirmed is not None and request.POST.get("action") == "remove":
            problem = _check(confirmed, token)
            if problem is None:
                TOTPDevice.objects.filter(user=user).delete()
                request.session[SECOND_FACTOR] = False
                messages.success(request, _("Two-step sign-in is off."))
                return redirect("web:second-factor")
            messages.error(request, problem)
        elif confirmed is None:
            pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
            problem = _check(pending, token) if pending is not None else _("Wrong or expired code.")
            if pending is not None and problem is None:
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
                otp_login(request, pending)
                request.session[SECOND_FACTOR] = True
                messages.success(
                    request, _("Two-step sign-in is on: each sign-in now asks for a code.")
                )
                return redirect("web:second-factor")
            messages.error(request, problem or _("Wrong or expired code."))
    context: dict[str, Any] = {"confirmed": confirmed, "form": CodeForm()}
    if confirmed is None:
        import segno

        pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if pending is None:
            pending = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        context["qr"] = segno.make(pending.config_url, error="m").svg_inline(scale=4)
        context["secret"] = _base32(pending.bin_key)
    return render(request, "web/second_factor.html", context)


def _base32(key: bytes) -> str:
    """The key as people type it into an app: base32 in groups of four."""
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code of the user's authenticator."""
    from django.utils.http import url_has_allowed_host_and_scheme
    from django_otp import devices_for_user
    from django_otp import login as otp_login

    wanted = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        wanted = "/"
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem: str | None = _("Wrong or expired code.")
        for device in devices_for_user(request.user, confirmed=True):
            problem = _check(device, form.cleaned_data["token"])
            if problem is None:
                otp_login(request, device)
                return redirect(wanted)
        messages.error(request, problem or _("Wrong or expired code."))
    return render(request, "web/second_factor_verify.html", {"form": CodeForm(), "next": wanted})
