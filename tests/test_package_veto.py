"""Package vetoes (Tsebelis's win-set): hand-solved two-issue cases.

The case: two issues ``a`` and ``b`` on 0-100 scales, status quo (0, 0).

* ``v1`` (capability 10) wants ``a``: position (100, 0), salience (1, 0.5).
* ``v2`` (capability 10) wants ``b``: position (0, 100), salience (0.5, 1).
* ``hawk`` (capability 30, no veto) position (100, 0), salience (1, 1).

Both veto players veto packages over (a, b). Utility losses at the status quo
(salience-weighted, per unit of scale): v1 ``1·100/100 + 0.5·0 = 1``; v2
``0.5·0 + 1·100/100 = 1``. Inside the square, v1 accepts ``(100 - a) + 0.5 b
<= 100``, i.e. ``b <= 2a``; v2 accepts ``0.5 a + (100 - b) <= 100``, i.e.
``a <= 2b``. The win-set is the cone between ``b = a/2`` and ``b = 2a``: each
concedes on the issue it cares less about for a gain on the other.

Compromise (weights c·s): a: ``(10·100 + 5·0 + 30·100) / 45 = 88.89``;
b: ``(5·0 + 10·100 + 30·0) / 45 = 22.22``. Not in the win-set (``a > 2b``):
v2 would lose. Projection weights ω (capability-weighted mean salience):
a ``(10 + 5 + 30)/50 = 0.9``, b ``(5 + 10 + 30)/50 = 0.9``, equal. Closing the
violation ``a - 2b = 44.44`` costs one unit of ``a`` per unit, but only half a
unit of ``b``: raise b to ``a/2 = 44.44``. The package (88.89, 44.44) leaves v2
exactly at its status-quo utility (``0.5·0.8889 + 0.5556 = 1``).
"""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from standoff.core.problems import BargainingProblem
from standoff.engines.winset import PackageVeto, WinSet, extent, is_point, pivotal, project, win_set
from standoff.experiments.forecast import forecast
from standoff.scenario import load_scenario

CASE = """
id: package-case
title: Two veto players trading two issues
description: Hand-solved package vetoes.
as_of: 2026-01-01
actors:
  - id: v1
    name: V1
    group: state
    capability: {{value: 10, judgment: "test capability"}}
    package_veto: [{{issues: [a, b], judgment: "test package veto"}}]{v1_red}
  - id: v2
    name: V2
    group: state
    capability: {{value: 10, judgment: "test capability"}}
    package_veto: [{{issues: [a, b], judgment: "test package veto"}}]{v2_red}
  - {{id: hawk, name: Hawk, group: state, capability: {{value: 30, judgment: "test capability"{hawk_range}}}}}{keeper}
issues:
  - {{id: a, name: A, question: "A?", scale: {{low: 0, high: 100, anchors: {{0: none, 50: half, 100: all}}}}, status_quo: {{value: 0, judgment: "test status quo"}}}}
  - {{id: b, name: B, question: "B?", scale: {{low: 0, high: 100, anchors: {{0: none, 50: half, 100: all}}}}, status_quo: {{value: 0, judgment: "test status quo"}}}}
stances:
  - {{actor: v1, issue: a, position: {{value: 100, judgment: "test input"}}, salience: {{value: 1, judgment: "test input"}}}}
  - {{actor: v1, issue: b, position: {{value: 0, judgment: "test input"}}, salience: {{value: 0.5, judgment: "test input"}}}}
  - {{actor: v2, issue: a, position: {{value: 0, judgment: "test input"}}, salience: {{value: 0.5, judgment: "test input"}}}}
  - {{actor: v2, issue: b, position: {{value: 100, judgment: "test input"}}, salience: {{value: 1, judgment: "test input"}}}}
  - {{actor: hawk, issue: a, position: {{value: 100, judgment: "test input"}}, salience: {{value: 1, judgment: "test input"}}}}
  - {{actor: hawk, issue: b, position: {{value: 0, judgment: "test input"}}, salience: {{value: 1, judgment: "test input"}}}}{keeper_stances}
"""
KEEPER = """
  - id: keeper
    name: Keeper
    group: state
    capability: {value: 1, judgment: "test capability"}
    package_veto: [{issues: [a, b], judgment: "content with the status quo"}]"""
KEEPER_STANCES = """
  - {actor: keeper, issue: a, position: {value: 0, judgment: "test input"}, salience: {value: 1, judgment: "test input"}}
  - {actor: keeper, issue: b, position: {value: 0, judgment: "test input"}, salience: {value: 1, judgment: "test input"}}"""


def scenario(tmp_path: Path, **fill: str):
    values = {"v1_red": "", "v2_red": "", "hawk_range": "", "keeper": "", "keeper_stances": ""} | fill
    path = tmp_path / "case.yaml"
    path.write_text(CASE.format(**values), encoding="utf-8")
    return load_scenario(path)


