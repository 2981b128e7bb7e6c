"""The target that applies to an indicator at an org unit (docs/methodology.md §三: "overridable
per org unit").

An org unit's own override wins; otherwise its nearest ancestor's; otherwise the outline's
target. A county under a prefecture that set itself a stricter target inherits the stricter one.

>>> parents = {"P": None, "A": "P", "A1": "A", "B": "P"}
>>> t = effective_targets(parents, {"mmr": 12.0}, {("mmr", "A"): 20.0})
>>> [t["mmr", u] for u in ("P", "A", "A1", "B")]
[12.0, 20.0, 20.0, 12.0]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
I = TypeVar("I", bound=Hashable)  # noqa: E741 (an indicator key)


def effective_targets(
    parents: Mapping[K, K | None],
    targets: Mapping[I, float | None],
    overrides: Mapping[tuple[I, K], float],
    units: Iterable[K] | None = None,
) -> dict[tuple[I, K], float | None]:
    """Return the target per (indicator, unit) for ``units`` (default: every unit of ``parents``).

    ``parents`` must hold every ancestor of the units asked for; a cycle is refused.
    """
    wanted = list(parents) if units is None else list(units)
    overridden = {ind for ind, _ in overrides}
    result: dict[tuple[I, K], float | None] = {}
    for unit in wanted:
        chain = _chain(parents, unit)
        for ind, value in targets.items():
            if ind in overridden:
                value = next(
                    (overrides[ind, anc] for anc in chain if (ind, anc) in overrides), value
                )
            result[ind, unit] = value
    return result


def _chain(parents: Mapping[K, K | None], unit: K) -> list[K]:
    """The unit, then its parent, up to the root."""
    chain: list[K] = []
    current: K | None = unit
    while current is not None:
        if current in chain:
            raise ValueError(f"the hierarchy has a cycle through {current!r}")
        chain.append(current)
        current = parents.get(current)
    return chain
