"""The figures' version: a token that changes whenever a figure, a judgement, the framework or
the hierarchy changes, so that anything derived from them (the pages' cache) can be keyed by it.

The token changes inside the writing transaction. A reader therefore never sees the new token
before the new figures: at worst it files new figures under the old token, which no one asks
for again. The token is random, not a counter, so a database restored from a backup or a rolled
back transaction can never bring back a token that meant other figures.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from .models import FiguresVersion

VERSION_ROW = 1


def figures_version() -> str:
    """The current token ("" before the first change)."""
    token = FiguresVersion.objects.filter(pk=VERSION_ROW).values_list("token", flat=True).first()
    return token or ""


def figures_changed() -> None:
    """Give the figures a new token (in the caller's transaction, if any)."""
    values = {"token": uuid.uuid4().hex, "changed_at": timezone.now()}
    if not FiguresVersion.objects.filter(pk=VERSION_ROW).update(**values):
        FiguresVersion.objects.create(pk=VERSION_ROW, **values)
