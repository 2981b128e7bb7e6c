"""Reads of the ledger: the period summary, its figures and the records behind each figure."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Model, Q, QuerySet, Sum
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _

from lianggang.orgunits.models import OrgUnit
from lianggang.orgunits.selectors import child_below, in_subtree, orgunit_children

from .models import (
    Activity,
    ActivityKind,
    AidProgramme,
    AidRecord,
    CaseKind,
    CaseState,
    Decision,
    FamilyAward,
    Honour,
    HonourTitle,
    Level,
    Project,
    RightsCase,
    Site,
    SiteKind,
)
from .wording import Kind, words


@dataclass(frozen=True)
class Measure:
    """One figure of the summary, declared as data: which records, which dates, what total.

    A stock counts the records existing at the period's end (established by then, not closed);
    every other figure sums the records dated inside the period, both ends included.
    """

    key: str
    label: Any  # lazy translation
    model: type[Model]
    date_field: str
    filters: dict[str, Any] = field(default_factory=dict)
    total: str | None = None  # the field summed; None counts the records
    kind: Kind = Kind.COUNT
    measure: str = ""  # the Chinese measure word (个, 期, 人次 …)
    orgunit_field: str = "orgunit"


def _activity(key: str, kind: str, total: str | None, label: Any, measure: str) -> Measure:
    return Measure(
        key, label, Activity, "held_on", {"kind": kind}, total or "sessions", Kind.COUNT, measure
    )


MEASURES: tuple[Measure, ...] = (
    # Organisation building: stocks at the period's end.
    Measure(
        "womens_homes",
        _("women's homes at the end of the period"),
        Site,
        "established_on",
        {"kind": SiteKind.WOMENS_HOME},
        kind=Kind.STOCK,
        measure="个",
    ),
    Measure(
        "volunteer_teams",
        _("women's volunteer teams at the end of the period"),
        Site,
        "established_on",
        {"kind": SiteKind.VOLUNTEER_TEAM},
        kind=Kind.STOCK,
        measure="支",
    ),
    Measure(
        "volunteers",
        _("members of those teams"),
        Site,
        "established_on",
        {"kind": SiteKind.VOLUNTEER_TEAM},
        total="members",
        kind=Kind.STOCK,
        measure="名",
    ),
    # Women's development.
    Measure(
        "project_funds",
        _("project funds secured"),
        Project,
        "approved_on",
        total="amount_yuan",
        kind=Kind.MONEY,
    ),
    Measure("projects", _("projects"), Project, "approved_on", measure="个"),
    Measure(
        "demonstration_bases",
        _("demonstration bases established"),
        Site,
        "established_on",
        {"kind": SiteKind.DEMONSTRATION_BASE},
        measure="个",
    ),
    _activity(
        "training_sessions", ActivityKind.SKILLS_TRAINING, None, _("skills training sessions"), "期"
    ),
    _activity(
        "training_women",
        ActivityKind.SKILLS_TRAINING,
        "women",
        _("women trained (person-times)"),
        "人次",
    ),
    _activity("lecture_sessions", ActivityKind.LECTURE, None, _("lecture sessions"), "场次"),
    _activity(
        "lecture_participants",
        ActivityKind.LECTURE,
        "participants",
        _("lecture audience (person-times)"),
        "人次",
    ),
    Measure(
        "honours_red_banner",
        _("三八红旗手 and 三八红旗集体 honoured"),
        Honour,
        "awarded_on",
        {"title__in": [HonourTitle.RED_BANNER_PERSON, HonourTitle.RED_BANNER_GROUP]},
        measure="个",
    ),
    Measure(
        "honours_model_workers",
        _("巾帼建功标兵 honoured"),
        Honour,
        "awarded_on",
        {"title": HonourTitle.MODEL_WORKER},
        measure="名",
    ),
    Measure(
        "honours_civilised_posts",
        _("巾帼文明岗 honoured"),
        Honour,
        "awarded_on",
        {"title": HonourTitle.CIVILISED_POST},
        measure="个",
    ),
    # Family building.
    *(
        Measure(
            f"families_{level}",
            label,
            FamilyAward,
            "decided_on",
            {"decision": Decision.SELECTED, "level": level},
            measure="户",
            orgunit_field="family__orgunit",
        )
        for level, label in (
            (Level.COUNTY, _("最美家庭 selected at county level")),
            (Level.PREFECTURE, _("最美家庭 selected at prefecture level")),
            (Level.PROVINCIAL, _("最美家庭 selected at provincial level")),
            (Level.NATIONAL, _("最美家庭 selected at national level")),
        )
    ),
    _activity(
        "family_sessions",
        ActivityKind.FAMILY_EDUCATION,
        None,
        _("family education sessions"),
        "场次",
    ),
    _activity(
        "family_families",
        ActivityKind.FAMILY_EDUCATION,
        "families",
        _("families taking part"),
        "户",
    ),
    # Rights protection.
    Measure(
        "rights_stations",
        _("rights-protection stations established"),
        Site,
        "established_on",
        {"kind": SiteKind.RIGHTS_STATION},
        measure="个",
    ),
    Measure(
        "mediation_committees",
        _("mediation committees established"),
        Site,
        "established_on",
        {"kind": SiteKind.MEDIATION_COMMITTEE},
        measure="个",
    ),
    _activity(
        "legal_sessions", ActivityKind.LEGAL_PUBLICITY, None, _("legal publicity sessions"), "场"
    ),
    _activity(
        "legal_participants",
        ActivityKind.LEGAL_PUBLICITY,
        "participants",
        _("legal publicity audience (person-times)"),
        "人次",
    ),
    Measure("cases", _("rights cases received"), RightsCase, "received_on", measure="件"),
    Measure(
        "cases_domestic_violence",
        _("of which domestic violence"),
        RightsCase,
        "received_on",
        {"kind": CaseKind.DOMESTIC_VIOLENCE},
        measure="件",
    ),
    Measure(
        "cases_closed",
        _("rights cases closed"),
        RightsCase,
        "closed_on",
        {"state": CaseState.CLOSED},
        measure="件",
    ),
    Measure(
        "protection_orders",
        _("cases with a protection order"),
        RightsCase,
        "received_on",
        {"protection_order": True},
        measure="件",
    ),
    # Care for those in need.
    _activity("care_sessions", ActivityKind.CARE_SERVICE, None, _("care service sessions"), "场次"),
    _activity(
        "care_participants",
        ActivityKind.CARE_SERVICE,
        "participants",
        _("women and children reached by care services (person-times)"),
        "人次",
    ),
    Measure(
        "care_funds",
        _("funds given in care services and charity events"),
        Activity,
        "held_on",
        {"kind__in": [ActivityKind.CARE_SERVICE, ActivityKind.CHARITY_EVENT]},
        total="funds_yuan",
        kind=Kind.MONEY,
    ),
    Measure(
        "care_materials",
        _("materials given in care services and charity events (yuan)"),
        Activity,
        "held_on",
        {"kind__in": [ActivityKind.CARE_SERVICE, ActivityKind.CHARITY_EVENT]},
        total="materials_yuan",
        kind=Kind.MONEY,
    ),
    Measure(
        "two_cancers_recipients",
        _("women given 两癌 aid or insurance"),
        AidRecord,
        "given_on",
        {"programme__in": [AidProgramme.TWO_CANCERS, AidProgramme.INSURANCE]},
        total="recipients",
        measure="名",
    ),
    Measure(
        "two_cancers_amount",
        _("两癌 aid and insurance funds"),
        AidRecord,
        "given_on",
        {"programme__in": [AidProgramme.TWO_CANCERS, AidProgramme.INSURANCE]},
        total="amount_yuan",
        kind=Kind.MONEY,
    ),
    Measure(
        "nutrition_packs",
        _("infant nutrition packs given"),
        AidRecord,
        "given_on",
        {"programme": AidProgramme.NUTRITION},
        total="quantity",
        measure="份",
    ),
    _activity(
        "health_sessions", ActivityKind.HEALTH_CHECK, None, _("health check sessions"), "场次"
    ),
    _activity(
        "health_participants",
        ActivityKind.HEALTH_CHECK,
        "participants",
        _("women given a health check (person-times)"),
        "人次",
    ),
)
MEASURE_BY_KEY = {m.key: m for m in MEASURES}


@dataclass(frozen=True)
class Figure:
    """A total of the summary: exact, as written, and how many records it sums."""

    measure: Measure
    value: Decimal
    records: int
    text: str

    @property
    def key(self) -> str:
        return self.measure.key


@dataclass
class Section:
    key: str
    title: str
    sentences: list[str]
    figures: list[Figure]


@dataclass
class LedgerSummary:
    orgunit: OrgUnit
    start: dt.date
    end: dt.date
    sections: list[Section]
    figures: dict[str, Figure]
    units: list[OrgUnit]  # the units below, for the breakdown
    by_unit: dict[str, dict[int, Decimal]]  # measure key → unit pk → exact total
    is_demo: bool


def _subtree(m: Measure, orgunit: OrgUnit) -> Q:
    return in_subtree(orgunit.path, via=m.orgunit_field)


def _dated(m: Measure, start: dt.date, end: dt.date) -> Q:
    if m.kind is Kind.STOCK:
        return Q(**{f"{m.date_field}__lte": end}) & (
            Q(closed_on__isnull=True) | Q(closed_on__gt=end)
        )
    return Q(**{f"{m.date_field}__gte": start, f"{m.date_field}__lte": end})


def ledger_figure_records(
    key: str, *, orgunit: OrgUnit, start: dt.date, end: dt.date
) -> QuerySet[Any]:
    """The records a figure of the summary sums (its traceability)."""
    m = MEASURE_BY_KEY[key]
    return m.model._default_manager.filter(_subtree(m, orgunit), _dated(m, start, end), **m.filters)


@dataclass
class _Totals:
    """A measure's total, record count and synthetic record count per org unit."""

    total: dict[int, Decimal] = field(default_factory=dict)
    records: dict[int, int] = field(default_factory=dict)
    demo: int = 0


