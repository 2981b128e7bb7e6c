import pytest

from lianggang.analytics.engine.assess import Observation, Rule, Status, Substatus, assess
from lianggang.analytics.engine.trend import poisson_slope

PRESCHOOL = Rule(direction=">=", target=90, target_year=2030, baseline_year=2020)


def test_no_observation_in_the_window_is_no_data() -> None:
    assert assess([], PRESCHOOL).status == Status.NO_DATA
    old = [Observation(2005, 50.0), Observation(2008, 55.0)]
    assert assess(old, PRESCHOOL, as_of=2024).status == Status.NO_DATA


def test_as_of_ignores_later_observations() -> None:
    obs = [Observation(2020, 70.0), Observation(2022, 75.0), Observation(2024, 95.0)]
    assert assess(obs, PRESCHOOL).status == Status.ACHIEVED
    j = assess(obs, PRESCHOOL, as_of=2022)
    assert (j.status, j.latest_year) == (Status.ON_TRACK, 2022)


def test_year_met_is_consistent_with_on_track() -> None:
    # docs/methodology.md §三: when t_last < Y, ON_TRACK exactly when t* <= Y.
    for last in (78.0, 79.9, 80.0, 76.0, 74.0):
        j = assess([Observation(2020, 70.0), Observation(2024, last)], PRESCHOOL)
        on_track = j.status == Status.ON_TRACK
        assert on_track == (j.year_met is not None and j.year_met <= 2030), (last, j)


def test_achieved_provisional_when_the_interval_crosses_the_target() -> None:
    rule = Rule(
        direction=">=",
        target=90,
        target_year=2030,
        baseline_year=2020,
        kind="proportion",
        factor=100,
        scale="logit",
    )
    j = assess([Observation(2024, None, 46, 50)], rule)
    assert (j.status, j.substatus) == (Status.ACHIEVED, Substatus.PROVISIONAL)
    j = assess([Observation(2024, None, 4600, 5000)], rule)
    assert (j.status, j.substatus) == (Status.ACHIEVED, Substatus.CONFIRMED)


def test_a_count_rise_that_is_not_significant_is_uncertain_decline() -> None:
    rule = Rule(
        direction="<=",
        target=12,
        target_year=2030,
        baseline_year=2020,
        scale="log",
        kind="count",
        factor=100000,
    )
    obs = [Observation(2020, None, 40, 100000), Observation(2024, None, 44, 100000)]
    j = assess(obs, rule)
    assert (j.status, j.substatus) == (Status.OFF_TRACK, Substatus.UNCERTAIN_DECLINE)
    assert j.p_value is not None
    assert j.p_value > 0.05


def test_relative_target_without_a_baseline_value() -> None:
    rule = Rule(
        direction="<=", target=None, target_change=-0.2, target_year=2030, baseline_year=2020
    )
    j = assess([Observation(2022, 30.0), Observation(2024, 28.0)], rule)
    assert (j.status, j.substatus) == (Status.INSUFFICIENT_DATA, Substatus.NO_BASELINE)


def test_two_point_poisson_slope_matches_the_method_formula() -> None:
    fit = poisson_slope([2020, 2024], [100, 80], [500000, 500000])
    assert fit.slope == pytest.approx(-0.0557859, rel=1e-6)
    assert fit.se == pytest.approx((1 / 100 + 1 / 80) ** 0.5 / 4, rel=1e-9)


def test_poisson_slope_survives_zero_counts() -> None:
    fit = poisson_slope([2020, 2021, 2022], [0, 0, 5], [1000, 1000, 1000])
    assert fit.slope > 0
    assert fit.se > 0
    assert poisson_slope([2020, 2024], [0, 0], [10, 10]).slope == 0.0


def test_rules_are_validated() -> None:
    with pytest.raises(ValueError, match="direction"):
        Rule(direction=">", target=1, target_year=2030, baseline_year=2020)
    with pytest.raises(ValueError, match="needs a target"):
        Rule(direction=">=", target=None, target_year=2030, baseline_year=2020)
