"""The crisis status-quo game (Powell 1996) against hand-solved cases."""

from __future__ import annotations

import numpy as np
import pytest

from standoff.engines.crisis import UniformCost, screening_uniform, status_quo_game


def test_deal_region() -> None:
    # credible: p - c_A = 0.4 > q = 0.2; x̂ = 0.5 + clip(0.1, 0.2, 0.3) = 0.7; θ = 0.2 = c_lo: every type accepts
    g = status_quo_game(0.2, 0.5, 0.1, UniformCost(0.2, 0.3))
    assert g.credible[0, 0] and g.offer[0, 0]
    assert g.demand[0, 0] == pytest.approx(0.7)
    assert g.war_by[0, 0] == pytest.approx(0.0)
    assert g.deal_by[0, 0] == pytest.approx(1.0)


def test_war_region_matches_screening() -> None:
    # credible: x̂ = 0.5 + 0.2 = 0.7, θ = 0.2, F = U[0, 0.4]: war 1/2, deal 1/2, as Fearon screening
    g = status_quo_game(0.2, 0.5, 0.0, UniformCost(0.0, 0.4))
    assert g.war_by[0, 0] == pytest.approx(0.5)
    assert g.deal_by[0, 0] == pytest.approx(0.5)
    s = screening_uniform(0.5, 0.0, 0.0, 0.4)
    assert g.war_by[0, 0] == pytest.approx(s.war_probability[0])


def test_stalemate_region() -> None:
    # not credible: p - c_A = 0.1 <= q = 0.35; x̂ = 0.3 + 0.15 = 0.45 >= q: talks stall;
    # the receiver strikes iff c_B < q - p = 0.05 < c_lo = 0.1: never
    g = status_quo_game(0.35, 0.3, 0.2, UniformCost(0.1, 0.5))
    assert not g.credible[0, 0] and not g.offer[0, 0]
    assert g.demand[0, 0] == pytest.approx(0.35)
    assert g.war_by[0, 0] == pytest.approx(0.0)
    assert g.deal_by[0, 0] == pytest.approx(0.0)
    assert g.status_quo_by[0, 0] == pytest.approx(1.0)


def test_stalemate_with_strike_risk() -> None:
    # not credible, F̂ = U[0.4, 0.8]: x̂ = 0.3 + 0.4 = 0.7 >= q = 0.6: stall; strike iff c_B < 0.3: F = U[0.1, 0.5] -> 1/2
    g = status_quo_game(0.6, 0.3, 0.2, UniformCost(0.1, 0.5), UniformCost(0.4, 0.8))
    assert not g.offer[0, 0]
    assert g.threshold[0, 0] == pytest.approx(0.3)
    assert g.war_by[0, 0] == pytest.approx(0.5)
    assert g.believed_war_by[0, 0] == pytest.approx(0.0)  # Tehran's view: no strike
    assert g.deal_by[0, 0] == pytest.approx(0.0)


def test_misperception_raises_war() -> None:
    true = UniformCost(0.1, 0.5)
    # F̂ = F: x̂ = 0.3 + clip(0.15, 0.1, 0.5) = 0.45 < q = 0.6: a concession; war F(0.15) = 1/8, deal 7/8
    right = status_quo_game(0.6, 0.3, 0.2, true)
    assert right.offer[0, 0] and right.demand[0, 0] == pytest.approx(0.45)
    assert right.war_by[0, 0] == pytest.approx(0.125)
    assert right.deal_by[0, 0] == pytest.approx(0.875)
    wrong = status_quo_game(0.6, 0.3, 0.2, true, UniformCost(0.4, 0.8))
    assert wrong.war_by[0, 0] == pytest.approx(0.5)
    assert wrong.war_by[0, 0] > right.war_by[0, 0]
    # with a credible threat, a belief shifted up raises the cutoff: x̂ = 0.5 + 0.3 vs 0.5 + 0.2
    c_right = status_quo_game(0.2, 0.5, 0.0, UniformCost(0.0, 0.4))
    c_wrong = status_quo_game(0.2, 0.5, 0.0, UniformCost(0.0, 0.4), UniformCost(0.2, 0.6))
    assert c_wrong.war_by[0, 0] == pytest.approx(0.75)
    assert c_wrong.war_by[0, 0] > c_right.war_by[0, 0]


