import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageCookieMiddleware:
    """Show Simplified Chinese unless the user chose another language (the language cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the product is
    Chinese by default whatever the office computer's locale; English is a switch away. The API
    (/api/) does honour Accept-Language: its callers are programs that state their language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if not chosen and request.path.startswith("/api/"):
            # Programs say what they read: the API answers in the Accept-Language asked for.
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


SESSION_TOUCHED = "_touched"


def touch_every() -> int:
    """Seconds between two refreshes of a session's expiry: a tenth of the idle time, at most a
    minute, so a busy reader does not write the session on every request."""
    return max(0, min(60, settings.SESSION_COOKIE_AGE // 10))


class IdleExpiryMiddleware:
    """A login ends SESSION_COOKIE_AGE seconds after its last request, not after its first.

    Each refresh saves the session, which moves its expiry (the cookie's and the database's);
    refreshes are spaced by :func:`touch_every`. Login stamps the session (web/apps.py), so the
    first requests after it write nothing more.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(SESSION_TOUCHED, 0)) >= touch_every():
                session[SESSION_TOUCHED] = now  # modified: SessionMiddleware saves it
        return response


# The session remembers whether its user has a confirmed second factor, set at login and when
# one is added or removed: pages need no query to know whether to ask for the code.
SECOND_FACTOR = "_lg_second_factor"
VERIFY_PATH = "/account/2fa/verify/"
# What a signed-in user may reach before giving the code: the code page, leaving, the language.
SECOND_FACTOR_EXEMPT = (VERIFY_PATH, "/accounts/logout/", "/accounts/login/", "/i18n/", "/static/")


class SecondFactorMiddleware:
    """A user with a confirmed TOTP device gives its code after the password, before anything
    else: pages (the admin site too) send them to the code page; the API by session answers 401.
    API tokens are a separate way in (a long random secret of their own) and are not asked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if (
            user is not None
            and user.is_authenticated
            and session is not None
            and session.get(SECOND_FACTOR)
            and not user.is_verified()
            and not request.path.startswith(SECOND_FACTOR_EXEMPT)
            # A call with a token is the token's, whatever cookie the browser also sends.
            and not request.headers.get("Authorization", "").startswith("Bearer ")
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse
                from django.utils.translation import gettext as _

                message = _("Give your second-factor code on the sign-in page first.")
                return JsonResponse(
                    {
                        "errors": [
                            {
                                "code": "unauthenticated",
                                "message": message,
                                "field": None,
                                "row": None,
                            }
                        ]
                    },
                    status=401,
                )
            from django.shortcuts import redirect
            from django.utils.http import urlencode

            return redirect(f"{VERIFY_PATH}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class ScopeOncePerRequestMiddleware:
    """Read each user's scope once per request, however many access checks the page makes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from lianggang.accounts.selectors import scopes_read_once

        with scopes_read_once():
            return self.get_response(request)
