"""Import values from any exchange format.

The file is read into values with their rows by its format's reader (see
:mod:`lianggang.interop.formats`), DHIS2's id schemes are resolved, and the values go to the
collection's own planner (:func:`~lianggang.collection.imports.import_plan`): the same scope,
state and number checks as the pages and the Excel upload, and one transaction to apply. By
default (``atomic_mode="ALL"``) one refused value refuses the file; with ``"NONE"``, DHIS2's other
mode, the values that pass are imported and the rest listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from lianggang.collection.errors import CollectionError
from lianggang.collection.imports import Change, ImportPlan, import_apply, import_plan
from lianggang.collection.models import Channel
from lianggang.collection.validation import Finding
from lianggang.collection.workbook import MAX_BYTES_DEFAULT, RawValue, ReadResult
from lianggang.framework.models import (
    DataElement,
    DisaggregationCategory,
    DisaggregationOption,
    Indicator,
    Kind,
)
from lianggang.orgunits.models import OrgUnit

from . import dhis2, formats, opensdg
from .dhis2 import ImportCount
from .errors import InteropError
from .formats import ATOMIC_MODES, ID_SCHEMES, STRATEGIES
from .model import Conflict, Parsed


@dataclass(frozen=True)
class ImportSettings:
    format: str
    dry_run: bool = False
    import_strategy: str = "CREATE_AND_UPDATE"
    atomic_mode: str = "ALL"
    id_scheme: str = "CODE"
    first_row_is_header: bool = True
    opensdg: opensdg.ImportOptions = field(default_factory=opensdg.ImportOptions)

    def as_dhis2(self) -> dict[str, Any]:
        return {
            "dryRun": self.dry_run,
            "importStrategy": self.import_strategy,
            "atomicMode": self.atomic_mode,
            "idScheme": self.id_scheme,
            "firstRowIsHeader": self.first_row_is_header,
        }


@dataclass
class ImportOutcome:
    settings: ImportSettings
    count: ImportCount = field(default_factory=ImportCount)
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[Conflict] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    # What the validation rules and outlier checks will find once applied (org unit, finding).
    findings: list[tuple[str, Finding]] = field(default_factory=list)
    applied: bool = False

    @property
    def goes_through(self) -> bool:
        """Applied, or (a dry run) would be: nothing refused, or only what NONE leaves out."""
        if self.applied:
            return True
        if not self.settings.dry_run:
            return False
        return not self.conflicts or (self.settings.atomic_mode == "NONE" and bool(self.changes))

    @property
    def ok(self) -> bool:
        return not self.conflicts or (self.settings.atomic_mode == "NONE" and self.goes_through)

    def summary(self) -> dict[str, Any]:
        return dhis2.import_summary(
            count=self.count,
            conflicts=self.conflicts,
            options=self.settings.as_dhis2(),
            applied=self.goes_through,
        )


def _import_format(name: str) -> formats.Format:
    """The registered format of that name that reads files, or a refusal naming those that do."""
    fmt = formats.get(name)
    if fmt is None or not fmt.imports:
        allowed = ", ".join(f.name for f in formats.import_formats())
        raise InteropError(
            _("%(what)s “%(value)s” is not one of %(allowed)s.")
            % {"what": "format", "value": name, "allowed": allowed}
        )
    return fmt


def _check_settings(s: ImportSettings) -> None:
    _import_format(s.format)
    for value, allowed, what in (
        (s.import_strategy, STRATEGIES, "importStrategy"),
        (s.atomic_mode, ATOMIC_MODES, "atomicMode"),
        (s.id_scheme, ID_SCHEMES, "idScheme"),
    ):
        if value not in allowed:
            raise InteropError(
                _("%(what)s “%(value)s” is not one of %(allowed)s.")
                % {"what": what, "value": value, "allowed": ", ".join(allowed)}
            )
    if s.opensdg.year_range not in ("", "start", "end"):
        raise InteropError(_("The year range choice is start or end."))


def read_values(content: bytes, settings_: ImportSettings, *, name: str = "") -> Parsed:
    """Read a file of the given format into values and conflicts; nothing is looked up yet."""
    fmt = _import_format(settings_.format)
    parsed: Parsed = fmt.reader_function()(content, settings_, name)
    return parsed


def read_opensdg(content: bytes, settings_: ImportSettings, name: str) -> Parsed:
    """The registry's reader of Open SDG files: its codes are looked up in the database first."""
    return opensdg.read([(name, content)], lookup=opensdg_lookup(), options=settings_.opensdg)


def opensdg_lookup() -> opensdg.Lookup:
    lookup = opensdg.Lookup()
    for code, name, name_en in DataElement.objects.values_list("code", "name", "name_en"):
        for key in (code, name, name_en):
            if key:
                lookup.elements.setdefault(key.strip().casefold(), code)
    for ind in Indicator.objects.select_related("numerator"):
        own = ind.kind == Kind.VALUE and ind.factor == 1 and ind.denominator_id is None
        for key in (ind.code, ind.name, ind.name_en):
            if key:
                lookup.indicators.setdefault(
                    key.strip().casefold(), (ind.code, ind.numerator.code, own)
                )
    for code, name, name_en in DisaggregationCategory.objects.values_list(
        "code", "name", "name_en"
    ):
        for key in (code, name, name_en):
            if key:
                lookup.categories.setdefault(key.strip().casefold(), code)
    for category, code, name, name_en in DisaggregationOption.objects.values_list(
        "category__code", "code", "name", "name_en"
    ):
        for key in (code, name, name_en):
            if key:
                lookup.options.setdefault((category, key.strip().casefold()), code)
    lookup.orgunits = set(OrgUnit.objects.values_list("code", flat=True))
    return lookup


