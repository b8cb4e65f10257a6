"""The Plotly figure dicts shared by the dashboard and the report (tests/data/mini.yaml)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from standoff.experiments.forecast import forecast
from standoff.presentation import figures as plots
from standoff.scenario import load_scenario
from standoff.scenario.load import parse_scenario

MINI = Path(__file__).parent / "data" / "mini.yaml"


@pytest.fixture(scope="module")
def loaded():
    return load_scenario(MINI)


@pytest.fixture(scope="module")
def mc(loaded):
    return plots.monte_carlo(loaded, draws=96, seed=11)


def test_monte_carlo_agrees_with_forecast(loaded, mc) -> None:
    """The helper's intervals are forecast()'s, and its per-draw values are behind them."""
    f = forecast(loaded, draws=96, seed=11)
    assert (mc.forecast.draws, mc.forecast.seed) == (96, 11)
    for got, want in zip(mc.forecast.issues, f.issues, strict=True):
        assert set(got.engines) == set(want.engines) == set(mc.values[got.issue])
        for name, e in want.engines.items():
            assert got.engines[name].draws == e.draws
            assert got.engines[name].value == e.value
            assert mc.values[got.issue][name].shape == (96,)
            assert np.median(mc.values[got.issue][name]) == pytest.approx(e.draws.median)


def test_monte_carlo_needs_draws_and_a_seed(loaded) -> None:
    with pytest.raises(ValueError):
        plots.monte_carlo(loaded, draws=0, seed=1)
    with pytest.raises(ValueError):
        plots.monte_carlo(loaded, draws=5, seed=-1)


def test_every_figure_is_valid_plotly(loaded, mc) -> None:
    sc = loaded.scenario
    issue = mc.forecast.issues[0]
    figures = {
        "overview": plots.overview(mc.forecast),
        "coverage": plots.evidence_coverage(sc),
        "map": plots.actor_map(sc, issue),
        "summary": plots.forecast_summary(issue),
        "rounds": plots.trajectories(sc, issue),
        "distribution": plots.distributions(issue, mc.values[issue.issue]),
    }
    for name, fig in figures.items():
        assert fig is not None, name
        go.Figure(fig)  # raises on any property Plotly does not know
        assert fig["layout"]["title"]["text"], name


def test_actor_map_marks_actors_status_quo_and_engines(loaded, mc) -> None:
    issue = mc.forecast.issues[0]
    fig = plots.actor_map(loaded.scenario, issue)
    groups = {t["name"]: t for t in fig["data"] if t.get("legendgroup") == "actors"}
    assert set(groups) == {"individual", "state"}
    assert groups["state"]["marker"]["color"] == plots.GROUP_COLOURS["state"]
    assert sorted(x for t in groups.values() for x in t["x"]) == sorted(issue.positions)
    lines = [t for t in fig["data"] if t.get("legendgroup") == "forecasts"]
    assert len(lines) == 1 + len(issue.engines)
    assert lines[0]["x"] == [issue.status_quo] * 2
    ticks = dict(zip(fig["layout"]["xaxis"]["tickvals"], fig["layout"]["xaxis"]["ticktext"], strict=True))
    assert "unconstrained" in ticks[100.0] and "none" in ticks[0.0]


def test_colours_are_fixed_per_group_and_engine(loaded, mc) -> None:
    issue = mc.forecast.issues[0]
    rounds = plots.trajectories(loaded.scenario, issue)
    by_name = {a.id: a.group for a in loaded.scenario.actors}
    actor_lines = [t for t in rounds["data"] if t.get("legendgroup") in plots.GROUP_COLOURS]
    assert [t["line"]["color"] for t in actor_lines] == [plots.GROUP_COLOURS[by_name[a]] for a in issue.actors]
    summary = plots.forecast_summary(issue)
    for t in summary["data"][1:]:
        if t.get("name") in plots.ENGINE_STYLES:
            assert t["marker"]["color"] == plots.ENGINE_STYLES[t["name"]][0]
    # an engine with no style of its own gets a spare one, never a registered engine's
    spare = {plots.engine_style(name) for name in ("a", "b", "c", "d")}
    assert len(spare) == 4 and not spare & set(plots.ENGINE_STYLES.values())


def test_trajectories_show_who_took_whose_offer(loaded, mc) -> None:
    issue = mc.forecast.issues[0]
    fig = plots.trajectories(loaded.scenario, issue)
    moves = [t for t in fig["data"] if t.get("legendgroup") == "moves"]
    assert sum(len(t["x"]) for t in moves) == len(issue.moves) > 0
    assert plots.trajectories(loaded.scenario, issue, "compromise") is None


def test_distribution_rows_are_shares_of_draws(mc) -> None:
    issue = mc.forecast.issues[0]
    fig = plots.distributions(issue, mc.values[issue.issue])
    assert len(fig["data"]) == len(issue.engines)
    for t in fig["data"]:
        assert sum(t["y"]) == pytest.approx(100)
    assert fig["layout"]["xaxis"]["anchor"] == f"y{len(issue.engines)}"


def test_scenario_text_is_escaped() -> None:
    text = MINI.read_text(encoding="utf-8").replace("name: US administration", "name: <b onmouseover=x>US</b>")
    loaded = parse_scenario(text, name="x.yaml", base=MINI.parent)
    issue = forecast(loaded).issues[0]
    fig = plots.actor_map(loaded.scenario, issue)
    blob = repr(fig)
    assert "<b onmouseover" not in blob and "&lt;b onmouseover=x&gt;" in blob


def test_short_names() -> None:
    sc = load_scenario(MINI).scenario
    assert plots.short_name(sc.actor("leader")) == "Supreme Leader"
    long = sc.actor("leader").model_copy(update={"name": "Supreme Leader of the Islamic Republic of Iran"})
    assert plots.short_name(long) == "Khamenei"


def test_overview_reads_without_hovering(loaded, mc) -> None:
    """Both ends of each row say what they mean; Monte Carlo whiskers when there are draws."""
    fig = plots.overview(mc.forecast)
    go.Figure(fig)
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    issue = mc.forecast.issues[0]
    assert "none" in texts and "unconstrained" in texts
    assert len(texts) == 2 * len(mc.forecast.issues)
    engines = [t for t in fig["data"] if t.get("marker", {}).get("size") == 11]
    assert engines and all("error_x" in t for t in engines)
    assert "whiskers: Monte Carlo interval" in fig["layout"]["title"]["text"]
    assert issue.name in fig["layout"]["yaxis"]["ticktext"][0]


def test_sensitivity_figures(loaded) -> None:
    from standoff.experiments.sensitivity import explain

    s = next(r for r in explain(loaded.scenario, n=32, seed=1) if r.engine == "median")
    for fig in (plots.sobol_indices(loaded.scenario, s, "EU"), plots.tornado(loaded.scenario, s, "EU")):
        go.Figure(fig)
        assert fig["data"] and "US administration" in " ".join(fig["data"][0]["y"])
    sobol = plots.sobol_indices(loaded.scenario, s, "EU")
    assert all("error_x" in t for t in sobol["data"])


def test_defiance_small_multiples_mark_the_test_threshold(tmp_path, monkeypatch) -> None:
    from standoff.experiments.policy import compare
    from standoff.history.default_fit import default_fit

    monkeypatch.setenv("STANDOFF_FIT", str(tmp_path / "fit.json"))
    iran = load_scenario("iran-2026")
    comparison = compare(iran, default_fit().params, paths=200, seed=0)
    fig = plots.defiance_paths(comparison, [])
    go.Figure(fig)
    panels = [k for k in fig["layout"] if k.startswith("xaxis")]
    assert len(panels) == len(comparison.options) - 1
    threshold = [t for t in fig["data"] if t.get("legendgroup") == "threshold"]
    base = comparison.options[0].test_capability
    if min(base) <= 2:
        assert len(threshold) == len(panels) and all(0 < y < 2 for y in threshold[0]["y"])
    else:  # the ICB-fitted engine tests at a low rate whatever the recovery: said, not drawn
        title = re.sub(r"<[^>]+>", " ", fig["layout"]["title"]["text"])
        assert threshold == [] and "lies far above the chart" in " ".join(title.split())
    assert "capability (1 = before the shock)" in fig["layout"]["yaxis"]["title"]["text"]
