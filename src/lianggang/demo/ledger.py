"""A synthetic work ledger for the demo prefecture, June 2017 to December 2025.

Generated deterministically (a fixed seed), every record flagged ``is_demo`` and noted as demo
data. The magnitudes are set so that the five years to May 2022 read like a prefecture
federation's report to its congress (hundreds of trainings, thousands of lectures and family
selections); they are invented, not the federation's figures.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from lianggang.accounts.models import Membership, Role
from lianggang.dbguard import maintenance
from lianggang.ledger.models import (
    Activity,
    ActivityKind,
    AidProgramme,
    AidRecord,
    CaseKind,
    CaseState,
    CaseStep,
    Channel,
    Decision,
    Family,
    FamilyAward,
    FundSource,
    Honour,
    HonourTitle,
    Level,
    PersonalDataRead,
    Project,
    RightsCase,
    Site,
    SiteKind,
    StepKind,
)
from lianggang.orgunits.models import OrgUnit

from .label import DEMO_LABEL

SEED = 20170601
FIRST = dt.date(2017, 6, 1)
LAST = dt.date(2025, 12, 31)
# Demo accounts of the federation (no password: an administrator sets one to try them).
OFFICER, WORKER = "demo_federation", "demo_caseworker"

SURNAMES = "王李张刘陈杨赵黄周吴"
TIBETAN = (
    "卓玛",
    "拉姆",
    "央金",
    "曲珍",
    "德吉",
    "措姆",
    "泽仁",
    "扎西",
    "格桑",
    "次仁",
    "拥措",
    "益西",
)
VILLAGES = ("一村", "二村", "新村", "红旗村", "团结村", "幸福村")
BASE_TYPES = ("巾帼脱贫示范基地", "乡村振兴巾帼示范基地")


def _months() -> Iterator[dt.date]:
    d = FIRST
    while d <= LAST:
        yield d
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _day(rng: random.Random, month: dt.date) -> dt.date:
    return month + dt.timedelta(days=rng.randrange(28))


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _name(rng: random.Random) -> str:
    if rng.random() < 0.7:
        return rng.choice(TIBETAN) + rng.choice(TIBETAN)
    return rng.choice(SURNAMES) + rng.choice("秀丽芳敏静燕玲霞")


def _id_number(rng: random.Random) -> str:
    """An 18-character number shaped like a Ganzi resident's ID; synthetic."""
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 45))
    return f"5133{rng.randint(21, 38):02d}{born:%Y%m%d}{rng.randint(0, 999):03d}X"


def _users(prefecture: OrgUnit) -> tuple[Any, Any]:
    users = get_user_model().objects
    made = []
    for username, role in ((OFFICER, Role.FEDERATION_OFFICER), (WORKER, Role.CASE_WORKER)):
        user = users.filter(username=username).first()
        if user is None:
            user = users.create_user(username, password=None)
            Membership.objects.create(user=user, role=role, orgunit=prefecture)
        made.append(user)
    return made[0], made[1]


ACTIVITY_RATES = {
    # kind: (records a county-month, sessions per record, participants per session, women share,
    #        families per session, funds per session, materials per session)
    ActivityKind.SKILLS_TRAINING: (0.31, (1, 2), 62, 0.97, 0, 0, 0),
    ActivityKind.LECTURE: (1.0, (2, 7), 140, 0.6, 0, 0, 0),
    ActivityKind.FAMILY_EDUCATION: (1.0, (20, 36), 30, 0.7, 8.7, 0, 0),
    ActivityKind.LEGAL_PUBLICITY: (1.0, (1, 2), 60, 0.6, 0, 0, 0),
    ActivityKind.CARE_SERVICE: (0.42, (1, 1), 390, 0.6, 0, 18_000, 15_000),
    ActivityKind.HEALTH_CHECK: (0.12, (1, 1), 78, 1.0, 0, 2_000, 0),
    ActivityKind.VOLUNTEER_SERVICE: (0.6, (1, 3), 25, 0.8, 0, 0, 0),
    ActivityKind.CHARITY_EVENT: (0.03, (1, 1), 120, 0.5, 0, 60_000, 20_000),
}
TITLES = {
    ActivityKind.SKILLS_TRAINING: "实用技能培训（藏绣、缝纫、种养殖）",
    ActivityKind.LECTURE: "巾帼宣讲",
    ActivityKind.FAMILY_EDUCATION: "家庭教育微课堂",
    ActivityKind.LEGAL_PUBLICITY: "民法典、反家暴法治宣传",
    ActivityKind.CARE_SERVICE: "关爱困境妇女儿童",
    ActivityKind.HEALTH_CHECK: "妇女免费健康检查",
    ActivityKind.VOLUNTEER_SERVICE: "巾帼志愿服务",
    ActivityKind.CHARITY_EVENT: "慈善义卖",
}