def test_win_set_and_projection_by_hand(tmp_path: Path):
    f = forecast(scenario(tmp_path), engines=["compromise"])
    w = f.win_set
    assert w is not None and w.status == "open" and w.veto_players == ["v1", "v2"]
    # the cone b <= 2a, a <= 2b within the square reaches every value of each issue
    assert w.ranges == {"a": pytest.approx((0, 100)), "b": pytest.approx((0, 100))}
    assert w.packages["compromise"] == {"a": pytest.approx(4000 / 45), "b": pytest.approx(2000 / 45)}
    assert w.deal == {"compromise": True}
    assert f.issue("a").engines["compromise"].value == pytest.approx(4000 / 45)
    # without the vetoes: the compromise itself, (88.89, 22.22)
    assert f.issue("b").engines["compromise"].without_vetoes == pytest.approx(1000 / 45)
    assert f.issue("a").package_vetoes == ["v1", "v2"] and f.issue("a").vetoes == {}


def test_projection_lands_on_the_nearest_accepted_package():
    """Direct: the cone of the module docstring; a point inside stays, one outside moves the cheaper way."""
    a = BargainingProblem.from_points([100, 0], [1.0, 0.5], [10, 10], status_quo=0, actors=("v1", "v2"))
    b = BargainingProblem.from_points([0, 100], [0.5, 1.0], [10, 10], status_quo=0, actors=("v1", "v2"))
    ws = win_set({"a": a, "b": b}, [PackageVeto("v1", ("a", "b")), PackageVeto("v2", ("a", "b"))])
    assert ws is not None
    np.testing.assert_allclose(ws.radius, [[1.0, 1.0]])
    np.testing.assert_allclose(project(ws, np.array([[60.0, 40.0]])), [[60, 40]])  # inside: unchanged
    # (10, 90): b <= 2a fails by 70; lowering b costs 1 per unit of violation, raising a 1/2: a to 45
    np.testing.assert_allclose(project(ws, np.array([[10.0, 90.0]])), [[45, 90]], atol=1e-7)
    assert ws.inside(np.array([[45.0, 90.0]]))[0] and not ws.inside(np.array([[44.0, 90.0]]))[0]


def test_a_red_line_still_binds(tmp_path: Path):
    """v2 also holds a red line a <= 60: compromise clips a to 60, then b rises to a/2 = 30 (cheaper than a to 44.4)."""
    red = '\n    veto: [{issue: a, range: [0, 60], judgment: "test red line"}]'
    f = forecast(scenario(tmp_path, v2_red=red), engines=["compromise"])
    assert f.win_set is not None and f.win_set.ranges["a"] == pytest.approx((0, 60))
    assert f.win_set.packages["compromise"] == {"a": pytest.approx(60), "b": pytest.approx(30)}
    assert f.issue("a").vetoes == {"v2": (0, 60)}
    assert f.issue("a").engines["compromise"].without_vetoes == pytest.approx(4000 / 45)


def test_status_quo_alone_names_the_veto_player(tmp_path: Path):
    """A third veto player at the status quo (radius 0) accepts nothing else: the win-set is (0, 0)."""
    f = forecast(scenario(tmp_path, keeper=KEEPER, keeper_stances=KEEPER_STANCES), engines=["compromise"])
    w = f.win_set
    assert w is not None and w.status == "status quo alone" and w.pivotal == ["keeper"]
    assert w.packages["compromise"] == {"a": 0, "b": 0} and w.deal == {"compromise": False}
    from rich.console import Console

    from standoff.presentation.briefing import render

    console = Console(record=True, width=200)
    console.print(render(f))
    assert (
        "the win-set is the status quo alone; its status quo admits no improvement for: keeper" in console.export_text()
    )


def test_empty_win_set_is_reported(tmp_path: Path):
    """A red line a >= 70 excludes the status quo, the only package the keeper accepts: nothing passes."""
    red = '\n    veto: [{issue: a, range: [70, 100], judgment: "test red line"}]'
    f = forecast(scenario(tmp_path, v1_red=red, keeper=KEEPER, keeper_stances=KEEPER_STANCES), engines=["compromise"])
    assert f.win_set is not None and f.win_set.status == "empty" and f.win_set.ranges == {}
    assert f.win_set.packages["compromise"] == {"a": 0, "b": 0}


