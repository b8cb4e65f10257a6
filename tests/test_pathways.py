"""Competing pathways to a strike against the closed form."""

from __future__ import annotations

import numpy as np
import pytest

from standoff.engines.pathways import (
    breakout_hazard,
    competing_hazards,
    constant_hazard,
    hazard_from_cumulative,
)


def test_closed_form_constant_hazards() -> None:
    c = competing_hazards({"a": 0.1, "b": 0.2}, 6)
    s = (0.9 * 0.8) ** np.arange(1, 7)
    np.testing.assert_allclose(c.survival[0], s)
    assert c.within(3)[0] == pytest.approx(1 - 0.72**3)
    # shares proportional to the log-hazards, summing to the total
    la, lb = -np.log(0.9), -np.log(0.8)
    shares = c.shares(6)
    assert shares["a"] == pytest.approx(la / (la + lb))
    assert sum(shares.values()) == pytest.approx(1.0)
    np.testing.assert_allclose(c.incidence.sum(axis=0), c.strike_by)
    own = c.pathway_within(6)
    assert own["a"] == pytest.approx(1 - 0.9**6)


def test_time_varying_and_draws() -> None:
    h1 = np.array([[0.0, 0.5, 0.0], [0.1, 0.1, 0.1]])
    h2 = np.array([0.05, 0.0])
    c = competing_hazards({"talks": h1, "ally": h2}, 3)
    expected = np.array(
        [
            [0.95, 0.95 * 0.5 * 0.95, 0.95 * 0.5 * 0.95 * 0.95],
            [0.9, 0.81, 0.729],
        ]
    )
    np.testing.assert_allclose(c.survival, expected)
    assert c.shares(3)["ally"] == pytest.approx(c.incidence[1, :, 2].mean() / c.strike_by[:, 2].mean())


def test_hazard_helpers() -> None:
    cum = np.array([[0.1, 0.28, 0.28]])
    np.testing.assert_allclose(hazard_from_cumulative(cum), [[0.1, 0.2, 0.0]])
    h = constant_hazard(0.5, 3)
    assert (1 - h) ** 3 == pytest.approx(0.5)
    # a single pathway built from a cumulative path gives back that path
    c = competing_hazards({"x": hazard_from_cumulative(cum)}, 3)
    np.testing.assert_allclose(c.strike_by, cum)


def test_breakout_hazard() -> None:
    # δ Δ = 0.9 * 0.3 = 0.27 > 0.1 * (0.5 + 0.5) = 0.1: motive; with Δ = 0.1: 0.09 < 0.1: none
    h = breakout_hazard(0.02, np.array([0.3, 0.1]), 0.9, 0.5, 0.5)
    np.testing.assert_allclose(h, [0.02, 0.0])


def test_errors() -> None:
    with pytest.raises(ValueError):
        competing_hazards({"a": 1.5}, 2)
    with pytest.raises(ValueError):
        competing_hazards({"a": np.zeros((1, 2))}, 3)
    with pytest.raises(ValueError):
        competing_hazards({"a": 0.1}, 2).within(3)
