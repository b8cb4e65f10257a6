"""The history commands say when the model loses, write valid JSON and fail in one line on a bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from standoff.cli import app
from standoff.cli.history import json_safe

runner = CliRunner()
EPISODES = Path(__file__).resolve().parents[1] / "src" / "standoff" / "data" / "episodes"


def _strict(text: str) -> dict:
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))


def test_json_safe_turns_infinities_into_null_with_a_reason() -> None:
    doc = json_safe({"a": [{"median": float("inf"), "c": float("nan"), "x": 1.0}], "b": (2,)})
    assert doc == {
        "a": [
            {
                "median": None,
                "median_reason": "beyond the model's horizon",
                "c": None,
                "c_reason": doc["a"][0]["c_reason"],
                "x": 1.0,
            }
        ],
        "b": [2],
    }
    assert "undefined" in doc["a"][0]["c_reason"]
    json.dumps(doc, allow_nan=False)


def test_backtest_episodes_says_when_the_model_loses_and_writes_valid_json(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STANDOFF_FIT", str(tmp_path / "fit.json"))
    args = ["backtest-episodes", "--fit", str(EPISODES / "iran_us_episodes.csv"), "--test"]
    res = runner.invoke(app, [*args, str(EPISODES / "coercion_episodes.csv"), "--json"])
    assert res.exit_code == 0, res.output
    doc = _strict(res.stdout)
    scores = {row["predictor"]: row["loglik"] for row in doc["scores"]}
    losses = [line for line in doc["verdict"] if "loses to the training median" in line]
    assert bool(losses) == (scores["model"] <= scores["training_median"])
    res = runner.invoke(app, [*args, str(EPISODES / "coercion_episodes.csv")])
    assert res.exit_code == 0
    assert ("The model loses to the training median" in res.stdout) == bool(losses)


@pytest.mark.parametrize("content", [None, b"\xff\xfe\x00bad"])
def test_a_missing_or_unreadable_episode_file_is_one_line(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "episodes.csv"
    if content is not None:
        path.write_bytes(content)
    res = runner.invoke(app, ["backtest-episodes", "--fit", str(path), "--test", str(path)])
    assert res.exit_code == 1
    assert res.exception is None or isinstance(res.exception, SystemExit)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(str(path)) and "Traceback" not in res.output
