"""The package's one interval type, and forecasts that keep their draws."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import standoff
from standoff.core.intervals import Interval
from standoff.scenario import load_scenario

MINI = str(Path(__file__).parent / "data" / "mini.yaml")


def test_an_interval_reads_its_estimate_only_under_its_own_name():
    x = np.arange(101.0)
    med = Interval.of_draws(x, 0.9)
    assert (med.median, med.level) == (50.0, 0.9) and (med.low, med.high) == pytest.approx((5.0, 95.0))
    with pytest.raises(AttributeError, match="is a median, not a mean"):
        _ = med.mean
    mean = Interval.of_draws(np.r_[x, 1000.0], 0.5, "mean")
    assert mean.mean == pytest.approx((5050 + 1000) / 102) and mean.low == pytest.approx(25.25)
    assert 50 in med and 96 not in med and med.width == pytest.approx(90)
    with pytest.raises(ValueError, match="wilson"):
        Interval.of_draws(x, statistic="proportion")
    assert math.isnan(Interval.of_draws([]).estimate)


def test_wilson_interval_of_a_proportion():
    r = Interval.wilson(5, 10)
    assert r.p == 0.5 and r.low < 0.5 < r.high and r.high - 0.5 == pytest.approx(0.5 - r.low)
    assert Interval.wilson(0, 20).low == 0.0 and Interval.wilson(20, 20).high == 1.0
    assert math.isnan(Interval.wilson(0, 0).p)


def test_a_forecast_with_draws_keeps_every_draw(monkeypatch):
    from standoff.experiments import forecast as module
    from standoff.presentation import figures as plotly_figures

    calls = []
    real = module.engine_draws
    monkeypatch.setattr(module, "engine_draws", lambda *a, **k: calls.append(1) or real(*a, **k))
    f = standoff.forecast(MINI, engines=["compromise", "expected_utility"], draws=40, seed=2)
    assert f.values is not None and len(calls) == 1
    for issue in f.issues:
        for name, e in issue.engines.items():
            v = f.draw_values(issue.issue, name)
            assert v.shape == (40,) and e.draws is not None and e.draws.median == pytest.approx(np.median(v))
    assert "values" not in f.to_dict()
    mc = plotly_figures.monte_carlo(load_scenario(MINI), draws=40, seed=2, engines=["compromise"])
    assert len(calls) == 2  # the figures' Monte Carlo is the forecast's, run once
    np.testing.assert_array_equal(mc.values["enrichment"]["compromise"], f.values["enrichment"]["compromise"])
    with pytest.raises(ValueError, match="no draws"):
        standoff.forecast(MINI, engines=["compromise"]).draw_values("enrichment", "compromise")