def _totals(m: Measure, orgunit: OrgUnit, start: dt.date, end: dt.date) -> _Totals:
    demo = "family__is_demo" if m.model is FamilyAward else "is_demo"
    rows = (
        ledger_figure_records(m.key, orgunit=orgunit, start=start, end=end)
        .order_by()
        .values(m.orgunit_field)
        .annotate(
            total=Sum(m.total) if m.total else Count("pk"),
            n=Count("pk"),
            demo=Count("pk", filter=Q(**{demo: True})),
        )
    )
    out = _Totals()
    for row in rows:
        out.total[row[m.orgunit_field]] = Decimal(row["total"] or 0)
        out.records[row[m.orgunit_field]] = row["n"]
        out.demo += row["demo"]
    return out


SECTIONS: tuple[tuple[str, Any], ...] = (
    ("organisation", _("Organisation building")),
    ("development", _("Women's development")),
    ("family", _("Family building")),
    ("rights", _("Rights protection")),
    ("care", _("Care for those in need")),
)


def ledger_summary(*, orgunit: OrgUnit, start: dt.date, end: dt.date) -> LedgerSummary:
    """Every figure of the period for the unit and the units below it, written as sentences."""
    english = not (get_language() or "zh-hans").startswith("zh")
    units = list(orgunit_children(orgunit))
    # Any unit of the subtree → the child of ``orgunit`` it lies under.
    child_by_code = {u.code: u.pk for u in units}
    unit_of = {pk: child_by_code[code] for pk, code in child_below(orgunit).items()}
    figures: dict[str, Figure] = {}
    by_unit: dict[str, dict[int, Decimal]] = {}
    demo_records = 0
    for m in MEASURES:
        t = _totals(m, orgunit, start, end)
        value = sum(t.total.values(), Decimal(0))
        figures[m.key] = Figure(
            m, value, sum(t.records.values()), words(value, m.kind, m.measure, english=english)
        )
        per_child: dict[int, Decimal] = defaultdict(Decimal)
        for pk, total in t.total.items():
            if pk in unit_of:
                per_child[unit_of[pk]] += total
        by_unit[m.key] = dict(per_child)
        demo_records += t.demo
    sections = [
        Section(
            key,
            str(title),
            _sentences(key, figures, orgunit, english),
            [figures[k] for k in SECTION_KEYS[key]],
        )
        for key, title in SECTIONS
    ]
    return LedgerSummary(
        orgunit,
        start,
        end,
        sections,
        figures,
        units,
        by_unit,
        demo_records > 0,  # the summary then says its figures are synthetic
    )


