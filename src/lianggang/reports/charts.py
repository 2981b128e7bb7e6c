"""Charts of the reports, drawn with matplotlib in the CJK font the set-up installs.

The same drawing serves every format: PNG for Word, SVG (text kept as text) for HTML and PDF.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from functools import cache, partial
from typing import Literal

import matplotlib

matplotlib.use("Agg")

from django.utils.translation import gettext as _
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .document import BarsChart, Chart, SeriesChart

# Debian's fonts-noto-cjk (the set-up installs it); DejaVu for Latin if it is missing.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC")
WIDTH_CM, HEIGHT_CM = 16.0, 7.5
DPI = 150  # 15 cm wide in Word: 890 pixels
COLOUR = "#2f5d8a"
MUTED = "#9db4cc"
TARGET = "#c0392b"


@cache
def cjk_family() -> str | None:
    """The CJK font family the charts use, or None when the machine has none."""
    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FAMILIES if f in available), None)


def _figure(bottom: float) -> Figure:
    # Fixed margins: a layout engine would cost more than the drawing.
    fig = Figure(figsize=(WIDTH_CM / 2.54, HEIGHT_CM / 2.54))
    fig.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=bottom)
    return fig


def _style(fig: Figure) -> None:
    family = cjk_family()
    for text in fig.findobj(matplotlib.text.Text):
        if family:
            text.set_fontfamily([family, "DejaVu Sans"])
        text.set_fontsize(8)


def _series(chart: SeriesChart, fig: Figure) -> None:
    ax = fig.add_subplot()
    ax.plot(chart.years, chart.values, marker="o", color=COLOUR, linewidth=1.6, markersize=3.5)
    if chart.projected is not None and chart.target_year and chart.target_year > chart.years[-1]:
        ax.plot(
            [chart.years[-1], chart.target_year],
            [chart.values[-1], chart.projected],
            linestyle="--",
            color=COLOUR,
            linewidth=1.2,
            label=_("projection at the current trend"),
        )
    if chart.target is not None:
        ax.axhline(chart.target, color=TARGET, linewidth=1, linestyle=":", label=_("target"))
    ax.set_ylabel(chart.unit)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    if chart.target is not None or chart.projected is not None:
        ax.legend(frameon=False, loc="best")
    ax.set_title(chart.title)


def _bars(chart: BarsChart, fig: Figure) -> None:
    ax = fig.add_subplot()
    x = list(range(len(chart.labels)))
    colours = [MUTED if shaky else COLOUR for shaky in chart.unstable]
    ax.bar(x, chart.values, color=colours, width=0.7)
    for i, (v, lo, hi, shaky) in enumerate(
        zip(chart.values, chart.lows, chart.highs, chart.unstable, strict=True)
    ):
        if shaky and lo is not None and hi is not None:
            ax.errorbar(i, v, yerr=[[v - lo], [hi - v]], color="#555555", capsize=2, linewidth=0.8)
    if chart.target is not None:
        ax.axhline(chart.target, color=TARGET, linewidth=1, linestyle=":", label=_("target"))
        ax.legend(frameon=False, loc="best")
    ax.set_xticks(x, chart.labels, rotation=60, ha="right")
    ax.set_ylabel(chart.unit)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(chart.title)
    if any(chart.unstable):
        fig.text(
            0.01,
            0.01,
            _("Light bars: fewer than 20 events, with the 95% interval."),
            color="#555555",
        )


def draw(chart: Chart, fmt: Literal["png", "svg"]) -> bytes:
    """The chart as PNG or SVG (text as text, in the CJK font)."""
    fig = _figure(0.12 if isinstance(chart, SeriesChart) else 0.3)
    if isinstance(chart, SeriesChart):
        _series(chart, fig)
    else:
        _bars(chart, fig)
    _style(fig)
    out = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "lianggang"}):
        fig.savefig(out, format=fmt, dpi=DPI if fmt == "png" else 72, metadata=_metadata(fmt))
    return out.getvalue()


def _metadata(fmt: str) -> dict[str, str | None]:
    # No creation date and no metadata block: the same report draws the same bytes.
    if fmt == "svg":
        return {"Date": None, "Creator": None, "Format": None, "Type": None}
    return {"Software": None}


# Below this many charts a pool costs more than it saves.
PARALLEL_FROM = 8


def draw_all(charts: list[Chart], fmt: Literal["png", "svg"]) -> list[bytes]:
    """Draw many charts, on every core: a report has dozens, each a tenth of a second.

    Workers are forked, so they share the loaded fonts and the active language; forking is only
    safe from a process's only thread (the command line, a separate worker), so a build inside
    the web server's process draws in its own thread.
    """
    workers = min(os.cpu_count() or 1, 4)
    alone = threading.current_thread() is threading.main_thread() and threading.active_count() == 1
    if len(charts) < PARALLEL_FROM or workers < 2 or not alone:
        return [draw(c, fmt) for c in charts]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(partial(draw, fmt=fmt), charts, chunksize=4))
