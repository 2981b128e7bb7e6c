"""`manage.py check --deploy` passes with the production settings; logins expire when idle."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lianggang.accounts.models import Role
from tests.factories import member

PRODUCTION = {
    "DEBUG": "0",
    "LIANGGANG_HTTPS": "1",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "lianggang.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://lianggang.example.gov.cn",
}


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lianggang.cli", "check", "--deploy", "--fail-level", "WARNING"],
        # Not the test run's own flags (the browser tests allow async-unsafe calls).
        env={k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_production_settings_pass_the_deploy_check() -> None:
    done = _check(PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    # The local demo's settings (plain HTTP) do not, and say why: the check really checks.
    demo = _check({**PRODUCTION, "LIANGGANG_HTTPS": "0"})
    assert demo.returncode != 0
    assert "SESSION_COOKIE_SECURE" in demo.stdout + demo.stderr


@pytest.mark.django_db
def test_a_login_ends_after_the_idle_time(settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 2
    web = Client()
    web.force_login(member("idle", Role.VIEWER, "513300"))
    assert web.get("/account/tokens/").status_code == 200
    time.sleep(1.2)
    assert web.get("/account/tokens/").status_code == 200  # a request starts the count again
    time.sleep(1.2)
    assert web.get("/account/tokens/").status_code == 200
    time.sleep(2.5)
    assert web.get("/account/tokens/").status_code == 302  # idle too long: to the login page


def test_nginx_compresses_and_caches_the_hashed_static_files() -> None:
    conf = (Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf").read_text()
    assert "gzip on;" in conf  # pages and API answers
    static = conf[conf.index("location /static/") :]
    static = static[: static.index("}")]
    assert "gzip_static on;" in static  # collectstatic's .gz copies
    assert "expires max;" in static
    assert "immutable" in static