def test_belief_equal_to_truth_reduces_to_complete_belief() -> None:
    rng = np.random.default_rng(3)
    n = 50
    q, p, c = rng.uniform(0, 1, n), rng.uniform(0, 1, n), rng.uniform(0, 0.5, n)
    lo = rng.uniform(0, 0.3, n)
    hi = lo + rng.uniform(0, 0.5, n)
    a = status_quo_game(q, p, c, UniformCost(lo, hi))
    b = status_quo_game(q, p, c, UniformCost(lo, hi), UniformCost(lo, hi))
    np.testing.assert_allclose(a.war_by, b.war_by)
    np.testing.assert_allclose(a.war_by, a.believed_war_by)


def test_rejection_means_war_is_an_option() -> None:
    # the stalled case above, read the old way: demand x̂ = 0.45, every rejection is war: F(0.15) = 1/8
    g = status_quo_game(0.35, 0.3, 0.2, UniformCost(0.1, 0.5), rejection="war")
    assert g.offer[0, 0] and g.war_by[0, 0] == pytest.approx(0.125)
    assert g.rejection == "war"


def test_paths_over_periods() -> None:
    # the status quo creeps up month by month (one more thing) with p fixed and no credible threat:
    # the strike threshold q_t - p rises and war by t is F(q_t - p)
    q = np.array([[0.5, 0.55, 0.6, 0.65]])
    g = status_quo_game(q, 0.3, 0.3, UniformCost(0.1, 0.5), UniformCost(0.5, 0.9), period_months=1)
    np.testing.assert_allclose(g.war_by[0], [0.25, 0.375, 0.5, 0.625])
    np.testing.assert_allclose(g.deal_by[0], 0.0)
    np.testing.assert_allclose(g.hazard[0, 1], 0.125 / 0.75)
    assert g.war_within(3)[0] == pytest.approx(0.5)
    # a deal in the first offer period ends the game: no war after it
    q2 = np.array([[0.6, 0.2, 0.9]])
    h = status_quo_game(q2, 0.5, 0.0, UniformCost(0.0, 0.4), UniformCost(0.4, 0.8))
    # period 0: not credible (0.5 <= 0.6), x̂ = 0.5 + 0.4 = 0.9 >= 0.6: stall, strike iff c < 0.1 (1/4)
    # period 1: credible, x̂ = 0.9, θ = 0.4: every remaining type fights -> war by 1 = 1
    np.testing.assert_allclose(h.war_by[0], [0.25, 1.0, 1.0])
    np.testing.assert_allclose(h.deal_by[0], [0.0, 0.0, 0.0])


def test_period_length_and_vectorised() -> None:
    g = status_quo_game(np.full((4, 7), 0.6), np.full(4, 0.3), 0.2, UniformCost(0.1, 0.5), period_months=3)
    assert g.war_by.shape == (4, 7) and g.period_months == 3
    assert g.war_within(6).shape == (4,)
    with pytest.raises(ValueError):
        status_quo_game(0.5, 0.3, 0.2, UniformCost(0.1, 0.5), period_months=0)


def test_known_above_and_declared_floor() -> None:
    # stalled, threshold q - p = 0.3; the receiver is known not to have struck at 0.2: (F(.3) - F(.2)) / (1 - F(.2))
    g = status_quo_game(0.6, 0.3, 0.2, UniformCost(0.1, 0.5), UniformCost(0.4, 0.8), known_above=0.2)
    assert g.war_by[0, 0] == pytest.approx((0.5 - 0.25) / 0.75)
    # the complete-belief concession (0.45) is ruled out by declared preconditions of 0.65 > q: talks stall
    f = status_quo_game(0.6, 0.3, 0.2, UniformCost(0.1, 0.5), demand_floor=0.65)
    assert not f.offer[0, 0] and f.war_by[0, 0] == pytest.approx(0.5)
