"""Pools estimated on resolved ICB questions: weights on simulated components, the CLI's JSON contract, and the
net assessment's use of the estimates (estimated weights where the kinds were estimated, the labelled fallback not)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from test_pooling import _simulate
from typer.testing import CliRunner

from standoff.cli import app
from standoff.experiments.historical_pool import (
    EQUAL_POOL,
    LINEAR_POOL,
    LOG_POOL,
    PoolReport,
    _question,
    pool_weights,
    subset_key,
    verdicts,
)
from standoff.experiments.questions import estimated_kind, historical_weights
from standoff.history.icb.crisis_mapping import CrisisMapping
from standoff.history.icb.load import shipped_paths
from standoff.scenario.model import QuestionSource

runner = CliRunner()
KINDS = ("base_rate", "model", "crisis")


def _report(w: np.ndarray, seed: int = 5) -> PoolReport:
    p, y = _simulate(4000, w, seed)
    q = _question(KINDS, p[:3000], y[:3000], p[3000:], y[3000:])
    mapping = CrisisMapping((0.0,) * 6, 3000, 3000, -0.6)
    return PoolReport(3000, 1000, (1918, 1990), (1991, 2007), 5, mapping, {"agreement": q}, "sha")


def test_weights_on_simulated_components_recover_the_truth_and_every_subset_is_fitted() -> None:
    w = np.array([0.0, 1.2, 0.6])
    report = _report(w)
    q = report.questions["agreement"]
    np.testing.assert_allclose([q.weights[k] for k in KINDS], w, atol=0.12)
    assert q.extremizing == pytest.approx(1.8, abs=0.15)
    assert len(q.subsets) == 7 and subset_key(["crisis", "model"]) == "model+crisis"
    # the fitted log pool beats each component, the linear pool and equal weights out of sample
    assert report.questions["agreement"].beaten_by() == {"brier": [], "log_score": []}
    assert q.validation[LOG_POOL] < q.validation[LINEAR_POOL] and q.validation[LOG_POOL] < q.validation[EQUAL_POOL]
    assert "beats every component" in verdicts(report)[0]


def test_verdict_says_where_the_pool_loses() -> None:
    report = _report(np.array([0.0, 1.2, 0.6]))
    q = report.questions["agreement"]
    q.test[LINEAR_POOL] = type(q.test[LOG_POOL])(0.0, 0.0)  # a linear pool that cannot be beaten
    text = verdicts(report)[0]
    assert "does not win out of sample" in text and "linear pool (0.0000)" in text


def test_subset_weights_are_used_only_when_they_beat_equal_weights_in_the_fit_period() -> None:
    report = _report(np.array([0.0, 1.2, 0.6]))
    sub = report.questions["agreement"].subsets["model+crisis"]
    w = pool_weights(report, "agreement", ["crisis", "model"])
    assert sub.beats_equal and w.estimated and w.sources == ("model", "crisis")
    assert w.weights == (sub.weights["model"], sub.weights["crisis"])
    assert "estimated on 3000 ICB crisis actors (fit <= 1990, agreement)" in w.label
    assert f"out-of-sample Brier {sub.test.brier:.3f}" in w.label
    # a lone uninformative component: its fitted weight (about 0, a pool at 1/2) does not beat equal weights
    # (the component itself) on later questions only by chance, and the rule follows the validation either way
    lone = report.questions["agreement"].subsets["base_rate"]
    w_lone = pool_weights(report, "agreement", ["base_rate"])
    assert w_lone.estimated == lone.beats_equal
    if not lone.beats_equal:
        assert "lose to equal weights" in w_lone.label and "not yet estimated" in w_lone.label


def test_sources_map_onto_estimated_kinds_or_fall_back_with_the_reason() -> None:
    report = _report(np.array([0.0, 1.2, 0.6]))
    deal = QuestionSource(engine="crisis", output="deal_within", months=3)
    ref = QuestionSource(engine="reference", output="agreement")
    det = QuestionSource(engine="deterrence", output="test_within", months=3)
    war = QuestionSource(engine="pathways", output="strike_within", months=3)
    assert estimated_kind(deal) == ("crisis", "agreement") and estimated_kind(war) == ("crisis", "violence_serious")
    assert estimated_kind(QuestionSource(engine="reference", output="violent_response_30d", days=30)) == (
        "time_to_event",
        "violent_response_30d",
    )
    rate = {"value": 0.5, "judgment": "a test rate"}
    assert (
        estimated_kind(QuestionSource(engine="base_rate", output="event_within", months=3, annual_probability=rate))
        is None
    )
    w = historical_weights([deal, ref], ["deal", "ref"], report)
    assert w.estimated and w.sources == ("deal", "ref")
    sub = report.questions["agreement"].subsets["model+crisis"]
    # only the relative weights are carried to a dated question: scaled to sum to one, no extremizing
    total = sub.weights["crisis"] + sub.weights["model"]
    assert w.weights == pytest.approx((sub.weights["crisis"] / total, sub.weights["model"] / total))
    assert w.extremizing == pytest.approx(1.0) and "not carried to a dated question" in w.label
    (alone,) = historical_weights([deal], ["deal"], report).weights
    assert alone == pytest.approx(1.0)  # one component keeps its own probability
    fallback = historical_weights([deal, det], ["deal", "det"], report)
    assert not fallback.estimated and fallback.weights == (0.5, 0.5)
    assert "not yet estimated: no historical estimate for det" in fallback.label
    assert "different ICB questions" in historical_weights([deal, war], ["a", "b"], report).label
    assert "no historical estimates given" in historical_weights([deal], ["a"], None).label


def _no_nan(text: str) -> None:
    raise ValueError(f"JSON must not contain {text}")


def test_history_pool_json_contract() -> None:
    res = runner.invoke(app, ["history", "pool", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout, parse_constant=_no_nan)
    assert set(data["questions"]) == {
        "violence_serious",
        "full_scale_war",
        "violent_response_30d",
        "lasts_over_90d",
        "agreement",
    }
    assert set(data["mapping"]["parameters"]) == {
        "alpha0",
        "alpha1",
        "gamma0",
        "gamma_nuclear",
        "gamma_gravity",
        "log_spread",
    }
    assert data["fit_years"][1] <= 1990 < data["test_years"][0]
    assert len(data["verdicts"]) == 5
    for name, q in data["questions"].items():
        assert {LOG_POOL, LINEAR_POOL, EQUAL_POOL, "base_rate", "model", "reference_class"} <= set(q["test"])
        assert ("crisis" in q["kinds"]) == (name in ("violence_serious", "full_scale_war", "agreement"))
        assert all(v >= 0 for v in q["weights"].values())
        assert sum(q["linear_weights"].values()) == pytest.approx(1.0)
        assert q["extremizing"] == pytest.approx(sum(q["weights"].values()))
        assert 0 < q["test"][LOG_POOL]["brier"] < 1 and set(q["beaten_by"]) == {"brier", "log_score"}
    # checked from the files: the test rows and the fit-period base rate's test Brier score
    actors, crises = (pd.read_csv(p) for p in shipped_paths())
    crises = crises[crises["yrtrig"].notna()]
    late = set(crises.loc[crises["yrtrig"] > 1990, "crisno"])
    test = actors[actors["crisno"].isin(late)]
    fit = actors[actors["crisno"].isin(set(crises["crisno"]) - late)]
    y_fit, y_test = (fit["viol"] >= 3).astype(float), (test["viol"] >= 3).astype(float)
    base = (y_fit.sum() + 1) / (len(y_fit) + 2)
    serious = data["questions"]["violence_serious"]
    assert serious["n_test"] == len(test) == data["test_rows"]
    assert serious["test"]["base_rate"]["brier"] == pytest.approx(float(np.mean((base - y_test) ** 2)))
    text = runner.invoke(app, ["history", "pool"])
    assert text.exit_code == 0 and "log pool" in text.stdout and "linear pool" in text.stdout
