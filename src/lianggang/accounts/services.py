"""Writes to accounts."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import ApiToken


@transaction.atomic
def admin_ensure(*, username: str, password: str | None) -> tuple[bool, str | None]:
    """Create the administrator if missing, or set the given password.

    Return (created, password set): a password is generated only when the account is created
    without one; an existing account keeps its password unless one is given.
    """
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        password = password or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        return True, password
    if password and not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
        return False, password
    return False, None


TOKEN_TAG = "lg"  # noqa: S105 (the tokens' visible tag, not a secret)


@transaction.atomic
def api_token_create(
    *, user: Any, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a personal API token for the user; return it with the token text (shown once)."""
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_TAG}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API",
        prefix=prefix,
        digest=token_digest(raw),
        expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: Any, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False when there is no such live token of theirs."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at=None).update(
            revoked_at=timezone.now()
        )
    )


def api_tokens_revoke_all(*, user: Any) -> int:
    """Revoke every live token of the user (their password changed); how many were."""
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


def token_digest(raw: str) -> str:
    """The stored form of a token: tokens are long random strings, so a plain hash suffices."""
    return hashlib.sha256(raw.encode()).hexdigest()
