"""The name of a framework or hierarchy object in the active language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def local_name(obj: Any) -> str:
    """The object's English name when the language is English and it has one, else its name."""
    name_en = getattr(obj, "name_en", "")
    if name_en and (get_language() or "").startswith("en"):
        return str(name_en)
    return str(getattr(obj, "name", obj))