def _activities(rng: random.Random, counties: list[OrgUnit], officer: Any) -> list[Activity]:
    out = []
    for month in _months():
        for county in counties:
            for kind, rate in ACTIVITY_RATES.items():
                chance, (low, high), per, women, families, funds, materials = rate
                if rng.random() >= chance:
                    continue
                sessions = rng.randint(low, high)
                participants = max(1, round(sessions * per * rng.uniform(0.6, 1.4)))
                out.append(
                    Activity(
                        orgunit=county,
                        kind=kind,
                        title=f"{TITLES[kind]}（演示）",
                        held_on=_day(rng, month),
                        organiser=f"{county.name}妇联",
                        sessions=sessions,
                        participants=participants,
                        women=min(participants, round(participants * women)),
                        families=round(sessions * families * rng.uniform(0.7, 1.3)),
                        funds_yuan=Decimal(round(sessions * funds * rng.uniform(0.5, 1.5))),
                        materials_yuan=Decimal(round(sessions * materials * rng.uniform(0.5, 1.5))),
                        notes=DEMO_LABEL,
                        is_demo=True,
                        created_by=officer,
                    )
                )
    return out


def _sites(rng: random.Random, counties: list[OrgUnit], officer: Any) -> list[Site]:
    out = []

    def add(county: OrgUnit, kind: str, n: int, start: dt.date, **extra: Any) -> None:
        for i in range(n):
            out.append(
                Site(
                    orgunit=county,
                    kind=kind,
                    level=extra.get("level", Level.VILLAGE),
                    subtype=str(extra.get("subtype", "")),
                    name=f"{county.name}{extra.get('prefix', '')}{i + 1}号（演示）",
                    established_on=_date_between(rng, start, LAST),
                    members=int(extra.get("members", 0)),
                    notes=DEMO_LABEL,
                    is_demo=True,
                    created_by=officer,
                )
            )

    for county in counties:
        add(
            county,
            SiteKind.WOMENS_HOME,
            rng.randint(125, 160),
            dt.date(2012, 1, 1),
            prefix="妇女之家",
        )
        for _ in range(rng.randint(4, 7)):
            add(
                county,
                SiteKind.VOLUNTEER_TEAM,
                1,
                dt.date(2016, 1, 1),
                level=Level.COUNTY,
                prefix="巾帼志愿服务队",
                members=rng.randint(20, 45),
            )
        add(
            county,
            SiteKind.DEMONSTRATION_BASE,
            rng.randint(3, 5),
            FIRST,
            level=Level.COUNTY,
            subtype=BASE_TYPES[0],
            prefix="巾帼脱贫示范基地",
        )
        add(
            county,
            SiteKind.DEMONSTRATION_BASE,
            rng.randint(1, 3),
            dt.date(2020, 6, 1),
            level=Level.COUNTY,
            subtype=BASE_TYPES[1],
            prefix="乡村振兴巾帼示范基地",
        )
        add(
            county,
            SiteKind.RIGHTS_STATION,
            rng.randint(14, 21),
            FIRST,
            level=Level.TOWNSHIP,
            prefix="妇女儿童维权工作站",
        )
        add(
            county,
            SiteKind.MEDIATION_COMMITTEE,
            1,
            FIRST,
            level=Level.COUNTY,
            prefix="婚姻家庭纠纷调解委员会",
        )
    return out


def _projects(rng: random.Random, counties: list[OrgUnit], officer: Any) -> list[Project]:
    names = ("妇女居家灵活就业基地建设", "两癌筛查", "儿童之家建设", "巾帼创业培训", "困境儿童关爱")
    return [
        Project(
            orgunit=rng.choice(counties),
            name=f"{rng.choice(names)}项目（演示）",
            source=rng.choice(list(FundSource)),
            amount_yuan=Decimal(rng.randrange(50_000, 800_000, 1_000)),
            approved_on=_date_between(rng, FIRST, LAST),
            beneficiaries=rng.randint(50, 2_000),
            notes=DEMO_LABEL,
            is_demo=True,
            created_by=officer,
        )
        for _ in range(180)
    ]


