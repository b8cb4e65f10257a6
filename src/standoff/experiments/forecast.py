"""Forecast a scenario with every bargaining engine: ``standoff.forecast(...)``.

The point run uses every input at its value; with ``draws`` the uncertain
inputs are sampled (seeded, reproducible) and each engine's forecast comes
with its median and an interval over the draws. Results are named dataclasses
with a ``to_dict`` for JSON; presentation lives in :mod:`standoff.presentation.briefing`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from standoff import __version__
from standoff.engines import BargainingProblem, available, get
from standoff.engines.base import BargainingResult
from standoff.engines.expected_utility import OFFER_NAMES, STOP_NAMES
from standoff.experiments.montecarlo import check_memory, engine_draws
from standoff.scenario import LoadedScenario, load_scenario
from standoff.scenario.arrays import compile_scenario
from standoff.scenario.coverage import coverage


@dataclass(frozen=True)
class Interval:
    """Monte Carlo summary of one forecast: median and a central interval."""

    median: float
    low: float
    high: float
    level: float


@dataclass(frozen=True)
class EngineForecast:
    """One engine's forecast on one issue."""

    engine: str
    title: str
    value: float
    label: str
    rounds: int | None = None
    stop: str | None = None
    by_round: list[float] | None = None
    positions_by_round: list[list[float]] | None = None
    draws: Interval | None = None
    without_vetoes: float | None = None


@dataclass(frozen=True)
class Move:
    """In one round of the expected-utility model, ``actor`` took ``partner``'s offer."""

    round: int
    actor: str
    partner: str
    kind: str
    before: float
    after: float


@dataclass(frozen=True)
class IssueForecast:
    """Every engine's forecast on one issue, with what explains it."""

    issue: str
    name: str
    question: str
    scale: tuple[float, float]
    anchors: dict[float, str]
    status_quo: float
    actors: list[str]
    positions: list[float]
    weights: list[float]
    vetoes: dict[str, tuple[float, float]]
    engines: dict[str, EngineForecast]
    pushing: list[tuple[str, float]]
    moves: list[Move]
    judgment_inputs: list[str]


