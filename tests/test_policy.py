"""Policy comparison, calibration and crisis commands wired to the scenario."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from standoff.cli import app
from standoff.experiments.policy import compare, wilson
from standoff.history.default_fit import default_fit
from standoff.scenario import ScenarioError, load_scenario
from standoff.scenario.load import resolve

runner = CliRunner()


@pytest.fixture(scope="module")
def fit():
    first = default_fit()
    assert "ICB recurrence spells" in first.source
    assert first.params.severity_map is not None  # the shipped fit reads coded severities through its map
    return first


@pytest.fixture(scope="module")
def comparison(fit):
    return compare(load_scenario("iran-2026"), fit.params, paths=600, seed=3)


def test_every_option_and_the_baseline(comparison):
    ids = [o.id for o in comparison.options]
    assert ids == [
        "baseline",
        "declare-closed",
        "maximum-pressure",
        "credible-threat",
        "talks-limited-relief",
        "renewed-strikes",
    ]
    assert comparison.elapsed_months == 7
    for o in comparison.options:
        d = o.deterrence
        assert 0 <= d.p_test_12.p <= d.p_test_24.p <= 1
        assert d.p_test_24.low <= d.p_test_24.p <= d.p_test_24.high
        assert o.crisis is not None and 0 <= o.crisis.p_deal.p <= 1


def test_common_random_numbers_make_runs_repeatable(fit, comparison):
    again = compare(load_scenario("iran-2026"), fit.params, paths=600, seed=3)
    assert again.to_dict() == comparison.to_dict()


def test_answering_tests_more_often_does_not_invite_more_tests(comparison):
    """The credible threat raises the response probability and the prior belief that tests are
    answered: with common random numbers it cannot make a test within 24 months more likely;
    declaring the matter closed does the opposite."""
    by = {o.id: o.deterrence.p_test_24.p for o in comparison.options}
    assert by["credible-threat"] <= by["baseline"] <= by["declare-closed"]


def test_a_policy_patch_with_an_unknown_parameter_is_refused(tmp_path: Path):
    text = resolve("iran-2026").read_text(encoding="utf-8")
    bad = text.replace(
        "deterrence: {response_probability: 0.15, prior_mean: 0.1}",
        "deterrence: {response_probabilty: 0.15, prior_mean: 0.1}",
    )
    (tmp_path / "s.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "s.yaml")
    assert [(p.path, p.message) for p in info.value.problems] == [
        (
            "policies[0](declare-closed).deterrence.response_probabilty",
            "unknown deterrence parameter 'response_probabilty' (did you mean 'response_probability'?)",
        )
    ]


def test_wilson_interval():
    r = wilson(5, 10)
    assert r.p == 0.5 and r.low < 0.5 < r.high and r.high - 0.5 == pytest.approx(0.5 - r.low)
    assert wilson(0, 20).low == 0.0


def test_crisis_command_matches_the_closed_form(tmp_path: Path):
    """Uniform costs on [0.05, 0.5], p = 0.25, c_P = 0.3: x* = p + (c_hi - c_P)/2 = 0.35 and
    P(war) = (x* - p - c_lo)/(c_hi - c_lo) = 0.05/0.45."""
    res = runner.invoke(app, ["crisis", "--json", "--plot", str(tmp_path / "c.png")])
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["optimal_demand"] == pytest.approx(0.35)
    assert data["war_probability_at_optimum"] == pytest.approx(0.05 / 0.45)
    assert (tmp_path / "c.png").stat().st_size > 1000
    assert runner.invoke(app, ["crisis", "--p", "1.5"]).exit_code == 2


def test_compare_and_calibrate_commands(tmp_path: Path, monkeypatch, fit):
    monkeypatch.setenv("STANDOFF_FIT", str(tmp_path / "fit.json"))
    res = runner.invoke(app, ["calibrate", "--no-loo"])
    assert res.exit_code == 0, res.stderr
    assert "IR-1988" in res.stdout and (tmp_path / "fit.json").exists()
    res = runner.invoke(
        app, ["compare", "--paths", "300", "--json", "--option", "baseline", "--option", "credible-threat"]
    )
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert [o["id"] for o in data["options"]] == ["baseline", "credible-threat"]
    res = runner.invoke(app, ["compare", "--paths", "300", "--plot", str(tmp_path / "paths.png")])
    assert res.exit_code == 0 and "P(test ≤ 12 mo)" in res.stdout and (tmp_path / "paths.png").exists()


def test_the_episodes_beside_the_paths_are_the_scenarios():
    from standoff.history.episodes import builtin_episodes, scenario_episodes

    iran = load_scenario("iran-2026").scenario
    assert iran.deterrence is not None and iran.deterrence.episodes == "iran_us"
    assert [e.episode_id for e in scenario_episodes(iran)] == [e.episode_id for e in builtin_episodes("iran_us")]
    bare = iran.model_copy(update={"deterrence": iran.deterrence.model_copy(update={"episodes": None})})
    assert scenario_episodes(bare) == ()
    with pytest.raises(ValueError, match="no shipped episode set"):
        builtin_episodes("nowhere")
