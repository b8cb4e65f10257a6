"""Advice: the best move of a case worked by hand, useless concessions not recommended, vetoes
respected, common random numbers, a ranking stable within its Monte Carlo error, the mediator."""

import json
from pathlib import Path

import numpy as np
import pytest

from standoff.experiments.advice import advise, candidate_moves
from standoff.experiments.montecarlo import chunks, engine_draws
from standoff.scenario import load_scenario

# Three actors on one issue. Weights c s: a 60, b 20, c 20 (W = 100); the compromise forecast is
# (60*20 + 20*80 + 20*35) / 100 = 35, exactly c's position. Placeholders: {a_veto}, {c_veto}
# (veto lists), {a_pos} / {cap_b} (uncertainty added to a's position and b's capability).
CASE = """
id: advice-case
title: Three actors on one issue
description: Hand-worked advice case.
as_of: 2026-01-01
actors:
  - {{id: a, name: A, group: state, capability: {{value: 60, judgment: "test capability"}}{a_veto}}}
  - {{id: b, name: B, group: state, capability: {{value: 40, judgment: "test capability"{cap_b}}}}}
  - {{id: c, name: C, group: state, capability: {{value: 20, judgment: "test capability"}}{c_veto}}}
issues:
  - id: x
    name: X
    question: Where does X land?
    scale: {{low: 0, high: 100, anchors: {{0: low, 50: middle, 100: high}}}}
    status_quo: {{value: 50, judgment: "test status quo"}}
stances:
  - {{actor: a, issue: x, position: {{value: 20, judgment: "test position"{a_pos}}}, salience: {{value: 1, judgment: "test salience"}}}}
  - {{actor: b, issue: x, position: {{value: 80, judgment: "test position"}}, salience: {{value: 0.5, judgment: "test salience"}}}}
  - {{actor: c, issue: x, position: {{value: 35, judgment: "test position"}}, salience: {{value: 1, judgment: "test salience"}}}}
"""
UNCERTAIN = {"a_pos": ", range: [12, 30]", "cap_b": ", range: [20, 80]"}

# A deal case: two veto players above the status quo (each accepts [50, ...]), one weighty actor below.
DEAL = """
id: deal-case
title: Two veto players and a spoiler
description: Mediator test case.
as_of: 2026-01-01
actors:
  - {id: v1, name: V1, group: state, capability: {value: 30, judgment: "test capability"}, veto: [{issue: x, judgment: "default veto interval"}]}
  - {id: v2, name: V2, group: state, capability: {value: 30, judgment: "test capability"}, veto: [{issue: x, judgment: "default veto interval"}]}
  - {id: low, name: Low, group: state, capability: {value: 45, range: [30, 60], judgment: "test capability"}}
issues:
  - id: x
    name: X
    question: Where does X land?
    scale: {low: 0, high: 100, anchors: {0: low, 25: lower, 50: middle, 75: higher, 100: high}}
    status_quo: {value: 50, judgment: "test status quo"}
stances:
  - {actor: v1, issue: x, position: {value: 90, judgment: "test position"}, salience: {value: 1, judgment: "test salience"}}
  - {actor: v2, issue: x, position: {value: 70, judgment: "test position"}, salience: {value: 1, judgment: "test salience"}}
  - {actor: low, issue: x, position: {value: 10, judgment: "test position"}, salience: {value: 1, judgment: "test salience"}}
"""


def write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def case(tmp_path: Path, **fill: str):
    values = {"a_veto": "", "c_veto": "", "a_pos": "", "cap_b": ""} | fill
    return load_scenario(write(tmp_path, CASE.format(**values)))


