"""The optional second factor: a TOTP authenticator set up on the account page, then asked
after the password at every sign-in — pages, the admin site and the API by session alike."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianggang.accounts.models import Role
from lianggang.accounts.services import api_token_create
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_waiting(settings: Any) -> None:
    # django-otp makes each wrong code cost a growing wait; only the throttling test waits.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app would show (a later step: a code is accepted only once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _signed_in(username: str) -> Client:
    client = Client()
    answer = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert answer.status_code == 302, answer.content  # through the real sign-in page
    return client


def _enrol(client: Client, username: str) -> TOTPDevice:
    page = client.get("/account/2fa/").content.decode()
    assert "<svg" in page  # the QR code, drawn inline
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    assert "otpauth://totp/" in device.config_url
    client.post("/account/2fa/", {"action": "confirm", "token": "000000"})
    device.refresh_from_db()
    assert not device.confirmed  # a wrong code confirms nothing
    client.post("/account/2fa/", {"action": "confirm", "token": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_without_a_second_factor_the_password_is_enough() -> None:
    member("viewer", Role.VIEWER, "513300")
    assert _signed_in("viewer").get("/collection/").status_code == 200


def test_once_set_up_every_sign_in_asks_for_the_code() -> None:
    member("officer", Role.COMMITTEE_OFFICER, "513300")
    first = _signed_in("officer")
    device = _enrol(first, "officer")
    assert first.get("/collection/").status_code == 200  # the session that set it up goes on

    later = _signed_in("officer")
    page = later.get("/collection/")
    assert page.status_code == 302
    assert page["Location"] == "/account/2fa/verify/?next=%2Fcollection%2F"
    api = later.get("/api/v1/submissions")
    assert api.status_code == 401
    assert api.json()["errors"][0]["code"] == "unauthenticated"
    assert later.get("/account/2fa/verify/").status_code == 200
    wrong = later.post("/account/2fa/verify/", {"token": "123456", "next": "/collection/"})
    assert wrong.status_code == 200
    assert later.get("/collection/").status_code == 302
    right = later.post(
        "/account/2fa/verify/", {"token": _code(device, steps_ahead=1), "next": "/collection/"}
    )
    assert right.status_code == 302
    assert right["Location"] == "/collection/"
    assert later.get("/collection/").status_code == 200
    assert later.get("/api/v1/submissions").status_code == 200


def test_the_code_page_never_sends_elsewhere_than_this_site() -> None:
    member("officer", Role.COMMITTEE_OFFICER, "513300")
    device = _enrol(_signed_in("officer"), "officer")
    later = _signed_in("officer")
    answer = later.post(
        "/account/2fa/verify/",
        {"token": _code(device, steps_ahead=1), "next": "https://evil.example/"},
    )
    assert answer["Location"] == "/"


def test_the_admin_site_asks_for_it_too() -> None:
    get_user_model().objects.create_superuser("root", "", PASSWORD)
    _enrol(_signed_in("root"), "root")
    later = _signed_in("root")
    answer = later.get("/admin/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/account/2fa/verify/")


def test_wrong_codes_are_throttled(settings: Any) -> None:
    member("worker", Role.CASE_WORKER, "513301")
    device = _enrol(_signed_in("worker"), "worker")
    settings.OTP_TOTP_THROTTLE_FACTOR = 1  # the default: 1 s, 2 s, 4 s… after failures
    later = _signed_in("worker")
    for _ in range(3):
        later.post("/account/2fa/verify/", {"token": "000000"})
    # Right code, but too soon after the failures: still refused, with a reason.
    page = later.post("/account/2fa/verify/", {"token": _code(device, steps_ahead=1)})
    assert page.status_code == 200
    assert "稍候" in page.content.decode()
    assert later.get("/collection/").status_code == 302


def test_turning_it_off_needs_a_code() -> None:
    member("officer", Role.FEDERATION_OFFICER, "513300")
    client = _signed_in("officer")
    device = _enrol(client, "officer")
    client.post("/account/2fa/", {"action": "remove", "token": "000000"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    client.post("/account/2fa/", {"action": "remove", "token": _code(device, steps_ahead=1)})
    assert not TOTPDevice.objects.filter(user__username="officer").exists()
    assert _signed_in("officer").get("/collection/").status_code == 200


def test_api_tokens_are_their_own_way_in(settings: Any) -> None:
    user = member("clerk", Role.CLERK, "513301", ["health"])
    _enrol(_signed_in("clerk"), "clerk")
    _t, raw = api_token_create(user=user, name="script")
    answer = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/submissions")
    assert answer.status_code == 200