def test_a_batch_with_empty_win_sets_projects_each_draw_as_alone():
    """Draws whose win-set is empty make the block programme infeasible; the others are still solved,
    each as its own programme would be, and the empty ones fall back to the status quo.

    With v1's red line a >= 70, v2 needs b >= a/2 >= 35, so a + b >= 105; the keeper (radius 0 plus
    its tolerance τ) accepts 0.3 (a + b) / 100 <= τ: the win-set is empty for τ < 0.315."""
    d = 6
    tol = np.array([0.0, 0.5, 0.0, 0.3, 1.0, 0.0])  # the keeper's tolerance per draw
    a = BargainingProblem.from_points([100, 0, 0], [1, 0.5, 0.3], [1, 1, 1], status_quo=0, actors=("v1", "v2", "k"))
    b = BargainingProblem.from_points([0, 100, 0], [0.5, 1, 0.3], [1, 1, 1], status_quo=0, actors=("v1", "v2", "k"))
    problems = {"a": _stack_draws(a, d, veto_a=(70.0, 100.0)), "b": _stack_draws(b, d)}
    ws = win_set(problems, [PackageVeto(v, ("a", "b")) for v in ("v1", "v2", "k")])
    assert ws is not None
    ws = replace(ws, radius=ws.radius + np.stack([np.zeros(d), np.zeros(d), tol], axis=1))
    target = np.tile([[100.0, 10.0]], (d, 1))
    together = project(ws, target)
    alone = np.concatenate([project(_draw(ws, r), target[[r]]) for r in range(d)])
    np.testing.assert_allclose(together, alone, atol=1e-9)
    empty = tol < 0.315
    np.testing.assert_array_equal(together[empty], 0.0)  # the status quo
    assert (together[~empty, 0] >= 70 - 1e-7).all()  # the red line holds where a package passes


def _stack_draws(p: BargainingProblem, d: int, veto_a: tuple[float, float] | None = None) -> BargainingProblem:
    """``p`` repeated over ``d`` draws, with a red line held by v1 if given."""
    veto = p.veto if veto_a is None else np.array([veto_a, (-np.inf, np.inf), (-np.inf, np.inf)])
    return replace(
        p,
        position=np.repeat(p.position, d, axis=0),
        salience=np.repeat(p.salience, d, axis=0),
        capability=np.repeat(p.capability, d, axis=0),
        status_quo=np.repeat(p.status_quo, d, axis=0),
        veto=veto,
    )


def _draw(ws: WinSet, r: int) -> WinSet:
    """Draw ``r`` of a win-set alone."""
    return replace(
        ws,
        ideal=ws.ideal[[r]],
        salience=ws.salience[[r]],
        status_quo=ws.status_quo[[r]],
        radius=ws.radius[[r]],
        weight=ws.weight[[r]],
    )


def test_extent_and_pivotal_directly():
    a = BargainingProblem.from_points([100, 0, 0], [1, 0.5, 0.3], [1, 1, 1], status_quo=0, actors=("v1", "v2", "k"))
    b = BargainingProblem.from_points([0, 100, 0], [0.5, 1, 0.3], [1, 1, 1], status_quo=0, actors=("v1", "v2", "k"))
    ws = win_set({"a": a, "b": b}, [PackageVeto(v, ("a", "b")) for v in ("v1", "v2", "k")])
    assert ws is not None
    bounds = extent(ws)
    np.testing.assert_allclose(bounds, 0.0, atol=1e-9)
    assert is_point(ws, bounds)[0] and pivotal(ws) == ["k"]
    # with a tolerance of 0.1, k accepts 0.3 (a + b) / 100 <= 0.1, i.e. a + b <= 33.3; with b >= a/2
    # (v2's side of the cone) the largest a is 22.2
    packages = [PackageVeto("v1", ("a", "b")), PackageVeto("v2", ("a", "b")), PackageVeto("k", ("a", "b"), 0.1)]
    tolerant = win_set({"a": a, "b": b}, packages)
    assert tolerant is not None and extent(tolerant)[0, 0, 1] == pytest.approx(200 / 9)


def test_same_seed_same_result(tmp_path: Path):
    loaded = scenario(tmp_path, hawk_range=", range: [10, 60]")
    one = forecast(loaded, engines=["compromise", "nash"], draws=300, seed=5)
    two = forecast(loaded, engines=["compromise", "nash"], draws=300, seed=5)
    assert one.win_set is not None and two.win_set is not None
    assert one.win_set.p_deal == two.win_set.p_deal
    assert one.win_set.p_deal["compromise"] == 1.0  # every compromise leaves (0, 0) inside the cone
    assert one.win_set.p_deal["nash"] == 0.0  # actors on both sides of the status quo: Nash stays there
    assert one.issue("b").engines["compromise"].draws == two.issue("b").engines["compromise"].draws


def test_format_checks(tmp_path: Path):
    from standoff.scenario.load import ScenarioError

    bad = '\n    veto: [{issue: a, judgment: "a default red line on a package issue"}]'
    with pytest.raises(ScenarioError, match="red-line veto without a range"):
        scenario(tmp_path, v1_red=bad)


