from __future__ import annotations

from typing import Any

from django import template

from lianggang.web.presentation import (
    STATUS_STYLE,
    format_value,
    status_label,
    substatus_label,
)

register = template.Library()


@register.filter
def fmt(value: float | None, decimals: Any = 1) -> str:
    """Format a figure with the indicator's decimals: {{ v|fmt:indicator.decimals }}."""
    return format_value(value, int(decimals))


@register.filter
def status_name(status: str) -> str:
    return status_label(status)


@register.filter
def substatus_name(substatus: str) -> str:
    return substatus_label(substatus)


@register.filter
def status_class(status: str) -> str:
    return STATUS_STYLE.get(status or "NO_DATA", ("", ""))[0]


@register.filter
def status_symbol(status: str) -> str:
    return STATUS_STYLE.get(status or "NO_DATA", ("", ""))[1]


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def year_label(year: float | None) -> str:
    if year is None:
        return "—"
    return str(int(year)) if float(year).is_integer() else f"{year:.1f}"