SECTION_KEYS: dict[str, tuple[str, ...]] = {
    "organisation": ("womens_homes", "volunteer_teams", "volunteers"),
    "development": (
        "project_funds",
        "projects",
        "demonstration_bases",
        "training_sessions",
        "training_women",
        "lecture_sessions",
        "lecture_participants",
        "honours_red_banner",
        "honours_model_workers",
        "honours_civilised_posts",
    ),
    "family": (
        "families_county",
        "families_prefecture",
        "families_provincial",
        "families_national",
        "family_sessions",
        "family_families",
    ),
    "rights": (
        "rights_stations",
        "mediation_committees",
        "legal_sessions",
        "legal_participants",
        "cases",
        "cases_domestic_violence",
        "cases_closed",
        "protection_orders",
    ),
    "care": (
        "care_sessions",
        "care_participants",
        "care_funds",
        "care_materials",
        "two_cancers_recipients",
        "two_cancers_amount",
        "nutrition_packs",
        "health_sessions",
        "health_participants",
    ),
}


def scope_word(orgunit: OrgUnit) -> str:
    """全州, 全县, 全市, 全省 … from the unit's name (its last character names its kind)."""
    last = orgunit.name[-1:] if orgunit.name else ""
    return "全" + (last if last in "省州市县区旗盟" else "")


