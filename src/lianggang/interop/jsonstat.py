"""JSON-stat 2.0 (https://json-stat.org/format/): a dataset of any selection of values.

One dimension per column given, in order; the value array is row-major over those dimensions
(the last dimension varies fastest), ``null`` where nothing was reported, sparse (an object keyed
by position) when fewer than half the cells hold a value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Dimension:
    id: str
    label: str
    categories: list[tuple[str, str]]  # (code, label), in the order to show
    role: str = ""  # "time", "geo" or "metric"
    units: dict[str, dict[str, Any]] = field(default_factory=dict)


def write(
    *,
    label: str,
    dimensions: Sequence[Dimension],
    values: Mapping[tuple[str, ...], float | None],
    status: Mapping[tuple[str, ...], str] | None = None,
    notes: Sequence[str] = (),
    source: str = "",
    updated: str = "",
) -> bytes:
    sizes = [len(d.categories) for d in dimensions]
    positions = [{code: i for i, (code, _l) in enumerate(d.categories)} for d in dimensions]
    strides = [math.prod(sizes[i + 1 :]) for i in range(len(sizes))]

    def offset(key: tuple[str, ...]) -> int:
        return sum(positions[i][code] * strides[i] for i, code in enumerate(key))

    cells = {offset(k): v for k, v in values.items() if v is not None}
    total = math.prod(sizes) if sizes else 0
    value: Any
    if total and len(cells) * 2 >= total:
        value = [cells.get(i) for i in range(total)]
    else:
        value = {str(i): cells[i] for i in sorted(cells)}
    doc: dict[str, Any] = {"version": "2.0", "class": "dataset", "label": label}
    if source:
        doc["source"] = source
    if updated:
        doc["updated"] = updated
    if notes:
        doc["note"] = list(notes)
    doc["id"] = [d.id for d in dimensions]
    doc["size"] = sizes
    roles: dict[str, list[str]] = {}
    for d in dimensions:
        if d.role:
            roles.setdefault(d.role, []).append(d.id)
    if roles:
        doc["role"] = roles
    doc["dimension"] = {}
    for d in dimensions:
        category: dict[str, Any] = {
            "index": {code: i for i, (code, _l) in enumerate(d.categories)},
            "label": dict(d.categories),
        }
        if d.units:
            category["unit"] = d.units
        doc["dimension"][d.id] = {"label": d.label, "category": category}
    doc["value"] = value
    if status:
        doc["status"] = {str(offset(k)): s for k, s in status.items()}
    return json.dumps(doc, ensure_ascii=False).encode()


def read_values(content: bytes) -> dict[tuple[str, ...], float]:
    """The values of a JSON-stat dataset by their category codes (for checking what was written)."""
    doc = json.loads(content)
    ids = doc["id"]
    indexes = []
    for dim in ids:
        index = doc["dimension"][dim]["category"]["index"]
        codes = sorted(index, key=lambda c: index[c]) if isinstance(index, dict) else list(index)
        indexes.append(codes)
    sizes = doc["size"]
    raw = doc["value"]
    items = enumerate(raw) if isinstance(raw, list) else ((int(k), v) for k, v in raw.items())
    out: dict[tuple[str, ...], float] = {}
    for pos, v in items:
        if v is None:
            continue
        key = []
        for size, codes in zip(reversed(sizes), reversed(indexes), strict=True):
            pos, i = divmod(pos, size)
            key.append(codes[i])
        out[tuple(reversed(key))] = v
    return out
