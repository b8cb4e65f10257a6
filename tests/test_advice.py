"""Advice: the best move found on a case worked by hand; useless moves not recommended; vetoes respected."""

from pathlib import Path

import pytest

from standoff.advice import advise
from standoff.scenario import load_scenario

CASE = """
id: advice-case
title: Three actors on one issue
description: Hand-worked advice case.
as_of: 2026-01-01
actors:
  - {id: a, name: A, group: state, capability: {value: 1, judgment: "test value one"}%s}
  - {id: b, name: B, group: state, capability: {value: 1, judgment: "test value one"}}
  - {id: c, name: C, group: state, capability: {value: 2, judgment: "test value two"}}
issues:
  - id: x
    name: X
    question: Where does X land?
    scale: {low: 0, high: 100, anchors: {0: low, 50: middle, 100: high}}
    status_quo: {value: 50, judgment: "test status quo"}
stances:
  - {actor: a, issue: x, position: {value: 0, judgment: "test position"}, salience: {value: 0.5, judgment: "test salience"}}
  - {actor: b, issue: x, position: {value: 100, judgment: "test position"}, salience: {value: 1, judgment: "test salience"}}
  - {actor: c, issue: x, position: {value: 50, judgment: "test position"}, salience: {value: 0.5, judgment: "test salience"}}
"""


def load(tmp_path: Path, veto: str = ""):
    path = tmp_path / "case.yaml"
    path.write_text(CASE % veto, encoding="utf-8")
    return load_scenario(path)


def test_the_best_move_worked_by_hand(tmp_path: Path):
    """Weights c s: a 0.5, b 1, c 1; compromise f = (0 + 100 + 50)/2.5 = 60, so a's utility is
    -0.5 * 60/100 = -0.30. Raising a's salience to 0.7: f = 150/2.7 = 55.56, utility -0.2778,
    gain 0.0222 minus cost 0.1 * 0.2 = 0.02: net +0.00222. Every concession moves f up (worse for a);
    aligning with c at (1*0 + 2*50)/3 = 33.3 leaves f = (16.7 + 100 + 33.3)/2.5 = 60 (no gain, a cost);
    aligning with b at 50 raises f. So the salience rise is the only move with a positive net gain."""
    adv = advise(load(tmp_path), "a", engines=("compromise",), draws=1)
    best = adv.moves[0]
    assert best.move.kind == "salience" and best.move.salience == pytest.approx(0.7)
    assert best.gain == pytest.approx(0.5 * (60 - 150 / 2.7) / 100 - 0.02)
    assert best.before["compromise"] == pytest.approx(60) and best.after["compromise"] == pytest.approx(150 / 2.7)
    assert all(m.gain < 0 for m in adv.moves[1:])


def test_conceding_to_the_forecast_is_not_recommended(tmp_path: Path):
    adv = advise(load(tmp_path), "a", engines=("compromise", "expected_utility"), draws=1)
    to_forecast = [m for m in adv.moves if m.move.kind == "to_forecast"]
    assert to_forecast and all(m.gain < 0 for m in to_forecast)
    assert adv.moves[0].move.kind != "to_forecast"


def test_moves_stay_inside_the_veto_range(tmp_path: Path):
    veto = ', veto: [{issue: x, range: [0, 20], judgment: "test veto range"}]'
    adv = advise(load(tmp_path, veto), "a", engines=("compromise",), draws=1)
    positions = [m.move.position for m in adv.moves if m.move.position is not None]
    assert positions and max(positions) <= 20


def test_unknown_actor(tmp_path: Path):
    with pytest.raises(ValueError, match="unknown actor 'z'"):
        advise(load(tmp_path), "z")


def test_advise_command(tmp_path: Path):
    import json

    from typer.testing import CliRunner

    from standoff.cli import app

    load(tmp_path)
    res = CliRunner().invoke(app, ["advise", str(tmp_path / "case.yaml"), "--actor", "a", "--draws", "1", "--json"])
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["actor"] == "a" and data["moves"][0]["move"]["kind"] == "salience"
    res = CliRunner().invoke(app, ["advise", str(tmp_path / "case.yaml"), "--actor", "nobody"])
    assert res.exit_code == 2 and "unknown actor 'nobody'" in res.stderr
