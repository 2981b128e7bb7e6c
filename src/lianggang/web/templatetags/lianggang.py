from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from lianggang.analytics.evaluation import percent as evaluation_percent
from lianggang.analytics.status import css_class, symbol
from lianggang.framework.naming import local_name
from lianggang.reports.phrasing import chance_words
from lianggang.web.presentation import (
    STATUS_STYLE,
    format_value,
    status_label,
    substatus_label,
)

register = template.Library()


@register.filter
def fmt(value: float | str | None, decimals: Any = 1) -> str:
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
    return css_class(status)


@register.filter
def status_symbol(status: str) -> str:
    return symbol(status)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def year_label(year: float | None) -> str:
    if year is None:
        return "—"
    return str(int(year)) if float(year).is_integer() else f"{year:.1f}"


@register.filter
def tr(obj: Any) -> str:
    """The object's English name when the page is in English and it has one, else its name."""
    return local_name(obj)


@register.filter
def comparator(direction: str) -> str:
    """The sign written before a target: ≥, ≤ or ≈ (nothing for targets without a number)."""
    return {">=": "≥", "<=": "≤", "~": "≈"}.get(direction, "")


@register.filter
def plain(value: float | None) -> str:
    """A stored value as it is typed back: no separators, no trailing .0."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@register.filter
def state_name(state: str) -> str:
    from lianggang.collection.models import SubmissionState
    from lianggang.collection.selectors import NOT_STARTED

    if state == NOT_STARTED:
        return str(_("not started"))
    return str(SubmissionState(state).label) if state in SubmissionState.values else state


@register.filter
def figure(value: float | None, element: Any) -> str:
    """A data value as shown: thousands separators, decimals only where the element has them."""
    if value is None:
        return "—"
    if getattr(element, "integer", True) and float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.10g}"


@register.filter
def percent(rate: float | None) -> str:
    """A share (0.75) as a percentage with one decimal (75.0%); — when there is none."""
    return evaluation_percent(rate)


@register.filter
def item_state(state: str) -> str:
    """A follow-up item's state by its name (open → 待办)."""
    from lianggang.followup.models import ItemState

    return str(ItemState(state).label) if state in ItemState.values else state


@register.simple_tag
def status_grid_rows(grid: list[Any], outline_code: str, year: int) -> str:
    """The rows of the county × indicator grid. A thousand cells and more: written here, each
    name and label escaped once, rather than by the template language at ten times the cost."""
    style = {
        st: (escape(css), escape(symbol), escape(str(status_label(st))))
        for st, (css, symbol) in STATUS_STYLE.items()
    }
    names: dict[int, str] = {}
    rows = []
    for line in grid:
        unit_name = escape(local_name(line.unit))
        cells = []
        for ind, a in line.cells:
            name = names.get(ind.pk)
            if name is None:
                name = names[ind.pk] = escape(local_name(ind))
            css, symbol, label = style[(a.status if a is not None else "") or "NO_DATA"]
            value = ""
            if a is not None and a.latest_value is not None:
                value = f" ({escape(format_value(a.latest_value, int(ind.decimals)))})"
            cells.append(
                f'<td class="cell {css}" title="{unit_name} · {name}: {label}{value}">'
                f'<span aria-hidden="true">{symbol}</span>'
                f'<span class="visually-hidden">{label}</span></td>'
            )
        head = format_html(
            '<tr><th scope="row"><a href="?outline={}&amp;orgunit={}&amp;year={}">{}</a></th>',
            outline_code,
            line.unit.code,
            year,
            local_name(line.unit),
        )
        rows.append(head + "".join(cells) + "</tr>")
    return mark_safe("\n".join(rows))  # noqa: S308 (every piece escaped above)


@register.simple_tag
def judged_value(a: Any, decimals: Any, unit: str = "", interval: bool = False) -> str:
    """The value a judgement rests on, labelled: the latest single year's, and for a rate pooled
    over several years (fewer than 20 events a year) the pooled value too, marked as the one the
    judgement used (docs/methodology.md §三, 规范 3c: "2025年：16.6；2021—2025年合并：24.1").
    ``interval``: add the used value's 95 % interval."""
    if a is None or a.latest_value is None:
        return "—"
    d = int(decimals)
    unit_html = format_html(' <span class="unit">{}</span>', unit) if unit else ""
    ci = ""
    if interval and a.ci_low is not None and a.ci_high is not None:
        ci = format_html(
            '<span class="sub">{}</span>',
            _("(95%% interval %(low)s–%(high)s)")
            % {"low": format_value(a.ci_low, d), "high": format_value(a.ci_high, d)},
        )
    if a.pooled_years <= 1 or a.period_start is None or a.period_end is None:
        return format_html(
            '{}{} <span class="yr">({})</span>{}',
            format_value(a.latest_value, d),
            unit_html,
            year_label(a.latest_year),
            ci,
        )
    single = ""
    if a.single_value is not None:
        single = format_html(
            "{}{}<br>",
            _("%(year)s: %(value)s")
            % {"year": a.single_year, "value": format_value(a.single_value, d)},
            unit_html,
        )
    pooled = _("%(start)s–%(end)s pooled: %(value)s") % {
        "start": a.period_start,
        "end": a.period_end,
        "value": format_value(a.latest_value, d),
    }
    return format_html(
        '{}<span class="pooled">{}{}{} <span class="sub">{}</span></span>',
        single,
        pooled,
        unit_html,
        ci,
        _("(used for the judgement)"),
    )


@register.filter
def chance(share: float | None) -> str:
    """The chance of meeting a target in words ("about 88%"); — when there is none."""
    if share is None or share != share:
        return "—"
    return chance_words(share)
