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
  the baseline.

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

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from standoff import __version__
from standoff.core.intervals import Interval
from standoff.core.problems import BargainingProblem, BargainingResult, FloatArray
from standoff.engines import get
from standoff.engines.base import EngineSpec
from standoff.engines.deterrence import DeterrenceParams
from standoff.engines.expected_utility import OFFER_NAMES
from standoff.experiments.montecarlo import chunks
from standoff.scenario.arrays import ScenarioArrays, compile_scenario
from standoff.scenario.load import LoadedScenario, load_scenario
from standoff.scenario.model import Scenario

COST_RATE = 0.5
POSITION_STEPS = (-25.0, -10.0, 10.0, 25.0)
SALIENCE_STEP = 0.2
MEDIATOR_CAPABILITY = 0.1
MEDIATOR_SALIENCE = 0.5
DEAL_TOL = 0.01
MOVED_TOL = 0.005
COALITION_TOL = 0.025
EU = "expected_utility"
MEDIATOR = "mediator"

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
MoveKind = Literal["position", "salience", "align", "policy", "propose"]
_NO_JSON = {"json": False}


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One candidate move of the advised actor.

    Attributes:
        id: unique key, e.g. ``position:enrichment:-10``, ``align:enrichment:e3``.
        kind: ``position``, ``salience``, ``align``, ``policy`` or ``propose``.
        actor: the actor who moves.
        issue: the issue it touches (``None`` for a policy option).
        description: one line for people.
        shift: signed change of stated position (scale points) or of salience.
        target: absolute stated position (to an engine's forecast; a proposal).
        partner: the other actor of an alignment.
        policy: the policy option's id.
    """

    id: str
    kind: MoveKind
    actor: str
    issue: str | None
    description: str
    shift: float | None = None
    target: float | None = None
    partner: str | None = None
    policy: str | None = None


@dataclass(frozen=True)
class IssueEffect:
    """One engine's forecast on one issue before and after a move, over the same draws."""

    issue: str
    engine: str
    before: Interval
    after: Interval
    change: Interval
    blocked_before: float
    blocked_after: float


@dataclass(frozen=True)
class Response:
    """An actor whose final expected-utility position moves in response (``shift``: after - before)."""

    issue: str
    actor: str
    shift: Interval
    moved_share: float


@dataclass(frozen=True)
class OfferChange:
    """``offerer``'s offer to ``receiver`` changes class (most common change) in ``share`` of draws."""

    issue: str
    offerer: str
    receiver: str
    before: str
    after: str
    share: float


@dataclass(frozen=True)
class CoalitionMember:
    """Share of draws in which ``actor`` ends within ``COALITION_TOL`` of an alignment's shared position."""

    issue: str
    actor: str
    share_before: float
    share_after: float


@dataclass(frozen=True)
class Explanation:
    """Why a move works, in the engines' terms (see the module docstring)."""

    effects: list[IssueEffect]
    responses: list[Response]
    offers: list[OfferChange]
    coalition: list[CoalitionMember]
    mechanism: list[str]


@dataclass(frozen=True)
class PolicyMeasure:
    """One deterrence or crisis output under the baseline and under a policy option."""

    name: str
    baseline: float
    option: float
    change: float
    baseline_interval: tuple[float, float]
    option_interval: tuple[float, float]


@dataclass(frozen=True)
class PolicyEffect:
    """A policy option's effect as :func:`standoff.experiments.policy.compare` reports it (same seed and paths)."""

    option: str
    name: str
    paths: int
    measures: list[PolicyMeasure]


@dataclass(frozen=True)
class MoveResult:
    """A move evaluated: net gain and its Monte Carlo error, costs, and (for the top moves) why.

    Attributes:
        gain: mean net gain over draws and engines (objective units).
        se: Monte Carlo standard error of ``gain``.
        interval: central interval of the per-draw net gain.
        gross: mean gain before costs; ``cost``: mean cost.
        by_engine: mean net gain per engine.
        recommended: whether the move is advised; ``reason``: why not (empty if it is).
        partner_gain: for an alignment, the partner's own net utility gain.
        open_change: deal objective: change in the mean share of chosen issues on which no veto
            binds (it breaks ties in the ranking, e.g. when no move changes P(deal)).
        stated: actor → its stated position (or salience) under the move, over draws.
        draws: per-draw arrays (``net``, ``gross``, ``cost``, ``forecast:<issue>:<engine>`` and
            ``baseline:<issue>:<engine>`` on the move's issue, ``stated:<actor>``); not in
            :meth:`Advice.to_dict`.
    """

    move: Move
    rank: int
    gain: float
    se: float
    interval: tuple[float, float]
    gross: float
    cost: float
    by_engine: dict[str, float]
    recommended: bool
    reason: str
    partner_gain: float | None
    open_change: float | None
    stated: dict[str, Interval]
    explanation: Explanation | None = None
    policy: PolicyEffect | None = None
    draws: Mapping[str, FloatArray] = field(default_factory=dict, repr=False, compare=False, metadata=_NO_JSON)

    @property
    def low(self) -> float:
        """Lower end of :attr:`interval`."""
        return self.interval[0]

    @property
    def high(self) -> float:
        """Upper end of :attr:`interval`."""
        return self.interval[1]

    @property
    def before(self) -> dict[str, float]:
        """Engine → mean baseline forecast on the move's issue (empty for a policy option)."""
        return self._forecast_means(-1)

    @property
    def after(self) -> dict[str, float]:
        """Engine → mean forecast on the move's issue under the move (empty for a policy option)."""
        return self._forecast_means(1)

    def _forecast_means(self, sign: int) -> dict[str, float]:
        out = {}
        for key, values in self.draws.items():
            if key.startswith("forecast:"):
                engine = key.rsplit(":", 1)[1]
                base = self.draws.get(f"baseline:{key.split(':', 1)[1]}")
                out[engine] = float(np.mean(values if sign > 0 or base is None else base))
        return out

    @property
    def responders(self) -> list[tuple[str, float]]:
        """The actors who move most in response (expected-utility model; explained moves only)."""
        if self.explanation is None:
            return []
        return [(r.actor, r.shift.mean) for r in self.explanation.responses[:3]]


@dataclass(frozen=True)
class Baseline:
    """The forecast without any move: per issue and engine over draws, the point run, the objective.

    ``point``: issue → engine → the point-run forecast (the "to the forecast" targets).
    ``open_issues`` (deal objective): issue → share of draws and engines in which no veto binds.
    """

    forecasts: dict[str, dict[str, Interval]]
    point: dict[str, dict[str, float]]
    objective: float
    objective_se: float
    by_engine: dict[str, float]
    open_issues: dict[str, float]


@dataclass(frozen=True)
class Advice:
    """Ranked moves for one actor (or a mediator) in one scenario; see the module docstring.

    ``baseline_draws``: issue → engine → ``(draws,)`` baseline forecasts (not in :meth:`to_dict`).
    """

    scenario: str
    title: str
    sha256: str
    version: str
    actor: str
    mediator: bool
    objective: Literal["utility", "deal"]
    issues: list[str]
    engines: list[str]
    draws: int
    seed: int
    level: float
    cost_rate: float
    baseline: Baseline
    moves: list[MoveResult]
    policies: list[PolicyEffect]
    notes: list[str]
    made_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    baseline_draws: Mapping[str, Mapping[str, FloatArray]] = field(
        default_factory=dict, repr=False, compare=False, metadata=_NO_JSON
    )

    def move(self, move_id: str) -> MoveResult:
        """The result of the move with this id."""
        return next(m for m in self.moves if m.move.id == move_id)

    @property
    def recommended(self) -> list[MoveResult]:
        """The recommended moves, best first."""
        return [m for m in self.moves if m.recommended]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (per-draw arrays left out; non-finite numbers as ``None``)."""
        return _plain(self)  # type: ignore[no-any-return]


def _plain(x: Any) -> Any:
    if is_dataclass(x) and not isinstance(x, type):
        return {f.name: _plain(getattr(x, f.name)) for f in fields(x) if f.metadata.get("json", True)}
    if isinstance(x, Mapping):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if np.isfinite(x) else None
    return x


def _summary(x: FloatArray, level: float) -> Interval:
    return Interval.of_draws(x, level, "mean")


def _se(x: FloatArray) -> float:
    return float(np.std(x, ddof=1) / np.sqrt(len(x))) if len(x) > 1 else float("nan")


# --------------------------------------------------------------------------------------------
# The move set
# --------------------------------------------------------------------------------------------


def _feasible(p: BargainingProblem, k: int) -> tuple[float, float]:
    """Actor ``k``'s acceptable interval on the issue, within the scale."""
    return max(p.scale[0], float(p.veto[k, 0])), min(p.scale[1], float(p.veto[k, 1]))


def _clip_stated(x: FloatArray, new: FloatArray, low: float, high: float) -> FloatArray:
    """Clip stated positions to ``[low, high]``, never pulling in a draw already outside."""
    return np.clip(new, np.minimum(low, x), np.maximum(high, x))


def _proposal_points(scenario: Scenario, p: BargainingProblem, issue: str) -> list[float]:
    """A mediator's candidate positions: the anchors and the middle of the veto players' common interval."""
    points = sorted(scenario.issue(issue).scale.anchors)
    low = max(p.scale[0], float(np.max(p.veto[:, 0])))
    high = min(p.scale[1], float(np.min(p.veto[:, 1])))
    if low <= high and p.has_veto.any():
        points.append(0.5 * (low + high))
    out: list[float] = []
    for x in sorted(points):
        if not out or abs(x - out[-1]) > 1e-9:
            out.append(float(x))
    return out


def _moves(
    loaded: LoadedScenario,
    actor: str,
    point: ScenarioArrays,
    targets: Mapping[str, Mapping[str, float]],
    issues: Sequence[str],
    deal: bool,
) -> list[Move]:
    sc = loaded.scenario
    out: list[Move] = []
    for issue in issues:
        p = point.problems[issue]
        if actor not in p.actors:
            if deal:
                for x in _proposal_points(sc, p, issue):
                    label = sc.issue(issue).scale.label(x)
                    out.append(
                        Move(
                            f"propose:{issue}:{x:g}",
                            "propose",
                            actor,
                            issue,
                            f"propose {x:g} on {issue} ({label})",
                            target=x,
                        )
                    )
            continue
        k = p.actors.index(actor)
        x0, s0 = float(p.position[0, k]), float(p.salience[0, k])
        low, high = _feasible(p, k)
        f = float(np.mean(list(targets[issue].values())))
        toward = np.sign(f - x0)
        stated = [x0]
        for step in sorted(POSITION_STEPS, key=abs):
            new = float(_clip_stated(np.array([x0]), np.array([x0 + step]), low, high)[0])
            if min(abs(new - y) for y in stated) < 1e-9:
                continue  # no change, or clipped onto a smaller step's position
            stated.append(new)
            verb = (
                ("concede" if np.sign(step) == toward else "harden") if toward else ("raise" if step > 0 else "lower")
            )
            out.append(
                Move(
                    f"position:{issue}:{step:+g}",
                    "position",
                    actor,
                    issue,
                    f"{verb} {abs(step):g} on {issue}: state {new:g} instead of {x0:g}",
                    shift=step,
                )
            )
        for engine, fe in targets[issue].items():
            new = float(_clip_stated(np.array([x0]), np.array([fe]), low, high)[0])
            if min(abs(new - y) for y in stated) < 1e-9:
                continue
            stated.append(new)
            out.append(
                Move(
                    f"position:{issue}:forecast:{engine}",
                    "position",
                    actor,
                    issue,
                    f"move to the {engine} forecast on {issue}: state {new:.4g} instead of {x0:g}",
                    target=fe,
                )
            )
        for step in (SALIENCE_STEP, -SALIENCE_STEP):
            new = float(np.clip(s0 + step, 0.0, 1.0))
            if abs(new - s0) < 1e-9:
                continue
            verb = "raise" if step > 0 else "lower"
            out.append(
                Move(
                    f"salience:{issue}:{step:+g}",
                    "salience",
                    actor,
                    issue,
                    f"{verb} the salience shown on {issue} to {new:.2g} (from {s0:.2g})",
                    shift=step,
                )
            )
        for j, other in enumerate(p.actors):
            if j == k or float(p.position[0, j]) == x0:
                continue
            out.append(
                Move(
                    f"align:{issue}:{other}",
                    "align",
                    actor,
                    issue,
                    f"align with {other} on {issue} at the capability-weighted midpoint",
                    partner=other,
                )
            )
    det = sc.deterrence
    if det is not None and det.defender == actor:
        for option in sc.policies:
            out.append(
                Move(
                    f"policy:{option.id}",
                    "policy",
                    actor,
                    None,
                    f"policy option: {option.name} (no bargaining effect)",
                    policy=option.id,
                )
            )
    return out


@dataclass(frozen=True)
class _Block:
    """One move applied to one chunk's problem on its issue."""

    problem: BargainingProblem
    own_dx: FloatArray
    own_ds: FloatArray
    partner_dx: FloatArray
    stated: dict[str, FloatArray]
    shared: FloatArray | None = None


def _apply(move: Move, p: BargainingProblem, mediator: tuple[float, float]) -> _Block:
    """Build ``move``'s problem from the sampled problem ``p`` (same draws)."""
    zero = np.zeros(p.n_draws)
    if move.kind == "propose":
        assert move.target is not None
        cap = mediator[0] * p.capability.max(axis=1, keepdims=True)
        add = replace(
            p,
            actors=(*p.actors, move.actor),
            position=np.hstack([p.position, np.full((p.n_draws, 1), move.target)]),
            salience=np.hstack([p.salience, np.full((p.n_draws, 1), mediator[1])]),
            capability=np.hstack([p.capability, cap]),
            veto=np.vstack([p.veto, [-np.inf, np.inf]]),
        )
        return _Block(add, zero, zero, zero, {move.actor: add.position[:, -1]})
    k = p.actors.index(move.actor)
    pos, sal = p.position.copy(), p.salience.copy()
    if move.kind == "salience":
        assert move.shift is not None
        sal[:, k] = np.clip(sal[:, k] + move.shift, 0.0, 1.0)
        return _Block(
            replace(p, salience=sal), zero, np.abs(sal[:, k] - p.salience[:, k]), zero, {move.actor: sal[:, k]}
        )
    x = p.position[:, k]
    low, high = _feasible(p, k)
    if move.kind == "position":
        new = x + move.shift if move.shift is not None else np.full_like(x, move.target)  # type: ignore[arg-type]
        pos[:, k] = _clip_stated(x, new, low, high)
        return _Block(replace(p, position=pos), np.abs(pos[:, k] - x), zero, zero, {move.actor: pos[:, k]})
    if move.kind == "align":
        j = p.actors.index(move.partner)  # type: ignore[arg-type]
        c = p.capability[:, [k, j]]
        total = c.sum(axis=1)
        mid = np.where(
            total > 0,
            (c * p.position[:, [k, j]]).sum(axis=1) / np.where(total > 0, total, 1.0),
            p.position[:, [k, j]].mean(axis=1),
        )
        pos[:, k] = _clip_stated(x, mid, low, high)
        pos[:, j] = _clip_stated(p.position[:, j], mid, *_feasible(p, j))
        return _Block(
            replace(p, position=pos),
            np.abs(pos[:, k] - x),
            zero,
            np.abs(pos[:, j] - p.position[:, j]),
            {move.actor: pos[:, k], move.partner: pos[:, j]},  # type: ignore[dict-item]
            shared=mid,
        )
    raise ValueError(f"move {move.id!r} does not change a bargaining problem")


def _stack(blocks: Sequence[BargainingProblem]) -> BargainingProblem:
    """Problems with the same actors stacked along the draw axis."""
    first = blocks[0]
    return replace(
        first,
        position=np.concatenate([b.position for b in blocks]),
        salience=np.concatenate([b.salience for b in blocks]),
        capability=np.concatenate([b.capability for b in blocks]),
        status_quo=np.concatenate([b.status_quo for b in blocks]),
    )


def _unblocked(spec: EngineSpec, problem: BargainingProblem, result: BargainingResult) -> FloatArray:
    """The outcome bargaining reaches before the veto projection (see the module docstring)."""
    if result.forecast_by_round is not None:
        return result.forecast_by_round[:, -1]
    free = replace(problem, veto=np.tile((-np.inf, np.inf), (problem.n_actors, 1)))
    return spec(free, detail=False).forecast


# --------------------------------------------------------------------------------------------
# Advice
# --------------------------------------------------------------------------------------------


def advise(
    loaded: LoadedScenario | str | Path,
    actor: str,
    *,
    issues: Sequence[str] | None = None,
    engines: Sequence[str] = ("compromise", EU),
    draws: int = 128,
    seed: int = 0,
    objective: Literal["utility", "deal"] | None = None,
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
    known = {a.id for a in sc.actors}
    mediator = actor not in known
    goal: Literal["utility", "deal"] = objective or ("deal" if mediator else "utility")
    if goal not in ("utility", "deal"):
        raise ValueError(f"unknown objective {objective!r}; expected 'utility' or 'deal'")
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
    point = compile_scenario(sc)
    stanced = [i.id for i in sc.issues if i.id in point.problems]
    if issues is not None:
        unknown = sorted(set(issues) - set(stanced))
        if unknown:
            raise ValueError(f"unknown issue(s) or issues without stances: {unknown}; known: {stanced}")
    chosen = [i for i in stanced if issues is None or i in issues]
    own = [i for i in chosen if actor in point.problems[i].actors]
    if goal == "utility" and not own:
        raise ValueError(f"{actor!r} has no stance on the chosen issues {chosen}")
    targets = _point_forecasts(point, specs, chosen)
    moves = _moves(loaded, actor, point, targets, chosen, goal == "deal")
    run = _Runner(moves, specs, chosen, (mediator_capability, mediator_salience), draws, goal == "deal")
    parts = list(chunks(sc, draws, seed))
    run.evaluate(parts)

    spans = {i: point.problems[i].span for i in chosen}
    names = [s.name for s in specs]
    n_moves = len(moves)
    cost = np.zeros((n_moves, draws))
    open_e: dict[str, dict[str, FloatArray]] = {}
    fbar = {i: np.mean([run.forecast[e][i][0] for e in names], axis=0) for i in chosen}
    if goal == "utility":
        objective_e = {e: _utility(run, e, actor, own, spans) for e in names}
        for m, mv in enumerate(moves):
            if mv.issue is None or mv.issue not in own:
                continue
            i = mv.issue
            x, s = run.truth(i, actor)
            cost[m] = cost_rate / spans[i] * (s * run.own_dx[m] + run.own_ds[m] * np.abs(x - fbar[i]))
    else:
        objective_e = {e: _deal(run, e, chosen, spans) for e in names}
        open_e = {e: _open(run, e, chosen, spans) for e in names}
    gain_e = {e: objective_e[e][1:] - objective_e[e][0] for e in names}
    gross = np.mean([gain_e[e] for e in names], axis=0)
    net = gross - cost
    base_obj = np.mean([objective_e[e][0] for e in names], axis=0)

    partner_gain: dict[int, float] = {}
    for m, mv in enumerate(moves):
        if mv.kind == "align" and mv.partner is not None and mv.issue is not None:
            i = mv.issue
            x, s = run.truth(i, mv.partner)
            du = np.mean(
                [
                    -s / spans[i] * (np.abs(run.forecast[e][i][1 + m] - x) - np.abs(run.forecast[e][i][0] - x))
                    for e in names
                ],
                axis=0,
            )
            partner_gain[m] = float(np.mean(du - cost_rate * s / spans[i] * run.partner_dx[m]))

    opened = (
        np.mean([np.mean([open_e[e][i][1:] - open_e[e][i][:1] for i in chosen], axis=0) for e in names], axis=(0, 2))
        if open_e
        else np.zeros(n_moves)
    )
    order = sorted(range(n_moves), key=lambda m: (-round(float(np.mean(net[m])), 12), -float(opened[m]), m))
    policies = _policy_effects(loaded, moves, policy_params, policy_paths, seed)
    by_policy = {p.option: p for p in policies}
    explained = [m for m in order if moves[m].kind != "policy"][: max(explain, 0)]
    explanations = _explain(run, parts, moves, explained, specs, chosen, level, spans) if explained else {}

    results = []
    for rank, m in enumerate(order, start=1):
        mv = moves[m]
        g = net[m]
        se = _se(g)
        q = np.quantile(g, [(1 - level) / 2, (1 + level) / 2])
        mean = float(np.mean(g))
        reason = _reason(mv, mean, se, partner_gain.get(m), goal)
        per_draw: dict[str, FloatArray] = {"net": g, "gross": gross[m], "cost": cost[m]}
        if mv.issue is not None:
            for e in names:
                per_draw[f"forecast:{mv.issue}:{e}"] = run.forecast[e][mv.issue][1 + m]
                per_draw[f"baseline:{mv.issue}:{e}"] = run.forecast[e][mv.issue][0]
        for who, values in run.stated.get(m, {}).items():
            per_draw[f"stated:{who}"] = values
        results.append(
            MoveResult(
                move=mv,
                rank=rank,
                gain=mean,
                se=se,
                interval=(float(q[0]), float(q[1])),
                gross=float(np.mean(gross[m])),
                cost=float(np.mean(cost[m])),
                by_engine={e: float(np.mean(gain_e[e][m] - cost[m])) for e in names},
                recommended=not reason,
                reason=reason,
                partner_gain=partner_gain.get(m),
                open_change=float(opened[m]) if open_e else None,
                stated={who: _summary(v, level) for who, v in run.stated.get(m, {}).items()},
                explanation=explanations.get(m),
                policy=by_policy.get(mv.policy) if mv.policy else None,
                draws=per_draw,
            )
        )
    baseline = Baseline(
        forecasts={i: {e: _summary(run.forecast[e][i][0], level) for e in names} for i in chosen},
        point=targets,
        objective=float(np.mean(base_obj)),
        objective_se=_se(base_obj),
        by_engine={e: float(np.mean(objective_e[e][0])) for e in names},
        open_issues={i: float(np.mean([open_e[e][i][0] for e in names])) for i in chosen} if open_e else {},
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
        notes=_notes(goal, mediator, policies, moves, baseline),
        baseline_draws={i: {e: run.forecast[e][i][0] for e in names} for i in chosen},
    )


def advice_subjects(scenario: Scenario, mediator: str = MEDIATOR) -> list[str]:
    """Whom the report and dashboard advise by default: the standoff's two sides and a mediator.

    The sides are the deterrence section's defender and challenger, else the
    crisis section's proposer and receiver, else the two actors with the most
    capability; ``mediator`` (an id outside the scenario) is added last.
    """
    if scenario.deterrence is not None:
        sides = [scenario.deterrence.defender, scenario.deterrence.challenger]
    elif scenario.crisis is not None:
        sides = [scenario.crisis.proposer, scenario.crisis.receiver]
    else:
        strongest = sorted(scenario.actors, key=lambda a: -a.capability.value)
        sides = [a.id for a in strongest[:2]]
    if mediator in {a.id for a in scenario.actors}:
        raise ValueError(f"the mediator's id {mediator!r} is an actor of {scenario.id!r}; choose another")
    return [*dict.fromkeys(sides), mediator]


def _point_forecasts(point: ScenarioArrays, specs: list[EngineSpec], issues: list[str]) -> dict[str, dict[str, float]]:
    """Issue → engine → the point-run forecast."""
    return {i: {s.name: float(s(point.problems[i], detail=False).forecast[0]) for s in specs} for i in issues}


def _reason(move: Move, gain: float, se: float, partner_gain: float | None, goal: str) -> str:
    """Why a move is not recommended (empty if it is)."""
    if move.kind == "policy":
        return "a policy option has no bargaining effect; see its deterrence and crisis effect"
    if gain <= 1e-9:
        return "no net gain: it costs at least what it brings" if goal == "utility" else "no gain in P(deal)"
    if np.isfinite(se) and gain <= 2 * se:
        return f"the gain is within two standard errors ({2 * se:.2g}) of zero"
    if partner_gain is not None and partner_gain <= 0:
        return f"the partner would lose ({partner_gain:+.3g}): its consent is not credible"
    return ""


def candidate_moves(
    loaded: LoadedScenario | str | Path,
    actor: str,
    *,
    issues: Sequence[str] | None = None,
    engines: Sequence[str] = ("compromise", EU),
    objective: Literal["utility", "deal"] | None = None,
) -> list[Move]:
    """The move set :func:`advise` evaluates for ``actor`` (from the point run; nothing is sampled)."""
    if not isinstance(loaded, LoadedScenario):
        loaded = load_scenario(loaded)
    point = compile_scenario(loaded.scenario)
    chosen = [i.id for i in loaded.scenario.issues if i.id in point.problems and (issues is None or i.id in issues)]
    specs = [get(e) for e in engines]
    targets = _point_forecasts(point, specs, chosen)
    return _moves(loaded, actor, point, targets, chosen, objective == "deal")


class _Runner:
    """Runs every engine on the baseline and the moves, chunk by chunk, issue by issue (stacked)."""

    def __init__(
        self,
        moves: list[Move],
        specs: list[EngineSpec],
        issues: list[str],
        mediator: tuple[float, float],
        draws: int,
        need_raw: bool,
    ) -> None:
        self.moves, self.specs, self.issues, self.mediator = moves, specs, issues, mediator
        self.need_raw = need_raw
        n = len(moves)
        rows = (n + 1, draws)
        self.forecast = {s.name: {i: np.empty(rows) for i in issues} for s in specs}
        self.raw = {s.name: {i: np.empty(rows) for i in issues} for s in specs} if need_raw else {}
        self.status_quo: dict[str, FloatArray] = {}
        self.base: dict[str, BargainingProblem] = {}
        self.own_dx, self.own_ds, self.partner_dx = np.zeros((n, draws)), np.zeros((n, draws)), np.zeros((n, draws))
        self.stated: dict[int, dict[str, FloatArray]] = {}
        self.touching = {i: [m for m, mv in enumerate(moves) if mv.issue == i] for i in issues}

    def evaluate(self, parts: list[ScenarioArrays]) -> None:
        start = 0
        stated: dict[int, dict[str, list[FloatArray]]] = {}
        bases: dict[str, list[BargainingProblem]] = {i: [] for i in self.issues}
        for arrays in parts:
            dc = arrays.n_draws
            sl = slice(start, start + dc)
            for i in self.issues:
                p = arrays.problems[i]
                bases[i].append(p)
                blocks = {m: _apply(self.moves[m], p, self.mediator) for m in self.touching[i]}
                for m, b in blocks.items():
                    self.own_dx[m, sl], self.own_ds[m, sl], self.partner_dx[m, sl] = b.own_dx, b.own_ds, b.partner_dx
                    for who, v in b.stated.items():
                        stated.setdefault(m, {}).setdefault(who, []).append(v)
                same = [m for m in self.touching[i] if self.moves[m].kind != "propose"]
                wider = [m for m in self.touching[i] if self.moves[m].kind == "propose"]
                self._run(i, sl, [p] + [blocks[m].problem for m in same], [-1, *same])
                if wider:
                    self._run(i, sl, [blocks[m].problem for m in wider], wider)
            start += dc
        self.stated = {m: {who: np.concatenate(v) for who, v in per.items()} for m, per in stated.items()}
        self.base = {i: _stack(ps) for i, ps in bases.items()}
        self.status_quo = {i: p.status_quo for i, p in self.base.items()}

    def _run(self, issue: str, sl: slice, blocks: list[BargainingProblem], rows: list[int]) -> None:
        """Run every engine once on the stacked blocks; row ``-1`` is the baseline (copied to every move)."""
        stack = _stack(blocks)
        dc = blocks[0].n_draws
        for spec in self.specs:
            result = spec(stack, detail=False)
            outs = [(self.forecast[spec.name][issue], result.forecast)]
            if self.need_raw:
                outs.append((self.raw[spec.name][issue], _unblocked(spec, stack, result)))
            for target, values in outs:
                values = values.reshape(len(blocks), dc)
                for r, m in enumerate(rows):
                    if m < 0:
                        target[:, sl] = values[r]
                    else:
                        target[1 + m, sl] = values[r]

    def truth(self, issue: str, who: str) -> tuple[FloatArray, FloatArray]:
        """``who``'s sampled position and salience on ``issue`` (its interests, whatever it states)."""
        p = self.base[issue]
        k = p.actors.index(who)
        return p.position[:, k], p.salience[:, k]


def _utility(run: _Runner, engine: str, actor: str, issues: list[str], spans: Mapping[str, float]) -> FloatArray:
    """``(M + 1, D)`` the actor's utility (row 0: baseline)."""
    total = np.zeros_like(run.forecast[engine][issues[0]])
    for i in issues:
        x, s = run.truth(i, actor)
        total -= s / spans[i] * np.abs(run.forecast[engine][i] - x)
    return total


def _open(run: _Runner, engine: str, issues: list[str], spans: Mapping[str, float]) -> dict[str, FloatArray]:
    """Issue → ``(M + 1, D)`` 1 where no veto binds (the bargained outcome is inside every veto interval)."""
    return {
        i: (np.abs(run.raw[engine][i] - run.forecast[engine][i]) <= DEAL_TOL * spans[i]).astype(float) for i in issues
    }


def _deal(run: _Runner, engine: str, issues: list[str], spans: Mapping[str, float]) -> FloatArray:
    """``(M + 1, D)`` 1 where a deal is reached (row 0: baseline)."""
    inside = np.ones_like(run.forecast[engine][issues[0]], dtype=bool)
    moved = np.zeros_like(inside)
    for i in issues:
        f = run.forecast[engine][i]
        inside &= np.abs(run.raw[engine][i] - f) <= DEAL_TOL * spans[i]
        moved |= np.abs(f - run.status_quo[i]) > DEAL_TOL * spans[i]
    return (inside & moved).astype(float)


# --------------------------------------------------------------------------------------------
# Explanations
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Detail:
    """One block of a detailed engine run: forecasts, veto binding, and the expected-utility state."""

    forecast: FloatArray
    blocked: BoolArray
    final: FloatArray | None = None
    offer: IntArray | None = None
    rounds: IntArray | None = None


def _detailed(spec: EngineSpec, blocks: list[BargainingProblem], span: float) -> list[_Detail]:
    """Run ``spec`` once on the stacked blocks (with per-round details for the expected-utility model)."""
    stack = _stack(blocks)
    k, dc = len(blocks), blocks[0].n_draws
    eu = spec.name == EU
    result = spec(stack, detail=eu)
    raw = _unblocked(spec, stack, result)
    blocked = (np.abs(raw - result.forecast) > DEAL_TOL * span).reshape(k, dc)
    f = result.forecast.reshape(k, dc)
    out = []
    for b in range(k):
        rows = slice(b * dc, (b + 1) * dc)
        if eu and result.trajectory is not None and "offer" in result.details:
            out.append(
                _Detail(
                    f[b],
                    blocked[b],
                    result.trajectory[rows, -1],
                    np.asarray(result.details["offer"][rows], dtype=np.int64),
                    np.asarray(result.details["rounds"][rows], dtype=np.int64),
                )
            )
        else:
            out.append(_Detail(f[b], blocked[b]))
    return out


def _pad_rounds(offer: IntArray, rounds: int) -> IntArray:
    """Offers ``(D, R, n, n)`` extended to ``rounds`` rounds by repeating the last (stopped draws do)."""
    if offer.shape[1] >= rounds:
        return offer
    extra = np.repeat(offer[:, -1:], rounds - offer.shape[1], axis=1)
    return np.concatenate([offer, extra], axis=1)


@dataclass
class _Trace:
    """What the detailed pass gathers for one explained move, chunk by chunk."""

    blocked: dict[str, list[BoolArray]] = field(default_factory=dict)
    shifts: list[FloatArray] = field(default_factory=list)
    near_before: list[BoolArray] = field(default_factory=list)
    near_after: list[BoolArray] = field(default_factory=list)
    changed: IntArray | None = None
    transitions: IntArray | None = None

    def offers(self, base: _Detail, after: _Detail, n: int) -> None:
        """Count, per pair, the draws in which an offer changes class, and the class transitions."""
        assert base.offer is not None and after.offer is not None and base.rounds is not None
        assert after.rounds is not None
        width, classes = after.offer.shape[-1], len(OFFER_NAMES)
        r = max(base.offer.shape[1], after.offer.shape[1])
        before = np.zeros((base.offer.shape[0], r, width, width), dtype=np.int64)
        before[:, :, :n, :n] = _pad_rounds(base.offer, r)
        now = _pad_rounds(after.offer, r)
        active = np.arange(r)[None, :] < np.maximum(base.rounds, after.rounds)[:, None]
        diff = (before != now) & active[:, :, None, None]
        changed = diff.any(axis=1).sum(axis=0)
        cells = np.nonzero(diff)
        idx = ((cells[2] * width + cells[3]) * classes + before[cells]) * classes + now[cells]
        counts = np.bincount(idx, minlength=width * width * classes * classes).reshape(width, width, classes, classes)
        self.changed = changed if self.changed is None else self.changed + changed
        self.transitions = counts if self.transitions is None else self.transitions + counts


def _explain(
    run: _Runner,
    parts: list[ScenarioArrays],
    moves: list[Move],
    explained: list[int],
    specs: list[EngineSpec],
    issues: list[str],
    level: float,
    spans: Mapping[str, float],
) -> dict[int, Explanation]:
    """Explanations of the chosen moves, from a second (detailed) pass over the same chunks."""
    names = [s.name for s in specs]
    blocked_base: dict[tuple[str, str], list[BoolArray]] = {}
    traces = {m: _Trace() for m in explained}
    touched = {i: [m for m in explained if moves[m].issue == i] for i in issues}
    for arrays in parts:
        for i in issues:
            if not touched[i]:
                continue
            p = arrays.problems[i]
            blocks = {m: _apply(moves[m], p, run.mediator) for m in touched[i]}
            groups = [
                [m for m in touched[i] if moves[m].kind != "propose"],
                [m for m in touched[i] if moves[m].kind == "propose"],
            ]
            for spec in specs:
                base = _detailed(spec, [p], spans[i])[0]
                blocked_base.setdefault((i, spec.name), []).append(base.blocked)
                for group in (g for g in groups if g):
                    for m, d in zip(group, _detailed(spec, [blocks[m].problem for m in group], spans[i]), strict=True):
                        trace = traces[m]
                        trace.blocked.setdefault(spec.name, []).append(d.blocked)
                        if d.final is None or base.final is None:
                            continue
                        n = p.n_actors
                        trace.shifts.append(d.final[:, :n] - base.final)
                        shared = blocks[m].shared
                        if shared is not None:
                            tol = COALITION_TOL * spans[i]
                            trace.near_before.append(np.abs(base.final - shared[:, None]) <= tol)
                            trace.near_after.append(np.abs(d.final[:, :n] - shared[:, None]) <= tol)
                        trace.offers(base, d, n)
    out = {}
    for m in explained:
        mv = moves[m]
        assert mv.issue is not None
        i = mv.issue
        p = run.base[i]
        trace = traces[m]
        ids = list(p.actors) + ([mv.actor] if mv.kind == "propose" else [])
        span = spans[i]
        effects = []
        for e in names:
            before, after = run.forecast[e][i][0], run.forecast[e][i][1 + m]
            effects.append(
                IssueEffect(
                    i,
                    e,
                    _summary(before, level),
                    _summary(after, level),
                    _summary(after - before, level),
                    float(np.mean(np.concatenate(blocked_base[(i, e)]))),
                    float(np.mean(np.concatenate(trace.blocked[e]))),
                )
            )
        set_by_move = {mv.actor, mv.partner}
        responses: list[Response] = []
        if trace.shifts:
            shift = np.concatenate(trace.shifts)
            moved = np.abs(shift) > MOVED_TOL * span
            for a, who in enumerate(p.actors):
                if who in set_by_move or moved[:, a].mean() < 0.05:
                    continue
                responses.append(Response(i, who, _summary(shift[:, a], level), float(moved[:, a].mean())))
            responses.sort(key=lambda r: -abs(r.shift.mean))
        offers: list[OfferChange] = []
        if trace.changed is not None and trace.transitions is not None:
            share = trace.changed / run.forecast[names[0]][i].shape[1]
            t = trace.transitions
            if mv.kind == "propose":
                share[-1, :] = share[:, -1] = 0.0  # the proposer's own offers are new by construction
            for r_, j in zip(*np.nonzero(share >= 0.05), strict=True):
                was, now = np.unravel_index(int(np.argmax(t[r_, j])), t.shape[2:])
                offers.append(
                    OfferChange(i, ids[j], ids[r_], OFFER_NAMES[int(was)], OFFER_NAMES[int(now)], float(share[r_, j]))
                )
            offers.sort(key=lambda o: -o.share)
        coalition: list[CoalitionMember] = []
        if trace.near_after:
            b_in = np.concatenate(trace.near_before)
            a_in = np.concatenate(trace.near_after)
            for a, who in enumerate(p.actors):
                if a_in[:, a].mean() >= 0.5 or b_in[:, a].mean() >= 0.5:
                    coalition.append(CoalitionMember(i, who, float(b_in[:, a].mean()), float(a_in[:, a].mean())))
        out[m] = Explanation(
            effects, responses[:8], offers[:8], coalition, _mechanism(mv, effects, responses, offers, coalition, run, m)
        )
    return out


def _mechanism(
    mv: Move,
    effects: list[IssueEffect],
    responses: list[Response],
    offers: list[OfferChange],
    coalition: list[CoalitionMember],
    run: _Runner,
    m: int,
) -> list[str]:
    """Sentences saying how the move works in each engine's terms."""
    lines = []
    for ef in effects:
        lines.append(
            f"{ef.engine}: {ef.issue} forecast {ef.before.mean:.1f} -> {ef.after.mean:.1f} "
            f"(change {ef.change.mean:+.1f}, central interval [{ef.change.low:+.1f}, {ef.change.high:+.1f}])"
        )
        if abs(ef.blocked_after - ef.blocked_before) >= 0.05:
            lines.append(
                f"{ef.engine}: a veto binds on {ef.issue} in {ef.blocked_before:.0%} of draws before, "
                f"{ef.blocked_after:.0%} after"
            )
        if ef.engine == "compromise" and mv.kind in ("position", "align", "salience") and mv.issue is not None:
            p = run.base[mv.issue]
            k = p.actors.index(mv.actor)
            share = float(np.mean(p.weight[:, k] / np.maximum(p.weight.sum(axis=1), 1e-300)))
            lines.append(
                f"compromise: the weighted mean; {mv.actor} holds {share:.0%} of the capability x salience "
                f"weight on {mv.issue}, so a stated shift moves the mean by about that share of it"
            )
    for o in offers[:4]:
        if o.after == "none":
            what = f"stops challenging {o.receiver} (its {o.before} offer is gone)"
        elif o.before == "none":
            what = f"starts challenging {o.receiver} ({o.after} offer)"
        else:
            what = f"changes its offer to {o.receiver} from {o.before} to {o.after}"
        lines.append(f"expected_utility: {o.offerer} {what} in {o.share:.0%} of draws")
    for r in responses[:4]:
        lines.append(
            f"expected_utility: {r.actor} ends {r.shift.mean:+.1f} points from its final baseline position "
            f"(it moves in {r.moved_share:.0%} of draws)"
        )
    members = [c.actor for c in coalition if c.share_after >= 0.5]
    if members:
        lines.append(f"expected_utility: the coalition at the shared position: {', '.join(members)}")
    if mv.kind == "propose":
        lines.append(f"a new stance at {mv.target:g} with modest weight pulls the bargaining towards it")
    return lines


def _policy_effects(
    loaded: LoadedScenario, moves: list[Move], params: DeterrenceParams | None, paths: int, seed: int
) -> list[PolicyEffect]:
    wanted = [mv.policy for mv in moves if mv.kind == "policy" and mv.policy]
    if not wanted:
        return []
    from standoff.experiments.policy import compare

    if params is None:
        from standoff.history.default_fit import default_fit

        params = default_fit().params
    result = compare(loaded, params, paths=paths, seed=seed)
    by_id = {o.id: o for o in result.options}
    base = by_id["baseline"]

    def measures(o: Any) -> list[tuple[str, float, tuple[float, float]]]:
        d = o.deterrence
        out = [
            ("P(test within 12 months)", d.p_test_12.p, (d.p_test_12.low, d.p_test_12.high)),
            ("P(test within 24 months)", d.p_test_24.p, (d.p_test_24.low, d.p_test_24.high)),
            ("P(war within 24 months)", d.p_war_24.p, (d.p_war_24.low, d.p_war_24.high)),
        ]
        if o.crisis is not None:
            c = o.crisis
            out += [
                ("P(deal through the talks)", c.p_deal.p, (c.p_deal.low, c.p_deal.high)),
                ("P(war at today's optimal demand)", c.war_now.p, (c.war_now.low, c.war_now.high)),
                ("expected settlement (crisis issue scale)", c.settlement, (c.settlement, c.settlement)),
            ]
        return out

    ref = {name: (v, ci) for name, v, ci in measures(base)}
    effects = []
    for pid in wanted:
        o = by_id[pid]
        ms = [
            PolicyMeasure(name, ref[name][0], v, v - ref[name][0], ref[name][1], ci)
            for name, v, ci in measures(o)
            if name in ref
        ]
        effects.append(PolicyEffect(pid, o.name, paths, ms))
    return effects


def _notes(goal: str, mediator: bool, policies: list[PolicyEffect], moves: list[Move], baseline: Baseline) -> list[str]:
    notes = [
        "Gains are model-relative: the change each engine predicts when the actor states something else, "
        "with every other input as sampled; they are not forecasts that the move will be believed or answered.",
        "Other actors' stated positions are the scenario's; only the expected-utility model lets them respond.",
    ]
    if goal == "utility":
        notes.append(
            "Utility: minus the salience-weighted distance (percent of each scale) between forecast and the actor's "
            "own position; net gain subtracts the cost of the stated change."
        )
    else:
        notes.append(
            "Deal: every chosen issue's bargained outcome inside every veto player's interval (before the veto "
            "projection) and at least one issue off the status quo; moves cost nothing under this objective."
        )
        if baseline.objective == 0.0 and baseline.open_issues:
            worst = sorted(baseline.open_issues.items(), key=lambda kv: kv[1])[:3]
            blocked = ", ".join(f"{i} (a veto binds in {100 * (1 - share):.0f}% of draws)" for i, share in worst)
            notes.append(
                f"No deal in any draw; the issues most often blocked: {blocked}. Moves are ranked by the share of "
                "issues left open. Choose issues where a deal is possible (--issue) to weigh proposals on them."
            )
    if mediator:
        notes.append("The mediator is not an actor of the scenario; its only moves are proposals on an issue.")
    if policies:
        notes.append(
            "Policy options change deterrence and crisis inputs only; their bargaining gain is zero by construction "
            "and their effects are reported from the policy comparison."
        )
    if any(mv.kind == "align" for mv in moves):
        notes.append("Alignments assume the partner agrees; its own net gain is reported beside the move.")
    return notes
