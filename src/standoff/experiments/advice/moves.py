"""The move set of an actor and how a move changes a sampled bargaining problem."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

from standoff.core.problems import BargainingProblem, BargainingResult, FloatArray
from standoff.engines import get
from standoff.engines.base import EngineSpec
from standoff.experiments.advice.mediator import _proposal_points
from standoff.experiments.advice.results import EU, POSITION_STEPS, SALIENCE_STEP, Move
from standoff.experiments.montecarlo import run_engines
from standoff.scenario.arrays import ScenarioArrays, compile_scenario
from standoff.scenario.load import LoadedScenario, load_scenario

# --------------------------------------------------------------------------------------------
# The move set
# --------------------------------------------------------------------------------------------


def _feasible(p: BargainingProblem, k: int) -> tuple[float, float]:
    """Actor ``k``'s acceptable interval on the issue, within the scale."""
    return max(p.scale[0], float(p.veto[k, 0])), min(p.scale[1], float(p.veto[k, 1]))


def _clip_stated(x: FloatArray, new: FloatArray, low: float, high: float) -> FloatArray:
    """Clip stated positions to ``[low, high]``, never pulling in a draw already outside."""
    return np.clip(new, np.minimum(low, x), np.maximum(high, x))


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


def _apply(move: Move, p: BargainingProblem, mediator: tuple[float, float], issue: str) -> _Block:
    """Build ``move``'s problem on ``issue`` from its sampled problem ``p`` (same draws)."""
    zero = np.zeros(p.n_draws)
    if move.kind in ("propose", "package"):
        target = move.package[issue] if move.package is not None else move.target
        assert target is not None
        cap = mediator[0] * p.capability.max(axis=1, keepdims=True)
        add = replace(
            p,
            actors=(*p.actors, move.actor),
            position=np.hstack([p.position, np.full((p.n_draws, 1), target)]),
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


def _point_forecasts(point: ScenarioArrays, specs: list[EngineSpec], issues: list[str]) -> dict[str, dict[str, float]]:
    """Issue → engine → the point-run forecast (in the win-set, if the scenario has package vetoes)."""
    out = run_engines(point, [s.name for s in specs], issues)
    return {i: {e: float(v[0]) for e, v in per.items()} for i, per in out.items()}


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
