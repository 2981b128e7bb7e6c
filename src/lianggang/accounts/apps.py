from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lianggang.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        pre_save.connect(_note_password_change, sender=settings.AUTH_USER_MODEL)
        post_save.connect(_revoke_tokens_on_password_change, sender=settings.AUTH_USER_MODEL)


def _note_password_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Remember whether this save gives the user a new password (or takes it away)."""
    fields = kwargs.get("update_fields")
    if (
        instance.pk is None
        or kwargs.get("raw")
        or (fields is not None and "password" not in fields)
    ):
        return  # a new user, a fixture, or a save of other fields (the login's last_login)
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    instance._lianggang_password_changed = stored.first() not in (None, instance.password)


def _revoke_tokens_on_password_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A new password ends every way in the old one opened: sessions end by Django's own
    session hash, API tokens are revoked here."""
    if getattr(instance, "_lianggang_password_changed", False):
        from .services import api_tokens_revoke_all

        api_tokens_revoke_all(user=instance)
        instance._lianggang_password_changed = False
