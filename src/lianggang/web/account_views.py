"""Kept only for the setting ``AXES_LOCKOUT_CALLABLE`` (config/settings.py), which names
``lianggang.web.account_views.login_locked``: the view lives in :mod:`.views.accounts`. Remove
this module once the setting names ``lianggang.web.views.accounts.login_locked``."""

from .views.accounts import login_locked

__all__ = ["login_locked"]
