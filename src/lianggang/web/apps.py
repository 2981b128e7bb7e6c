from typing import Any

from django.apps import AppConfig, apps
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

# The apps whose rows frame the figures pages (names, targets, overrides, the hierarchy).
FRAMING_APPS = ("framework", "orgunits")


def _framing_changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    from lianggang.analytics.versions import figures_changed

    figures_changed()


def _stamp_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A new login is a fresh session: its expiry needs no refresh for a while."""
    import time

    from .middleware import SESSION_TOUCHED

    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_TOUCHED] = int(time.time())
        from django_otp import user_has_device

        from .middleware import SECOND_FACTOR

        # Asked once per login: the pages then know without a query whether to want the code.
        session[SECOND_FACTOR] = user_has_device(user, confirmed=True)


class WebConfig(AppConfig):
    name = "lianggang.web"
    verbose_name = _("Web pages")

    def ready(self) -> None:
        user_logged_in.connect(_stamp_login, dispatch_uid="lianggang-stamp-login")
        # A change of the framework or the hierarchy (admin, loads) retires cached pages.
        for label in FRAMING_APPS:
            for model in apps.get_app_config(label).get_models():
                uid = f"lianggang-figures-{model._meta.label}"
                post_save.connect(_framing_changed, sender=model, dispatch_uid=uid + "-save")
                post_delete.connect(_framing_changed, sender=model, dispatch_uid=uid + "-delete")
                for field in model._meta.local_many_to_many:
                    m2m_changed.connect(
                        _framing_changed,
                        sender=field.remote_field.through,
                        dispatch_uid=f"{uid}-{field.name}",
                    )
