"""The officer's rule for complete years, saved (read by ``selectors.figure_years``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import YearSettings
from .selectors import YEAR_SETTINGS_ROW
from .versions import figures_changed


class YearSettingsError(ValueError):
    """A share that cannot be saved; ``str()`` is the message for the user."""


@transaction.atomic
def year_settings_save(*, percent: int, actor: Any) -> YearSettings:
    """Save the share of approved submissions from which a round counts as complete (1–100);
    the pages cached under the old rule are retired (they may open on another year now)."""
    if not 1 <= percent <= 100:
        raise YearSettingsError(_("Give a share between 1 and 100 %."))
    settings, _created = YearSettings.objects.update_or_create(
        pk=YEAR_SETTINGS_ROW,
        defaults={
            "complete_from_percent": percent,
            "changed_at": timezone.now(),
            "changed_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    figures_changed()
    return settings