def _by_name(parsed: Parsed) -> None:
    """idScheme=NAME: element, org unit and option names (Chinese or English) to codes."""
    elements: dict[str, str] = {}
    for code, name, name_en in DataElement.objects.values_list("code", "name", "name_en"):
        elements.update({name: code, name_en: code} if name_en else {name: code})
    orgunits: dict[str, str] = {}
    for code, name, name_en in OrgUnit.objects.values_list("code", "name", "name_en"):
        orgunits.update({name: code, name_en: code} if name_en else {name: code})
    options: dict[str, str] = {}
    for code, name, name_en in DisaggregationOption.objects.values_list("code", "name", "name_en"):
        options.update({name: code, name_en: code} if name_en else {name: code})
    parsed.values = [
        replace(
            v,
            element=elements.get(v.element, v.element),
            orgunit=orgunits.get(v.orgunit, v.orgunit),
            disaggregation=options.get(v.disaggregation, v.disaggregation),
        )
        for v in parsed.values
    ]


def read_values_resolved(content: bytes, settings_: ImportSettings, *, name: str = "") -> Parsed:
    """Read a file of values, names turned to codes when the file identifies by name."""
    parsed = read_values(content, settings_, name=name)
    if settings_.id_scheme == "NAME":
        _by_name(parsed)
    return parsed


def _conflicts_of(plan: ImportPlan, parsed: Parsed) -> list[Conflict]:
    return [
        Conflict(
            p.message,
            property=p.column,
            row=p.row,
            index=parsed.index_of_row.get(p.row) if p.row is not None else None,
            file=p.sheet,
            code="E7630",
            reason=p.code,
        )
        for p in plan.problems
    ]


def _plan(actor: User, values: list[RawValue]) -> ImportPlan:
    return import_plan(actor=actor, read=ReadResult(values=values))


def values_import(
    *,
    actor: User,
    content: bytes,
    settings_: ImportSettings,
    name: str = "",
    channel: str = Channel.API,
) -> ImportOutcome:
    """Read, check and (unless a dry run, or refused) apply a file of values."""
    _check_settings(settings_)
    outcome = ImportOutcome(settings_)
    limit = int(getattr(settings, "LIANGGANG_UPLOAD_MAX_BYTES", MAX_BYTES_DEFAULT))
    if len(content) > limit:
        outcome.conflicts.append(
            Conflict(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": f"{len(content) / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
            )
        )
        return outcome
    parsed = read_values_resolved(content, settings_, name=name)
    if settings_.import_strategy == "DELETE":
        parsed.values = [replace(v, value=None, comment="", clear=True) for v in parsed.values]
    outcome.conflicts.extend(parsed.conflicts)
    outcome.skipped.extend(parsed.skipped)
    values = parsed.values
    plan = _plan(actor, values)
    if plan.problems:
        outcome.conflicts.extend(_conflicts_of(plan, parsed))
        if settings_.atomic_mode == "NONE" and all(p.row is not None for p in plan.problems):
            bad = {(p.sheet, p.row) for p in plan.problems}
            values = [v for v in values if (v.sheet, v.row) not in bad]
            plan = _plan(actor, values)
            outcome.conflicts.extend(_conflicts_of(plan, parsed))
    unwanted: set[tuple[str, int]] = set()
    if plan.ok and settings_.import_strategy in ("CREATE", "UPDATE"):
        # CREATE leaves stored values alone; UPDATE adds none where nothing is stored.
        keep_new = settings_.import_strategy == "CREATE"
        unwanted = {
            (c.sheet, c.row)
            for c in plan.changes
            if (c.old is None) != keep_new and c.new is not None
        }
        if unwanted:
            values = [v for v in values if (v.sheet, v.row) not in unwanted]
            plan = _plan(actor, values)
    refused = len(outcome.conflicts)
    # Nothing written: every value read is ignored, once (the planner's refusals are among
    # them), with the values refused while reading and the rows skipped.
    nothing = len(parsed.conflicts) + len(outcome.skipped) + len(parsed.values)
    if not plan.ok or (outcome.conflicts and settings_.atomic_mode == "ALL"):
        outcome.count.ignored = nothing
        return outcome
    outcome.count.ignored = (
        refused + len(outcome.skipped) + len(unwanted) + plan.unchanged + plan.blank
    )
    outcome.changes = plan.changes
    outcome.findings = plan.findings
    for c in plan.changes:
        if c.new is None:
            outcome.count.deleted += 1
        elif c.old is None:
            outcome.count.imported += 1
        else:
            outcome.count.updated += 1
    if settings_.dry_run or not plan.changes:
        return outcome
    try:
        import_apply(actor=actor, plan=plan, channel=channel)
    except CollectionError as exc:
        outcome.conflicts.append(Conflict(str(exc), code="E7631"))
        outcome.count = ImportCount(ignored=nothing)
        outcome.changes = []
        return outcome
    outcome.applied = True
    return outcome
