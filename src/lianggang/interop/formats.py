"""The exchange formats, each declared once: what the command line, the API and the services
read their choices, media types and readers and writers from.

A format is declared with :func:`register`: its name, what its files carry (reported values,
indicator values or either), the media type and file ending of an export, the file names and
first bytes that tell it apart, and its reader and writer as ``"module:function"`` paths,
imported when first used — the way Django names a storage backend. So this module imports no
Django and the command line builds its choices before Django is set up.

Adding a format is one new module beside this one, with its reader and/or writer, and one
:func:`register` call below, in this module: the command line and the API read their choices
(:data:`IMPORT_FORMATS`, :data:`EXPORT_FORMATS`) once it has loaded; the services ask the registry
itself. A reader takes ``(content, settings, name)`` (the bytes, the
:class:`~lianggang.interop.importing.ImportSettings` and the file's name) and returns a
:class:`~lianggang.interop.model.Parsed`; a writer takes an
:class:`~lianggang.interop.exporting.ExportSource` and returns the file's bytes.

>>> [f.name for f in import_formats()]
['csv', 'xlsx', 'dhis2-json', 'dhis2-csv', 'adx', 'opensdg']
>>> get("sdmx-csv").carries, get("adx").carries
(('indicators',), ('values',))
>>> guess("upload.adx.xml", b""), guess("values.csv", b"data_element,orgunit"), guess("", b"PK")
('adx', 'csv', 'xlsx')
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import cache
from typing import Any, Literal

Carried = Literal["values", "indicators"]


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    # What a file of the format holds: reported values ("values", as the departments entered
    # them), indicator values ("indicators", as Lianggang computes them), or either, chosen by
    # the export request.
    carries: tuple[Carried, ...]
    # The media type of an export; "{sdmx_version}" is filled from the request.
    media_type: str
    suffix: str  # the exported file's ending, without the dot
    reader: str = ""  # "module:function": (content, settings, name) -> Parsed
    writer: str = ""  # "module:function": (ExportSource) -> bytes
    binary: bool = False  # not text: the command line needs --output
    # Guessing an upload's format: file-name patterns (lower case), first bytes, and a word its
    # header line holds; formats are tried in the order of ``guess_rank``.
    names: tuple[str, ...] = ()
    heads: tuple[bytes, ...] = ()
    header_word: str = ""
    guess_rank: int = 100

    @property
    def imports(self) -> bool:
        return bool(self.reader)

    @property
    def exports(self) -> bool:
        return bool(self.writer)

    def reader_function(self) -> Callable[..., Any]:
        return _load(self.reader)

    def writer_function(self) -> Callable[..., Any]:
        return _load(self.writer)

    def media_type_for(self, *, sdmx_version: str = "2.0") -> str:
        """The media type of an export (SDMX-CSV's names its version)."""
        return self.media_type.replace("{sdmx_version}", sdmx_version)

    def claims(self, name: str, head: bytes) -> bool:
        """Whether a file of this name and first bytes is of this format."""
        lower = name.lower()
        if not (
            any(fnmatch(lower, pattern) for pattern in self.names)
            or any(head.startswith(magic) for magic in self.heads)
        ):
            return False
        if self.header_word:
            return self.header_word in _first_line(head).lower()
        return True


def _first_line(head: bytes) -> str:
    """The first line of a text file's first bytes: UTF-16 when it starts with its byte-order
    mark (Excel's "Unicode text"), else UTF-8 or GB18030, whose ASCII words read alike."""
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(encoding, "replace").split("\n", 1)[0]
    return head.split(b"\n", 1)[0].decode("utf-8", "replace")


_REGISTRY: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    if fmt.name in _REGISTRY:
        raise ValueError(f"format {fmt.name!r} is registered twice")
    _REGISTRY[fmt.name] = fmt
    return fmt


@cache
def _load(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    loaded: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return loaded


def get(name: str) -> Format | None:
    return _REGISTRY.get(name)


def named(name: str) -> Format:
    """The format of a name known to be registered (KeyError otherwise)."""
    return _REGISTRY[name]


def all_formats() -> list[Format]:
    return list(_REGISTRY.values())


def import_formats() -> list[Format]:
    return [f for f in _REGISTRY.values() if f.imports]


def export_formats() -> list[Format]:
    return [f for f in _REGISTRY.values() if f.exports]


def guess(name: str, content: bytes) -> str:
    """The import format of a file from its name and first bytes ("" when it cannot tell)."""
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    for fmt in sorted(import_formats(), key=lambda f: f.guess_rank):
        if fmt.claims(name, head):
            return fmt.name
    return ""


_I = "lianggang.interop"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

register(
    Format(
        "csv",
        "CSV",
        ("values", "indicators"),
        "text/csv; charset=utf-8",
        "csv",
        reader=f"{_I}.tidy:import_csv",
        writer=f"{_I}.exporting:write_csv",
        names=("*.csv",),
        header_word="data_element",
        guess_rank=50,
    )
)
register(
    Format(
        "xlsx",
        "Excel",
        ("values", "indicators"),
        _XLSX,
        "xlsx",
        reader=f"{_I}.tidy:import_xlsx",
        writer=f"{_I}.exporting:write_xlsx",
        binary=True,
        names=("*.xlsx", "*.xls"),
        heads=(b"PK", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),  # zip; OLE2 (a legacy .xls)
        guess_rank=40,
    )
)
register(
    Format(
        "dhis2-json",
        "DHIS2 JSON",
        ("values",),
        "application/json",
        "json",
        reader=f"{_I}.dhis2:import_json",
        writer=f"{_I}.dhis2:export_json",
        names=("*.json",),
        heads=(b"{",),
        guess_rank=20,
    )
)
register(
    Format(
        "dhis2-csv",
        "DHIS2 CSV",
        ("values",),
        "application/csv; charset=utf-8",
        "csv",
        reader=f"{_I}.dhis2:import_csv",
        writer=f"{_I}.dhis2:export_csv",
        names=("*.csv",),
        guess_rank=60,
    )
)
register(
    Format(
        "adx",
        "ADX",
        ("values",),
        "application/adx+xml",
        "adx.xml",
        reader=f"{_I}.adx:import_file",
        writer=f"{_I}.adx:export_file",
        names=("*.xml", "*.adx"),
        heads=(b"<",),
        guess_rank=10,
    )
)
register(
    Format(
        "sdmx-csv",
        "SDMX-CSV",
        ("indicators",),
        "application/vnd.sdmx.data+csv; version={sdmx_version}.0; charset=utf-8",
        "csv",
        writer=f"{_I}.sdmx:export_file",
    )
)
register(
    Format(
        "opensdg",
        "Open SDG",
        ("indicators",),
        "application/zip",
        "zip",
        reader=f"{_I}.importing:read_opensdg",
        writer=f"{_I}.exporting:write_opensdg",
        binary=True,
        names=("*.zip", "indicator_*.csv"),
        guess_rank=30,
    )
)
register(
    Format(
        "jsonstat",
        "JSON-stat",
        ("values", "indicators"),
        "application/json",
        "json",
        writer=f"{_I}.exporting:write_jsonstat",
    )
)

# The choices as tuples, for argparse and the API's schemas (in registration order).
IMPORT_FORMATS = tuple(f.name for f in import_formats())
EXPORT_FORMATS = tuple(f.name for f in export_formats())
STRATEGIES = ("CREATE_AND_UPDATE", "CREATE", "UPDATE", "DELETE")
ATOMIC_MODES = ("ALL", "NONE")
ID_SCHEMES = ("CODE", "UID", "NAME")