# Each sentence is a list of clauses; a clause whose figures are all zero is left out, and a
# sentence with no clause left is dropped. The clauses are translatable templates.
Clause = tuple[Callable[[], str], tuple[str, ...]]
CLAUSES: dict[str, list[list[Clause]]] = {
    "organisation": [
        [
            (lambda: gettext("women's homes numbered %(womens_homes)s"), ("womens_homes",)),
            (
                lambda: gettext(
                    "%(volunteer_teams)s women's volunteer teams with %(volunteers)s volunteers"
                ),
                ("volunteer_teams", "volunteers"),
            ),
        ]
    ],
    "development": [
        [
            (
                lambda: gettext(
                    "secured project funds of %(project_funds)s for %(projects)s projects"
                ),
                ("project_funds", "projects"),
            ),
            (
                lambda: gettext("built %(demonstration_bases)s women's demonstration bases"),
                ("demonstration_bases",),
            ),
        ],
        [
            (
                lambda: gettext(
                    "held %(training_sessions)s skills training sessions attended by "
                    "%(training_women)s women"
                ),
                ("training_sessions", "training_women"),
            ),
            (
                lambda: gettext(
                    "gave %(lecture_sessions)s lectures reaching %(lecture_participants)s people"
                ),
                ("lecture_sessions", "lecture_participants"),
            ),
        ],
        [
            (
                lambda: gettext(
                    "%(honours_red_banner)s March 8th red-banner holders and collectives were "
                    "honoured"
                ),
                ("honours_red_banner",),
            ),
            (
                lambda: gettext("%(honours_model_workers)s women's achievement models"),
                ("honours_model_workers",),
            ),
            (
                lambda: gettext("%(honours_civilised_posts)s women's civilised posts"),
                ("honours_civilised_posts",),
            ),
        ],
    ],
    "family": [
        [
            (
                lambda: gettext(
                    "%(families_county)s most beautiful families selected at county level"
                ),
                ("families_county",),
            ),
            (
                lambda: gettext("%(families_prefecture)s at prefecture level"),
                ("families_prefecture",),
            ),
            (
                lambda: gettext("%(families_provincial)s at provincial level"),
                ("families_provincial",),
            ),
            (lambda: gettext("%(families_national)s at national level"), ("families_national",)),
        ],
        [
            (
                lambda: gettext(
                    "held %(family_sessions)s family education sessions in which "
                    "%(family_families)s families took part"
                ),
                ("family_sessions", "family_families"),
            ),
        ],
    ],
    "rights": [
        [
            (
                lambda: gettext("established %(rights_stations)s rights-protection stations"),
                ("rights_stations",),
            ),
            (
                lambda: gettext(
                    "%(mediation_committees)s marriage and family mediation committees"
                ),
                ("mediation_committees",),
            ),
            (
                lambda: gettext(
                    "held %(legal_sessions)s legal publicity sessions with "
                    "%(legal_participants)s participants"
                ),
                ("legal_sessions", "legal_participants"),
            ),
        ],
        [
            (
                lambda: gettext(
                    "received %(cases)s requests for help, %(cases_domestic_violence)s of them "
                    "about domestic violence"
                ),
                ("cases",),
            ),
            (lambda: gettext("closed %(cases_closed)s cases"), ("cases_closed",)),
            (
                lambda: gettext("helped obtain protection orders in %(protection_orders)s cases"),
                ("protection_orders",),
            ),
        ],
    ],
    "care": [
        [
            (
                lambda: gettext(
                    "provided %(care_sessions)s care services reaching %(care_participants)s "
                    "women and children"
                ),
                ("care_sessions", "care_participants"),
            ),
            (
                lambda: gettext(
                    "gave funds of %(care_funds)s and materials worth %(care_materials)s"
                ),
                ("care_funds", "care_materials"),
            ),
        ],
        [
            (
                lambda: gettext(
                    "secured 两癌 aid and insurance of %(two_cancers_amount)s for "
                    "%(two_cancers_recipients)s women in hardship"
                ),
                ("two_cancers_amount", "two_cancers_recipients"),
            ),
            (
                lambda: gettext("gave %(nutrition_packs)s infant nutrition packs"),
                ("nutrition_packs",),
            ),
            (
                lambda: gettext(
                    "held %(health_sessions)s health checks for %(health_participants)s women"
                ),
                ("health_sessions", "health_participants"),
            ),
        ],
    ],
}


def _sentences(
    section: str, figures: dict[str, Figure], orgunit: OrgUnit, english: bool
) -> list[str]:
    texts = {k: f.text for k, f in figures.items()}
    out = []
    for clauses in CLAUSES[section]:
        kept = [
            template() % texts for template, keys in clauses if any(figures[k].value for k in keys)
        ]
        if not kept:
            continue
        sentence = pgettext("clause separator", ", ").join(kept)
        # English starts the sentence with a capital; Chinese with its scope (全州…).
        sentence = sentence[0].upper() + sentence[1:] if english else scope_word(orgunit) + sentence
        out.append(sentence + pgettext("sentence end", "."))
    return out
