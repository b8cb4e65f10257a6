"""The ICB crisis mapping: its closed form is the engine's status-quo game, and its ML fit recovers known parameters."""

import numpy as np
import pandas as pd
import pytest

from standoff.engines.crisis import UniformCost, status_quo_game
from standoff.history.icb.crisis_mapping import (
    PARAMETERS,
    TREMBLE,
    CrisisInputs,
    covariates,
    fit_from_covariates,
    inputs,
    war_and_deal,
)

TRUE = np.array([0.4, 2.0, np.log(0.25), 1.0, -1.2, np.log(1.5)])


def _simulated(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.uniform(-0.8, 0.8, n), rng.integers(0, 4, n) / 3, rng.integers(0, 7, n) / 6])
    war, deal = war_and_deal(inputs(TRUE, x))
    w = TREMBLE + (1 - 2 * TREMBLE) * war
    d = TREMBLE + (1 - 2 * TREMBLE) * deal
    return x, (rng.random(n) < w).astype(float), (rng.random(n) < d).astype(float)


@pytest.mark.parametrize("seed", [0, 1])
def test_closed_form_is_the_engines_status_quo_game_averaged_over_the_status_quo(seed: int) -> None:
    rng = np.random.default_rng(seed)
    theta = TRUE + rng.normal(0, 0.5, 6)
    x = np.column_stack([rng.uniform(-1, 1, 6), rng.uniform(0, 1, 6), rng.uniform(0, 1, 6)])
    c = inputs(theta, x)
    war, deal = war_and_deal(c)
    grid = (np.arange(4000) + 0.5) / 4000
    for i in range(6):
        g = status_quo_game(
            grid, c.p[i], c.proposer_cost[i], UniformCost(c.receiver_cost_low[i], c.receiver_cost_high[i])
        )
        assert war[i] == pytest.approx(g.war_by[:, 0].mean(), abs=1e-3)
        assert deal[i] == pytest.approx(g.deal_by[:, 0].mean(), abs=1e-3)


def test_stalled_talks_give_no_deal_and_a_strike_only_below_the_status_quo() -> None:
    # a weak proposer with a known, high receiver cost: every status quo stalls, no deal, no war
    c = CrisisInputs(np.array([0.1]), np.array([0.5]), np.array([2.0]), np.array([2.0 + 1e-9]))
    war, deal = war_and_deal(c)
    assert deal[0] == pytest.approx(0.0) and war[0] == pytest.approx(0.0)


def test_fit_recovers_the_mapping_parameters_from_simulated_crises() -> None:
    x, war, deal = _simulated(6000, 3)
    war[::17] = np.nan  # unknown outcomes are left out
    fitted = fit_from_covariates(x, war, deal)
    est = np.array(fitted.theta)
    for name, a, b in zip(PARAMETERS, est, TRUE, strict=True):
        assert a == pytest.approx(b, abs=0.2), name
    assert fitted.n_war == int(np.sum(~np.isnan(war))) and fitted.n_deal == 6000


def test_covariates_rank_nuclear_and_gravity_and_fill_missing_with_the_middle() -> None:
    frame = pd.DataFrame(
        {
            "power_discrepancy": [-179.0, np.nan],
            "nuclear": ["second_strike", None],
            "gravity": ["existence", "other"],
        }
    )
    assert covariates(frame).tolist() == [[-1.0, 1.0, 1.0], [0.0, 0.5, 0.5]]
