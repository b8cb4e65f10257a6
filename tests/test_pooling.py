"""Pooling forecasts: hand-computed pools and weights recovered on simulated forecasters."""

from __future__ import annotations

import numpy as np
import pytest

from standoff.experiments.pooling import (
    disagreement,
    equal_weights,
    expit,
    fit_linear_pool,
    fit_log_pool,
    linear_pool,
    log_pool,
    logit,
    spread,
    time_ordered_validation,
)


def test_pools_by_hand() -> None:
    # logit 0.8 = log 4, logit 0.5 = 0: weights (1, 1) give odds 4 -> 0.8; (2, 0) gives odds 16 -> 16/17
    assert log_pool([0.8, 0.5], [1.0, 1.0]) == pytest.approx(0.8)
    assert log_pool([0.8, 0.5], [2.0, 0.0]) == pytest.approx(16 / 17)
    # equal weights 1/2 on 0.9 and 0.1: the odds 9 and 1/9 cancel
    assert log_pool([0.9, 0.1], [0.5, 0.5]) == pytest.approx(0.5)
    # equal weights on 0.2 and 0.5: sqrt(1/4 * 1) = 1/2 odds -> 1/3
    assert log_pool([0.2, 0.5], [0.5, 0.5]) == pytest.approx(1 / 3)
    assert linear_pool([0.2, 0.5], [1.0, 3.0]) == pytest.approx(0.25 * 0.2 + 0.75 * 0.5)
    np.testing.assert_allclose(expit(logit([0.1, 0.7])), [0.1, 0.7])


def test_fallback_is_labelled() -> None:
    w = equal_weights(["crisis", "deterrence"])
    assert w.weights == (0.5, 0.5) and not w.estimated
    assert "not yet estimated" in w.label
    assert w.extremizing == pytest.approx(1.0)


def test_spread_and_sentence() -> None:
    s = spread({"deterrence": 0.003, "crisis": 0.67})
    assert s.range == pytest.approx(logit(0.67) - logit(0.003))
    assert s.lowest == "deterrence" and s.highest == "crisis"
    text = disagreement({"deterrence": 0.003, "crisis": 0.67}, {"crisis": "talks fail in a month"})
    assert text is not None and "crisis 67.0% (talks fail in a month)" in text and "deterrence 0.3%" in text
    assert disagreement({"a": 0.3, "b": 0.4}) is None


def _simulate(n: int, w: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    # partial-information forecasters (Satopää et al. 2014): each sees its own piece x_k of the evidence;
    # the truth is logit P(yes) = Σ w_k x_k; outcomes ~ Bernoulli(truth)
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.2, (n, w.size))
    truth = expit(x @ w)
    y = (rng.random(n) < truth).astype(float)
    return expit(x), y


def test_fit_recovers_weights_and_extremizing() -> None:
    w = np.array([0.9, 0.7, 0.5])  # sum 2.1: the pool should extremize
    p, y = _simulate(20000, w, 1)
    fit = fit_log_pool(p, y, ["a", "b", "c"])
    np.testing.assert_allclose(fit.weights, w, atol=0.08)
    assert fit.extremizing == pytest.approx(w.sum(), abs=0.15)
    assert fit.estimated and fit.n == 20000


def test_time_ordered_validation_log_beats_linear() -> None:
    w = np.array([0.9, 0.7, 0.5])
    p, y = _simulate(3000, w, 2)
    v = time_ordered_validation(p, y, np.arange(3000), folds=4, min_train=500)
    assert len(v.folds) == 4 and v.folds[0].train == 500
    assert v.log_beats_linear
    assert v.log_pool < v.equal
    lin = fit_linear_pool(p, y)
    assert sum(lin.weights) == pytest.approx(1.0)
