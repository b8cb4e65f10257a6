"""Advice: what one actor can do to move the forecast, and what it gains.

For a chosen actor, every move in a small fixed set (below) is applied to the
same Monte Carlo draws of the scenario's inputs as the baseline (**common
random numbers**), every chosen bargaining engine forecasts every issue under
the baseline and under each move, and the moves are ranked by the actor's mean
net gain over engines and draws.

Objective
---------
*Utility* (the default). Actor ``a``'s utility of the forecasts ``F_i`` of
the issues ``i`` it has a stance on, in one draw and one engine::

    U_a = - Σ_i s_ai |F_i - x_ai| / Δ_i

with ``x_ai`` and ``s_ai`` the actor's position and salience *as the scenario
gives them* in that draw (its true interests; a move changes what it states,
not what it wants) and ``Δ_i`` the issue's scale span, so distances are
shares of the scale (0.01 is one point of a 0-100 scale at salience 1).
Issues without a stance of the actor add nothing. The gross gain of a move is the change of ``U_a``
averaged over engines; the **net gain** subtracts the move's cost (below).

*Deal* (``objective="deal"``, actor-free). In one draw and engine a deal is
reached when (1) on every chosen issue the outcome bargaining reaches is
inside every veto player's acceptable interval (to within ``DEAL_TOL`` of the
scale), and (2) the forecast moves off the status quo by more than
``DEAL_TOL`` of the scale on at least one issue. The engines project their
forecasts onto the veto players' common interval, so (1) is read *before*
that projection: on the final weighted median for the expected-utility model
(its ``forecast_by_round``), and otherwise on the engine run with vetoes
lifted (exact for the one-shot engines, whose only use of vetoes is the final
projection). A forecast pressed against a veto is a block, not a deal. The
objective is the probability of a deal over draws, averaged over engines; a
move's gain is its change. Moves under this objective have no cost. Ties
(often: no move changes P(deal)) are broken by the change in the share of
issues on which no veto binds. The status quo of a draw is its sampled value,
while the veto intervals come from the point values (as the engines use them).

*Deal with package vetoes* (Tsebelis 2002; :mod:`standoff.engines.winset`).
When the scenario has package vetoes, every engine's forecasts of the package
issues, baseline and moves, are moved onto the win-set of the status quo (the
win-set of the draw's true interests, whatever a move makes anyone state), and
a deal is reached in a draw and engine when that package leaves the status
quo by more than ``DEAL_TOL`` of the scale on some package issue: every veto
player accepts it by construction. Issues outside every package do not enter.
Ties are broken as above, then by the gain of the worst-off veto player at a
proposed package.

Moves (exhaustive over this set)
--------------------------------
For each chosen issue on which the actor has a stance (``Fp_e`` engine ``e``'s
point-run forecast, ``Fp`` their mean):

* ``position``: state a position shifted by -25, -10, +10, +25 points on the
  scale, and "to the forecast" of each engine (``Fp_e``: the position of an
  actor already at the forecast, i.e. conceding fully to it). Shifts towards
  ``Fp`` are concessions, away from it harder lines. The new position is
  clipped to the actor's acceptable interval (its veto interval if it holds a
  veto on the issue) and to the scale; a draw already outside that interval
  is not pulled in. What a veto player accepts stays as the scenario says:
  stating another position does not move its veto interval.
* ``salience``: show a salience 0.2 higher or lower, clipped to ``[0, 1]``.
* ``align``: with each other actor ``b`` on the issue, both state the
  capability-weighted midpoint ``(c_a x_a + c_b x_b) / (c_a + c_b)`` of the
  draw, each clipped to its own acceptable interval. The partner's consent is
  assumed; its own net gain is reported beside the move.
* ``policy``: if the actor is the defender of the scenario's deterrence
  section, each policy option of the scenario. Its deterrence and crisis
  effect is reported from :func:`standoff.experiments.policy.compare` (default
  calibrated fit, the same seed). Its bargaining effect is **none**: policy
  options patch deterrence and crisis inputs only, none of the stance inputs
  the bargaining engines read, and no mapping from one to the other is
  estimated; its gain is 0 by construction and it is never recommended on
  that ground.
* ``propose`` (deal objective; the mediator's moves, also open to an actor on
  issues it has no stance on): add a stance at one of the issue's anchor
  points or at the middle of the veto players' common interval, with
  capability ``mediator_capability`` times the largest capability on the issue
  (in each draw) and salience ``mediator_salience``. Changing nothing else is
  the baseline. With package vetoes, proposals are ``package`` moves instead.
* ``package`` (deal objective with package vetoes; :mod:`.mediator`): the
  same stance added on every package issue at once, at a package of the
  win-set: each registered engine's point forecast moved onto it, and their
  mean. Reported with each veto player's gain at the package over the status
  quo, issue by issue (:class:`PackageGain`).

Moves that change nothing at the point values (a shift clipped to zero, a
salience at its bound, a partner at the same position) are left out, and so
is a move whose clipped position repeats one already in the set (shifts are
taken smallest first, "to the forecast" last).

Costs (utility objective)
-------------------------
A stated position change costs ``cost_rate · s_ai |Δx| / Δ_i``: the rate
times the utility of the same distance, so conceding fully is never free and
a harder line is not free either (it costs credibility and the chance to
settle). A salience change costs ``cost_rate · |Δs| |x_ai - F̄_i| / Δ_i``,
the rate times the stake it signals about (``F̄_i``: the baseline forecast of
the draw averaged over engines). An alignment costs the actor its own shift.
Default ``cost_rate = COST_RATE = 0.5``. Under the compromise model a shift
``δ`` by an actor holding weight share ``ω`` moves the forecast by ``ω δ``, so
a harder line pays there only for an actor holding more than half the weight.

Computation
-----------
Draws come from :func:`standoff.experiments.montecarlo.chunks` (the same seeded chunks as
every forecast). Within a chunk, for each issue, the baseline and every move
that touches the issue are built from the same sampled arrays and stacked
along the draw axis (``(1 + K) · D`` rows), and each engine runs once on the
stack (a second run when moves add an actor, which widens the actor axis).
Moves that do not touch an issue leave its forecast identical to the
baseline's, draw for draw. Reported per move: the mean net gain, its Monte
Carlo standard error (standard deviation over draws of the paired per-draw
gain over ``√D``), and the central interval of the per-draw gain. A move is
*recommended* when its net gain exceeds twice its standard error and, for an
alignment, the partner's own net gain (its utility change minus the cost of
its shift, at the same rate) is positive: a partner who would lose has no
reason to agree. ``reason`` says why a move is not recommended.

Explanation of the top moves: per touched issue and engine, the forecast
before and after and the paired change (central interval over draws), and
the share of draws in which a veto binds; from a detailed run of the
expected-utility model, the actors whose final positions change in response
(not those the move sets), the offers that change class (``offer[i, j]``: the
class of ``j``'s offer to ``i``, compared in every round in which either run is
still bargaining), and for an alignment the actors who end within
``COALITION_TOL`` of the shared position. Engines must be one-issue
(``kind == "bargaining"``).

Readings
--------
Gains are model-relative: what each engine predicts if the actor states
something else while every other input keeps its sampled value. They say
nothing of whether a statement would be believed; only the expected-utility
model lets the other actors respond. Its outcome can jump between distant
positions when an input moves slightly, so its paired changes are wide even
where their mean is small; the standard error is the guide to what is
distinguishable from zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np

from standoff import __version__
from standoff.core.problems import BargainingProblem, FloatArray
from standoff.engines import get
from standoff.engines.base import EngineSpec
from standoff.engines.deterrence import DeterrenceParams
from standoff.engines.winset import DEAL_TOL, win_set
from standoff.experiments.advice.evaluation import (
    _deal,
    _open,
    _partner_gains,
    _policy_effects,
    _position_costs,
    _reason,
    _Runner,
    _utility,
)
from standoff.experiments.advice.explanation import _explain, _notes
from standoff.experiments.advice.mediator import advice_subjects, package_gains, package_moves
from standoff.experiments.advice.moves import _moves, _point_forecasts, candidate_moves
from standoff.experiments.advice.results import (
    COALITION_TOL,
    COST_RATE,
    EU,
    MEDIATOR,
    MEDIATOR_CAPABILITY,
    MEDIATOR_SALIENCE,
    MOVED_TOL,
    POSITION_STEPS,
    SALIENCE_STEP,
    Advice,
    Baseline,
    CoalitionMember,
    Explanation,
    IssueEffect,
    Move,
    MoveResult,
    OfferChange,
    PackageGain,
    PolicyEffect,
    PolicyMeasure,
    Response,
    _se,
    _summary,
)
from standoff.experiments.montecarlo import chunks
from standoff.scenario.arrays import compile_scenario
from standoff.scenario.load import LoadedScenario, load_scenario

__all__ = [
    "COALITION_TOL",
    "COST_RATE",
    "DEAL_TOL",
    "EU",
    "MEDIATOR",
    "MEDIATOR_CAPABILITY",
    "MEDIATOR_SALIENCE",
    "MOVED_TOL",
    "POSITION_STEPS",
    "SALIENCE_STEP",
    "Advice",
    "Baseline",
    "CoalitionMember",
    "Explanation",
    "IssueEffect",
    "Move",
    "MoveResult",
    "OfferChange",
    "PackageGain",
    "PolicyEffect",
    "PolicyMeasure",
    "Response",
    "advice_subjects",
    "advise",
    "candidate_moves",
]

Goal = Literal["utility", "deal"]


@dataclass(frozen=True)
class _Scores:
    """The objective of every engine on the baseline (row 0) and each move, with costs and tie-breaks.

    ``objective``: engine → ``(M + 1, D)``; ``cost``: ``(M, D)``; ``open_issues`` (deal
    objective): engine → issue → ``(M + 1, D)`` 1 where no veto binds; ``opened``: ``(M,)``
    change in the mean share of open issues.
    """

    objective: dict[str, FloatArray]
    cost: FloatArray
    open_issues: dict[str, dict[str, FloatArray]]
    opened: FloatArray

    @cached_property
    def gain(self) -> dict[str, FloatArray]:
        """Engine → ``(M, D)`` gross gain of each move."""
        return {e: v[1:] - v[0] for e, v in self.objective.items()}

    @cached_property
    def gross(self) -> FloatArray:
        return np.mean(list(self.gain.values()), axis=0)

    @cached_property
    def net(self) -> FloatArray:
        return self.gross - self.cost

    @cached_property
    def base(self) -> FloatArray:
        """``(D,)`` the baseline objective averaged over engines."""
        return np.mean([v[0] for v in self.objective.values()], axis=0)


def advise(
    loaded: LoadedScenario | str | Path,
    actor: str,
    *,
    issues: Sequence[str] | None = None,
    engines: Sequence[str] = ("compromise", EU),
    draws: int = 128,
    seed: int = 0,
    objective: Goal | None = None,
    cost_rate: float = COST_RATE,
    explain: int = 5,
    level: float = 0.9,
    mediator_capability: float = MEDIATOR_CAPABILITY,
    mediator_salience: float = MEDIATOR_SALIENCE,
    policy_params: DeterrenceParams | None = None,
    policy_paths: int = 400,
) -> Advice:
    """Rank ``actor``'s moves by its expected net gain (see the module docstring).

    Args:
        loaded: a loaded scenario, a built-in name or a path.
        actor: an actor of the scenario, or any other id for a mediator from outside it
            (whose objective is the deal).
        issues: the issues to consider (default: every issue with stances).
        engines: one-issue bargaining engines; the objective is averaged over them.
        draws: Monte Carlo draws (at least 2 for standard errors); ``seed``: their seed.
        objective: ``"utility"`` (the actor's) or ``"deal"``; ``None``: the utility for an actor
            of the scenario, the deal for a mediator from outside it.
        cost_rate: the cost of a stated change as a share of the utility of the same distance.
        explain: how many of the top moves (with a bargaining effect) to explain.
        level: the central interval reported over draws.
        mediator_capability: a proposal's capability, as a share of the largest on the issue.
        mediator_salience: a proposal's salience.
        policy_params: deterrence parameters for the policy options' effects (default:
            :func:`standoff.history.default_fit.default_fit`), used only if the actor is the defender.
        policy_paths: paths per option for the policy comparison.
    """
    if not isinstance(loaded, LoadedScenario):
        loaded = load_scenario(loaded)
    sc = loaded.scenario
    mediator = actor not in {a.id for a in sc.actors}
    goal: Goal = objective or ("deal" if mediator else "utility")
    specs = _check_arguments(loaded, actor, goal, engines, draws, level, mediator)
    point = compile_scenario(sc)
    chosen, own = _chosen_issues(loaded, point.problems, actor, issues, goal)
    targets = _point_forecasts(point, specs, chosen)
    moves = _moves(loaded, actor, point, targets, chosen, goal == "deal")
    if goal == "deal" and point.packages:
        moves = [mv for mv in moves if mv.kind != "propose"] + package_moves(actor, point)
    packaged = [i for i in point.problems if any(i in pv.issues for pv in point.packages)]
    run_issues = chosen + [i for i in packaged if i not in chosen]
    run = _Runner(moves, specs, run_issues, (mediator_capability, mediator_salience), draws, goal == "deal")
    parts = list(chunks(sc, draws, seed))
    run.evaluate(parts)
    run.project_win_set(point.packages)
    point_win_set = win_set(point.problems, point.packages)

    spans = {i: point.problems[i].span for i in chosen}
    names = [s.name for s in specs]
    scores = _score(run, moves, names, chosen, own, actor, goal, cost_rate, spans)
    net = scores.net
    partner_gain = _partner_gains(run, moves, names, spans, cost_rate)
    gains = {m: package_gains(point_win_set, mv.package) for m, mv in enumerate(moves) if point_win_set and mv.package}
    worst = {m: min((g.gain for g in gs), default=0.0) for m, gs in gains.items()}
    order = sorted(
        range(len(moves)),
        key=lambda m: (-round(float(np.mean(net[m])), 12), -float(scores.opened[m]), -worst.get(m, 0.0), m),
    )
    policies = _policy_effects(loaded, moves, policy_params, policy_paths, seed)
    by_policy = {p.option: p for p in policies}
    explained = [m for m in order if moves[m].issue is not None][: max(explain, 0)]
    explanations = _explain(run, parts, moves, explained, specs, chosen, level, spans) if explained else {}

    results = []
    for rank, m in enumerate(order, start=1):
        mv = moves[m]
        g = net[m]
        se = _se(g)
        q = np.quantile(g, [(1 - level) / 2, (1 + level) / 2])
        mean = float(np.mean(g))
        reason = _reason(mv, mean, se, partner_gain.get(m), goal)
        results.append(
            MoveResult(
                move=mv,
                rank=rank,
                gain=mean,
                se=se,
                interval=(float(q[0]), float(q[1])),
                gross=float(np.mean(scores.gross[m])),
                cost=float(np.mean(scores.cost[m])),
                by_engine={e: float(np.mean(g_e[m] - scores.cost[m])) for e, g_e in scores.gain.items()},
                recommended=not reason,
                reason=reason,
                partner_gain=partner_gain.get(m),
                open_change=float(scores.opened[m]) if scores.open_issues else None,
                stated={who: _summary(v, level) for who, v in run.stated.get(m, {}).items()},
                explanation=explanations.get(m),
                policy=by_policy.get(mv.policy) if mv.policy else None,
                gains=gains.get(m, []),
                draws=_move_draws(run, mv, m, names, scores),
            )
        )
    base_obj = scores.base
    baseline = Baseline(
        forecasts={i: {e: _summary(run.forecast[e][i][0], level) for e in names} for i in chosen},
        point=targets,
        objective=float(np.mean(base_obj)),
        objective_se=_se(base_obj),
        by_engine={e: float(np.mean(scores.objective[e][0])) for e in names},
        open_issues={i: float(np.mean([scores.open_issues[e][i][0] for e in names])) for i in chosen}
        if scores.open_issues
        else {},
    )
    return Advice(
        scenario=sc.id,
        title=sc.title,
        sha256=loaded.sha256,
        version=__version__,
        actor=actor,
        mediator=mediator,
        objective=goal,
        issues=chosen,
        engines=names,
        draws=draws,
        seed=seed,
        level=level,
        cost_rate=cost_rate if goal == "utility" else 0.0,
        baseline=baseline,
        moves=results,
        policies=policies,
        notes=_notes(goal, mediator, policies, moves, baseline, point_win_set),
        baseline_draws={i: {e: run.forecast[e][i][0] for e in names} for i in chosen},
    )


def _check_arguments(
    loaded: LoadedScenario,
    actor: str,
    goal: str,
    engines: Sequence[str],
    draws: int,
    level: float,
    mediator: bool,
) -> list[EngineSpec]:
    """Validate :func:`advise`'s arguments; the engines' specs."""
    sc = loaded.scenario
    if goal not in ("utility", "deal"):
        raise ValueError(f"unknown objective {goal!r}; expected 'utility' or 'deal'")
    if draws < 1:
        raise ValueError(f"draws must be >= 1, got {draws}")
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    specs = [get(e) for e in engines]
    if not specs:
        raise ValueError("advice needs at least one engine")
    wrong = [s.name for s in specs if s.kind != "bargaining"]
    if wrong:
        raise ValueError(f"advice runs one-issue bargaining engines; not {', '.join(wrong)}")
    if mediator and goal != "deal":
        raise ValueError(
            f"unknown actor {actor!r} in {sc.id!r} (known: {', '.join(a.id for a in sc.actors)}); "
            "a mediator from outside the scenario needs objective='deal'"
        )
    return specs


def _chosen_issues(
    loaded: LoadedScenario,
    problems: Mapping[str, BargainingProblem],
    actor: str,
    issues: Sequence[str] | None,
    goal: str,
) -> tuple[list[str], list[str]]:
    """The issues to weigh (file order) and those among them the actor has a stance on."""
    stanced = [i.id for i in loaded.scenario.issues if i.id in problems]
    if issues is not None:
        unknown = sorted(set(issues) - set(stanced))
        if unknown:
            raise ValueError(f"unknown issue(s) or issues without stances: {unknown}; known: {stanced}")
    chosen = [i for i in stanced if issues is None or i in issues]
    own = [i for i in chosen if actor in problems[i].actors]
    if goal == "utility" and not own:
        raise ValueError(f"{actor!r} has no stance on the chosen issues {chosen}")
    return chosen, own


def _score(
    run: _Runner,
    moves: list[Move],
    names: list[str],
    chosen: list[str],
    own: list[str],
    actor: str,
    goal: str,
    cost_rate: float,
    spans: Mapping[str, float],
) -> _Scores:
    """The objective per engine, the moves' costs and (deal objective) the open issues."""
    if goal == "utility":
        objective = {e: _utility(run, e, actor, own, spans) for e in names}
        cost = _position_costs(run, moves, names, actor, own, spans, cost_rate)
        return _Scores(objective, cost, {}, np.zeros(len(moves)))
    objective = {e: _deal(run, e, chosen, spans) for e in names}
    open_e = {e: _open(run, e, chosen, spans) for e in names}
    opened = np.mean(
        [np.mean([open_e[e][i][1:] - open_e[e][i][:1] for i in chosen], axis=0) for e in names], axis=(0, 2)
    )
    return _Scores(objective, np.zeros((len(moves), run.n_draws)), open_e, opened)


def _move_draws(run: _Runner, mv: Move, m: int, names: list[str], scores: _Scores) -> dict[str, FloatArray]:
    """The per-draw arrays of a move (see :class:`MoveResult`)."""
    out: dict[str, FloatArray] = {"net": scores.net[m], "gross": scores.gross[m], "cost": scores.cost[m]}
    if mv.issue is not None:
        for e in names:
            out[f"forecast:{mv.issue}:{e}"] = run.forecast[e][mv.issue][1 + m]
            out[f"baseline:{mv.issue}:{e}"] = run.forecast[e][mv.issue][0]
    for who, values in run.stated.get(m, {}).items():
        out[f"stated:{who}"] = values
    return out