def test_mediator_proposes_packages_with_who_gains_what(tmp_path: Path):
    """The compromise package (88.89, 44.44): v1 gains 1·(100 - 11.11)/100 on a and loses 0.5·44.44/100 on b,
    +0.667 in all; v2 loses 0.5·88.89/100 on a and gains 1·44.44/100 on b: exactly 0, indifferent."""
    from standoff.experiments.advice import advise

    adv = advise(scenario(tmp_path), "broker", engines=("compromise",), draws=16)
    assert adv.objective == "deal" and adv.baseline.objective == 1.0  # every draw's compromise leaves (0, 0)
    assert adv.moves and {m.move.kind for m in adv.moves} == {"package"}
    move = adv.move("package:compromise")
    assert move.move.package == {"a": pytest.approx(4000 / 45), "b": pytest.approx(2000 / 45)}
    v1, v2 = move.gains
    assert (v1.actor, v2.actor) == ("v1", "v2") and v1.accepts and v2.accepts
    assert v1.gain == pytest.approx(2 / 3) and v1.by_issue["b"] == pytest.approx(-2 / 9)
    assert v2.gain == pytest.approx(0, abs=1e-9) and v2.by_issue["a"] == pytest.approx(-4 / 9)
    assert any(n.startswith("Deal: the forecast over the package issues (a, b)") for n in adv.notes)


def test_mediator_when_only_the_status_quo_passes(tmp_path: Path):
    from standoff.experiments.advice import advise

    adv = advise(
        scenario(tmp_path, keeper=KEEPER, keeper_stances=KEEPER_STANCES), "broker", engines=("compromise",), draws=8
    )
    assert adv.baseline.objective == 0.0 and adv.moves == []
    assert any("status quo alone" in n and "keeper" in n for n in adv.notes)


def test_exchange_rounds_stop_where_a_veto_player_would_lose():
    """The cone of the module docstring (v1: b <= 2a, v2: a <= 2b; losses at the status quo 1 and 1).

    Rounds (30, 30) -> (50, 40) -> (90, 40): the last takes a > 2b, v2's loss 0.45 + 0.6 = 1.05 > 1:
    blocked, the run stops after round 1. From outside: (80, 10) (v2 loses 0.4 + 0.9 = 1.3) ->
    (80, 30) (1.1: better for v2 than before, realised) -> (90, 30) (1.15 > max(1, 1.1): blocked)."""
    from standoff.engines.winset import stop_round

    a = BargainingProblem.from_points([100, 0], [1.0, 0.5], [10, 10], status_quo=0, actors=("v1", "v2"))
    b = BargainingProblem.from_points([0, 100], [0.5, 1.0], [10, 10], status_quo=0, actors=("v1", "v2"))
    ws = win_set({"a": a, "b": b}, [PackageVeto("v1", ("a", "b")), PackageVeto("v2", ("a", "b"))])
    assert ws is not None
    inside = np.array([[[30.0, 30.0], [50, 40], [90, 40]]])
    outside = np.array([[[80.0, 10.0], [80, 30], [90, 30]]])
    free = np.array([[[30.0, 30.0], [50, 40], [60, 40]]])
    assert stop_round(ws, inside).tolist() == [1]
    assert stop_round(ws, outside).tolist() == [1]
    assert stop_round(ws, free).tolist() == [2]
    two = win_set({"a": _stack(a), "b": _stack(b)}, [PackageVeto("v1", ("a", "b")), PackageVeto("v2", ("a", "b"))])
    assert two is not None and stop_round(two, np.concatenate([inside, free])).tolist() == [1, 2]


def _stack(p: BargainingProblem) -> BargainingProblem:
    from dataclasses import replace

    return replace(
        p,
        position=np.repeat(p.position, 2, axis=0),
        salience=np.repeat(p.salience, 2, axis=0),
        capability=np.repeat(p.capability, 2, axis=0),
        status_quo=np.repeat(p.status_quo, 2),
    )


def test_exchange_kept_inside_the_win_set(tmp_path: Path):
    """The exchange model on the hand case: its package is one both veto players accept; without the
    vetoes it is reported beside it."""
    f = forecast(scenario(tmp_path, hawk_range=", range: [10, 60]"), engines=["exchange"], draws=64, seed=1)
    w = f.win_set
    assert w is not None
    y = w.packages["exchange"]
    assert y["b"] <= 2 * y["a"] + 1e-6 and y["a"] <= 2 * y["b"] + 1e-6
    assert f.issue("a").engines["exchange"].without_vetoes is not None
    assert w.p_deal is not None and 0.0 <= w.p_deal["exchange"] <= 1.0