def test_the_best_move_worked_by_hand(tmp_path: Path):
    """a's utility: -1 * |35 - 20| / 100 = -0.15. Net gains (cost 0.5 * salience * |shift| / 100):

    * harden 25: 20 - 25 is clipped to the scale at 0 (shift -20); the forecast falls by
      0.6 * 20 = 12 to 23: gross +0.12, cost 0.10, net **+0.02** (the best);
    * harden 10: forecast 29, gross +0.06, cost 0.05, net **+0.01**;
    * move to the forecast (concede fully to c, who sits there): shift +15, forecast 44,
      gross -0.09, cost 0.075, net -0.165; concede 10 / 25 (to 30 / 45): -0.11 / -0.275;
    * align with c at (60*20 + 20*35)/80 = 23.75: forecast (1425 + 1600 + 475)/100 = 35, gross 0,
      cost 0.5 * 3.75 / 100 = 0.01875; align with b at 44: forecast 42.2, net -0.072 - 0.12 = -0.192;
    * show salience 0.8: forecast (48*20 + 1600 + 700)/88 = 37.045, gross -0.02045,
      cost 0.5 * 0.2 * |20 - 35| / 100 = 0.015; raising it is left out (already 1).

    a holds 60% of the weight, more than the cost rate 0.5: a harder line pays, nothing else does.
    """
    adv = advise(case(tmp_path), "a", engines=("compromise",), draws=4)
    gains = {m.move.id: m.gain for m in adv.moves}
    expected = {
        "position:x:-25": 0.02,
        "position:x:-10": 0.01,
        "align:x:c": -0.01875,
        "salience:x:-0.2": -(3260 / 88 - 35) / 100 - 0.015,
        "position:x:+10": -0.11,
        "position:x:forecast:compromise": -0.165,
        "align:x:b": -0.192,
        "position:x:+25": -0.275,
    }
    assert gains == pytest.approx(expected)
    assert [m.move.id for m in adv.moves] == list(expected)
    assert [m.move.id for m in adv.recommended] == ["position:x:-25", "position:x:-10"]
    best = adv.moves[0]
    assert best.stated["a"].mean == 0.0 and best.se == 0.0 and best.cost == pytest.approx(0.10)
    assert best.before == {"compromise": 35.0} and best.after == {"compromise": pytest.approx(23.0)}
    assert adv.baseline.objective == pytest.approx(-0.15)
    effect = best.explanation.effects[0]
    assert effect.change.mean == pytest.approx(-12.0) and effect.before.mean == pytest.approx(35.0)
    # b (true position 80, salience 0.5) gains 0.5 * (45 - 37.8) / 100 but pays 0.5 * 0.5 * |44 - 80| / 100
    assert adv.move("align:x:b").partner_gain == pytest.approx(0.5 * 7.2 / 100 - 0.5 * 0.5 * 36 / 100)
    assert not adv.move("align:x:b").recommended
    json.dumps(adv.to_dict())  # plain data, no arrays


def test_conceding_fully_to_the_actor_at_the_forecast_is_not_recommended(tmp_path: Path):
    """c sits at the forecast; moving a's stated position onto it only pulls the forecast away from a."""
    adv = advise(case(tmp_path), "a", draws=4)
    concede = adv.move("position:x:forecast:compromise")
    assert concede.gain < 0 and not concede.recommended and "no net gain" in concede.reason
    assert all(g < 0 for g in concede.by_engine.values())
    assert concede.stated["a"].mean == pytest.approx(35.0)
    assert adv.moves[0].move.id != "position:x:forecast:compromise"


def test_expected_utility_explains_an_alignment(tmp_path: Path):
    adv = advise(case(tmp_path), "a", draws=4, explain=20)
    align = adv.move("align:x:c")
    assert align.explanation is not None
    assert {e.engine for e in align.explanation.effects} == {"compromise", "expected_utility"}
    assert "a" not in {r.actor for r in align.explanation.responses}  # the mover is not a responder
    assert "c" not in {r.actor for r in align.explanation.responses}  # nor the partner
    members = {c.actor: c.share_after for c in align.explanation.coalition}
    assert members.get("c") == 1.0
    assert align.explanation.mechanism


def test_vetoes_bound_every_stated_position(tmp_path: Path):
    """a accepts only [15, 40] and c only [30, 50]: no move states anything outside, in any draw."""
    loaded = case(
        tmp_path,
        a_veto=', veto: [{issue: x, range: [15, 40], judgment: "test veto range"}]',
        c_veto=', veto: [{issue: x, range: [30, 50], judgment: "test veto range"}]',
        a_pos=", range: [16, 30]",
    )
    adv = advise(loaded, "a", engines=("compromise",), draws=64, seed=2)
    stated_a = [m.draws["stated:a"] for m in adv.moves if m.move.kind in ("position", "align")]
    assert stated_a and min(x.min() for x in stated_a) >= 15 and max(x.max() for x in stated_a) <= 40
    assert adv.move("align:x:c").draws["stated:c"].min() >= 30
    ids = {m.id for m in candidate_moves(loaded, "a", engines=("compromise",))}
    # harder lines of 10 and 25 both clip at 15: one move; +25 clips at 40.
    assert "position:x:-10" in ids and "position:x:-25" not in ids and "position:x:+25" in ids


