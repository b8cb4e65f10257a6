"""Scoring rules: hand-computed cases, a closed form, loop references and properties."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from standoff.core.scoring import (
    brier_decomposition,
    brier_score,
    calibration_table,
    crps_quantiles,
    crps_samples,
    interval_score,
    log_score,
    sharpness,
)

probs = st.floats(0.0, 1.0, allow_nan=False)
values = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def binary_cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 40))
    p = np.array(draw(st.lists(probs, min_size=n, max_size=n)))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), dtype=float)
    return p, y


# -- hand-computed cases -------------------------------------------------------------------


def test_brier_and_log_by_hand():
    p, y = [0.9, 0.2, 0.6], [1, 0, 0]
    # (0.1² + 0.2² + 0.6²) / 3 = 0.41 / 3
    assert brier_score(p, y) == pytest.approx(0.41 / 3)
    # −(ln 0.9 + ln 0.8 + ln 0.4) / 3
    assert log_score(p, y) == pytest.approx(-(math.log(0.9) + math.log(0.8) + math.log(0.4)) / 3)
    assert brier_score([True, False], [True, False]) == 0.0


def test_log_score_clips_certain_misses():
    assert log_score([1.0], [0]) == pytest.approx(-math.log(1e-12))
    assert log_score([0.0], [1], eps=1e-3) == pytest.approx(-math.log(1e-3))
    assert log_score([1.0, 0.0], [1, 0]) == pytest.approx(-math.log(1 - 1e-12))


def test_decomposition_by_hand():
    # bins [0, .5) and [.5, 1]: {0.1, 0.3} mean 0.2, frequency 1/2; {0.6, 0.8} mean 0.7, frequency 1; base rate 3/4
    d = brier_decomposition([0.1, 0.3, 0.6, 0.8], [0, 1, 1, 1], bins=2)
    assert d.reliability == pytest.approx((2 * 0.3**2 + 2 * 0.3**2) / 4)  # 0.09
    assert d.resolution == pytest.approx((2 * 0.25**2 + 2 * 0.25**2) / 4)  # 0.0625
    assert d.uncertainty == pytest.approx(0.75 * 0.25)  # 0.1875
    assert d.binned_brier == pytest.approx((0.2**2 + 0.8**2 + 2 * 0.3**2) / 4)  # 0.215
    assert d.binned_brier == pytest.approx(d.reliability - d.resolution + d.uncertainty)
    assert d.brier == pytest.approx((0.01 + 0.49 + 0.16 + 0.04) / 4)  # 0.175


def test_calibration_table_by_hand():
    t = calibration_table([0.3, 0.7, 0.1, 1.0, 0.0, 0.75], [1, 0, 0, 1, 0, 1], bins=[0.0, 0.3, 0.7, 1.0])
    np.testing.assert_array_equal(t.count, [2, 1, 3])  # 0.3 opens the middle bin; 1.0 closes the last
    np.testing.assert_allclose(t.mean_forecast, [0.05, 0.3, (0.7 + 1.0 + 0.75) / 3])
    np.testing.assert_allclose(t.observed_frequency, [0.0, 1.0, 2 / 3])
    empty = calibration_table([0.3], [1], bins=10)
    assert empty.count[3] == 1 and empty.count.sum() == 1  # 0.3 is on the edge of [0.3, 0.4)
    assert np.isnan(empty.mean_forecast[0]) and np.isnan(empty.observed_frequency[0])


def test_sharpness_by_hand():
    assert sharpness([0.0, 1.0]) == 0.0
    assert sharpness([0.5, 0.5]) == 0.25
    assert sharpness([0.8, 0.3]) == pytest.approx((0.16 + 0.21) / 2)


def test_crps_samples_by_hand():
    # E|X − 2| = 2/3, E|X − X'| = 8/9 over the 9 ordered pairs of {1, 2, 3}: 2/3 − 4/9
    assert crps_samples([1.0, 2.0, 3.0], 2.0) == pytest.approx(2 / 9)
    assert crps_samples([1.0, 2.0, 3.0], 0.0) == pytest.approx(2 - 4 / 9)
    assert crps_samples([[4.0]], [1.5]) == pytest.approx(2.5)  # a point forecast: the absolute error
    assert crps_samples([[1.0, 2.0, 3.0], [4.0, 4.0, 4.0]], [2.0, 1.5]) == pytest.approx((2 / 9 + 2.5) / 2)


def test_crps_quantiles_by_hand():
    # midpoint levels: the CRPS of the sample {1, 3}: E|X − 2| − ½ E|X − X'| = 1 − ½
    assert crps_quantiles([1.0, 3.0], [0.25, 0.75], 2.0) == pytest.approx(0.5)
    # levels 0.1, 0.5, 0.9: cells [0, .3], [.3, .7], [.7, 1], i.e. mass .3, .4, .3 at 0, 1, 2;
    # E|X − 1| − ½ E|X − X'| = 0.6 − 0.42
    assert crps_quantiles([0.0, 1.0, 2.0], [0.1, 0.5, 0.9], 1.0) == pytest.approx(0.18)


def test_crps_of_a_normal_matches_its_closed_form():
    # Gneiting, Raftery, Westveld & Goldman (2005), eq. 5: CRPS(N(μ, σ²), y) = σ[z(2Φ(z) − 1) + 2φ(z) − 1/√π]
    mu, sigma, y = 1.0, 2.0, 2.3
    z = (y - mu) / sigma
    exact = sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / math.sqrt(math.pi))
    k = 4000
    levels = (np.arange(1, k + 1) - 0.5) / k
    assert crps_quantiles(stats.norm.ppf(levels, mu, sigma), levels, y) == pytest.approx(exact, rel=1e-3)


def test_interval_score_by_hand():
    # a 90% interval [2, 5]: width 3, plus 2/0.1 times the miss
    assert interval_score(2.0, 5.0, 3.0, alpha=0.1) == pytest.approx(3.0)
    assert interval_score(2.0, 5.0, 7.0, alpha=0.1) == pytest.approx(3.0 + 20.0 * 2.0)
    assert interval_score(2.0, 5.0, 1.0, alpha=0.1) == pytest.approx(3.0 + 20.0 * 1.0)
    assert interval_score([2.0] * 3, [5.0] * 3, [3.0, 7.0, 1.0], alpha=0.1) == pytest.approx(23.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: brier_score([1.2], [1]), "probabilities must be in [0, 1]"),
        (lambda: brier_score([0.2], [2]), "outcomes must be 0 or 1"),
        (lambda: brier_score([0.2, 0.3], [1]), "p and y differ in size: 2 and 1"),
        (lambda: brier_score([], []), "p is empty"),
        (lambda: log_score([0.5], [1], eps=0.0), "eps must be in (0, 0.5), got 0.0"),
        (lambda: calibration_table([0.5], [1], bins=[0.0, 0.6, 0.5, 1.0]), "bin edges must increase strictly"),
        (lambda: crps_quantiles([2.0, 1.0], [0.25, 0.75], 0.0), "quantiles must be non-decreasing"),
        (lambda: crps_quantiles([1.0, 2.0], [0.0, 0.75], 0.0), "levels must increase strictly inside (0, 1)"),
        (lambda: interval_score(5.0, 2.0, 3.0, alpha=0.1), "every interval needs lower <= upper"),
        (lambda: interval_score(2.0, 5.0, 3.0, alpha=1.0), "alpha must be in (0, 1), got 1.0"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)


# -- properties ----------------------------------------------------------------------------


@given(binary_cases(), st.integers(1, 12))
def test_decomposition_identity(case, bins):
    p, y = case
    d = brier_decomposition(p, y, bins)
    assert d.reliability - d.resolution + d.uncertainty == pytest.approx(d.binned_brier, abs=1e-12)
    assert d.brier == pytest.approx(brier_score(p, y))
    assert d.reliability >= 0 and d.resolution >= 0 and 0 <= d.uncertainty <= 0.25


@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 1)), min_size=1, max_size=40))
def test_decomposition_is_exact_when_each_bin_holds_one_value(cases):
    p = np.array([(k + 0.5) / 10 for k, _ in cases])
    y = np.array([o for _, o in cases], dtype=float)
    d = brier_decomposition(p, y, bins=10)
    assert d.binned_brier == pytest.approx(d.brier, abs=1e-12)


@given(binary_cases(), st.integers(1, 12))
def test_calibration_table_accounts_for_every_forecast(case, bins):
    p, y = case
    t = calibration_table(p, y, bins)
    full = t.count > 0
    assert t.count.sum() == p.size
    assert np.sum(t.count[full] * t.mean_forecast[full]) == pytest.approx(p.sum())
    assert np.sum(t.count[full] * t.observed_frequency[full]) == pytest.approx(y.sum())
    assert np.all((t.mean_forecast[full] >= t.edges[:-1][full]) & (t.mean_forecast[full] <= t.edges[1:][full]))


@given(probs)
def test_brier_and_log_are_proper(q):
    # the expected score under the true probability q is smallest at p = q (Gneiting & Raftery 2007, Section 2)
    grid = np.linspace(0.0, 1.0, 201)
    expected_brier = q * (1 - grid) ** 2 + (1 - q) * grid**2
    assert abs(grid[np.argmin(expected_brier)] - q) <= 0.005 + 1e-12
    inner = np.clip(grid, 1e-12, 1 - 1e-12)
    expected_log = -(q * np.log(inner) + (1 - q) * np.log(1 - inner))
    assert abs(grid[np.argmin(expected_log)] - q) <= 0.005 + 1e-12


@given(binary_cases())
def test_log_score_bounds(case):
    p, y = case
    assert 0.0 <= log_score(p, y) <= -math.log(1e-12) + 1e-9


def _crps_reference(x: list[float], y: float) -> float:
    """E|X − y| − ½ E|X − X'| by explicit loops over the sample."""
    m = len(x)
    first = sum(abs(a - y) for a in x) / m
    second = sum(abs(a - b) for a in x for b in x) / m**2
    return first - second / 2


