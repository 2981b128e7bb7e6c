"""Write the shipped outline files (src/lianggang/data/frameworks/*.yaml) from the reference CSVs.

Run once when the reference data or the indicator definitions below change; the YAML files are
what the product ships and loads. Every row of the reference CSVs becomes a main target with its
confidence mark and source; the table INDICATORS adds measurable indicators to targets.

    .venv/bin/python tools/gen_frameworks.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "src/lianggang/data/reference"
OUT = ROOT / "src/lianggang/data/frameworks"

AREAS = {
    "women-2021": [
        ("健康", "妇女与健康", "Women and health"),
        ("教育", "妇女与教育", "Women and education"),
        ("经济", "妇女与经济", "Women and the economy"),
        ("参与决策和管理", "妇女参与决策和管理", "Women in decision-making and management"),
        ("社会保障", "妇女与社会保障", "Women and social security"),
        ("家庭建设", "妇女与家庭建设", "Women and family"),
        ("环境", "妇女与环境", "Women and the environment"),
        ("法律", "妇女与法律", "Women and the law"),
    ],
    "children-2021": [
        ("健康", "儿童与健康", "Children and health"),
        ("安全", "儿童与安全", "Children and safety"),
        ("教育", "儿童与教育", "Children and education"),
        ("福利", "儿童与福利", "Children and welfare"),
        ("家庭", "儿童与家庭", "Children and family"),
        ("环境", "儿童与环境", "Children and the environment"),
        ("法律保护", "儿童与法律保护", "Children and legal protection"),
    ],
    "women-2011": [
        ("健康", "妇女与健康", "Women and health"),
        ("教育", "妇女与教育", "Women and education"),
        ("经济", "妇女与经济", "Women and the economy"),
        ("决策管理", "妇女参与决策和管理", "Women in decision-making and management"),
        ("社保", "妇女与社会保障", "Women and social security"),
        ("环境", "妇女与环境", "Women and the environment"),
        ("法律", "妇女与法律", "Women and the law"),
    ],
    "children-2011": [
        ("健康", "儿童与健康", "Children and health"),
        ("教育", "儿童与教育", "Children and education"),
        ("福利/环境", "儿童与福利、社会环境", "Children, welfare and social environment"),
        ("法律保护", "儿童与法律保护", "Children and legal protection"),
    ],
}

OUTLINES = {
    "women-2021": dict(
        kind="women",
        name="中国妇女发展纲要（2021—2030年）",
        name_en="Outline for the Development of Chinese Women (2021-2030)",
        start_year=2021,
        end_year=2030,
        baseline_year=2020,
        issued_by="国务院（国发〔2021〕16号）",
    ),
    "children-2021": dict(
        kind="children",
        name="中国儿童发展纲要（2021—2030年）",
        name_en="Outline for the Development of Chinese Children (2021-2030)",
        start_year=2021,
        end_year=2030,
        baseline_year=2020,
        issued_by="国务院（国发〔2021〕16号）",
    ),
    "women-2011": dict(
        kind="women",
        name="中国妇女发展纲要（2011—2020年）",
        name_en="Outline for the Development of Chinese Women (2011-2020)",
        start_year=2011,
        end_year=2020,
        baseline_year=2010,
        issued_by="国务院（国发〔2011〕24号）",
    ),
    "children-2011": dict(
        kind="children",
        name="中国儿童发展纲要（2011—2020年）",
        name_en="Outline for the Development of Chinese Children (2011-2020)",
        start_year=2011,
        end_year=2020,
        baseline_year=2010,
        issued_by="国务院（国发〔2011〕24号）",
    ),
}


def ind(
    code,
    name,
    name_en,
    unit,
    direction,
    target,
    num,
    den=None,
    *,
    factor=None,
    kind=None,
    scale=None,
    depts=("health",),
    text="",
    decimals=None,
    change=None,
    tolerance=None,
    definition="",
    source="",
):
    """One indicator; kind, scale and factor follow from the unit unless given."""
    if factor is None:
        factor = {"%": 100, "‰": 1000, "1/10万": 100000, "1/万": 10000}.get(unit, 1)
    if kind is None:
        kind = {"%": "proportion", "‰": "count", "1/10万": "count", "1/万": "count"}.get(
            unit, "value"
        )
    if scale is None:
        scale = {"proportion": "logit", "count": "log"}.get(kind, "linear")
    if decimals is None:
        decimals = 2 if unit in ("人/千儿童", "张/千儿童", "个/千人") else 1
    row = dict(
        code=code,
        name=name,
        name_en=name_en,
        unit=unit,
        direction=direction,
        scale=scale,
        kind=kind,
        numerator=num,
        factor=factor,
        decimals=decimals,
        departments=list(depts),
    )
    if den:
        row["denominator"] = den
    if target is not None:
        row["target"] = target
    if change is not None:
        row["target_change"] = change
    if tolerance is not None:
        row["tolerance"] = tolerance
    if text:
        row["target_text"] = text
    if definition:
        row["definition"] = definition
    if source:
        row["data_source"] = source
    return row


HEALTH_STATS = "卫生健康统计调查制度（妇幼卫生年报）"
EDU_STATS = "教育事业统计"
CIVIL = "民政统计"
GROSS = dict(kind="value", scale="linear")  # gross rates can exceed 100 %

# (outline, area, target number or indicator text) -> indicators
INDICATORS: dict[tuple[str, str, str], list[dict]] = {
    ("women-2021", "健康", "1"): [
        ind(
            "w21-life-exp",
            "女性人均预期寿命",
            "Female life expectancy",
            "岁",
            "up",
            None,
            "female_life_expectancy",
            depts=("health", "statistics"),
            decimals=2,
            source="人口普查及人口变动抽样调查",
        ),
    ],
    ("women-2021", "健康", "2"): [
        ind(
            "w21-mmr",
            "孕产妇死亡率",
            "Maternal mortality ratio",
            "1/10万",
            "<=",
            12,
            "maternal_deaths",
            "live_births",
            text="下降到12/10万以下",
            definition="孕产妇死亡数 ÷ 活产数 × 100 000",
            source=HEALTH_STATS,
        ),
    ],
    ("women-2021", "健康", "3"): [
        ind(
            "w21-cervical-screening",
            "适龄妇女宫颈癌人群筛查率",
            "Cervical cancer screening rate",
            "%",
            ">=",
            70,
            "cervical_screened",
            "women_35_64",
            text="达到70%以上",
            definition="35—64岁妇女中接受宫颈癌筛查的比例",
            source=HEALTH_STATS,
        ),
    ],
    ("women-2021", "健康", "3b"): [
        ind(
            "w21-breast-screening",
            "乳腺癌人群筛查率",
            "Breast cancer screening rate",
            "%",
            "up",
            None,
            "breast_screened",
            "women_35_64",
            text="逐步提高",
            source=HEALTH_STATS,
        ),
    ],
    ("women-2021", "健康", "5"): [
        ind(
            "w21-hiv-mtct",
            "艾滋病母婴传播率",
            "Mother-to-child HIV transmission rate",
            "%",
            "<=",
            2,
            "hiv_infants_infected",
            "hiv_mother_births",
            kind="count",
            scale="log",
            text="下降到2%以下",
            source="预防艾滋病、梅毒和乙肝母婴传播管理信息系统",
        ),
    ],
    ("women-2021", "健康", "8"): [
        ind(
            "w21-pregnant-anaemia",
            "孕产妇贫血患病率",
            "Anaemia among pregnant women",
            "%",
            "down",
            None,
            "pregnant_anaemia",
            "pregnant_hb_tested",
            text="持续下降",
            source=HEALTH_STATS,
        ),
    ],
    ("women-2021", "教育", "3"): [
        ind(
            "w21-girls-compulsory",
            "女童九年义务教育巩固率",
            "Girls' retention in compulsory education",
            "%",
            ">=",
            96,
            "female_compulsory_completers",
            "female_compulsory_cohort",
            depts=("education",),
            text="提高到96%以上",
            source=EDU_STATS,
        ),
    ],
    ("women-2021", "教育", "4"): [
        ind(
            "w21-girls-upper-sec",
            "女性高中阶段毛入学率",
            "Gross upper-secondary enrolment (girls)",
            "%",
            ">=",
            92,
            "female_upper_sec_enrolled",
            "female_pop_15_17",
            factor=100,
            depts=("education",),
            text="达到并保持在92%以上",
            source=EDU_STATS,
            **GROSS,
        ),
    ],
    ("women-2021", "教育", "6"): [
        ind(
            "w21-science-literacy",
            "具备科学素质的女性比例",
            "Women with basic scientific literacy",
            "%",
            "up",
            None,
            "female_science_literacy",
            kind="value",
            scale="logit",
            factor=1,
            depts=("statistics",),
            text="不断提高",
            source="公民科学素质抽样调查",
        ),
    ],
    ("women-2021", "教育", "8"): [
        ind(
            "w21-schooling-years",
            "女性平均受教育年限",
            "Average years of schooling (women 15+)",
            "年",
            "up",
            None,
            "female_schooling_years_15plus",
            "female_pop_15plus",
            depts=("statistics", "education"),
            decimals=2,
            text="不断提高",
            definition="15岁及以上女性受教育年限合计 ÷ 15岁及以上女性人口",
            source="人口普查及人口变动抽样调查",
        ),
    ],
    ("women-2021", "教育", "9"): [
        ind(
            "w21-young-illiteracy",
            "女性青壮年文盲率",
            "Illiteracy among women aged 15-50",
            "%",
            "down",
            None,
            "female_illiterate_15_50",
            "female_pop_15_50",
            depts=("education",),
            decimals=2,
            text="基本消除",
            source="人口普查及人口变动抽样调查",
        ),
    ],
    ("women-2021", "经济", "2"): [
        ind(
            "w21-female-employment",
            "就业人员中女性比例",
            "Women's share of the employed",
            "%",
            "~",
            45,
            "employed_female",
            "employed_total",
            depts=("hrss", "statistics"),
            text="保持在45%左右",
            source="劳动力调查",
        ),
    ],
    ("women-2021", "经济", "3"): [
        ind(
            "w21-urban-unit-employment",
            "城镇单位就业人员中女性比例",
            "Women's share of urban unit employees",
            "%",
            "~",
            40,
            "urban_unit_employed_female",
            "urban_unit_employed_total",
            depts=("hrss", "statistics"),
            text="保持在40%左右",
            source="劳动工资统计",
        ),
    ],
    ("women-2021", "经济", "4"): [
        ind(
            "w21-senior-prof",
            "高级专业技术人员中女性比例",
            "Women's share of senior professionals",
            "%",
            ">=",
            40,
            "senior_prof_female",
            "senior_prof_total",
            depts=("hrss",),
            text="达到40%",
            source="人力资源社会保障统计",
        ),
    ],
    ("women-2021", "经济", "6"): [
        ind(
            "w21-occ-disease",
            "女职工职业病发病率",
            "Occupational disease incidence (female workers)",
            "1/10万",
            "down",
            None,
            "female_occ_disease",
            "female_workers",
            depts=("health", "trade_union"),
            text="降低",
            source="职业病报告",
        ),
    ],
    ("women-2021", "参与决策和管理", "2"): [
        ind(
            "w21-female-deputies",
            "人大代表中女性比例",
            "Women's share of people's congress deputies",
            "%",
            "up",
            None,
            "deputies_female",
            "deputies_total",
            depts=("organisation",),
            text="逐步提高",
            source="人大常委会",
        ),
    ],
    ("women-2021", "参与决策和管理", "7"): [
        ind(
            "w21-village-committee",
            "村委会成员中女性比例",
            "Women's share of village committee members",
            "%",
            ">=",
            30,
            "village_committee_female",
            "village_committee_members",
            depts=("civil_affairs",),
            text="达到30%以上",
            source=CIVIL,
        ),
    ],
    ("women-2021", "参与决策和管理", "7b"): [
        ind(
            "w21-village-heads",
            "村委会主任中女性比例",
            "Women's share of village committee heads",
            "%",
            "up",
            None,
            "village_heads_female",
            "village_heads",
            depts=("civil_affairs",),
            text="逐步提高",
            source=CIVIL,
        ),
    ],
    ("women-2021", "参与决策和管理", "8"): [
        ind(
            "w21-resident-committee",
            "居委会成员中女性比例",
            "Women's share of residents' committee members",
            "%",
            "~",
            50,
            "resident_committee_female",
            "resident_committee_members",
            depts=("civil_affairs",),
            text="保持在50%左右",
            source=CIVIL,
        ),
    ],
    ("women-2021", "参与决策和管理", "8b"): [
        ind(
            "w21-resident-heads",
            "居委会主任中女性比例",
            "Women's share of residents' committee heads",
            "%",
            ">=",
            40,
            "resident_heads_female",
            "resident_heads",
            depts=("civil_affairs",),
            text="达到40%以上",
            source=CIVIL,
        ),
    ],
    ("women-2021", "社会保障", "2"): [
        ind(
            "w21-maternity-insured",
            "女性参加生育保险人数",
            "Women covered by maternity insurance",
            "人",
            "up",
            None,
            "maternity_insured_female",
            depts=("medical_insurance",),
            decimals=0,
            text="逐步提高",
            source="医疗保障统计",
        ),
    ],
    ("women-2021", "社会保障", "3"): [
        ind(
            "w21-medical-insured",
            "妇女基本医疗保险参保率",
            "Basic medical insurance coverage (women)",
            "%",
            ">=",
            95,
            "medical_insured_female",
            "female_population",
            depts=("medical_insurance",),
            text="稳定在95%以上",
            source="医疗保障统计",
        ),
    ],
    ("women-2021", "社会保障", "4"): [
        ind(
            "w21-pension-insured",
            "妇女基本养老保险参保率",
            "Basic pension insurance coverage (women)",
            "%",
            ">=",
            95,
            "pension_insured_female",
            "female_pop_16plus",
            depts=("hrss",),
            text="达到95%左右",
            source="人力资源社会保障统计",
        ),
    ],
    ("women-2021", "社会保障", "5"): [
        ind(
            "w21-unemployment-insured",
            "女性参加失业保险人数",
            "Women covered by unemployment insurance",
            "人",
            "up",
            None,
            "unemployment_insured_female",
            depts=("hrss",),
            decimals=0,
            text="持续增加",
            source="人力资源社会保障统计",
        ),
        ind(
            "w21-injury-insured",
            "女性参加工伤保险人数",
            "Women covered by work-injury insurance",
            "人",
            "up",
            None,
            "injury_insured_female",
            depts=("hrss",),
            decimals=0,
            text="持续增加",
            source="人力资源社会保障统计",
        ),
    ],
    ("women-2021", "环境", "x"): [
        ind(
            "w21-rural-tap-water",
            "农村自来水普及率",
            "Rural tap-water coverage",
            "%",
            ">=",
            90,
            "rural_households_tap",
            "rural_households",
            depts=("housing_water_agri",),
            text="达到90%",
            source="水利统计",
        ),
    ],
    ("women-2021", "环境", "y"): [
        ind(
            "w21-rural-toilets",
            "农村卫生厕所普及率",
            "Rural sanitary toilet coverage",
            "%",
            "up",
            None,
            "rural_households_toilet",
            "rural_households",
            depts=("housing_water_agri",),
            text="不断提高",
            source="农业农村统计",
        ),
    ],
    # Children 2021–2030
    ("children-2021", "健康", "1"): [
        ind(
            "c21-paediatricians",
            "每千名儿童拥有儿科执业(助理)医师数",
            "Paediatricians per 1 000 children",
            "人/千儿童",
            ">=",
            1.12,
            "paediatricians",
            "children_0_17",
            factor=1000,
            text="达到1.12人",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2021", "健康", "1b"): [
        ind(
            "c21-paediatric-beds",
            "每千名儿童拥有儿科床位数",
            "Paediatric beds per 1 000 children",
            "张/千儿童",
            ">=",
            3.17,
            "paediatric_beds",
            "children_0_17",
            factor=1000,
            text="达到3.17张",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2021", "健康", "3:新生儿死亡率"): [
        ind(
            "c21-nmr",
            "新生儿死亡率",
            "Neonatal mortality rate",
            "‰",
            "<=",
            3.0,
            "neonatal_deaths",
            "live_births",
            text="降至3.0‰以下",
            definition="新生儿死亡数 ÷ 活产数 × 1 000",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2021", "健康", "3:婴儿死亡率"): [
        ind(
            "c21-imr",
            "婴儿死亡率",
            "Infant mortality rate",
            "‰",
            "<=",
            5.0,
            "infant_deaths",
            "live_births",
            text="降至5.0‰以下",
            definition="婴儿死亡数 ÷ 活产数 × 1 000",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2021", "健康", "3:5岁以下儿童死亡率"): [
        ind(
            "c21-u5mr",
            "5岁以下儿童死亡率",
            "Under-5 mortality rate",
            "‰",
            "<=",
            6.0,
            "under5_deaths",
            "live_births",
            text="降至6.0‰以下",
            definition="5岁以下儿童死亡数 ÷ 活产数 × 1 000",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2021", "健康", "6"): [
        ind(
            "c21-immunisation",
            "适龄儿童免疫规划疫苗接种率",
            "Scheduled vaccination coverage",
            "%",
            ">=",
            90,
            "vaccinated",
            "vaccine_eligible",
            text="以乡镇为单位保持在90%以上",
            source="免疫规划信息系统",
        ),
    ],
    ("children-2021", "健康", "8"): [
        ind(
            "c21-u5-anaemia",
            "5岁以下儿童贫血率",
            "Anaemia among under-5s",
            "%",
            "<=",
            10,
            "u5_anaemia",
            "u5_hb_tested",
            text="控制在10%以下",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2021", "健康", "8b"): [
        ind(
            "c21-u5-stunting",
            "5岁以下儿童生长迟缓率",
            "Stunting among under-5s",
            "%",
            "<=",
            5,
            "u5_stunted",
            "u5_measured",
            text="控制在5%以下",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2021", "健康", "8c"): [
        ind(
            "c21-u5-overweight",
            "儿童超重肥胖率",
            "Overweight and obesity among under-5s",
            "%",
            "down",
            None,
            "u5_overweight",
            "u5_measured",
            text="上升趋势得到有效控制",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2021", "健康", "9"): [
        ind(
            "c21-myopia-primary",
            "小学生近视率",
            "Myopia among primary pupils",
            "%",
            "<=",
            38,
            "primary_myopia",
            "primary_screened",
            depts=("education", "health"),
            text="下降到38%以下",
            source="儿童青少年近视调查",
        ),
    ],
    ("children-2021", "健康", "9a"): [
        ind(
            "c21-myopia-new",
            "新发近视率",
            "New myopia rate",
            "%",
            "down",
            None,
            "myopia_new",
            "myopia_free_last_year",
            depts=("education", "health"),
            text="明显下降",
            source="儿童青少年近视调查",
        ),
    ],
    ("children-2021", "健康", "9b"): [
        ind(
            "c21-myopia-junior",
            "初中生近视率",
            "Myopia among junior-secondary pupils",
            "%",
            "<=",
            60,
            "junior_myopia",
            "junior_screened",
            depts=("education", "health"),
            text="下降到60%以下",
            source="儿童青少年近视调查",
        ),
    ],
    ("children-2021", "健康", "9c"): [
        ind(
            "c21-myopia-senior",
            "高中阶段学生近视率",
            "Myopia among upper-secondary students",
            "%",
            "<=",
            70,
            "senior_myopia",
            "senior_screened",
            depts=("education", "health"),
            text="下降到70%以下",
            source="儿童青少年近视调查",
        ),
    ],
    ("children-2021", "健康", "9d"): [
        ind(
            "c21-eye-care",
            "0—6岁儿童眼保健和视力检查覆盖率",
            "Eye care coverage, children 0-6",
            "%",
            ">=",
            90,
            "eye_care_0_6",
            "children_0_6",
            text="达到90%以上",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2021", "健康", "10"): [
        ind(
            "c21-fitness",
            "中小学生国家学生体质健康标准达标优良率",
            "Pupils rated good or excellent in the fitness standard",
            "%",
            ">=",
            60,
            "fitness_good",
            "fitness_tested",
            depts=("education",),
            text="达到60%以上",
            source="国家学生体质健康标准测试",
        ),
    ],
    ("children-2021", "安全", "1"): [
        ind(
            "c21-injury-deaths",
            "儿童伤害死亡率",
            "Injury death rate, children 0-17",
            "1/10万",
            "<=",
            None,
            "child_injury_deaths",
            "children_0_17",
            change=-0.2,
            depts=("health", "public_security"),
            text="以2020年为基数下降20%",
            source="死因监测",
        ),
    ],
    ("children-2021", "安全", "2"): [
        ind(
            "c21-drowning",
            "儿童溺水死亡率",
            "Drowning death rate, children 0-17",
            "1/10万",
            "down",
            None,
            "child_drowning_deaths",
            "children_0_17",
            depts=("health", "public_security"),
            text="持续下降",
            source="死因监测",
        ),
    ],
    ("children-2021", "教育", "2"): [
        ind(
            "c21-preschool",
            "学前教育毛入园率",
            "Gross preschool enrolment",
            "%",
            ">=",
            90,
            "preschool_enrolled",
            "pop_3_5",
            factor=100,
            depts=("education",),
            text="达到90%以上",
            definition="在园幼儿数 ÷ 3—5岁儿童人口 × 100",
            source=EDU_STATS,
            **GROSS,
        ),
    ],
    ("children-2021", "教育", "3"): [
        ind(
            "c21-compulsory",
            "九年义务教育巩固率",
            "Retention in nine-year compulsory education",
            "%",
            ">=",
            96,
            "compulsory_completers",
            "compulsory_cohort",
            depts=("education",),
            text="提高到96%",
            source=EDU_STATS,
        ),
    ],
    ("children-2021", "教育", "4"): [
        ind(
            "c21-disabled-enrolment",
            "残疾儿童义务教育入学率",
            "Compulsory-school enrolment of disabled children",
            "%",
            ">=",
            97,
            "disabled_children_enrolled",
            "disabled_children_school_age",
            depts=("education", "disabled_persons"),
            text="达到97%",
            source=EDU_STATS,
        ),
    ],
    ("children-2021", "教育", "5"): [
        ind(
            "c21-upper-sec",
            "高中阶段毛入学率",
            "Gross upper-secondary enrolment",
            "%",
            ">=",
            92,
            "upper_sec_enrolled",
            "pop_15_17",
            factor=100,
            depts=("education",),
            text="达到并保持在92%以上",
            source=EDU_STATS,
            **GROSS,
        ),
    ],
    ("children-2021", "福利", "x"): [
        ind(
            "c21-orphan-allowance",
            "孤儿基本生活保障标准",
            "Basic allowance for orphans",
            "元/月",
            "up",
            None,
            "orphan_allowance",
            kind="value",
            scale="log",
            depts=("civil_affairs",),
            decimals=0,
            text="逐步提高",
            source=CIVIL,
        ),
    ],
    ("children-2021", "福利", "z"): [
        ind(
            "c21-childcare-places",
            "每千人口拥有3岁以下婴幼儿托位数",
            "Childcare places for under-3s per 1 000 people",
            "个/千人",
            "up",
            None,
            "childcare_places",
            "population_total",
            factor=1000,
            text="逐步提高",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2021", "家庭", "1"): [
        ind(
            "c21-parent-schools-urban",
            "城市社区家长学校或家庭教育指导服务站点覆盖率",
            "Urban communities with a parent school",
            "%",
            ">=",
            90,
            "urban_parent_schools",
            "urban_communities",
            depts=("womens_federation", "education"),
            text="城市达到90%",
            source="妇联统计",
        ),
        ind(
            "c21-parent-schools-rural",
            "农村社区家长学校或家庭教育指导服务站点覆盖率",
            "Villages with a parent school",
            "%",
            ">=",
            80,
            "rural_parent_schools",
            "rural_communities",
            depts=("womens_federation", "education"),
            text="农村达到80%",
            source="妇联统计",
        ),
    ],
    ("children-2021", "环境", "3"): [
        ind(
            "c21-rural-tap-water",
            "农村自来水普及率",
            "Rural tap-water coverage",
            "%",
            "up",
            None,
            "rural_households_tap",
            "rural_households",
            depts=("housing_water_agri",),
            text="持续提高",
            source="水利统计",
        ),
    ],
    ("children-2021", "法律保护", "all"): [
        ind(
            "c21-juvenile-offenders",
            "未成年人犯罪人数占同期犯罪人数的比重",
            "Minors' share of persons convicted",
            "%",
            "down",
            None,
            "juvenile_offenders",
            "offenders_total",
            depts=("court",),
            text="逐步下降",
            source="法院统计",
        ),
    ],
    # Women 2011–2020 (keyed by the reference file's indicator text)
    ("women-2011", "健康", "女性人均预期寿命"): [
        ind(
            "w11-life-exp",
            "女性人均预期寿命",
            "Female life expectancy",
            "岁",
            "up",
            None,
            "female_life_expectancy",
            depts=("health", "statistics"),
            decimals=2,
            text="延长",
        ),
    ],
    ("women-2011", "健康", "孕产妇死亡率"): [
        ind(
            "w11-mmr",
            "孕产妇死亡率",
            "Maternal mortality ratio",
            "1/10万",
            "<=",
            20,
            "maternal_deaths",
            "live_births",
            text="控制在20/10万以下",
            source=HEALTH_STATS,
        ),
    ],
    ("women-2011", "健康", "妇女常见病定期筛查率"): [
        ind(
            "w11-common-screening",
            "妇女常见病定期筛查率",
            "Regular screening for common diseases",
            "%",
            ">=",
            80,
            "common_disease_screened",
            "women_20_64",
            text="达到80%以上",
            source=HEALTH_STATS,
        ),
    ],
    ("women-2011", "健康", "孕产妇住院分娩率 (全国/农村)"): [
        ind(
            "w11-hospital-delivery",
            "孕产妇住院分娩率",
            "Hospital delivery rate",
            "%",
            ">=",
            98,
            "hospital_births",
            "live_births",
            text="全国达到98%以上（农村96%以上）",
            source=HEALTH_STATS,
        ),
    ],
    ("women-2011", "健康", "孕产妇系统管理率"): [
        ind(
            "w11-maternal-care",
            "孕产妇系统管理率",
            "Systematic maternal care rate",
            "%",
            ">=",
            85,
            "maternal_managed",
            "live_births",
            text="达到85%以上",
            source=HEALTH_STATS,
        ),
    ],
    ("women-2011", "教育", "高等教育毛入学率"): [
        ind(
            "w11-tertiary",
            "高等教育毛入学率",
            "Gross tertiary enrolment",
            "%",
            ">=",
            40,
            "tertiary_enrolled",
            "pop_18_22",
            factor=100,
            depts=("education",),
            text="达到40%",
            source=EDU_STATS,
            **GROSS,
        ),
    ],
    ("women-2011", "教育", "女性高中阶段毛入学率"): [
        ind(
            "w11-girls-upper-sec",
            "女性高中阶段毛入学率",
            "Gross upper-secondary enrolment (girls)",
            "%",
            ">=",
            90,
            "female_upper_sec_enrolled",
            "female_pop_15_17",
            factor=100,
            depts=("education",),
            text="达到90%",
            source=EDU_STATS,
            **GROSS,
        ),
    ],
    ("women-2011", "教育", "主要劳动年龄人口女性平均受教育年限"): [
        ind(
            "w11-schooling-years",
            "主要劳动年龄人口女性平均受教育年限",
            "Average years of schooling, women 20-59",
            "年",
            ">=",
            11.2,
            "female_schooling_years_20_59",
            "female_pop_20_59",
            depts=("statistics", "education"),
            decimals=2,
            text="达到11.2年",
        ),
    ],
    ("women-2011", "教育", "女性文盲率 (15+)"): [
        ind(
            "w11-illiteracy",
            "女性文盲率",
            "Illiteracy among women 15+",
            "%",
            "down",
            None,
            "female_illiterate_15plus",
            "female_pop_15plus",
            depts=("education", "statistics"),
            decimals=2,
            text="下降",
        ),
    ],
    ("women-2011", "经济", "女性就业人员占全社会就业人员比重"): [
        ind(
            "w11-female-employment",
            "女性就业人员占全社会就业人员比重",
            "Women's share of the employed",
            "%",
            ">=",
            40,
            "employed_female",
            "employed_total",
            depts=("hrss", "statistics"),
            text="保持在40%以上",
        ),
    ],
    ("women-2011", "经济", "高级专业技术人员中女性比例"): [
        ind(
            "w11-senior-prof",
            "高级专业技术人员中女性比例",
            "Women's share of senior professionals",
            "%",
            ">=",
            35,
            "senior_prof_female",
            "senior_prof_total",
            depts=("hrss",),
            text="达到35%",
        ),
    ],
    ("women-2011", "决策管理", "村委会成员中女性比例"): [
        ind(
            "w11-village-committee",
            "村委会成员中女性比例",
            "Women's share of village committee members",
            "%",
            ">=",
            30,
            "village_committee_female",
            "village_committee_members",
            depts=("civil_affairs",),
            text="达到30%以上",
            source=CIVIL,
        ),
    ],
    ("women-2011", "决策管理", "村委会主任中女性比例"): [
        ind(
            "w11-village-heads",
            "村委会主任中女性比例",
            "Women's share of village committee heads",
            "%",
            ">=",
            10,
            "village_heads_female",
            "village_heads",
            depts=("civil_affairs",),
            text="达到10%以上",
            source=CIVIL,
        ),
    ],
    ("women-2011", "决策管理", "居委会成员中女性比例"): [
        ind(
            "w11-resident-committee",
            "居委会成员中女性比例",
            "Women's share of residents' committee members",
            "%",
            "~",
            50,
            "resident_committee_female",
            "resident_committee_members",
            depts=("civil_affairs",),
            text="保持在50%左右",
            source=CIVIL,
        ),
    ],
    ("women-2011", "决策管理", "企业董事会/监事会中女性比例"): [
        ind(
            "w11-board",
            "企业董事会、监事会成员中女性比例",
            "Women's share of company boards",
            "%",
            "up",
            None,
            "board_female",
            "board_members",
            depts=("trade_union",),
            text="逐步提高",
        ),
    ],
    ("women-2011", "决策管理", "全国人大女代表 / 全国政协女委员比例"): [
        ind(
            "w11-female-deputies",
            "人大代表中女性比例",
            "Women's share of people's congress deputies",
            "%",
            "up",
            None,
            "deputies_female",
            "deputies_total",
            depts=("organisation",),
            text="逐步提高",
        ),
    ],
    ("women-2011", "社保", "女性参加生育保险人数"): [
        ind(
            "w11-maternity-insured",
            "女性参加生育保险人数",
            "Women covered by maternity insurance",
            "人",
            "up",
            None,
            "maternity_insured_female",
            depts=("medical_insurance",),
            decimals=0,
            text="逐步增加",
        ),
    ],
    ("women-2011", "社保", "女性参加基本医疗保险人数"): [
        ind(
            "w11-medical-insured",
            "女性参加基本医疗保险人数",
            "Women covered by basic medical insurance",
            "人",
            "up",
            None,
            "medical_insured_female",
            depts=("medical_insurance",),
            decimals=0,
            text="逐步增加",
        ),
    ],
    ("women-2011", "社保", "城镇职工生育保险参保率"): [
        ind(
            "w11-urban-maternity-coverage",
            "城镇职工生育保险参保率",
            "Maternity insurance coverage of urban workers",
            "%",
            ">=",
            90,
            "urban_workers_maternity_insured",
            "urban_workers",
            depts=("medical_insurance", "hrss"),
            text="达到90%以上",
        ),
    ],
    ("women-2011", "环境", "农村自来水普及率 / 卫生厕所普及率"): [
        ind(
            "w11-rural-tap-water",
            "农村自来水普及率",
            "Rural tap-water coverage",
            "%",
            ">=",
            85,
            "rural_households_tap",
            "rural_households",
            depts=("housing_water_agri",),
            text="达到85%",
        ),
        ind(
            "w11-rural-toilets",
            "农村卫生厕所普及率",
            "Rural sanitary toilet coverage",
            "%",
            ">=",
            85,
            "rural_households_toilet",
            "rural_households",
            depts=("housing_water_agri",),
            text="达到85%",
        ),
    ],
    # Children 2011–2020
    ("children-2011", "健康", "婴儿死亡率"): [
        ind(
            "c11-imr",
            "婴儿死亡率",
            "Infant mortality rate",
            "‰",
            "<=",
            10,
            "infant_deaths",
            "live_births",
            text="控制在10‰以下",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2011", "健康", "5岁以下儿童死亡率"): [
        ind(
            "c11-u5mr",
            "5岁以下儿童死亡率",
            "Under-5 mortality rate",
            "‰",
            "<=",
            13,
            "under5_deaths",
            "live_births",
            text="控制在13‰以下",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2011", "健康", "严重致残出生缺陷发生率"): [
        ind(
            "c11-birth-defects",
            "严重致残出生缺陷发生率",
            "Severe disabling birth defects",
            "1/万",
            "down",
            None,
            "severe_birth_defects",
            "live_births",
            text="逐步下降",
            source="出生缺陷监测",
        ),
    ],
    ("children-2011", "健康", "18岁以下儿童伤害死亡率"): [
        ind(
            "c11-injury-deaths",
            "18岁以下儿童伤害死亡率",
            "Injury death rate, children 0-17",
            "1/10万",
            "<=",
            None,
            "child_injury_deaths",
            "children_0_17",
            change=-1 / 6,
            depts=("health", "public_security"),
            text="以2010年为基数下降1/6",
            source="死因监测",
        ),
    ],
    ("children-2011", "健康", "国家免疫规划疫苗接种率(以乡为单位)"): [
        ind(
            "c11-immunisation",
            "国家免疫规划疫苗接种率",
            "Scheduled vaccination coverage",
            "%",
            ">=",
            95,
            "vaccinated",
            "vaccine_eligible",
            text="以乡（镇）为单位达到95%以上",
            source="免疫规划信息系统",
        ),
    ],
    ("children-2011", "健康", "新生儿破伤风发病率(以县为单位)"): [
        ind(
            "c11-neonatal-tetanus",
            "新生儿破伤风发病率",
            "Neonatal tetanus incidence",
            "‰",
            "<=",
            1,
            "neonatal_tetanus",
            "live_births",
            text="以县为单位降低到1‰以下",
            source="传染病报告",
        ),
    ],
    ("children-2011", "健康", "低出生体重发生率"): [
        ind(
            "c11-low-birthweight",
            "低出生体重发生率",
            "Low-birthweight rate",
            "%",
            "<=",
            4,
            "low_birthweight",
            "live_births",
            text="控制在4%以下",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2011", "健康", "0-6个月纯母乳喂养率"): [
        ind(
            "c11-breastfeeding",
            "0—6个月婴儿纯母乳喂养率",
            "Exclusive breastfeeding, 0-6 months",
            "%",
            ">=",
            50,
            "exclusive_breastfed",
            "infants_0_6m",
            text="达到50%以上",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2011", "健康", "5岁以下儿童贫血患病率"): [
        ind(
            "c11-u5-anaemia",
            "5岁以下儿童贫血患病率",
            "Anaemia among under-5s",
            "%",
            "<=",
            12,
            "u5_anaemia",
            "u5_hb_tested",
            text="控制在12%以下",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2011", "健康", "中小学生贫血患病率"): [
        ind(
            "c11-student-anaemia",
            "中小学生贫血患病率",
            "Anaemia among school pupils",
            "%",
            "<=",
            None,
            "students_anaemia",
            "students_hb_tested",
            change=-1 / 3,
            depts=("education", "health"),
            text="以2010年为基数下降1/3",
            source="学生体质与健康调研",
        ),
    ],
    ("children-2011", "健康", "5岁以下儿童生长迟缓率 / 低体重率"): [
        ind(
            "c11-u5-stunting",
            "5岁以下儿童生长迟缓率",
            "Stunting among under-5s",
            "%",
            "<=",
            7,
            "u5_stunted",
            "u5_measured",
            text="控制在7%以下",
            source=HEALTH_STATS,
        ),
        ind(
            "c11-u5-underweight",
            "5岁以下儿童低体重率",
            "Underweight among under-5s",
            "%",
            "<=",
            5,
            "u5_underweight",
            "u5_measured",
            text="降低到5%以下",
            source=HEALTH_STATS,
        ),
    ],
    ("children-2011", "教育", "学前三年毛入园率"): [
        ind(
            "c11-preschool",
            "学前三年毛入园率",
            "Gross preschool enrolment (three years)",
            "%",
            ">=",
            70,
            "preschool_enrolled",
            "pop_3_5",
            factor=100,
            depts=("education",),
            text="达到70%",
            source=EDU_STATS,
            **GROSS,
        ),
    ],
    ("children-2011", "教育", "九年义务教育巩固率"): [
        ind(
            "c11-compulsory",
            "九年义务教育巩固率",
            "Retention in nine-year compulsory education",
            "%",
            ">=",
            95,
            "compulsory_completers",
            "compulsory_cohort",
            depts=("education",),
            text="达到95%",
            source=EDU_STATS,
        ),
    ],
    ("children-2011", "教育", "小学学龄儿童净入学率"): [
        ind(
            "c11-primary-net",
            "小学学龄儿童净入学率",
            "Net primary enrolment",
            "%",
            "up",
            None,
            "primary_age_enrolled",
            "primary_age_pop",
            depts=("education",),
            text="保持高水平（全国每年≥99.7%）",
            source=EDU_STATS,
        ),
    ],
    ("children-2011", "教育", "高中阶段毛入学率"): [
        ind(
            "c11-upper-sec",
            "高中阶段毛入学率",
            "Gross upper-secondary enrolment",
            "%",
            ">=",
            90,
            "upper_sec_enrolled",
            "pop_15_17",
            factor=100,
            depts=("education",),
            text="达到90%",
            source=EDU_STATS,
            **GROSS,
        ),
    ],
    ("children-2011", "教育", "残疾儿童义务教育入学率"): [
        ind(
            "c11-disabled-enrolment",
            "残疾儿童义务教育入学率",
            "Compulsory-school enrolment of disabled children",
            "%",
            ">=",
            90,
            "disabled_children_enrolled",
            "disabled_children_school_age",
            depts=("education", "disabled_persons"),
            text="达到90%",
            source=EDU_STATS,
        ),
    ],
    ("children-2011", "福利/环境", "城乡社区儿童之家覆盖率"): [
        ind(
            "c11-children-homes",
            "城乡社区儿童之家覆盖率",
            "Communities with a children's home",
            "%",
            ">=",
            90,
            "communities_children_home",
            "communities_total",
            depts=("womens_federation", "civil_affairs"),
            text="90%以上的城乡社区建设1所儿童之家",
            source="妇联统计",
        ),
    ],
}

SYMBOL = {">=": "≥", "<=": "≤", "<": "<", "~": "约", "up": "", "down": "", "": ""}

MARKS = [
    ("[S] local copy", "S local"),
    ("[S~]", "S~"),
    ("[S]", "S"),
    ("[M+]", "M+"),
    ("[M?]", "?"),
    ("[M", "M"),
    ("[?]", "?"),
]


def confidence(text: str) -> str:
    for mark, code in MARKS:
        if text.strip().startswith(mark):
            return code
    for mark, code in MARKS:
        if mark in text:
            return code
    raise ValueError(f"no confidence mark in {text!r}")


def build_2021(code: str, path: Path) -> dict:
    outline = dict(code=code, **OUTLINES[code], areas=[])
    areas = {
        short: dict(code=f"{code}-{i}", number=i, name=name, name_en=en, targets=[])
        for i, (short, name, en) in enumerate(AREAS[code], start=1)
    }
    with path.open(encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f), start=1):
            conf_text, evidence = row["conf"], row["evidence"]
            if not conf_text.startswith("["):  # one row's note spilled into the conf column
                evidence = f"{conf_text} {evidence}".strip()
                conf_text = evidence
            text = row["short_text"]
            indicator_text = row["indicator"]
            if indicator_text not in ("—", "") and indicator_text not in text:
                text = f"{text}（{indicator_text}）"
            if row["target_2030"]:
                text = f"{text}：{SYMBOL[row['direction']]}{row['target_2030']} {row['unit']}"
            target = dict(
                code=f"{code}-t{i:02d}",
                number=row["no"],
                text=text,
                confidence=confidence(conf_text),
                source=evidence,
            )
            key = (code, row["area"], row["no"])
            specs = INDICATORS.pop(key, None) or INDICATORS.pop(
                (code, row["area"], f"{row['no']}:{indicator_text}"), None
            )
            if specs:
                target["indicators"] = specs
            areas[row["area"]]["targets"].append(target)
    outline["areas"] = [a for a in areas.values()]
    return outline


def build_2011(code: str, kind_letter: str, path: Path) -> dict:
    outline = dict(code=code, **OUTLINES[code], areas=[])
    areas = {
        short: dict(code=f"{code}-{i}", number=i, name=name, name_en=en, targets=[])
        for i, (short, name, en) in enumerate(AREAS[code], start=1)
    }
    n = 0
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["outline"] != kind_letter:
                continue
            n += 1
            text = row["indicator"]
            if row["target_2020"]:
                text = f"{text}：{SYMBOL[row['direction']]}{row['target_2020']} {row['unit']}"
            values = ", ".join(
                f"{y}: {row['value_' + y]}" for y in ("2010", "2015", "2020") if row["value_" + y]
            )
            source = row["source"] + (f" (national values {values})" if values else "")
            target = dict(
                code=f"{code}-t{n:02d}",
                number=str(n),
                text=text,
                confidence=confidence(row["conf"]),
                source=source.strip(),
            )
            specs = INDICATORS.pop((code, row["area"], row["indicator"]), None)
            if specs:
                target["indicators"] = specs
            areas[row["area"]]["targets"].append(target)
    # Areas of the 2011 outlines without a quantitative target in the reference are left out.
    outline["areas"] = [a for a in areas.values() if a["targets"]]
    return outline


def main() -> None:
    docs = {
        "women-2021": build_2021("women-2021", REF / "targets_women_2021_2030.csv"),
        "children-2021": build_2021("children-2021", REF / "targets_children_2021_2030.csv"),
        "women-2011": build_2011("women-2011", "W", REF / "national_2011_2020.csv"),
        "children-2011": build_2011("children-2011", "C", REF / "national_2011_2020.csv"),
    }
    if INDICATORS:
        raise SystemExit(f"indicator specs matched no target: {sorted(INDICATORS)}")
    header = (
        "# Generated by tools/gen_frameworks.py from data/reference/*.csv; edit there.\n"
        "# confidence: S seen in a source; S~ derived from one; S local seen in a local copy;\n"
        "# M from knowledge, unchecked; M+ same wording in a local copy; ? placeholder.\n"
    )
    for code, doc in docs.items():
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
        (OUT / f"{code}.yaml").write_text(header + text, encoding="utf-8")
        n_t = sum(len(a["targets"]) for a in doc["areas"])
        n_i = sum(len(t.get("indicators", [])) for a in doc["areas"] for t in a["targets"])
        print(f"{code}: {len(doc['areas'])} areas, {n_t} targets, {n_i} indicators")


if __name__ == "__main__":
    main()