def test_common_random_numbers(tmp_path: Path):
    """The baseline is the Monte Carlo forecast itself, every move is paired with it draw by draw,
    and a stated shift moves the compromise forecast by exactly its weight share in every draw."""
    loaded = case(tmp_path, **UNCERTAIN)
    adv = advise(loaded, "a", engines=("compromise",), draws=64, seed=7)
    base = adv.baseline_draws["x"]["compromise"]
    np.testing.assert_array_equal(base, engine_draws(loaded.scenario, ["compromise"], 64, 7)["x"]["compromise"])
    for m in adv.moves:
        np.testing.assert_array_equal(m.draws["baseline:x:compromise"], base)
    p = next(chunks(loaded.scenario, 64, 7)).problems["x"]
    share = p.weight[:, 0] / p.weight.sum(axis=1)
    shift = adv.move("position:x:+10")
    np.testing.assert_allclose(shift.draws["forecast:x:compromise"] - base, 10 * share, atol=1e-12)
    # paired: the spread of the effect is far below that of two independent runs of the baseline
    other = engine_draws(loaded.scenario, ["compromise"], 64, 8)["x"]["compromise"]
    effect = shift.draws["forecast:x:compromise"] - base
    assert np.std(effect, ddof=1) < 0.2 * np.std(other - base, ddof=1)


def test_ranking_is_stable_across_seeds_within_its_error(tmp_path: Path):
    loaded = case(tmp_path, **UNCERTAIN)
    runs = [advise(loaded, "a", engines=("compromise",), draws=256, seed=s, explain=0) for s in (0, 1)]
    one, two = ({m.move.id: m for m in r.moves} for r in runs)
    top = [m.move.id for m in runs[0].moves[:4]]
    for move in top:
        a, b = one[move], two[move]
        assert abs(a.gain - b.gain) <= 4 * np.hypot(a.se, b.se), move
    for i, x in enumerate(top):
        for y in top[i + 1 :]:
            if (one[x].gain - one[y].gain) * (two[x].gain - two[y].gain) < 0:  # order swapped: a tie within error
                for r in (one, two):
                    assert abs(r[x].gain - r[y].gain) <= 3 * np.hypot(r[x].se, r[y].se)
    assert runs[0].moves[0].move.id == runs[1].moves[0].move.id


def test_a_mediator_for_a_deal(tmp_path: Path):
    """Compromise: the bargained outcome (2700 + 2100 + 10 c) / (60 + c) with c ~ U[30, 60] is above
    51 (inside both veto intervals [50, ...] and off the status quo by more than 1) when c < 42.4:
    P(deal) about 0.41. A proposal at the top of the scale pulls it up; one at 0 pulls it down."""
    loaded = load_scenario(write(tmp_path, DEAL))
    adv = advise(loaded, "broker", objective="deal", engines=("compromise",), draws=512)
    assert adv.mediator and adv.objective == "deal" and adv.cost_rate == 0.0
    assert 0.3 < adv.baseline.objective < 0.52
    assert {m.move.kind for m in adv.moves} == {"propose"}
    best = adv.moves[0]
    assert best.move.target == 100 and best.gain > 0 and best.recommended
    assert adv.move("propose:x:0").gain < 0
    # an id outside the scenario is a mediator, whose objective is the deal unless told otherwise
    implied = advise(loaded, "broker", engines=("compromise",), draws=64)
    assert implied.mediator and implied.objective == "deal"
    with pytest.raises(ValueError, match="unknown actor 'broker'"):
        advise(loaded, "broker", objective="utility")
    # a spoiler strong enough to drag every outcome below both veto intervals: no deal in any draw, and the
    # advice says which issue blocks it
    text = DEAL.replace(
        'capability: {value: 45, range: [30, 60], judgment: "test capability"}',
        'capability: {value: 200, range: [150, 250], judgment: "test capability"}',
    )
    blocked = advise(load_scenario(write(tmp_path, text, "blocked.yaml")), "broker", engines=("compromise",), draws=32)
    assert blocked.baseline.objective == 0 and blocked.baseline.open_issues == {"x": 0.0}
    assert any(
        n.startswith("No deal in any draw; the issues most often blocked: x (a veto binds in 100%")
        for n in blocked.notes
    )
    assert not any(n.startswith("No deal") for n in adv.notes)