@given(st.lists(values, min_size=1, max_size=25), values)
def test_crps_samples_matches_the_loop_reference(x, y):
    got = crps_samples(x, y)
    assert got == pytest.approx(_crps_reference(x, y), rel=1e-9, abs=1e-9)
    assert got >= -1e-9


@given(st.lists(values, min_size=1, max_size=25), values)
def test_crps_quantiles_at_midpoint_levels_is_the_sample_crps(x, y):
    q = np.sort(x)
    levels = (np.arange(1, q.size + 1) - 0.5) / q.size
    assert crps_quantiles(q, levels, y) == pytest.approx(crps_samples(q, y), rel=1e-9, abs=1e-9)


@given(values, st.floats(0.0, 1e3), values, st.floats(0.01, 0.99))
def test_interval_score_is_the_width_plus_a_penalty_for_misses(lower, width, y, alpha):
    upper = lower + width
    score = interval_score(lower, upper, y, alpha)
    assert score >= upper - lower
    if lower <= y <= upper:
        assert score == upper - lower
    else:  # missing by d costs 2d/alpha more than missing by d/2
        half = interval_score(lower, upper, (y + (lower if y < lower else upper)) / 2, alpha)
        assert score - (upper - lower) == pytest.approx(2 * (half - (upper - lower)), rel=1e-6, abs=1e-6)
