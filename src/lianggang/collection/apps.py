from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "lianggang.collection"
    verbose_name = _("Data collection")

    def ready(self) -> None:
        from lianggang import dbguard

        dbguard.install()
