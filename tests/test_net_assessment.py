"""The net assessment: one pooled probability per question, with its components, recorded beside them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from standoff.cli import app
from standoff.experiments.pooling import log_pool
from standoff.store import open_store

runner = CliRunner()


@pytest.fixture(scope="module")
def payload() -> dict:
    res = runner.invoke(app, ["forecast", "iran-2026", "--questions", "--json", "--draws", "50"])
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def net(payload: dict) -> dict:
    return {q["id"]: q for q in payload["questions"]}


def test_estimated_weights_where_the_kinds_were_estimated_and_the_fallback_says_why(net: dict) -> None:
    deal = net["deal-3m"]
    assert deal["weights_estimated"] is True and "ICB crisis actors (fit <= 1990, agreement)" in deal["weights"]
    assert "out-of-sample Brier" in deal["weights"] and "not yet estimated" not in deal["weights"]
    pooled = [c for c in deal["components"] if c["pooled"]]
    assert deal["probability"] == pytest.approx(
        float(log_pool([c["probability"] for c in pooled], [c["weight"] for c in pooled]))
    )
    attack = net["attack-us-3m"]
    assert attack["weights_estimated"] is False
    assert "not yet estimated: no historical estimate for deterrence: test within 3 mo" in attack["weights"]


def test_crisis_inputs_anchored_on_icb_beside_the_typed_ones(payload: dict) -> None:
    a = payload["crisis_anchor"]
    assert a["crisis_actor"].startswith("Iran") and "fit <= 1990" in a["basis"]
    assert 0 < a["implied"]["p_win"] < 1 and a["implied"]["receiver_cost_low"] < a["implied"]["receiver_cost_high"]
    assert a["typed"]["p_win"] == {"value": 0.25, "range": [0.1, 0.4]}
    assert 0 < a["implied"]["war"] < 1 and 0 < a["implied"]["deal"] < 1


def test_json_shape_and_fallback_weights(net: dict) -> None:
    q = net["strike-1m"]
    assert {"id", "text", "resolve_by", "probability", "components"} <= set(q)
    assert q["resolve_by"] == "2026-03-15" and q["window_months"] == 1
    pooled = [c for c in q["components"] if c["pooled"]]
    assert {c["source"] for c in pooled} == {"pathways: strike within 1 mo", "outside view: strikes on Iran since 2024"}
    assert sum(c["weight"] for c in pooled) == pytest.approx(1.0)
    assert "not yet estimated: no historical estimate for outside view" in q["weights"]
    assert q["weights_estimated"] is False
    expected = log_pool([c["probability"] for c in pooled], [c["weight"] for c in pooled])
    assert q["probability"] == pytest.approx(float(expected))
    assert q["interval"]["low"] <= q["probability"] <= q["interval"]["high"]
    assert sum(q["pathway_shares"].values()) == pytest.approx(1.0)


def test_components_answering_another_question_are_not_pooled(net: dict) -> None:
    strike = {c["source"]: c for c in net["strike-1m"]["components"]}
    assert strike["crisis: war by 1 mo"]["weight"] is None
    assert "every rejected demand means war" in strike["crisis: war by 1 mo"]["reason"]
    assert "counted in the pathways component" in strike["deterrence: response within 1 mo"]["reason"]
    npt = net["npt-exit-6m"]
    assert npt["probability"] is None
    assert all(c["reason"].startswith("time-free") for c in npt["components"])
    leader = net["leader-exit-6m"]
    # the actuarial base rate answers the dated question: 1 - (1 - 0.11)^(6/12)
    assert leader["probability"] == pytest.approx(1 - 0.89**0.5)
    assert all(c["weight"] is None for c in leader["components"] if c["source"] != "mortality at 86 (life table)")


def test_text_output_says_why() -> None:
    res = runner.invoke(app, ["forecast", "iran-2026", "--questions", "--draws", "50"])
    assert res.exit_code == 0, res.stderr
    assert "not yet estimated" in res.stdout and "not pooled" in res.stdout and "why: time-free" in res.stdout
    assert "pathway shares of the strike risk" in res.stdout
    assert "Crisis inputs anchored on ICB" in res.stdout and "p_win: ICB mapping" in res.stdout


def test_pooled_forecast_recorded_as_standoff_beside_components(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    # the flagship's questions resolved in 2026: a live forecast now would come after them, so a backtest
    live = runner.invoke(app, ["forecast", "iran-2026", "--questions", "--record", "--draws", "50", "--db", url])
    assert live.exit_code == 1 and "resolve by" in live.stderr
    res = runner.invoke(
        app,
        ["forecast", "iran-2026", "--questions", "--record", "--as-of", "2026-02-15", "--draws", "50", "--db", url],
    )
    assert res.exit_code == 0, res.stderr
    with open_store(url) as store:
        forecasts = store.forecasts("strike-1m")
        runs = {r.id: r for r in store.runs()}
        engines = {f.engine for f in forecasts}
        assert {"standoff", "pathways", "base_rate", "deterrence", "crisis"} <= engines
        assert all(runs[f.run_id].backtest for f in forecasts)
        assert all(f.made_at.date().isoformat() == "2026-02-15" for f in forecasts)
        standoff = next(r for r in runs.values() if r.engine == "standoff")
        assert "not yet estimated" in standoff.summary["strike-1m"]["weights"]
        assert "npt-exit-6m" not in standoff.summary  # no pooled answer, nothing recorded for it