def _honours(rng: random.Random, counties: list[OrgUnit], officer: Any) -> list[Honour]:
    out = []
    plan = (
        (HonourTitle.RED_BANNER_PERSON, 200),
        (HonourTitle.RED_BANNER_GROUP, 70),
        (HonourTitle.MODEL_WORKER, 35),
        (HonourTitle.CIVILISED_POST, 40),
    )
    levels = (Level.COUNTY, Level.COUNTY, Level.COUNTY, Level.PREFECTURE, Level.PROVINCIAL)
    for title, n in plan:
        for _ in range(n):
            county = rng.choice(counties)
            collective = title in (HonourTitle.RED_BANNER_GROUP, HonourTitle.CIVILISED_POST)
            out.append(
                Honour(
                    orgunit=county,
                    title=title,
                    level=rng.choice(levels),
                    awarded_on=dt.date(rng.randint(2017, 2025), 3, 8),
                    recipient=(
                        f"{county.name}某单位（演示）" if collective else _name(rng) + "（演示）"
                    ),
                    notes=DEMO_LABEL,
                    is_demo=True,
                    created_by=officer,
                )
            )
    return out


def _families(
    rng: random.Random, counties: list[OrgUnit], officer: Any
) -> tuple[list[Family], list[list[FamilyAward]]]:
    families, awards = [], []
    for year in range(2017, 2026):
        for county in counties:
            for _ in range(rng.randint(30, 50)):
                nominated = dt.date(year, rng.randint(3, 5), rng.randint(1, 28))
                family = Family(
                    orgunit=county,
                    name=f"{_name(rng)}家庭（演示）",
                    address=f"{county.name}{rng.choice(VILLAGES)}",
                    nominated_on=nominated,
                    story=DEMO_LABEL,
                    notes=DEMO_LABEL,
                    is_demo=True,
                    created_by=officer,
                )
                chain = []
                day = nominated
                # County selects most; each level above selects a few of those put to it.
                for level, chance in (
                    (Level.COUNTY, 0.92),
                    (Level.PREFECTURE, 0.05),
                    (Level.PROVINCIAL, 0.38),
                    (Level.NATIONAL, 0.2),
                ):
                    decided = min(day + dt.timedelta(days=rng.randint(20, 60)), LAST)
                    selected = rng.random() < chance
                    chain.append(
                        FamilyAward(
                            level=level,
                            recommended_on=day,
                            decision=Decision.SELECTED if selected else Decision.NOT_SELECTED,
                            decided_on=decided,
                        )
                    )
                    if not selected or decided >= LAST:
                        break
                    day = decided
                families.append(family)
                awards.append(chain)
    return families, awards


def _cases(
    rng: random.Random, counties: list[OrgUnit], officer: Any, worker: Any
) -> list[tuple[RightsCase, list[CaseStep]]]:
    out = []
    kinds = list(CaseKind)
    weights = (30, 35, 12, 6, 10, 7)
    for _ in range(640):
        received = _date_between(rng, FIRST, LAST)
        kind = rng.choices(kinds, weights)[0]
        case = RightsCase(
            orgunit=rng.choice(counties),
            received_on=received,
            channel=rng.choice(list(Channel)),
            kind=kind,
            applicant_name=_name(rng) + "（演示）",
            applicant_phone=f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}",
            applicant_id_number=_id_number(rng),
            applicant_address=f"{rng.choice(VILLAGES)}（演示）",
            narrative="演示案例：合成的情况说明，不涉及真实人员。",
            supervisor=officer,
            notes=DEMO_LABEL,
            is_demo=True,
            created_by=worker,
        )
        steps = [
            CaseStep(
                kind=StepKind.COUNSELLING, taken_on=received, note="演示：首次接待", actor=worker
            )
        ]
        if kind == CaseKind.DOMESTIC_VIOLENCE and rng.random() < 0.2:
            steps.append(
                CaseStep(
                    kind=StepKind.PROTECTION_ORDER,
                    taken_on=received + dt.timedelta(days=5),
                    actor=worker,
                )
            )
            case.protection_order = True
        closed = received + dt.timedelta(days=rng.randint(10, 120))
        if closed <= LAST and rng.random() < 0.9:
            steps.append(
                CaseStep(kind=StepKind.CLOSURE, taken_on=closed, note="演示：已办结", actor=worker)
            )
            case.state, case.closed_on = CaseState.CLOSED, closed
        out.append((case, steps))
    return out


