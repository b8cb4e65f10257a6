"""``standoff history``: the backtest's JSON contract, one-line errors, similar crises, rates, the ledger source."""

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from standoff.cli import app
from standoff.history.icb.load import shipped_paths
from standoff.scenario import ScenarioError, load_scenario
from standoff.scenario.load import parse_scenario, resolve
from standoff.scenario.model import QuestionSource

QUESTIONS = {"violence_serious", "full_scale_war", "violent_response_30d", "lasts_over_90d", "agreement"}
runner = CliRunner()


@pytest.fixture(autouse=True, scope="module")
def cache(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("STANDOFF_ICB_CACHE", str(tmp_path_factory.mktemp("icb-cache")))
    yield
    mp.undo()


def _no_nan(text: str) -> None:
    raise ValueError(f"JSON must not contain {text}")


@pytest.fixture(scope="module")
def split_files(tmp_path_factory) -> dict[str, Path]:
    """Fit on crises triggered 1960-1990, test on 1991-2007, written as files with the shipped columns."""
    root = tmp_path_factory.mktemp("split")
    actors_path, crises_path = shipped_paths()
    actors, crises = pd.read_csv(actors_path), pd.read_csv(crises_path)
    fit = crises["yrtrig"].between(1960, 1990)
    test = crises["yrtrig"] >= 1991
    files = {}
    for name, mask in (("fit", fit), ("test", test)):
        ids = set(crises.loc[mask, "crisno"])
        files[f"{name}_crises"] = root / f"{name}_crises.csv"
        files[f"{name}_actors"] = root / f"{name}_actors.csv"
        crises[mask].to_csv(files[f"{name}_crises"], index=False)
        actors[actors["crisno"].isin(ids)].to_csv(files[f"{name}_actors"], index=False)
    return files


def _backtest_args(f: dict[str, Path]) -> list[str]:
    return [
        "history", "backtest",
        "--fit-actors", str(f["fit_actors"]), "--fit-crises", str(f["fit_crises"]),
        "--test-actors", str(f["test_actors"]), "--test-crises", str(f["test_crises"]),
    ]  # fmt: skip


def test_backtest_json_contract(split_files):
    res = runner.invoke(app, [*_backtest_args(split_files), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout, parse_constant=_no_nan)
    assert set(data["questions"]) == QUESTIONS
    for q in data["questions"].values():
        assert {"n", "brier", "log_score", "base_rate_brier"} <= set(q)
        assert isinstance(q["n"], int) and q["n"] > 0
        assert 0 <= q["brier"] <= 1 and 0 <= q["base_rate_brier"] <= 1 and q["log_score"] > 0
        assert {"brier", "log_score"} <= set(q["plain_logistic"]) and {"brier", "log_score"} <= set(
            q["reference_class"]
        )
    # checked independently of the package: counts and the base rate's Brier score from the files themselves
    fit = pd.read_csv(split_files["fit_actors"])
    test = pd.read_csv(split_files["test_actors"])
    y_fit, y_test = (fit["viol"] >= 3).astype(float), (test["viol"] >= 3).astype(float)
    serious = data["questions"]["violence_serious"]
    assert serious["n"] == len(test) == data["test_rows"]
    base = (y_fit.sum() + 1) / (len(y_fit) + 2)
    assert serious["base_rate_brier"] == pytest.approx(float(np.mean((base - y_test) ** 2)))
    assert data["questions"]["violent_response_30d"]["time_to_event"]["brier"] > 0


def test_backtest_table_names_every_question(split_files):
    res = runner.invoke(app, _backtest_args(split_files))
    assert res.exit_code == 0, res.output
    for q in QUESTIONS:
        assert f"{q}: the regularised model beats" in res.stdout


def test_bad_file_is_one_line(split_files, tmp_path):
    bad = tmp_path / "actors.csv"
    pd.read_csv(split_files["fit_actors"]).drop(columns=["triggr"]).to_csv(bad, index=False)
    args = _backtest_args({**split_files, "fit_actors": bad})
    res = runner.invoke(app, args)
    assert res.exit_code == 1
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1
    assert "actors.csv" in res.output and "'triggr'" in res.output
    partial = runner.invoke(app, ["history", "backtest", "--fit-actors", str(bad)])
    assert partial.exit_code == 1 and "give all four" in partial.output


def test_similar_iran_lists_relevant_crises():
    res = runner.invoke(app, ["history", "similar", "iran-2026", "--json"])
    assert res.exit_code == 0, res.output
    view = json.loads(res.stdout, parse_constant=_no_nan)
    cases = view["neighbours"]
    assert len(cases) == 10
    assert {448, 442} & {c["crisno"] for c in cases}  # Iran Nuclear I or II among the nearest
    assert all(c["year"] <= 2007 and set(c["outcomes"]) == QUESTIONS for c in cases)
    assert [c["distance"] for c in cases] == sorted(c["distance"] for c in cases)
    table = runner.invoke(app, ["history", "similar", "iran-2026", "--k", "3"])
    assert table.exit_code == 0 and "Outside view at the trigger" in table.stdout


def test_rates_filter_counts_match_the_file():
    res = runner.invoke(app, ["history", "rates", "--where", "nuclear=yes", "--where", "regime=democratic", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout, parse_constant=_no_nan)
    actors = pd.read_csv(shipped_paths()[0])
    hand = actors[(actors["nuclear"] >= 2) & (actors["regime"] == 1)]
    assert data["n"] == len(hand)
    assert data["questions"]["full_scale_war"]["events"] == int((hand["viol"] == 4).sum())
    bad = runner.invoke(app, ["history", "rates", "--where", "gravity=huge"])
    assert bad.exit_code == 1 and "existence" in bad.output


def test_scenario_coding_checked_against_the_codebook():
    path = resolve("iran-2026")
    text = path.read_text(encoding="utf-8").replace("value: grave_damage", "value: grave")
    with pytest.raises(ScenarioError, match="not one of the codebook's categories"):
        parse_scenario(text, name="bad.yaml", base=path.parent)
    text = path.read_text(encoding="utf-8").replace(
        "prior_crises_with_adversary:\n      value: 5", "prior_crises_with_adversary:\n      value: 2.5"
    )
    with pytest.raises(ScenarioError, match="whole number"):
        parse_scenario(text, name="bad.yaml", base=path.parent)


def test_reference_source_validation():
    QuestionSource(engine="reference", output="violent_response_30d", days=30)
    with pytest.raises(ValidationError, match="days apply only"):
        QuestionSource(engine="reference", output="agreement", days=30)
    with pytest.raises(ValidationError, match="not one of reference"):
        QuestionSource(engine="reference", output="war_by")
    with pytest.raises(ValidationError, match="days, not months"):
        QuestionSource(engine="reference", output="full_scale_war", months=3)


def test_reference_probability_for_the_flagship():
    from standoff.history.icb.outside_view import question_probability

    coding = load_scenario("iran-2026").scenario.history
    as_of = dt.date(2026, 2, 15)
    short = question_probability(coding, as_of, "violent_response_30d", 7)
    long = question_probability(coding, as_of, "violent_response_30d", 89)
    assert 0 < short < long < 1
    assert 0 < question_probability(coding, as_of, "agreement", None) < 1
