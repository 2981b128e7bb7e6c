"""Helpers shared by the commands; each imports Django only when called."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any


def setup_django() -> None:
    import django
    from django.conf import settings
    from django.utils import translation

    django.setup()
    translation.activate(os.environ.get("LIANGGANG_LANGUAGE", settings.LANGUAGE_CODE))


def read_file(path: Path, err: IO[str]) -> bytes | None:
    """The bytes of a file named on the command line (None: why not, said)."""
    from django.utils.translation import gettext as _

    try:
        return path.read_bytes()
    except OSError as exc:
        err.write(_("Cannot read %(path)s: %(error)s\n") % {"path": path, "error": exc})
        return None


def outline_or_error(code: str | None, err: IO[str]) -> Any:
    from django.utils.translation import gettext as _

    from lianggang.framework.models import Outline

    outline = Outline.objects.filter(code=code).first() if code else None
    if outline is None:
        codes = ", ".join(Outline.objects.values_list("code", flat=True))
        err.write(
            _("Unknown outline “%(code)s”; known: %(codes)s.\n")
            % {"code": code or "", "codes": codes}
        )
    return outline


def top_unit_or_error(code: str | None, err: IO[str]) -> Any:
    from django.utils.translation import gettext as _

    from lianggang.orgunits.models import OrgUnit

    units = OrgUnit.objects.filter(aggregated=True).order_by("level", "sort_order", "code")
    orgunit = units.filter(code=code).first() if code else units.first()
    if orgunit is None:
        err.write(_("Unknown org unit code “%(code)s”.\n") % {"code": code or ""})
    return orgunit


def cli_user(name: str, err: IO[str]) -> Any:
    """The user a command acts as: the one named, else the only administrator (None: said)."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext as _

    users = get_user_model().objects.filter(is_active=True)
    if name:
        user = users.filter(username=name).first()
    else:
        admins = list(users.filter(is_superuser=True)[:2])
        user = admins[0] if len(admins) == 1 else None
    if user is None:
        err.write(_("No active user “%(user)s”; name the user with --user.\n") % {"user": name})
    return user
