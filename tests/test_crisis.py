"""Tests of the crisis-bargaining engine (Fearon 1995; Powell 1999, 2006).

Known answers are worked by hand in the docstrings; the vectorised kernels are
checked against plain per-draw loops written here (scipy's own bounded scalar
minimiser, scipy.integrate.quad, backward induction), not against themselves.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import integrate, optimize, stats

from standoff.engines.crisis import (
    ScreeningOutcome,
    SequentialDemands,
    ShiftingPower,
    UniformCost,
    demand_path,
    proposer_utility,
    screening_numeric,
    screening_uniform,
    sequential_demands,
    shifting_power,
)

FIELDS = (
    "demand",
    "cost_cutoff",
    "war_probability",
    "expected_share",
    "proposer_utility",
    "receiver_utility",
    "expected_war_cost",
)

unit = st.floats(0.0, 1.0, allow_nan=False)
small_cost = st.floats(0.0, 0.5, allow_nan=False)
SETTINGS = settings(max_examples=60, deadline=None)


def _scalar(outcome: ScreeningOutcome, name: str) -> float:
    value = getattr(outcome, name)
    assert value.shape == (1,)
    return float(value[0])


# --------------------------------------------------------------------------- #
# Screening: closed form
# --------------------------------------------------------------------------- #


def test_closed_form_interior_hand_computed():
    """p = 0.5, c_P = 0.1, c_R ~ U[0, 0.4].

    (b - a) dU/dy = b - c_P - 2y = 0.4 - 0.1 - 2y -> y* = 0.15, x* = 0.65.
    Check: U(y) = (0.5 + y)(0.4 - y)/0.4 + 0.4 y/0.4;
      U(0.10) = 0.6*0.3/0.4 + 0.10 = 0.55,
      U(0.15) = 0.65*0.25/0.4 + 0.15 = 0.55625,
      U(0.25) = 0.75*0.15/0.4 + 0.25 = 0.53125   (the "+c_P" formula's point).
    q = 0.15/0.4 = 0.375.
    U_P = 0.65 * 0.625 + 0.4 * 0.375 = 0.40625 + 0.15 = 0.55625.
    E[c 1{c < 0.15}] = 0.375 * (0 + 0.15)/2 = 0.028125.
    U_R = 0.625 * 0.35 + 0.375 * 0.5 - 0.028125 = 0.378125.
    Expected war cost = 0.375 * 0.1 + 0.028125 = 0.065625 = 1 - U_P - U_R.
    Expected share = 0.625 * 0.65 + 0.375 * 0.5 = 0.59375.
    """
    out = screening_uniform(0.5, 0.1, 0.0, 0.4)
    expected = {
        "demand": 0.65,
        "cost_cutoff": 0.15,
        "war_probability": 0.375,
        "proposer_utility": 0.55625,
        "receiver_utility": 0.378125,
        "expected_war_cost": 0.065625,
        "expected_share": 0.59375,
    }
    for name, value in expected.items():
        assert _scalar(out, name) == pytest.approx(value, abs=1e-14), name


def test_closed_form_corners_hand_computed():
    """Safe demand: p = 0.5, c_P = 0.1, c_R ~ U[0.3, 0.4]: (0.4 - 0.1)/2 = 0.15 < 0.3,
    so y* = 0.3, x* = 0.8, q = 0, U_P = 0.8, U_R = 0.2.

    Whole good: p = 0.8, c_P = 0, c_R ~ U[0, 0.6]: y = 0.3 would ask 1.1, so
    x* = 1, y* = 0.2, q = 1/3; U_P = 2/3 + 0.8/3 = 14/15;
    E[c 1{c < 0.2}] = (1/3)(0.1) = 1/30; U_R = 0 + (1/3)(0.2) - 1/30 = 1/30.
    """
    safe = screening_uniform(0.5, 0.1, 0.3, 0.4)
    assert _scalar(safe, "demand") == pytest.approx(0.8)
    assert _scalar(safe, "war_probability") == 0.0
    assert _scalar(safe, "proposer_utility") == pytest.approx(0.8)
    assert _scalar(safe, "receiver_utility") == pytest.approx(0.2)

    capped = screening_uniform(0.8, 0.0, 0.0, 0.6)
    assert _scalar(capped, "demand") == 1.0
    assert _scalar(capped, "war_probability") == pytest.approx(1 / 3)
    assert _scalar(capped, "proposer_utility") == pytest.approx(14 / 15)
    assert _scalar(capped, "receiver_utility") == pytest.approx(1 / 30)


@SETTINGS
@given(p=unit, c_p=small_cost, lo=small_cost, width=st.floats(0.01, 0.5))
def test_closed_form_is_the_maximiser_on_a_dense_grid(p, c_p, lo, width):
    """No demand on a fine grid over [0, 1] beats the closed form."""
    hi = lo + width
    out = screening_uniform(p, c_p, lo, hi)
    grid = np.linspace(0.0, 1.0, 20001)[None, :]
    u_grid = proposer_utility(grid, p, c_p, UniformCost(lo, hi))
    assert _scalar(out, "proposer_utility") >= u_grid.max() - 1e-12
    x = _scalar(out, "demand")
    assert 0.0 <= x <= 1.0
    assert proposer_utility(np.array([x]), p, c_p, UniformCost(lo, hi))[0] == pytest.approx(
        _scalar(out, "proposer_utility"), abs=1e-14
    )


@SETTINGS
@given(p=unit, c_p=small_cost, lo=st.floats(-0.3, 0.5), width=st.floats(0.01, 0.5))
def test_receiver_utility_matches_direct_integration(p, c_p, lo, width):
    """U_R = ∫ max(1 - x, 1 - p - c) dF(c) by quad, and U_P + U_R = 1 - war cost."""
    hi = lo + width
    out = screening_uniform(p, c_p, lo, hi)
    x = _scalar(out, "demand")
    y = x - p
    pts = [y] if lo < y < hi else None
    direct, _ = integrate.quad(lambda c: (1 - p - c if c < y else 1 - x) / width, lo, hi, points=pts)
    assert _scalar(out, "receiver_utility") == pytest.approx(direct, abs=1e-10)
    total = _scalar(out, "proposer_utility") + _scalar(out, "receiver_utility")
    assert total == pytest.approx(1.0 - _scalar(out, "expected_war_cost"), abs=1e-14)


@SETTINGS
@given(p=unit, c_p=small_cost, c=small_cost)
def test_full_information_gives_no_war(p, c_p, c):
    """c_lo == c_hi == c: the proposer demands p + c (at most 1), never war.

    The numerical solver is checked when war is costly at all (c_P + c > 0);
    with c_P = c = 0 the proposer is indifferent between the deal and war.
    """
    out = screening_uniform(p, c_p, c, c)
    assert _scalar(out, "war_probability") == 0.0
    assert _scalar(out, "demand") == pytest.approx(min(1.0, p + c), abs=1e-15)
    assert _scalar(out, "expected_war_cost") == 0.0
    assume(c_p + c > 1e-6)
    num = screening_numeric(p, c_p, UniformCost(c, c))
    assert _scalar(num, "war_probability") == 0.0
    assert _scalar(num, "demand") == pytest.approx(min(1.0, p + c), abs=1e-9)


def test_war_loving_receiver_under_full_information_fights():
    """c < -p: the receiver prefers war to the whole good, so even x = 0 is refused."""
    out = screening_uniform(0.2, 0.1, -0.5, -0.5)
    assert _scalar(out, "demand") == 0.0
    assert _scalar(out, "war_probability") == 1.0


# --------------------------------------------------------------------------- #
# Screening: numerical solver
# --------------------------------------------------------------------------- #

draw_params = st.lists(st.tuples(unit, small_cost, small_cost, st.floats(0.05, 0.5)), min_size=1, max_size=6)


@SETTINGS
@given(rows=draw_params)
def test_numeric_matches_closed_form_for_uniform(rows):
    p, c_p, lo, width = (np.array(col) for col in zip(*rows, strict=True))
    hi = lo + width
    closed = screening_uniform(p, c_p, lo, hi)
    num = screening_numeric(p, c_p, stats.uniform(loc=lo, scale=width))
    np.testing.assert_allclose(num.proposer_utility, closed.proposer_utility, rtol=0, atol=1e-13)
    np.testing.assert_allclose(num.demand, closed.demand, rtol=0, atol=1e-7)
    np.testing.assert_allclose(num.war_probability, closed.war_probability, rtol=0, atol=2e-6)
    np.testing.assert_allclose(num.receiver_utility, closed.receiver_utility, rtol=0, atol=1e-7)
    np.testing.assert_allclose(num.expected_war_cost, closed.expected_war_cost, rtol=0, atol=1e-7)


def _reference_numeric(p: float, c_p: float, dist) -> tuple[float, float]:
    """Per-draw reference: coarse grid, then scipy's bounded scalar minimiser."""

    def neg_u(x: float) -> float:
        q = float(dist.cdf(x - p))
        return -(x * (1 - q) + (p - c_p) * q)

    grid = np.linspace(0.0, 1.0, 401)
    i = int(np.argmin([neg_u(x) for x in grid]))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    res = optimize.minimize_scalar(neg_u, bounds=(lo, hi), method="bounded", options={"xatol": 1e-10})
    return float(res.x), -float(res.fun)


@pytest.mark.parametrize(
    "make",
    [
        lambda: stats.norm(loc=[0.2, 0.1, 0.35], scale=[0.1, 0.05, 0.2]),
        lambda: stats.gamma(a=[2.0, 5.0, 1.5], scale=[0.05, 0.02, 0.2]),
        lambda: stats.beta(a=[2.0, 0.7, 3.0], b=[5.0, 0.7, 2.0]),
    ],
    ids=["normal", "gamma", "beta"],
)
def test_numeric_matches_scipy_bounded_per_draw(make):
    dist = make()
    p = np.array([0.5, 0.3, 0.7])
    c_p = np.array([0.1, 0.05, 0.2])
    out = screening_numeric(p, c_p, dist)
    for i in range(3):
        one = dist.dist(
            *[np.asarray(a)[i] for a in dist.args],
            **{k: np.asarray(v)[i] for k, v in dist.kwds.items()},
        )
        x_ref, u_ref = _reference_numeric(float(p[i]), float(c_p[i]), one)
        assert out.proposer_utility[i] >= u_ref - 1e-12
        assert out.demand[i] == pytest.approx(x_ref, abs=1e-5)
        # receiver utility: integrate max(1 - x, 1 - p - c) over the cost directly
        x, y = out.demand[i], out.demand[i] - p[i]
        lo, hi = one.ppf(1e-14), one.ppf(1 - 1e-14)
        direct, _ = integrate.quad(
            lambda c, x=x, p_i=p[i], one=one: max(1 - x, 1 - p_i - c) * one.pdf(c),
            lo,
            hi,
            points=[y] if lo < y < hi else None,
            limit=200,
        )
        assert out.receiver_utility[i] == pytest.approx(direct, abs=1e-7)


def test_numeric_finds_the_global_optimum_of_a_bimodal_cost():
    """Two cost clusters make U_P bimodal; the grid start must pick the higher hump.

    c_R = 0.05 + N(0, 0.01) w.p. 0.5, or 0.45 + N(0, 0.01) w.p. 0.5 (a mixture
    written as a small class with a vectorised cdf); p = 0.3, c_P = 0.1.
    Near y = 0.05 the proposer gets about 0.35; demanding y ≈ 0.45 it gets
    ≈ 0.5 * 0.75 + 0.5 * 0.2 = 0.475. The global optimum is the high demand.
    """

    class Mixture:
        def cdf(self, y):
            return 0.5 * stats.norm.cdf(y, 0.05, 0.01) + 0.5 * stats.norm.cdf(y, 0.45, 0.01)

        def pdf(self, y):
            return 0.5 * stats.norm.pdf(y, 0.05, 0.01) + 0.5 * stats.norm.pdf(y, 0.45, 0.01)

        def ppf(self, q):
            return np.full(np.shape(q), 0.05 - 0.08)

    out = screening_numeric(0.3, 0.1, Mixture())
    assert 0.3 + 0.40 < out.demand[0] < 0.3 + 0.45
    grid = np.linspace(0, 1, 100001)[None, :]
    assert out.proposer_utility[0] >= proposer_utility(grid, 0.3, 0.1, Mixture()).max() - 1e-12


# --------------------------------------------------------------------------- #
# Screening: comparative statics
# --------------------------------------------------------------------------- #


@SETTINGS
@given(p=unit, c_p=small_cost, lo=small_cost, width=st.floats(0.0, 0.5), shift=st.floats(1e-3, 0.3))
def test_higher_receiver_cost_raises_the_demand(p, c_p, lo, width, shift):
    """Shifting the receiver's cost interval up raises x* (strictly unless x* = 1)."""
    base = _scalar(screening_uniform(p, c_p, lo, lo + width), "demand")
    higher = _scalar(screening_uniform(p, c_p, lo + shift, lo + width + shift), "demand")
    if base < 1.0:
        assert higher > base
    else:
        assert higher == 1.0


@SETTINGS
@given(p=unit, c_p=small_cost, lo=small_cost, width=st.floats(0.0, 0.5), extra=st.floats(1e-3, 0.3))
def test_higher_proposer_cost_lowers_the_demand(p, c_p, lo, width, extra):
    """dx*/dc_P = -1/2 in the interior: the sign is minus, not plus."""
    base = _scalar(screening_uniform(p, c_p, lo, lo + width), "demand")
    costlier = _scalar(screening_uniform(p, c_p + extra, lo, lo + width), "demand")
    assert costlier <= base


@SETTINGS
@given(
    m=st.floats(0.05, 0.4),
    c_frac=st.floats(0.0, 0.9),
    p=st.floats(0.0, 0.6),
    u1=st.floats(0.0, 1.0),
    u2=st.floats(0.0, 1.0),
)
def test_more_uncertainty_raises_war_risk_at_an_interior_optimum(m, c_frac, p, u1, u2):
    """Mean m, half-width h: c_lo = m - h, c_hi = m + h (c_lo >= 0 needs h <= m).

    Interior optimum y* = (m + h - c_P)/2 needs y* >= c_lo, i.e.
    h >= h0 = (m + c_P)/3, and x* = p + y* <= 1. There
    q = (y* - c_lo)/(2h) = 3/4 - (m + c_P)/(4h), strictly increasing in h when
    m + c_P > 0. Here c_P = c_frac * 2m < 2m so h0 < m, and p <= 0.6 with
    m <= 0.4 keeps x* <= 0.6 + 0.4 = 1.
    """
    c_p = c_frac * 2 * m
    h0 = (m + c_p) / 3
    h1, h2 = sorted((h0 + (m - h0) * u1, h0 + (m - h0) * u2))
    assume(h2 - h1 > 1e-6)
    q1 = _scalar(screening_uniform(p, c_p, m - h1, m + h1), "war_probability")
    q2 = _scalar(screening_uniform(p, c_p, m - h2, m + h2), "war_probability")
    assert q1 == pytest.approx(0.75 - (m + c_p) / (4 * h1), abs=1e-12)
    assert q2 == pytest.approx(0.75 - (m + c_p) / (4 * h2), abs=1e-12)
    assert q2 > q1


@SETTINGS
@given(m=st.floats(0.05, 0.4), c_p=small_cost, p=unit, u=st.floats(0.0, 1.0))
def test_little_uncertainty_gives_no_war(m, c_p, p, u):
    """h <= (m + c_P)/3: the safe demand p + c_lo is optimal and q = 0."""
    h = min(m, (m + c_p) / 3) * u
    q = _scalar(screening_uniform(p, c_p, m - h, m + h), "war_probability")
    assert q == pytest.approx(0.0, abs=1e-12)  # exactly 0 inside, rounding at h = h0


@SETTINGS
@given(
    m=st.floats(0.0, 0.6),
    c_p=small_cost,
    p=unit,
    u1=st.floats(0.0, 1.0),
    u2=st.floats(0.0, 1.0),
)
def test_spread_weakly_raises_war_risk_with_non_negative_costs(m, c_p, p, u1, u2):
    """With c_lo >= 0, any mean-preserving widening weakly raises q (all regimes)."""
    h1, h2 = sorted((m * u1, m * u2))
    q1 = _scalar(screening_uniform(p, c_p, m - h1, m + h1), "war_probability")
    q2 = _scalar(screening_uniform(p, c_p, m - h2, m + h2), "war_probability")
    assert q2 >= q1 - 1e-12


def test_spread_can_lower_war_risk_when_the_cap_binds_with_war_loving_types():
    """Theory's exception: x* = 1 binds and m < 1 - p (needs c_lo < 0).

    Capped, q = (1 - p - c_lo)/(2h) = 1/2 + (1 - p - m)/(2h), falling in h.
    p = 0.9, m = 0.02, c_P = 0: h = 0.2 -> q = 0.5 + 0.08/0.4 = 0.7;
    h = 0.4 -> q = 0.5 + 0.08/0.8 = 0.6.
    """
    q1 = _scalar(screening_uniform(0.9, 0.0, 0.02 - 0.2, 0.02 + 0.2), "war_probability")
    q2 = _scalar(screening_uniform(0.9, 0.0, 0.02 - 0.4, 0.02 + 0.4), "war_probability")
    assert q1 == pytest.approx(0.7)
    assert q2 == pytest.approx(0.6)


# --------------------------------------------------------------------------- #
# Vectorised over draws equals a per-draw loop
# --------------------------------------------------------------------------- #


@SETTINGS
@given(rows=draw_params)
def test_screening_uniform_vectorised_equals_loop(rows):
    p, c_p, lo, width = (np.array(col) for col in zip(*rows, strict=True))
    batch = screening_uniform(p, c_p, lo, lo + width)
    for i in range(len(p)):
        one = screening_uniform(p[i], c_p[i], lo[i], lo[i] + width[i])
        for name in FIELDS:
            assert getattr(batch, name)[i] == getattr(one, name)[0], name


def test_screening_numeric_vectorised_equals_loop():
    p = np.array([0.2, 0.5, 0.8, 0.4])
    c_p = np.array([0.05, 0.1, 0.0, 0.3])
    loc = np.array([0.1, 0.2, 0.15, 0.05])
    scale = np.array([0.05, 0.1, 0.2, 0.02])
    batch = screening_numeric(p, c_p, stats.norm(loc=loc, scale=scale))
    for i in range(4):
        one = screening_numeric(p[i], c_p[i], stats.norm(loc=loc[i], scale=scale[i]))
        for name in FIELDS:
            assert getattr(batch, name)[i] == pytest.approx(getattr(one, name)[0], abs=1e-12), name


def test_inputs_are_not_mutated_and_scalars_broadcast():
    p = np.array([0.3, 0.6])
    keep = p.copy()
    out = screening_uniform(p, 0.1, 0.0, 0.4)
    assert out.demand.shape == (2,)
    np.testing.assert_array_equal(p, keep)


def test_invalid_inputs_raise():
    with pytest.raises(ValueError):
        screening_uniform(1.2, 0.1, 0.0, 0.4)
    with pytest.raises(ValueError):
        screening_uniform(0.5, 0.1, 0.4, 0.0)
    with pytest.raises(ValueError):
        shifting_power([0.2, 0.3], 1.0, 0.1, 0.1)
    with pytest.raises(ValueError):
        shifting_power([0.2, 0.3], 0.9, 0.1, 0.1, bound="other")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        sequential_demands([0.5, 0.6], [0.4, 0.4, 0.4], 0.1, UniformCost(0, 1), 0.9, 0.9)


# --------------------------------------------------------------------------- #
# Shifting power
# --------------------------------------------------------------------------- #

PATH = [0.30, 0.30, 0.35, 0.45, 0.50, 0.50]


def test_shifting_power_window_hand_computed_surplus():
    """p = (.30, .30, .35, .45, .50, .50), δ = 0.9, c_R = c_D = 0.1 ("surplus").

    δ Δp = 0.9 * (0, .05, .10, .05, 0) = (0, .045, .09, .045, 0);
    (1 - δ)(c_R + c_D) = 0.1 * 0.2 = 0.02;
    m = (-.02, .025, .07, .025, -.02): window months 1..3, peak in month 2.
    Delay: the rising side's war value gains p_k - p_0 = (0, 0, .05, .15, .2, .2).
    """
    out = shifting_power(PATH, 0.9, 0.1, 0.1)
    assert isinstance(out, ShiftingPower)
    np.testing.assert_allclose(out.motive[0], [-0.02, 0.025, 0.07, 0.025, -0.02], atol=1e-15)
    np.testing.assert_array_equal(out.window[0], [False, True, True, True, False])
    assert (out.first_month[0], out.last_month[0], out.peak_month[0]) == (1, 3, 2)
    assert out.peak_motive[0] == pytest.approx(0.07)
    np.testing.assert_allclose(out.delay_value_rising[0], [0, 0, 0.05, 0.15, 0.2, 0.2], atol=1e-15)
    np.testing.assert_allclose(out.delay_value_declining[0], -out.delay_value_rising[0])
    np.testing.assert_allclose(out.war_value_declining[0], [0.6, 0.6, 0.55, 0.45, 0.4, 0.4])


def test_shifting_power_window_hand_computed_flow():
    """Same path, "flow" bound: capacity (1 - δ)(p_t + c_D) = 0.1 * (.4, .4, .45, .55, .6)
    = (.04, .04, .045, .055, .06); m = (-.04, .005, .045, -.01, -.06):
    window months 1..2, peak in month 2.
    """
    out = shifting_power(PATH, 0.9, 0.1, 0.1, bound="flow")
    np.testing.assert_allclose(out.motive[0], [-0.04, 0.005, 0.045, -0.01, -0.06], atol=1e-15)
    assert (out.first_month[0], out.last_month[0], out.peak_month[0]) == (1, 2, 2)


def test_flow_motive_is_the_exact_per_period_bound():
    """ "flow": m_t = w_D(t) - [(1 - δ) * 1 + δ w_D(t+1)] computed from war values."""
    out = shifting_power(PATH, 0.9, 0.1, 0.1, bound="flow")
    w = out.war_value_declining[0]
    np.testing.assert_allclose(out.motive[0], w[:-1] - (0.1 + 0.9 * w[1:]), atol=1e-15)


def test_no_shift_no_motive():
    out = shifting_power(np.full((3, 7), 0.4), [0.5, 0.9, 0.99], 0.05, 0.05)
    assert not out.window.any()
    np.testing.assert_array_equal(out.first_month, -1)
    np.testing.assert_array_equal(out.peak_month, -1)


def _shifting_loop(path, delta, c_r, c_d, bound):
    motive = []
    for t in range(len(path) - 1):
        w_now = 1 - path[t] - c_d
        w_next = 1 - path[t + 1] - c_d
        give = 1.0 if bound == "flow" else 1 - (path[t] - c_r)
        motive.append(w_now - ((1 - delta) * give + delta * w_next))
    return motive


@SETTINGS
@given(
    rows=st.lists(
        st.tuples(
            st.lists(unit, min_size=6, max_size=6),
            st.floats(0.5, 0.999),
            small_cost,
            small_cost,
        ),
        min_size=1,
        max_size=5,
    ),
    bound=st.sampled_from(["surplus", "flow"]),
)
def test_shifting_power_vectorised_equals_loop(rows, bound):
    paths = np.array([r[0] for r in rows])
    delta, c_r, c_d = (np.array([r[i] for r in rows]) for i in (1, 2, 3))
    out = shifting_power(paths, delta, c_r, c_d, bound=bound)
    for i in range(len(rows)):
        ref = _shifting_loop(paths[i], delta[i], c_r[i], c_d[i], bound)
        np.testing.assert_allclose(out.motive[i], ref, atol=1e-12)
        pos = [t for t, m in enumerate(out.motive[i]) if m > 0]
        assert out.first_month[i] == (pos[0] if pos else -1)
        assert out.last_month[i] == (pos[-1] if pos else -1)


# --------------------------------------------------------------------------- #
# Sequential demands ("one more thing")
# --------------------------------------------------------------------------- #


def test_one_more_thing_hand_computed_round():
    """d_k = 0.5 + 0.1 k for k = 0..4, p = 0.4, δ_C = δ_D = 0.5, c_P = 0.1.

    With constant p, fighting in k beats fighting in k + 1 iff
    (1 - δ)(1 - p - c) > (1 - δ)(1 - d_k), i.e. c < d_k - p; so T_k = d_k - p =
    (.1, .2, .3, .4, .5). A receiver with c = 0.25 fights in round 2.
    Its value: 0.5 (0.5 + 0.5 * 0.4) + 0.25 (0.6 - 0.25) = 0.35 + 0.0875 = 0.4375.
    Proposer: 0.5 (0.5 + 0.5 * 0.6) + 0.25 (0.4 - 0.1) = 0.4 + 0.075 = 0.475.
    A receiver with c = 0.6 never fights: proposer
    0.5 (0.5 + 0.3 + 0.175 + 0.1) + 0.0625 * 0.9 = 0.59375, receiver
    0.5 (0.5 + 0.2 + 0.075 + 0.025) + 0.0625 * 0.1 = 0.40625.
    Under c ~ U[0, 0.6]: P(war by round k) = T_k / 0.6 = (1/6, 2/6, ..., 5/6).
    """
    d = demand_path(0.5, 0.1, 4)
    np.testing.assert_allclose(d[0], [0.5, 0.6, 0.7, 0.8, 0.9])
    out = sequential_demands(d, 0.4, 0.1, UniformCost(0.0, 0.6), 0.5, 0.5)
    assert isinstance(out, SequentialDemands)
    np.testing.assert_allclose(out.threshold[0], [0.1, 0.2, 0.3, 0.4, 0.5], atol=1e-14)
    np.testing.assert_allclose(out.threshold, out.myopic_threshold, atol=1e-14)
    np.testing.assert_allclose(out.war_by_round[0], np.arange(1, 6) / 6, atol=1e-14)
    np.testing.assert_allclose(out.war_at_round[0], np.full(5, 1 / 6), atol=1e-14)
    assert out.peace_probability[0] == pytest.approx(1 / 6)
    assert out.fight_round(0.25)[0] == 2
    assert out.receiver_value(0.25)[0] == pytest.approx(0.4375)
    assert out.proposer_value(0.25)[0] == pytest.approx(0.475)
    assert out.fight_round(0.6)[0] == -1
    assert out.proposer_deal_value[0] == pytest.approx(0.59375)
    assert out.receiver_value(0.6)[0] == pytest.approx(0.40625)

    known = sequential_demands(d, 0.4, 0.1, UniformCost(0.25, 0.25), 0.5, 0.5)
    np.testing.assert_allclose(known.war_at_round[0], [0, 0, 1, 0, 0])
    assert known.expected_receiver_value[0] == pytest.approx(0.4375)
    assert known.expected_proposer_value[0] == pytest.approx(0.475)


def test_rising_power_during_talks_brings_war_forward():
    """The proposer grows stronger while talking: p = (.3, .5, .5, .5),
    d = (.35, .45, .5, .55), δ_D = 0.5.

    Myopic thresholds max_{j<=k}(d_j - p_j) = (.05, .05, .05, .05).
    Forward-looking: 1 - d = (.65, .55, .5, .45), 1 - p = (.7, .5, .5, .5).
      A_0 = .7;  A_1 = .5*.65 + .5*.5 = .575;
      A_2 = .325 + .25*.55 + .25*.5 = .5875;  A_3 = .325 + .1375 + .0625 + .125*.5 = .5875;
      A_∞ = .325 + .1375 + .0625 + .125*.45 = .58125.
    T_0 = min_j (A_0 - A_j)/(1 - δ^j) = min(.125/.5, .1125/.75, .1125/.875, .11875/1)
        = min(.25, .15, .128571.., .11875) = .11875.
    A receiver with c = 0.1 fights at once (the myopic one never fights):
    V_0 = .6 > A_∞ = .58125. Under c ~ U[0, 0.5], P(war in round 0) = .2375.
    """
    out = sequential_demands([0.35, 0.45, 0.5, 0.55], [0.3, 0.5, 0.5, 0.5], 0.1, UniformCost(0.0, 0.5), 0.5, 0.5)
    np.testing.assert_allclose(out.receiver_war_base[0], [0.7, 0.575, 0.5875, 0.5875], atol=1e-14)
    assert out.receiver_deal_value[0] == pytest.approx(0.58125)
    assert out.threshold[0, 0] == pytest.approx(0.11875, abs=1e-14)
    np.testing.assert_allclose(out.myopic_threshold[0], 0.05, atol=1e-14)
    assert out.fight_round(0.1)[0] == 0
    assert out.myopic_fight_round(0.1)[0] == -1
    assert out.receiver_value(0.1)[0] == pytest.approx(0.6)
    assert out.war_at_round[0, 0] == pytest.approx(0.2375)


def _backward_induction(d, p, c, delta):
    """Plain loop: the receiver's optimal stopping by backward induction."""
    k_last = len(d) - 1
    value = max(1 - p[k_last] - c, 1 - d[k_last])
    fight = [1 - p[k_last] - c > 1 - d[k_last]]
    for k in range(k_last - 1, -1, -1):
        cont = (1 - delta) * (1 - d[k]) + delta * value
        war = 1 - p[k] - c
        fight.insert(0, war > cont)
        value = max(war, cont)
    first = next((k for k, f in enumerate(fight) if f), -1)
    return first, value


def _proposer_loop(d, p, c_p, delta, first):
    total, disc = 0.0, 1.0
    stop = first if first >= 0 else len(d) - 1
    for k in range(stop):
        total += (1 - delta) * disc * d[k]
        disc *= delta
    return total + disc * ((p[stop] - c_p) if first >= 0 else d[stop])


path_rows = st.lists(
    st.tuples(
        st.lists(unit, min_size=5, max_size=5),  # demands
        st.lists(unit, min_size=5, max_size=5),  # p
        st.floats(-0.2, 0.8),  # receiver cost
        small_cost,  # proposer cost
        st.floats(0.3, 0.98),  # δ_D
        st.floats(0.3, 0.98),  # δ_C
    ),
    min_size=1,
    max_size=5,
)


@SETTINGS
@given(rows=path_rows)
def test_sequential_matches_backward_induction_per_draw(rows):
    d = np.array([r[0] for r in rows])
    p = np.array([r[1] for r in rows])
    c, c_p, dd, dc = (np.array([r[i] for r in rows]) for i in (2, 3, 4, 5))
    out = sequential_demands(d, p, c_p, UniformCost(0.0, 1.0), dc, dd)
    assume(np.min(np.abs(out.threshold - c[:, None])) > 1e-9)
    rounds = out.fight_round(c)
    values = out.receiver_value(c)
    prop = out.proposer_value(c)
    for i in range(len(rows)):
        first, value = _backward_induction(d[i], p[i], c[i], dd[i])
        assert rounds[i] == first
        assert values[i] == pytest.approx(value, abs=1e-12)
        assert prop[i] == pytest.approx(_proposer_loop(d[i], p[i], c_p[i], dc[i], first), abs=1e-12)
        one = sequential_demands(d[i], p[i], c_p[i], UniformCost(0.0, 1.0), dc[i], dd[i])
        np.testing.assert_allclose(one.threshold[0], out.threshold[i], atol=1e-14)
        np.testing.assert_allclose(one.war_by_round[0], out.war_by_round[i], atol=1e-14)


@SETTINGS
@given(rows=path_rows)
def test_sequential_probabilities_are_coherent(rows):
    d = np.array([r[0] for r in rows])
    p = np.array([r[1] for r in rows])
    out = sequential_demands(d, p, 0.1, UniformCost(-0.2, 0.8), 0.9, 0.9)
    assert np.all(np.diff(out.threshold, axis=1) >= 0)
    assert np.all(out.war_at_round >= -1e-15)
    np.testing.assert_allclose(out.war_at_round.sum(axis=1) + out.peace_probability, 1.0)


@SETTINGS
@given(rows=path_rows)
def test_forward_looking_fights_no_later_when_power_and_demands_rise(rows):
    """With p and d nondecreasing, every future option is no better than war now
    once the myopic test says fight, so T_k >= max_{j<=k}(d_j - p_j); with p
    constant the two coincide.
    """
    d = np.sort(np.array([r[0] for r in rows]), axis=1)
    p = np.sort(np.array([r[1] for r in rows]), axis=1)
    dd = np.array([r[4] for r in rows])
    out = sequential_demands(d, p, 0.1, UniformCost(0.0, 1.0), 0.9, dd)
    assert np.all(out.threshold >= out.myopic_threshold - 1e-12)
    flat = sequential_demands(d, p[:, :1], 0.1, UniformCost(0.0, 1.0), 0.9, dd)
    np.testing.assert_allclose(flat.threshold, flat.myopic_threshold, atol=1e-12)


def test_expected_values_match_integration_over_the_cost():
    """E over c ~ U[lo, hi] of the known-cost values, by quad, equals the engine's."""
    d = demand_path(0.3, 0.07, 6)
    p = np.linspace(0.3, 0.5, 7)
    lo, hi = -0.1, 0.4
    out = sequential_demands(d, p, 0.05, UniformCost(lo, hi), 0.8, 0.85)
    pts = [t for t in out.threshold[0] if lo < t < hi]
    rec, _ = integrate.quad(lambda c: out.receiver_value(c)[0] / (hi - lo), lo, hi, points=pts)
    prop, _ = integrate.quad(lambda c: out.proposer_value(c)[0] / (hi - lo), lo, hi, points=pts)
    assert out.expected_receiver_value[0] == pytest.approx(rec, abs=1e-10)
    assert out.expected_proposer_value[0] == pytest.approx(prop, abs=1e-10)
    scipy_dist = sequential_demands(d, p, 0.05, stats.uniform(lo, hi - lo), 0.8, 0.85)
    np.testing.assert_allclose(scipy_dist.war_by_round, out.war_by_round, atol=1e-14)
    assert scipy_dist.expected_receiver_value[0] == pytest.approx(rec, abs=1e-9)


def test_per_draw_parameters_in_a_scipy_distribution():
    """A frozen scipy distribution with (D,) parameters is read per draw."""
    d = demand_path([0.5, 0.4], 0.05, 3)
    dist = stats.norm(loc=[0.1, 0.2], scale=[0.05, 0.1])
    out = sequential_demands(d, 0.4, 0.1, dist, 0.9, 0.9)
    for i in range(2):
        one = sequential_demands(d[i], 0.4, 0.1, stats.norm(dist.kwds["loc"][i], dist.kwds["scale"][i]), 0.9, 0.9)
        np.testing.assert_allclose(out.war_by_round[i], one.war_by_round[0], atol=1e-14)
        assert out.expected_receiver_value[i] == pytest.approx(one.expected_receiver_value[0], abs=1e-12)


def test_demand_path_caps_at_the_whole_good():
    np.testing.assert_allclose(demand_path(0.8, 0.15, 3)[0], [0.8, 0.95, 1.0, 1.0])
    assert math.isclose(float(demand_path([0.1, 0.2], 0.0, 2)[1, 2]), 0.2)