@dataclass(frozen=True)
class Forecast:
    """A scenario's forecast: per issue, per engine."""

    scenario: str
    title: str
    as_of: str
    sha256: str
    version: str
    seed: int | None
    draws: int | None
    issues: list[IssueForecast]
    inputs_total: int
    inputs_quoted: int
    inputs_judgment_only: int
    made_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    def issue(self, issue_id: str) -> IssueForecast:
        return next(i for i in self.issues if i.issue == issue_id)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (anchor keys as strings)."""
        out = asdict(self)
        for issue in out["issues"]:
            issue["anchors"] = {f"{k:g}": v for k, v in issue["anchors"].items()}
        return out


def forecast(
    scenario: str | Path | LoadedScenario = "iran-2026",
    *,
    engines: Sequence[str] | None = None,
    draws: int | None = None,
    seed: int | None = None,
    level: float = 0.9,
    progress: Callable[[int], None] | None = None,
    client: Any = None,
) -> Forecast:
    """Forecast every issue of a scenario with the chosen bargaining engines.

    Args:
        scenario: a built-in name, a path, or an already loaded scenario.
        engines: engine names (default: every registered bargaining engine).
        draws: Monte Carlo draws over the uncertain inputs (``None``: point run only).
        seed: seed for the draws (required with ``draws``; recorded in the result).
        level: central interval reported for the draws.
        progress: called with the number of draws done after each chunk (see
            :mod:`standoff.experiments.montecarlo` for how draws are seeded).
        client: a ``dask.distributed.Client`` to run the draws on (default: in-process).
    """
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    sc = loaded.scenario
    specs = [get(e) for e in engines] if engines else available("bargaining") + available("multi-issue")
    if draws is not None and (seed is None or draws < 1):
        raise ValueError("Monte Carlo needs draws >= 1 and a seed")
    names = [s.name for s in specs]
    check_memory(sc, names, draws)
    point = compile_scenario(sc)
    sampled = None if draws is None else engine_draws(sc, names, draws, seed, progress, client)  # type: ignore[arg-type]
    cov = coverage(sc)
    judged = {i.path for i in cov.judgment_only}
    joint = {s.name: s.run(point.problems) for s in specs if s.kind == "multi-issue"}  # type: ignore[arg-type]
    free_problems = {i: replace(p, veto=np.tile((-np.inf, np.inf), (p.n_actors, 1))) for i, p in point.problems.items()}
    joint_free = {n: get(n).run(free_problems, detail=False) for n in joint}  # type: ignore[arg-type]
    issues = []
    for issue in sc.issues:
        problem = point.problems.get(issue.id)
        if problem is None:
            continue
        results = {s.name: joint[s.name][issue.id] if s.name in joint else s.run(problem) for s in specs}
        free = None
        if problem.has_veto.any():
            free = {
                s.name: float(
                    (
                        joint_free[s.name][issue.id]
                        if s.name in joint
                        else s.run(free_problems[issue.id], detail=False)
                    ).forecast[0]
                )
                for s in specs
            }
        intervals = {}
        if sampled is not None:
            for name, values in sampled[issue.id].items():
                q = np.quantile(values, [0.5, (1 - level) / 2, (1 + level) / 2])
                intervals[name] = Interval(float(q[0]), float(q[1]), float(q[2]), level)
        engines_out = {
            s.name: _engine_forecast(
                s.name, s.title, results[s.name], issue.scale.label, intervals.get(s.name), free and free[s.name]
            )
            for s in specs
        }
        eu = results.get("expected_utility")
        issues.append(
            IssueForecast(
                issue=issue.id,
                name=issue.name,
                question=issue.question,
                scale=(issue.scale.low, issue.scale.high),
                anchors=dict(issue.scale.anchors),
                status_quo=float(problem.status_quo[0]),
                actors=list(problem.actors),
                positions=problem.position[0].tolist(),
                weights=problem.weight[0].tolist(),
                vetoes={
                    a: (max(float(v[0]), issue.scale.low), min(float(v[1]), issue.scale.high))
                    for a, v, has in zip(problem.actors, problem.veto, problem.has_veto, strict=True)
                    if has
                },
                engines=engines_out,
                pushing=_pushing(problem),
                moves=_moves(problem, eu) if eu is not None else [],
                judgment_inputs=sorted(
                    p for p in judged if p.startswith(f"issues.{issue.id}.") or p.split(".")[2:3] == [issue.id]
                ),
            )
        )
    return Forecast(
        scenario=sc.id,
        title=sc.title,
        as_of=sc.as_of.isoformat(),
        sha256=loaded.sha256,
        version=__version__,
        seed=seed,
        draws=draws,
        issues=issues,
        inputs_total=cov.total,
        inputs_quoted=cov.quoted,
        inputs_judgment_only=len(cov.judgment_only),
    )


def _engine_forecast(
    name: str,
    title: str,
    r: BargainingResult,
    label: Callable[[float], str],
    draws: Interval | None,
    without_vetoes: float | None,
) -> EngineForecast:
    value = float(r.forecast[0])
    rounds = stop = by_round = positions = None
    if r.trajectory is not None and r.forecast_by_round is not None:
        rounds = int(r.details["rounds"][0])
        stop = STOP_NAMES[int(r.details["stop"][0])]
        by_round = r.forecast_by_round[0, : rounds + 1].tolist()
        positions = r.trajectory[0, : rounds + 1].tolist()
    return EngineForecast(name, title, value, label(value), rounds, stop, by_round, positions, draws, without_vetoes)


def _pushing(p: BargainingProblem, top: int = 4) -> list[tuple[str, float]]:
    """Actors pushing hardest away from the status quo: ``c_i s_i (x_i - SQ)``, largest magnitude first."""
    push = p.weight[0] * (p.position[0] - p.status_quo[0])
    order = np.argsort(-np.abs(push), kind="stable")[:top]
    return [(p.actors[k], float(push[k])) for k in order if push[k] != 0]


def _moves(p: BargainingProblem, r: BargainingResult) -> list[Move]:
    """Every offer taken in the point run of the expected-utility model."""
    if "partner" not in r.details:
        return []
    partner, offer, traj = r.details["partner"][0], r.details["offer"][0], r.trajectory[0]  # type: ignore[index]
    rounds = int(r.details["rounds"][0])
    moves = []
    for t in range(rounds):
        for i, j in enumerate(partner[t]):
            if j >= 0 and traj[t + 1, i] != traj[t, i]:
                moves.append(
                    Move(
                        t + 1,
                        p.actors[i],
                        p.actors[j],
                        OFFER_NAMES[offer[t, i, j]],
                        float(traj[t, i]),
                        float(traj[t + 1, i]),
                    )
                )
    return moves