def _aid(rng: random.Random, counties: list[OrgUnit], officer: Any) -> list[AidRecord]:
    out = []
    for _ in range(420):
        out.append(
            AidRecord(
                orgunit=rng.choice(counties),
                programme=rng.choice(
                    (AidProgramme.TWO_CANCERS, AidProgramme.TWO_CANCERS, AidProgramme.INSURANCE)
                ),
                given_on=_date_between(rng, FIRST, LAST),
                amount_yuan=Decimal(rng.choice((5_000, 8_000, 10_000, 10_000, 10_000))),
                recipients=1,
                recipient_name=_name(rng) + "（演示）",
                recipient_id_number=_id_number(rng),
                handler=officer,
                supervisor=officer,
                notes=DEMO_LABEL,
                is_demo=True,
                created_by=officer,
            )
        )
    for month in _months():
        if month.month in (3, 9):
            for county in counties:
                packs = rng.randint(5_000, 9_000)
                out.append(
                    AidRecord(
                        orgunit=county,
                        programme=AidProgramme.NUTRITION,
                        given_on=_day(rng, month),
                        amount_yuan=Decimal(packs * 3),
                        recipients=packs // 60,
                        quantity=packs,
                        notes=DEMO_LABEL,
                        is_demo=True,
                        created_by=officer,
                    )
                )
    return out


@transaction.atomic
def ledger_demo_load(*, prefecture: OrgUnit) -> int:
    """Generate the demo ledger for the prefecture's counties; return the records made."""
    if Activity.objects.filter(is_demo=True).exists():
        return 0
    rng = random.Random(SEED)
    counties = list(OrgUnit.objects.filter(parent=prefecture).order_by("code"))
    officer, worker = _users(prefecture)
    made = 0
    made += len(Activity.objects.bulk_create(_activities(rng, counties, officer), batch_size=2000))
    made += len(Site.objects.bulk_create(_sites(rng, counties, officer), batch_size=2000))
    made += len(Project.objects.bulk_create(_projects(rng, counties, officer)))
    made += len(Honour.objects.bulk_create(_honours(rng, counties, officer)))
    families, chains = _families(rng, counties, officer)
    Family.objects.bulk_create(families, batch_size=2000)
    awards = []
    for family, chain in zip(families, chains, strict=True):
        for award in chain:
            award.family = family
            award.decided_by = officer
            awards.append(award)
    FamilyAward.objects.bulk_create(awards, batch_size=2000)
    made += len(families) + len(awards)
    cases = _cases(rng, counties, officer, worker)
    RightsCase.objects.bulk_create([c for c, _s in cases], batch_size=500)
    through = RightsCase.workers.through
    through.objects.bulk_create([through(rightscase_id=c.pk, user_id=worker.pk) for c, _s in cases])
    steps = []
    for case, case_steps in cases:
        for step in case_steps:
            step.case = case
            steps.append(step)
    CaseStep.objects.bulk_create(steps, batch_size=1000)
    aid = _aid(rng, counties, officer)
    AidRecord.objects.bulk_create(aid, batch_size=1000)
    return made + len(cases) + len(steps) + len(aid)


def ledger_demo_delete() -> None:
    """Remove the ledger's demo records and the log of reads of them (a maintenance job)."""
    with maintenance(), transaction.atomic():
        _ledger_demo_delete()


def _ledger_demo_delete() -> None:
    PersonalDataRead.objects.filter(case__is_demo=True).delete()
    PersonalDataRead.objects.filter(aid__is_demo=True).delete()
    for model in (Activity, Site, Project, Honour, AidRecord):
        model.objects.filter(is_demo=True).delete()
    CaseStep.objects.filter(case__is_demo=True).delete()
    RightsCase.objects.filter(is_demo=True).delete()
    Family.objects.filter(is_demo=True).delete()
