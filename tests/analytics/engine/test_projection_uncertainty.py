"""The projection's prediction interval and chance of meeting the target (docs/methodology.md §三,
规范 3c) against an independent computation with scipy's own fits: ``linregress``,
``theilslopes(method="joint")``, and a Poisson likelihood maximised by ``scipy.optimize`` with
its Fisher information."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, stats

from lianggang.analytics.engine.assess import Observation, Rule, Status, assess


def _g(scale: str, y: float) -> float:
    if scale == "linear":
        return y
    return math.log(y) if scale == "log" else math.log(y / (100 - y))


def _gi(scale: str, z: float) -> float:
    if scale == "linear":
        return z
    return math.exp(z) if scale == "log" else 100 / (1 + math.exp(-z))


def _line_expected(
    years: np.ndarray, values: list[float], scale: str, d: int, target: float, Y: int
) -> tuple[float, float, float]:
    z = np.array([_g(scale, v) for v in values])
    n = len(years)
    if n >= 5:
        # scipy-stubs 1.17.1.5 spells the method "hierarchical"; scipy itself accepts "joint".
        slope, intercept, _, _ = stats.theilslopes(z, years, method="joint")  # type: ignore[call-overload]
    else:
        fit = stats.linregress(years, z)
        slope, intercept = fit.slope, fit.intercept
    h = max(0, Y - years[-1])
    z_hat = z[-1] + slope * h
    r = z - intercept - slope * years
    s = math.sqrt(float(r @ r) / (n - 2))
    x0 = years[-1] + h
    se = s * math.sqrt(1 + 1 / n + (x0 - years.mean()) ** 2 / ((years - years.mean()) ** 2).sum())
    q = stats.t.ppf(0.975, n - 2)
    chance = stats.t.cdf(d * (z_hat - _g(scale, target)) / se, n - 2)
    return _gi(scale, z_hat - q * se), _gi(scale, z_hat + q * se), float(chance)


SEEDS = range(60)


@pytest.mark.parametrize("seed", SEEDS)
def test_value_series_interval_and_chance_match_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    scale = ("linear", "log", "logit")[seed % 3]
    n = int(rng.integers(3, 10))
    years = np.sort(rng.choice(np.arange(2015, 2025), size=n, replace=False)).astype(float)
    level = {"linear": 60.0, "log": 20.0, "logit": 70.0}[scale]
    trend = rng.normal(0, 0.03)
    noise = rng.normal(0, 0.05, n)
    z0 = _g(scale, level)
    step = {"linear": level, "log": 1.0, "logit": 1.0}[scale]
    values = [
        _gi(scale, z0 + step * (trend * (t - 2020) + e)) for t, e in zip(years, noise, strict=True)
    ]
    d = 1 if seed % 2 else -1
    last = values[-1]
    # A target not yet met, so that the series is projected.
    target = last * (1.15 if d > 0 else 0.85) if scale != "logit" else last + d * 8.0
    rule = Rule(
        direction=">=" if d > 0 else "<=",
        target=target,
        target_year=2030,
        baseline_year=None,
        scale=scale,
    )
    j = assess([Observation(int(t), v) for t, v in zip(years, values, strict=True)], rule)
    if j.status not in (Status.ON_TRACK, Status.OFF_TRACK, Status.REGRESSING):
        pytest.skip(f"judged {j.status}: nothing projected")
    if years[-1] - years[0] < 2:
        pytest.skip("span under two years")
    low, high, chance = _line_expected(years, values, scale, d, target, 2030)
    assert j.projected_low == pytest.approx(low, rel=1e-7)
    assert j.projected_high == pytest.approx(high, rel=1e-7)
    assert j.chance_of_meeting == pytest.approx(chance, rel=1e-7, abs=1e-12)
    assert j.chance_of_meeting is not None
    # The chance is at least one half exactly when the series is on track.
    assert (j.chance_of_meeting >= 0.5) == (j.status == Status.ON_TRACK)


def _poisson_fit(
    years: np.ndarray, events: np.ndarray, exposure: np.ndarray
) -> tuple[float, float]:
    tc = years - years.mean()

    def nll(b: np.ndarray) -> float:
        eta = b[0] + b[1] * tc + np.log(exposure)
        return float(-(events * eta - np.exp(eta)).sum())

    def grad(b: np.ndarray) -> np.ndarray:
        mu = np.exp(b[0] + b[1] * tc + np.log(exposure))
        return -np.array([(events - mu).sum(), ((events - mu) * tc).sum()])

    start = np.array([math.log(events.sum() / exposure.sum()), 0.0])
    res = optimize.minimize(nll, start, jac=grad, method="BFGS", options={"gtol": 1e-10})
    mu = np.exp(res.x[0] + res.x[1] * tc + np.log(exposure))
    info = np.array([[mu.sum(), (mu * tc).sum()], [(mu * tc).sum(), (mu * tc * tc).sum()]])
    return float(res.x[1]), math.sqrt(float(np.linalg.inv(info)[1, 1]))


@pytest.mark.parametrize("seed", range(30))
def test_count_series_interval_and_chance_match_scipy(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    n = int(rng.integers(2, 8))
    years = np.sort(rng.choice(np.arange(2015, 2025), size=n, replace=False)).astype(float)
    exposure = rng.integers(200_000, 800_000, n).astype(float)
    rate = 20e-5 * np.exp(rng.normal(-0.04, 0.03) * (years - 2020))
    events = np.maximum(rng.poisson(rate * exposure), 25).astype(float)
    last = events[-1] / exposure[-1] * 1e5
    target = last * 0.8
    rule = Rule(
        direction="<=",
        target=target,
        target_year=2030,
        baseline_year=2020,
        scale="log",
        kind="count",
        factor=100_000,
    )
    obs = [Observation(int(t), None, e, x) for t, e, x in zip(years, events, exposure, strict=True)]
    j = assess(obs, rule)
    if j.status not in (Status.ON_TRACK, Status.OFF_TRACK, Status.REGRESSING):
        pytest.skip(f"judged {j.status}: nothing projected")
    slope, se_slope = _poisson_fit(years, events, exposure)
    h = 2030 - years[-1]
    se = math.sqrt(h * h * se_slope**2 + 1 / events[-1])
    z_hat = math.log(last) + slope * h
    q = stats.norm.ppf(0.975)
    assert j.slope == pytest.approx(slope, rel=1e-5)
    assert j.projected_low == pytest.approx(math.exp(z_hat - q * se), rel=1e-5)
    assert j.projected_high == pytest.approx(math.exp(z_hat + q * se), rel=1e-5)
    chance = stats.norm.cdf(-(z_hat - math.log(target)) / se)
    assert j.chance_of_meeting == pytest.approx(chance, rel=1e-4, abs=1e-9)
    assert j.chance_of_meeting is not None
    assert (j.chance_of_meeting >= 0.5) == (j.status == Status.ON_TRACK)


def test_two_point_value_series_and_a_passed_target_year_have_no_interval() -> None:
    rule = Rule(direction=">=", target=90, target_year=2030, baseline_year=2020)
    j = assess([Observation(2020, 70.0), Observation(2024, 80.0)], rule)
    assert (j.projected_low, j.projected_high, j.chance_of_meeting) == (None, None, None)
    passed = Rule(direction=">=", target=90, target_year=2020, baseline_year=2010)
    j = assess([Observation(2016, 70.0), Observation(2018, 74.0), Observation(2021, 80.0)], passed)
    assert j.projected_value == 80.0
    assert (j.projected_low, j.projected_high, j.chance_of_meeting) == (None, None, None)