def test_whom_the_report_and_dashboard_advise(tmp_path: Path):
    from standoff.experiments.advice import MEDIATOR, advice_subjects

    assert advice_subjects(load_scenario("iran-2026").scenario) == ["us-administration", "khamenei", MEDIATOR]
    plain = load_scenario(write(tmp_path, CASE.format(a_veto="", c_veto="", a_pos="", cap_b=""))).scenario
    strongest = sorted(plain.actors, key=lambda a: -a.capability.value)
    assert advice_subjects(plain) == [strongest[0].id, strongest[1].id, MEDIATOR]
    with pytest.raises(ValueError, match="is an actor of"):
        advice_subjects(plain, mediator=strongest[0].id)


def test_policy_options_of_the_defender(tmp_path: Path):
    """The US defends in the flagship's deterrence section: its policy options are moves with no
    bargaining gain, and carry their deterrence and crisis effects."""
    from standoff.history.default_fit import default_fit

    fit = default_fit()
    adv = advise(
        "iran-2026",
        "us-administration",
        engines=("compromise",),
        issues=["use-of-force"],
        draws=16,
        policy_params=fit.params,
        policy_paths=200,
    )
    policies = [m for m in adv.moves if m.move.kind == "policy"]
    assert {m.move.policy for m in policies} == {
        "declare-closed",
        "maximum-pressure",
        "credible-threat",
        "talks-limited-relief",
        "renewed-strikes",
    }
    for m in policies:
        assert m.gain == 0 and not m.recommended and m.policy is not None
        names = {x.name for x in m.policy.measures}
        assert "P(test within 24 months)" in names and "P(deal through the talks)" in names
    threat = next(p for p in adv.policies if p.option == "credible-threat")
    assert next(x for x in threat.measures if x.name == "P(test within 24 months)").change < 0
    assert not [
        m
        for m in advise("iran-2026", "khamenei", engines=("compromise",), issues=["use-of-force"], draws=4).moves
        if m.move.kind == "policy"
    ]


def test_advise_command(tmp_path: Path):
    from typer.testing import CliRunner

    from standoff.cli import app

    path = write(tmp_path, CASE.format(a_veto="", c_veto="", a_pos="", cap_b=""))
    res = CliRunner().invoke(app, ["advise", str(path), "--actor", "a", "--draws", "4", "--json"])
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    # with the expected-utility model beside the compromise model no move pays: the weighted
    # median sits at a's own position, and a harder line drags it away from a's true position
    assert data["actor"] == "a" and data["moves"][0]["gain"] < 0 and "baseline_draws" not in data
    res = CliRunner().invoke(app, ["advise", str(path), "--actor", "a", "--draws", "4"])
    assert res.exit_code == 0 and "No move is advised" in res.stdout
    res = CliRunner().invoke(app, ["advise", str(path), "--actor", "nobody", "--objective", "utility"])
    assert res.exit_code == 2 and "unknown actor 'nobody'" in res.stderr and "(known: a, b, c)" in res.stderr
    res = CliRunner().invoke(app, ["advise", str(path), "--actor", "envoy", "--draws", "4", "--top", "2"])
    assert res.exit_code == 0, res.stderr
    assert "envoy (a mediator from outside the scenario)" in res.stdout and "P(deal)" in res.stdout


def test_advise_without_an_actor_advises_the_scenarios_subjects(tmp_path: Path):
    from typer.testing import CliRunner

    from standoff.cli import app
    from standoff.experiments.advice import MEDIATOR, advice_subjects
    from standoff.scenario import load_scenario

    path = write(tmp_path, CASE.format(a_veto="", c_veto="", a_pos="", cap_b=""))
    subjects = advice_subjects(load_scenario(path).scenario)
    assert "us-administration" not in subjects and subjects[-1] == MEDIATOR
    res = CliRunner().invoke(app, ["advise", str(path), "--draws", "4", "--json"])
    assert res.exit_code == 0, res.stderr
    assert [d["actor"] for d in json.loads(res.stdout)] == subjects
    clash = (
        path.read_text(encoding="utf-8")
        .replace("id: c,", f"id: {MEDIATOR},")
        .replace("actor: c,", f"actor: {MEDIATOR},")
    )
    taken = tmp_path / "clash.yaml"
    taken.write_text(clash, encoding="utf-8")
    res = CliRunner().invoke(app, ["advise", str(taken), "--draws", "4"])
    assert res.exit_code == 2 and f"Pass --actor, one of: a, b, {MEDIATOR}" in res.stderr, res.stderr
