from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "lianggang.analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from lianggang.collection.services import approval_listeners

        from .store import analytics_refresh_for_submissions

        # Approved values reach the figures at once: refreshed when the approval commits.
        if analytics_refresh_for_submissions not in approval_listeners:
            approval_listeners.append(analytics_refresh_for_submissions)

        from .rebuilds import connect_signals

        # A target, an override or a formula saved: the figures rebuild in the background.
        connect_signals()
