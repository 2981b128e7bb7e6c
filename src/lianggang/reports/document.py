"""The document model: what a report says, independent of how a format lays it out.

A builder (``annual``, ``evaluation``) turns finished figures into a :class:`Document`; each
renderer (Word, HTML, PDF, Excel) lays the same document out. Charts are data here; renderers
draw them (:mod:`.charts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


def display_width(text: str) -> float:
    """Characters as wide as they print: a Chinese character takes two (table column widths)."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


@dataclass
class Heading:
    text: str
    level: int  # 1: an area ("一、妇女与健康"); 2: a sub-item ("（一）…")


@dataclass
class Paragraph:
    text: str
    style: Literal["body", "lead", "note"] = "body"


NOWRAP_WIDTH = 16  # a text column whose longest cell is at most this wide (8 Chinese characters)
# prints on one line: unit and county names, areas, statuses (甘孜藏族自治州 is 14)

WIDE_COLUMNS = 11  # the annex (12 columns); the scorecards (10, 11) still fit a portrait page


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # per column: right-aligned figures
    sheet: str  # the Excel sheet it becomes (≤ 31 characters)
    notes: list[str] = field(default_factory=list)
    key: str = ""  # what tests and traceability look it up by ("annex")

    @property
    def wide(self) -> bool:
        """Too many columns for a portrait page: printed on landscape pages (PDF and Word)."""
        return len(self.columns) > WIDE_COLUMNS

    def column_weights(self) -> list[float]:
        """Relative column widths by content: figures as wide as their longest value (the
        header may wrap onto two lines), text up to a limit. Word and the PDF share them."""
        weights = []
        for i, numeric in enumerate(self.numeric):
            longest = max(
                [display_width(self.columns[i]) / 2, *(display_width(r[i]) for r in self.rows)]
            )
            weights.append(max(4.0, min(longest, 10.0 if numeric else 24.0)))
        return weights

    def unbroken(self) -> list[bool]:
        """Per column: printed without a line break (short names, which must not wrap)."""
        return [
            not numeric and max((display_width(r[i]) for r in self.rows), default=0) <= NOWRAP_WIDTH
            for i, numeric in enumerate(self.numeric)
        ]


@dataclass
class SeriesChart:
    """A unit's series with its target line and the dashed projection to the target year."""

    title: str
    unit: str
    years: list[int]
    values: list[float]
    target: float | None
    target_year: int | None
    projected: float | None  # at the target year
    alt: str


@dataclass
class BarsChart:
    """Units compared: bars, with the interval drawn for unstable rates."""

    title: str
    unit: str
    labels: list[str]
    values: list[float]
    lows: list[float | None]
    highs: list[float | None]
    unstable: list[bool]
    target: float | None
    alt: str


Chart = SeriesChart | BarsChart
Block = Heading | Paragraph | Table | SeriesChart | BarsChart


@dataclass
class Document:
    title: str
    issuer: str
    blocks: list[Block]
    demo_note: str = ""  # non-empty: the figures are synthetic and every format says so
    language: str = "zh-hans"
    contents: bool = True  # a table of contents after the title (long reports)

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables() if t.key == key)

    def text(self) -> str:
        """Every sentence of the document, for tests and search."""
        return "\n".join(b.text for b in self.blocks if isinstance(b, Heading | Paragraph))
