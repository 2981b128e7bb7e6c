import numpy as np
import pytest

from lianggang.analytics.engine.intervals import poisson_interval, rate_interval, wilson_interval

# docs/methodology.md §二: exact limits for D events.
GARWOOD = {
    0: (0.0, 3.689),
    1: (0.025, 5.572),
    2: (0.242, 7.225),
    5: (1.623, 11.67),
    10: (4.795, 18.39),
    20: (12.22, 30.89),
}


@pytest.mark.parametrize(("events", "limits"), GARWOOD.items())
def test_poisson_limits_match_the_method_table(events: int, limits: tuple[float, float]) -> None:
    lo, hi = poisson_interval(np.array([float(events)]))
    assert lo[0] == pytest.approx(limits[0], rel=5e-4, abs=5e-4)
    assert hi[0] == pytest.approx(limits[1], rel=0.0005)


def test_wilson_45_of_50() -> None:
    lo, hi = wilson_interval(np.array([45.0]), np.array([50.0]))
    assert (round(lo[0] * 100, 1), round(hi[0] * 100, 1)) == (78.6, 95.7)


def test_rate_interval_scales_and_refuses_impossible_proportions() -> None:
    lo, hi = rate_interval("proportion", np.array([45.0, 60.0]), np.array([50.0, 50.0]), 100.0)
    assert round(lo[0], 1) == 78.6
    assert np.isnan(lo[1])
    assert np.isnan(hi[1])
    lo, hi = rate_interval("value", np.array([1.0]), np.array([2.0]), 1.0)
    assert np.isnan(lo[0])
    assert np.isnan(hi[0])
