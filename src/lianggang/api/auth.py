"""Who is calling: a personal API token (``Authorization: Bearer lg_…``) or the pages' session.

A token acts with exactly its user's scope, read afresh on every request: a user disabled or a
token revoked or expired is refused on the next call.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from lianggang.accounts.selectors import api_token_user


class TokenAuth(HttpBearer):
    openapi_description = "A personal API token, made on the page /account/tokens/."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """The pages' own calls: the session cookie (and its CSRF token for writes).

    Without a session cookie there is nothing to check the CSRF token against: the caller is
    simply not signed in (401), not forbidden.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.COOKIES.get(self.param_name):
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


AUTH = [TokenAuth(), Session()]


def actor(request: HttpRequest) -> User:
    """The signed-in user of a request that passed AUTH."""
    user = request.user
    assert isinstance(user, User)
    return user
