"""`standoff explain`: every engine, intervals and their warnings, vetoes that pin a forecast, no leaked warnings."""

import warnings
from pathlib import Path

from typer.testing import CliRunner

from standoff.cli import app
from standoff.engines import available
from standoff.experiments.sensitivity import FactorEffect, explain
from standoff.scenario import load_scenario

MINI = Path(__file__).parent / "data" / "mini.yaml"


def test_every_engine_with_intervals_and_pinned_forecasts():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = explain(load_scenario(MINI).scenario, n=32, seed=2)
    assert caught == []  # SALib's and NumPy's warnings stay inside
    engines = {s.name for s in available("bargaining") + available("multi-issue")}
    assert {r.engine for r in results} == engines
    nash = next(r for r in results if r.engine == "nash")
    assert nash.std == 0 and nash.pinned  # the leader's veto holds it at the status quo
    moving = [r for r in results if r.std > 0]
    assert moving and all(not r.pinned for r in moving)
    for r in moving:
        for f in r.sobol:
            assert f.total_conf >= 0 and f.first_conf >= 0


def test_factor_warnings():
    assert FactorEffect("a", ("x",), 0.5, 0.6, 0.05, 0.05).warnings == []
    shaky = FactorEffect("a", ("x",), 0.1, 0.2, 0.5, 0.3).warnings
    assert "total-order interval wider than the estimate" in shaky
    assert "first order exceeds total order" in FactorEffect("a", ("x",), 0.8, 0.2, 0.05, 0.05).warnings


def test_cli_explain_names_actors_and_says_when_a_veto_pins():
    res = CliRunner().invoke(app, ["explain", str(MINI), "--n", "32"])
    assert res.exit_code == 0, res.stderr
    assert "a veto pins this forecast at 60.0" in res.stdout
    assert "US administration's" in res.stdout and "stances.usa" not in res.stdout
    assert "± 95% CI" in res.stdout
    assert "Warning" not in res.stderr and "RuntimeWarning" not in res.stderr
