"""Writes to accounts."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction


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
