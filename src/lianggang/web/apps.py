from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

# The apps whose rows frame the figures pages (names, targets, overrides, the hierarchy).
FRAMING_APPS = ("framework", "orgunits")


def _framing_changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    from lianggang.analytics.versions import figures_changed

    figures_changed()


class WebConfig(AppConfig):
    name = "lianggang.web"
    verbose_name = _("Web pages")

    def ready(self) -> None:
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
