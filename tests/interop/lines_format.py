"""A format made for the tests: one line per approved value. It shows what adding a format
takes — this module and one registration (see test_formats.py)."""

from __future__ import annotations

from lianggang.interop.exporting import ExportSource
from lianggang.interop.importing import ImportSettings
from lianggang.interop.model import Parsed


def export(source: ExportSource) -> bytes:
    return "".join(
        f"{r.element} {r.orgunit} {r.year} {r.disaggregation} {r.value}\n" for r in source.values()
    ).encode()


def read(content: bytes, settings: ImportSettings, name: str) -> Parsed:
    return Parsed()
