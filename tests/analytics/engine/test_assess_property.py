"""The judgement of one series: an independent reference (reference_assess.py) checked against
docs/methodology.md §三's worked cases (典型案例) and hand-checked 规范 3c cases, then the engine
checked against the reference on random series (hypothesis)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from scipy import stats

from .reference_assess import (
    Obs,
    ReferenceRefusal,
    RefJudgement,
    Spec,
    exact_of_float,
    reference_assess,
    round_half_away,
)

Y, B = 2030, 2020
PRESCHOOL = Spec(">=", 90.0, Y, B)  # linear, value kind
MMR = Spec("<=", 12.0, Y, B, scale="log", kind="count", factor=100_000.0)


def ref(rule: Spec, *obs: Obs, as_of: int | None = None) -> RefJudgement:
    return reference_assess(list(obs), rule, as_of)


def values(*pairs: tuple[int, float]) -> list[Obs]:
    return [Obs(year, value) for year, value in pairs]


# --- (a) the reference against docs/methodology.md §三's worked cases (Y = 2030, b = 2020) ---


def test_case1_on_track() -> None:
    j = ref(PRESCHOOL, *values((2020, 70.0), (2024, 80.0)))
    assert (j.status, j.substatus) == ("ON_TRACK", "")
    assert j.slope == pytest.approx(2.5)
    assert j.projected_value == pytest.approx(95.0)
    assert (j.year_met, j.met_beyond_horizon) == (2028, False)
    # two-point value series: no interval and no chance (§3c)
    assert (j.projected_low, j.projected_high, j.chance_of_meeting) == (None, None, None)


def test_case2_off_track_improving() -> None:
    j = ref(PRESCHOOL, *values((2020, 70.0), (2024, 74.0)))
    assert (j.status, j.substatus) == ("OFF_TRACK", "improving")
    assert j.slope == pytest.approx(1.0)
    assert j.projected_value == pytest.approx(80.0)
    assert j.year_met == 2040


def test_case3_count_on_track() -> None:
    j = ref(MMR, Obs(2020, None, 100, 500_000), Obs(2024, None, 80, 500_000))
    assert (j.status, j.substatus) == ("ON_TRACK", "")
    assert (j.latest_year, j.latest_value) == (2024, pytest.approx(16.0))
    assert j.slope == pytest.approx(-0.05579, abs=5e-6)
    assert j.slope_se == pytest.approx(math.sqrt(1 / 100 + 1 / 80) / 4)
    assert j.projected_value == pytest.approx(11.45, abs=5e-3)
    assert j.year_met == 2030
    # §3c Poisson: se = √(h²·SE² + 1/D_last), normal; by hand: √(36·0.0225/16 + 1/80) = 0.251247
    se = math.sqrt(36 * (1 / 100 + 1 / 80) / 16 + 1 / 80)
    assert se == pytest.approx(0.251247, abs=1e-6)
    y_hat = 16 * 0.8**1.5
    assert j.projected_low == pytest.approx(y_hat * math.exp(-1.959964 * se), rel=1e-6)
    assert j.projected_high == pytest.approx(y_hat * math.exp(1.959964 * se), rel=1e-6)
    assert (round(j.projected_low or 0, 2), round(j.projected_high or 0, 2)) == (7.0, 18.73)
    assert j.chance_of_meeting == pytest.approx(0.5742, abs=1e-4)


def test_case4_regressing() -> None:
    j = ref(PRESCHOOL, *values((2020, 70.0), (2022, 68.0), (2024, 66.0)))
    assert (j.status, j.substatus) == ("REGRESSING", "")
    assert j.slope == pytest.approx(-1.0)
    assert j.projected_value == pytest.approx(60.0)
    assert (j.year_met, j.met_beyond_horizon) == (None, False)
    # points exactly on the line: [ŷ, ŷ] and chance 0 (not on track)
    assert (j.projected_low, j.projected_high, j.chance_of_meeting) == (60.0, 60.0, 0.0)


def test_case5_count_achieved_confirmed() -> None:
    rule = Spec("<=", 25.0, Y, B, scale="log", kind="count", factor=1000.0)
    j = ref(rule, Obs(2024, None, 2200, 100_000))
    assert (j.status, j.substatus) == ("ACHIEVED", "confirmed")
    assert j.latest_value == pytest.approx(22.0)
    assert (round(j.ci_low or 0, 1), round(j.ci_high or 0, 1)) == (21.1, 22.9)
    assert j.year_met == 2024
    assert j.chance_of_meeting is None


def test_case7_stagnant_not_within_50_years() -> None:
    rule = Spec("<=", 20.0, Y, B, scale="log")
    j = ref(rule, *values((2020, 30.0), (2024, 29.9)))
    assert (j.status, j.substatus) == ("OFF_TRACK", "stagnant")
    assert j.slope == pytest.approx(-0.000835, abs=5e-7)
    assert (j.year_met, j.met_beyond_horizon) == (None, True)


def test_case8_small_numbers() -> None:
    deaths = [0, 1, 0, 0, 0]
    j = ref(MMR, *(Obs(2020 + i, None, d, 360) for i, d in enumerate(deaths)))
    assert (j.status, j.substatus) == ("INSUFFICIENT_DATA", "small_numbers")
    assert round(j.latest_value or 0, 1) == 55.6
    assert (round(j.ci_low or 0, 1), round(j.ci_high or 0, 1)) == (1.4, 309.5)
    assert (j.pooled_years, j.period_start, j.period_end, j.latest_year) == (5, 2020, 2024, 2022)


def test_case9_on_track_at_the_boundary() -> None:
    j = ref(PRESCHOOL, *values((2020, 70.0), (2022, 76.0), (2024, 78.0)))
    assert (j.status, j.substatus) == ("ON_TRACK", "")
    assert j.slope == pytest.approx(2.0)
    assert j.projected_value == pytest.approx(90.0)
    assert j.year_met == 2030
    # by hand: residuals -2/3, 4/3, -2/3; s = √(8/3); se = s·√(1 + 1/3 + 64/8); t(0.975, 1)
    se = math.sqrt(8 / 3) * math.sqrt(1 + 1 / 3 + 8)
    assert se == pytest.approx(4.98888, abs=1e-5)
    half = 12.7062047 * se
    assert j.projected_low == pytest.approx(90 - half)
    assert j.projected_high == pytest.approx(90 + half)
    assert j.chance_of_meeting == pytest.approx(0.5)


def test_case11_too_few_points() -> None:
    j = ref(Spec(">=", 90.0, Y, B), Obs(2024, 60.0))
    assert (j.status, j.substatus) == ("INSUFFICIENT_DATA", "too_few_points")
    assert (j.slope, j.projected_value, j.year_met) == (None, None, None)


def test_year_met_agrees_with_on_track() -> None:
    # §3: when t_last < Y, ON_TRACK exactly when t* <= Y
    for last in (78.0, 79.9, 80.0, 76.0, 74.0):
        j = ref(PRESCHOOL, *values((2020, 70.0), (2024, last)))
        assert (j.status == "ON_TRACK") == (j.year_met is not None and j.year_met <= Y)


# --- (a) hand-checked §3c cases ---------------------------------------------------------------


def test_exact_decimals_and_rounding_half_away_from_zero() -> None:
    assert exact_of_float(7.05) == Fraction(705, 100)
    assert round_half_away(Fraction(705, 100), 1) == Fraction(71, 10)  # float round() gives 7.0
    assert round_half_away(Fraction(-5, 2), 0) == -3
    assert round_half_away(Fraction(5, 2), 0) == 3
    assert round_half_away(Fraction(7, 1000), 2) == Fraction(1, 100)


@pytest.mark.parametrize(("decimals", "status"), [(1, "ACHIEVED"), (None, "ACHIEVED")])
def test_seven_per_hundred_meets_at_most_seven(decimals: int | None, status: str) -> None:
    value = 7 / 100 * 100
    assert value == 7.000000000000001
    j = ref(Spec("<=", 7.0, Y, B, decimals=decimals), Obs(2024, value))
    assert (j.status, j.substatus, j.year_met) == (status, "confirmed", 2024)
    # a rate: the exact fraction 7/100 × 100 is 7
    rule = Spec("<=", 7.0, Y, B, scale="logit", kind="proportion", factor=100.0, decimals=2)
    j = ref(rule, Obs(2024, None, 7, 100))
    assert (j.status, j.substatus) == ("ACHIEVED", "provisional")  # Wilson upper 13.8 > 7


def test_published_value_decides() -> None:
    assert ref(Spec("<=", 7.0, Y, B, decimals=1), Obs(2024, 7.04)).status == "ACHIEVED"
    assert ref(Spec("<=", 7.0, Y, B, decimals=2), Obs(2024, 7.04)).status == "INSUFFICIENT_DATA"
    # 7.05 published with one decimal is 7.1 (the exact decimal, half away from zero)
    assert ref(Spec("<=", 7.0, Y, B, decimals=1), Obs(2024, 7.05)).status == "INSUFFICIENT_DATA"
    assert ref(Spec(">=", 7.1, Y, B, decimals=1), Obs(2024, 7.05)).status == "ACHIEVED"
    assert ref(Spec("<=", -3.0, Y, B, decimals=0), Obs(2024, -2.5)).status == "ACHIEVED"
    # without decimals: relative tolerance 1e-9·max(1, |T|)
    assert ref(Spec(">=", 1000.0, Y, B), Obs(2024, 1000 - 9e-7)).status == "ACHIEVED"
    assert ref(Spec(">=", 1000.0, Y, B), Obs(2024, 1000 - 2e-6)).status == "INSUFFICIENT_DATA"


def test_window_keeps_the_baseline_year() -> None:
    # final evaluation of a 2011-2020 outline: b = 2010 stays in, 2008-2009 are out
    rule = Spec(">=", 90.0, 2020, 2010)
    core = [Obs(year, 60.0 + (year - 2010)) for year in range(2010, 2021)]
    with_old = [Obs(2008, 500.0), Obs(2009, -500.0), *core]
    a, b = ref(rule, *with_old), ref(rule, *core)
    assert (a.status, a.slope, a.baseline_value) == (b.status, b.slope, 60.0)
    assert a.slope == pytest.approx(1.0)
    # without a baseline year: the ten latest years (2011-2020): slope still 1, first value 61
    j = ref(Spec(">=", 90.0, 2020, None), *with_old)
    assert j.slope == pytest.approx(1.0)
    assert j.baseline_value is None
    # as_of: later observations are left out
    j = ref(rule, *core, as_of=2015)
    assert (j.latest_year, j.latest_value) == (2015, 65.0)


def test_theil_sen_resists_one_outlying_year() -> None:
    # pairwise slopes 18, 2, 2, 2, -14, -6, -10/3, 2, 2, 2: median 2 (OLS: 0.4, stagnant)
    obs = values((2020, 70.0), (2021, 88.0), (2022, 74.0), (2023, 76.0), (2024, 78.0))
    j = ref(PRESCHOOL, *obs)
    assert j.method == "theil_sen"
    assert j.slope == 2.0
    assert (j.status, j.projected_value, j.year_met) == ("ON_TRACK", 90.0, 2030)
    # a = median(z - 2t) = -3970; residuals 0, 16, 0, 0, 0; s = √(256/3); Sxx = 10; x0 = 2030
    se = math.sqrt(256 / 3) * math.sqrt(1 + 1 / 5 + 64 / 10)
    q = 3.182446305
    assert j.projected_low == pytest.approx(90 - q * se)
    assert j.projected_high == pytest.approx(90 + q * se)
    assert j.chance_of_meeting == 0.5


def test_points_on_a_line_give_a_degenerate_interval() -> None:
    j = ref(PRESCHOOL, *values((2020, 70.0), (2022, 75.0), (2024, 80.0)))
    assert (j.status, j.projected_value) == ("ON_TRACK", 95.0)
    assert (j.projected_low, j.projected_high, j.chance_of_meeting) == (95.0, 95.0, 1.0)


def test_target_year_passed() -> None:
    j = ref(PRESCHOOL, *values((2028, 70.0), (2030, 72.0), (2032, 74.0)))
    assert (j.status, j.substatus) == ("OFF_TRACK", "improving")
    assert j.projected_value == 74.0  # horizon max(0, Y - t_last) = 0
    assert (j.projected_low, j.projected_high, j.chance_of_meeting) == (None, None, None)
    assert j.year_met == 2032 + 16  # slope 1/yr, 16 points to go
    # t_last == Y: an interval over a zero horizon
    j = ref(PRESCHOOL, *values((2026, 70.0), (2028, 72.0), (2030, 73.0)))
    se = math.sqrt(1 / 6) * math.sqrt(1 + 1 / 3 + 4 / 8)
    q = float(stats.t.ppf(0.975, 1))
    assert j.projected_value == 73.0
    assert j.projected_low == pytest.approx(73 - q * se)
    assert j.chance_of_meeting == pytest.approx(float(stats.t.cdf(-17 / se, 1)))


def test_target_at_the_scale_bound() -> None:
    j = ref(Spec("<=", 0.0, Y, B, scale="log"), *values((2020, 10.0), (2022, 8.0), (2024, 6.0)))
    assert (j.status, j.substatus) == ("OFF_TRACK", "improving")
    assert (j.chance_of_meeting, j.year_met, j.met_beyond_horizon) == (0.0, None, True)
    assert j.projected_low is not None


def test_exact_zero_is_moved_to_half_the_last_decimal() -> None:
    obs = values((2020, 2.0), (2022, 1.0), (2024, 0.0))
    j = ref(Spec(">=", 5.0, 2024, B, scale="log", decimals=1), *obs)
    assert j.projected_value == 0.0  # the target year reached: the projection is y_last itself
    zs = [math.log(2.0), 0.0, math.log(0.05)]
    assert j.slope == pytest.approx((zs[2] - zs[0]) / 4)
    assert (j.status, j.substatus) == ("REGRESSING", "")
    # without decimals: 1e-6 × the largest value of the series
    j = ref(Spec(">=", 5.0, 2024, B, scale="log"), *obs)
    zs = [math.log(2.0), 0.0, math.log(2e-6)]
    assert j.slope == pytest.approx((zs[2] - zs[0]) / 4)
    assert j.projected_value == 0.0


def test_lost_and_its_projection() -> None:
    rule = Spec("<=", 10.0, Y, B, scale="log")
    j = ref(rule, *values((2020, 9.0), (2022, 11.0), (2024, 12.0)))
    assert (j.status, j.substatus) == ("REGRESSING", "lost")
    assert j.slope is not None
    assert j.chance_of_meeting is not None
    assert j.chance_of_meeting < 0.5


def test_count_lost_only_from_years_with_enough_events() -> None:
    rule = Spec("<=", 12.0, Y, B, scale="log", kind="count", factor=100_000.0)
    few = [
        Obs(2020, None, 5, 100_000),
        Obs(2022, None, 300, 1_000_000),
        Obs(2024, None, 30, 200_000),
    ]
    assert ref(rule, *few).status != "REGRESSING" or ref(rule, *few).substatus != "lost"
    many = [Obs(2020, None, 50, 1_000_000), *few[1:]]
    assert (ref(rule, *many).status, ref(rule, *many).substatus) == ("REGRESSING", "lost")


def test_pooling_uses_years_present_and_dates_the_middle() -> None:
    rule = Spec("<=", 12.0, Y, B, scale="log", kind="count", factor=100_000.0)
    obs = [Obs(2021, None, 30, 100_000), Obs(2023, None, 15, 100_000), Obs(2024, None, 10, 100_000)]
    j = ref(rule, *obs)
    assert (j.pooled_years, j.period_start, j.period_end, j.latest_year) == (3, 2023, 2024, 2023)
    assert j.latest_value == pytest.approx(12.5)
    assert j.events == 25
    # pooled and achieved: year met is the pooled point's date
    j = ref(Spec("<=", 13.0, Y, B, scale="log", kind="count", factor=100_000.0), *obs)
    assert (j.status, j.year_met) == ("ACHIEVED", 2023)


def test_achieved_year_met_is_the_start_of_the_latest_run() -> None:
    obs = values((2018, 91.0), (2019, 80.0), (2020, 90.0), (2022, 92.0), (2024, 95.0))
    j = ref(PRESCHOOL, *obs)
    assert (j.status, j.year_met) == ("ACHIEVED", 2020)


def test_around_targets() -> None:
    share = Spec("~", 45.0, Y, B, unit="%", decimals=1)
    assert ref(share, Obs(2024, 44.04)).status == "ACHIEVED"  # 44.0 inside 45 ± 1
    j = ref(share, *values((2020, 40.0), (2022, 42.0), (2024, 43.0)))
    assert (j.status, j.substatus) == ("OFF_TRACK", "improving")
    j = ref(share, *values((2020, 46.0), (2022, 47.0), (2024, 48.0)))
    assert (j.status, j.substatus) == ("OFF_TRACK", "moving_away")
    j = ref(share, *values((2020, 48.0), (2022, 48.0), (2024, 48.1)))
    assert (j.status, j.substatus) == ("OFF_TRACK", "stagnant")
    # not a percentage: 2 % of T; a year without data does not break the run
    j = ref(Spec("~", 45.0, Y, B), *values((2019, 40.0), (2020, 44.5), (2022, 45.8), (2024, 45.1)))
    assert (j.status, j.year_met) == ("ACHIEVED", 2020)


@pytest.mark.parametrize(
    ("rule", "obs"),
    [
        (Spec("<=", 10.0, Y, B, scale="log"), [Obs(2024, -1.0)]),
        (Spec(">=", 50.0, Y, B, scale="logit"), [Obs(2024, 100.5)]),
        (Spec("<=", 10.0, Y, B, scale="log", kind="count"), [Obs(2024, 5.0)]),
        (Spec("<=", 10.0, Y, B, kind="count"), [Obs(2024, None, 5, 100)]),
        (Spec("<=", -1.0, Y, B, scale="log"), [Obs(2024, 5.0)]),
        (Spec(">=", 101.0, Y, B, scale="logit"), [Obs(2024, 5.0)]),
        (Spec("<=", 1.0, Y, B, scale="log"), [Obs(2022, 0.0), Obs(2024, 0.0)]),
    ],
)
def test_refusals(rule: Spec, obs: list[Obs]) -> None:
    with pytest.raises(ReferenceRefusal):
        reference_assess(obs, rule)


def test_poisson_fit_of_a_steep_rate() -> None:
    # rates 3.9, 62.5, 1000 per 1000 in 2020, 2022, 2024: exactly ×4 a year, so the MLE is that
    # line (slope ln 4) and the fitted counts are the observed ones
    rule = Spec(">=", 2000.0, Y, B, scale="log", kind="count", factor=1000.0)
    obs = [Obs(2020, None, 100, 25_600), Obs(2022, None, 100, 1_600), Obs(2024, None, 100, 100)]
    j = ref(rule, *obs)
    assert j.slope == pytest.approx(math.log(4))
    # at the MLE μ_i = D_i = 100: information Σμ = 300, Σμx = 0, Σμx² = 100·(4 + 0 + 4) = 800
    assert j.slope_se == pytest.approx(math.sqrt(1 / 800))
    assert (j.status, j.year_met) == ("ON_TRACK", 2025)  # 1000·4^h >= 2000 from h = 0.5


def test_no_data() -> None:
    assert ref(PRESCHOOL).status == "NO_DATA"
    assert ref(PRESCHOOL, *values((2005, 50.0), (2008, 55.0)), as_of=2024).status == "NO_DATA"


# --- (b) the engine against the reference on random series ------------------------------------

KINDS = [
    ("value", "linear"),
    ("value", "log"),
    ("value", "logit"),
    ("count", "log"),
    ("proportion", "logit"),
]
EXACT = ("status", "substatus", "latest_year", "year_met", "met_beyond_horizon")
APPROX = (
    "latest_value",
    "projected_value",
    "projected_low",
    "projected_high",
    "chance_of_meeting",
)


def _published(x: float, decimals: int | None) -> float:
    return x if decimals is None else float(round_half_away(exact_of_float(x), decimals))


@st.composite
def _series(draw: st.DrawFn, around: bool = False) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    kind, scale = draw(st.sampled_from(KINDS[:3] if around else KINDS))
    decimals = draw(st.sampled_from([None, 0, 1, 2]))
    n = draw(st.integers(1, 12))
    first = draw(st.integers(2005, 2026))
    years = sorted(draw(st.sets(st.integers(first, first + 14), min_size=n, max_size=n)))
    factor = 1.0
    obs: list[dict[str, Any]] = []
    # "trend": points about a line on the g scale (so that every status turns up); "noise": any
    trend = draw(st.booleans())
    slope = draw(st.sampled_from([-0.3, -0.1, -0.02, 0.0, 0.02, 0.1, 0.3]) | st.floats(-0.4, 0.4))
    noise = draw(st.sampled_from([0.0, 0.01, 0.05, 0.2]))

    def wiggle(year: int) -> float:
        return slope * (year - first) + noise * draw(st.floats(-1, 1))

    if kind == "count":
        factor = draw(st.sampled_from([1000.0, 100_000.0]))
        small = draw(st.sampled_from(["small", "large", "mixed"]))
        start = draw(
            st.integers(1, 4) | st.integers(1, 19) if small == "small" else st.integers(20, 3000)
        )
        population = draw(st.sampled_from([100_000, 500_000]) | st.integers(200, 1_000_000))
        for year in years:
            band = small if small != "mixed" else draw(st.sampled_from(["small", "large"]))
            if trend and band == small:
                events = max(0, round(start * math.exp(wiggle(year))))
            else:
                events = draw(
                    st.integers(0, 4) | st.integers(1, 19)
                    if band == "small"
                    else st.integers(20, 5000)
                )
            people = population if trend else draw(st.integers(200, 1_000_000))
            obs.append({"year": year, "value": None, "numerator": events, "denominator": people})
    elif kind == "proportion":
        factor = 100.0
        z0 = draw(st.floats(-3, 3))
        for year in years:
            size = draw(st.sampled_from([100, 1000]) | st.integers(10, 5000))
            if trend:
                share_of = 1 / (1 + math.exp(-(z0 + wiggle(year))))
                count = round(size * share_of)
            else:
                count = draw(st.integers(0, size))
            obs.append({"year": year, "value": None, "numerator": count, "denominator": size})
    else:
        if scale == "linear":
            value = st.one_of(
                st.integers(-5000, 50_000).map(lambda i: i / 100),
                st.floats(-100, 1000, allow_nan=False),
            )
            z0, unit = draw(st.floats(-20, 200)), draw(st.sampled_from([1.0, 10.0]))
        elif scale == "log":
            value = st.one_of(
                st.just(0.0),
                st.integers(1, 100_000).map(lambda i: i / 100),
                st.floats(0.01, 1e4),
            )
            z0, unit = draw(st.floats(-2, 7)), 1.0
        else:
            value = st.one_of(
                st.sampled_from([0.0, 100.0]),
                st.integers(1, 9999).map(lambda i: i / 100),
                st.floats(0.01, 99.99),
            )
            z0, unit = draw(st.floats(-4, 4)), 1.0
        cut = draw(st.sampled_from([None, 2, 3]))  # trend values as published with 2-3 decimals
        for i, year in enumerate(years):
            missing = 0 < i < len(years) - 1 and draw(st.integers(0, 9)) == 0
            if missing:
                y = None
            elif trend:
                z = z0 + unit * wiggle(year)
                y = (
                    z
                    if scale == "linear"
                    else math.exp(z)
                    if scale == "log"
                    else 100 / (1 + math.exp(-z))
                )
                y = y if cut is None else float(round_half_away(exact_of_float(y), cut))
            else:
                y = draw(value)
            obs.append({"year": year, "value": y})
    rates = [
        o["numerator"] / o["denominator"] * factor if o.get("numerator") is not None else o["value"]
        for o in obs
    ]
    present = [r for r in rates if r is not None]
    lo, hi = min(present), max(present)
    share = draw(st.one_of(st.sampled_from([-0.2, 0.1, 0.5, 0.9, 1.2]), st.floats(-0.5, 1.5)))
    if scale == "linear":
        target = lo - 1 + share * (hi - lo + 2)
    elif scale == "log":
        low, high = math.log(max(lo, 0.01)) - 0.5, math.log(max(hi, 0.01)) + 0.5
        target = math.exp(low + share * (high - low))
    else:
        target = min(99.5, max(0.5, lo - 1 + share * (hi - lo + 2)))
    direction = "~" if around else draw(st.sampled_from([">=", "<="]))
    if trend and slope != 0 and not around and draw(st.booleans()):
        # a target the trend reaches in about `years_ahead` years: ON_TRACK or OFF_TRACK
        last = [r for r in rates if r is not None][-1]
        years_ahead = draw(st.floats(0.5, 20))
        step = slope * years_ahead * (10.0 if scale == "linear" else 1.0)
        if scale == "linear":
            target = last + step
        elif scale == "log":
            target = max(last, 0.01) * math.exp(step)
        else:
            z_last = math.log(min(max(last, 0.01), 99.99) / (100 - min(max(last, 0.01), 99.99)))
            target = min(99.5, max(0.5, 100 / (1 + math.exp(-(z_last + step)))))
        direction = ">=" if slope > 0 else "<="
    target = _published(target, decimals)
    assume(scale == "linear" or target > 0)
    baseline = draw(st.one_of(st.none(), st.sampled_from(years), st.integers(first - 8, first - 1)))
    rule: dict[str, Any] = {
        "direction": direction,
        "target": target,
        "target_year": years[-1] + draw(st.sampled_from([-4, -1, 0, 1, 2, 3, 5, 6, 8, 10, 15])),
        "baseline_year": baseline,
        "scale": scale,
        "kind": kind,
        "factor": factor,
        "decimals": decimals,
    }
    if around:
        rule["tolerance"] = draw(st.one_of(st.none(), st.sampled_from([0.5, 1.0, 2.0])))
        rule["unit"] = draw(st.sampled_from(["", "%"]))
    return obs, rule


def _engine() -> tuple[Any, Any, Any, Callable[..., Any]]:
    from lianggang.analytics.engine.assess import Observation, Rule, SeriesError, assess

    return Observation, Rule, SeriesError, assess


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _disagreements(engine: Any, reference: RefJudgement, fields: Sequence[str]) -> dict[str, Any]:
    wrong = {}
    for name in fields:
        mine, theirs = getattr(reference, name), getattr(engine, name)
        same = (
            _close(theirs, mine)
            if name in APPROX
            else (theirs == mine if mine is not None else theirs is None)
        )
        if not same:
            wrong[name] = {"engine": theirs, "reference": mine}
    return wrong


def _check(series: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
    observation, rule_class, series_error, assess = _engine()
    obs_rows, rule_kw = series
    observations = [observation(**o) for o in obs_rows]
    rule = rule_class(**rule_kw)
    try:
        expected = reference_assess(observations, rule)
    except ReferenceRefusal:
        with pytest.raises(series_error):
            assess(observations, rule, as_of=None)
        return
    except ArithmeticError:
        assume(False)
        raise
    assume(all(distance > 1e-6 for distance in expected.edges.values()))
    actual = assess(observations, rule, as_of=None)
    fields: tuple[str, ...] = EXACT + APPROX
    if rule_kw["direction"] == "~" and expected.status == "OFF_TRACK":
        # docs/methodology.md defines no projection, interval, chance or year met for an "around"
        # target outside its band (the reference leaves them empty; the engine fills them, with the
        # chance of landing inside the band): only the judgement itself is compared there.
        fields = ("status", "substatus", "latest_year", "latest_value")
    wrong = _disagreements(actual, expected, fields)
    assert not wrong, f"engine vs reference: {wrong}"


@settings(
    derandomize=True,
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(_series())
# A rate quadrupling every year (3.9, 62.5, 1000 per 1000): the Poisson MLE is the exact line,
# slope ln 4 a year; found by the random search (a steep rate change) and kept.
@example(
    (
        [
            {"year": 2020, "value": None, "numerator": 100, "denominator": 25_600},
            {"year": 2022, "value": None, "numerator": 100, "denominator": 1_600},
            {"year": 2024, "value": None, "numerator": 100, "denominator": 100},
        ],
        {
            "direction": ">=",
            "target": 2000.0,
            "target_year": 2030,
            "baseline_year": 2020,
            "scale": "log",
            "kind": "count",
            "factor": 1000.0,
            "decimals": None,
        },
    )
)
def test_engine_agrees_with_the_reference(
    series: tuple[list[dict[str, Any]], dict[str, Any]],
) -> None:
    _check(series)


@settings(
    derandomize=True,
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(_series(around=True))
def test_engine_agrees_with_the_reference_on_around_targets(
    series: tuple[list[dict[str, Any]], dict[str, Any]],
) -> None:
    _check(series)
