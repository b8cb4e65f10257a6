"""Forecast a scenario with every bargaining engine: ``standoff.forecast(...)``.

The point run uses every input at its value; with ``draws`` the uncertain
inputs are sampled (seeded, reproducible) and each engine's forecast comes
with its median and an interval over the draws
(:class:`~standoff.core.intervals.Interval`), and the forecast keeps every
draw's value (:attr:`Forecast.values`) for plots and further summaries, so
nothing needs to run the draws again. Results are named dataclasses with a
``to_dict`` for JSON (without the per-draw values); presentation lives in
:mod:`standoff.presentation.briefing`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from standoff.core.intervals import Interval
from standoff.core.problems import STOP_NAMES, BargainingProblem, BargainingResult, FloatArray
from standoff.core.version import __version__
from standoff.engines import get, issue_engines, run_issues
from standoff.engines.base import MULTI_ISSUE
from standoff.engines.expected_utility import OFFER_NAMES
from standoff.engines.winset import (
    DEAL_TOL,
    extent,
    is_point,
    leaves_status_quo,
    pivotal,
    project_issues,
    realised_forecasts,
    win_set,
)
from standoff.experiments.montecarlo import Forecasts, check_memory, chunks, engine_draws
from standoff.scenario import LoadedScenario, load_scenario
from standoff.scenario.arrays import ScenarioArrays, compile_scenario
from standoff.scenario.coverage import coverage


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
    package_vetoes: list[str]
    engines: dict[str, EngineForecast]
    pushing: list[tuple[str, float]]
    moves: list[Move]
    judgment_inputs: list[str]


@dataclass(frozen=True)
class WinSetForecast:
    """The win-set of the status quo under the package vetoes (point values), and the engines' packages.

    Attributes:
        issues: the issues of some package veto; ``veto_players``: who holds one.
        status: ``"open"``, ``"status quo alone"`` or ``"empty"`` (red lines exclude every package).
        ranges: issue → the smallest and largest value over the win-set (the packages accepted
            need not fill the box: the win-set is a polytope, see :mod:`standoff.engines.winset`).
        pivotal: when the win-set is the status quo alone, the veto players without whom it would not be.
        packages: engine → issue → its point forecast projected onto the win-set.
        deal: engine → whether that package leaves the status quo.
        p_deal: engine → with draws, the share of draws whose projected forecast leaves the status quo.
    """

    issues: list[str]
    veto_players: list[str]
    status: str
    ranges: dict[str, tuple[float, float]]
    pivotal: list[str]
    packages: dict[str, dict[str, float]]
    deal: dict[str, bool]
    p_deal: dict[str, float] | None


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
    win_set: WinSetForecast | None = None
    made_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    values: dict[str, dict[str, FloatArray]] | None = field(default=None, repr=False, compare=False)
    """With draws: issue id → engine → ``(draws,)`` the forecast on every draw (``None`` for a point run)."""

    def issue(self, issue_id: str) -> IssueForecast:
        return next(i for i in self.issues if i.issue == issue_id)

    def draw_values(self, issue_id: str, engine: str) -> FloatArray:
        """``(draws,)`` an engine's forecast of an issue on every draw."""
        if self.values is None:
            raise ValueError("a point forecast has no draws; forecast with draws= and a seed")
        return self.values[issue_id][engine]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (anchor keys as strings; per-draw values left out)."""
        out = asdict(replace(self, values=None))
        del out["values"]
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
    issue_names = {s.name for s in issue_engines()}
    unknown = [e for e in engines or () if e not in issue_names]
    if unknown:
        get(unknown[0])  # an unknown name raises KeyError listing the known ones
        raise ValueError(f"{', '.join(unknown)}: not an issue engine; choose from {', '.join(sorted(issue_names))}")
    specs = [get(e) for e in engines] if engines else issue_engines()
    if draws is not None and (seed is None or draws < 1):
        raise ValueError("Monte Carlo needs draws >= 1 and a seed")
    point = compile_scenario(sc)
    names = [s.name for s in specs]
    check_memory(sc, names, draws)
    sampled = None if draws is None or seed is None else engine_draws(sc, names, draws, seed, progress, client)
    cov = coverage(sc)
    judged = {i.path for i in cov.judgment_only}
    point_results = {s.name: run_issues(s, point.problems) for s in specs}
    free_problems = {i: replace(p, veto=np.tile((-np.inf, np.inf), (p.n_actors, 1))) for i, p in point.problems.items()}
    packaged = {i for pv in point.packages for i in pv.issues}
    vetoed = bool(packaged) or any(p.has_veto.any() for p in point.problems.values())
    free_results = {s.name: run_issues(s, free_problems, detail=False) for s in specs} if vetoed else {}
    realised = {
        s.name: realised_forecasts(point.problems, point.packages, point_results[s.name])
        for s in specs
        if s.kind == MULTI_ISSUE
    }
    projected = {
        s.name: project_issues(
            point.problems,
            point.packages,
            realised.get(s.name) or {i: r.forecast for i, r in point_results[s.name].items()},
        )
        for s in specs
    }
    issues = []
    for issue in sc.issues:
        problem = point.problems.get(issue.id)
        if problem is None:
            continue
        results = {s.name: point_results[s.name][issue.id] for s in specs}
        free = None
        if problem.has_veto.any() or issue.id in packaged:
            free = {s.name: float(free_results[s.name][issue.id].forecast[0]) for s in specs}
        intervals = {}
        if sampled is not None:
            for name, values in sampled[issue.id].items():
                intervals[name] = Interval.of_draws(values, level, "median")
        engines_out = {
            s.name: _engine_forecast(
                s.name,
                s.title,
                results[s.name],
                float(projected[s.name][issue.id][0]),
                issue.scale.label,
                intervals.get(s.name),
                None if free is None else free[s.name],
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
                package_vetoes=[pv.actor for pv in point.packages if issue.id in pv.issues],
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
        win_set=_win_set(loaded, point, projected, sampled, seed),
        values=sampled,
    )


def _win_set(
    loaded: LoadedScenario,
    point: ScenarioArrays,
    values: dict[str, dict[str, FloatArray]],
    sampled: Forecasts | None,
    seed: int | None,
) -> WinSetForecast | None:
    """The win-set at the point values, each engine's package in it, and P(deal) over the draws."""
    ws = win_set(point.problems, point.packages)
    sc, names = loaded.scenario, list(values)
    if ws is None:
        return None
    bounds = extent(ws)
    empty = bool(np.isnan(bounds).any())
    alone = not empty and bool(is_point(ws, bounds)[0])
    packages = {e: {i: float(v[i][0]) for i in ws.issues} for e, v in values.items()}
    deal = {e: bool(leaves_status_quo(ws, np.array([[p[i] for i in ws.issues]]))[0]) for e, p in packages.items()}
    p_deal = None
    if sampled is not None and seed is not None:
        n = len(next(iter(sampled[ws.issues[0]].values())))
        sq = np.concatenate([np.stack([c.problems[i].status_quo for i in ws.issues], 1) for c in chunks(sc, n, seed)])
        moved = {e: np.abs(np.stack([sampled[i][e] for i in ws.issues], 1) - sq) > DEAL_TOL * ws.span for e in names}
        p_deal = {e: float(np.mean(m.any(axis=1))) for e, m in moved.items()}
    return WinSetForecast(
        issues=list(ws.issues),
        veto_players=list(dict.fromkeys(ws.actors)),
        status="empty" if empty else "status quo alone" if alone else "open",
        ranges={} if empty else {i: (float(bounds[0, j, 0]), float(bounds[0, j, 1])) for j, i in enumerate(ws.issues)},
        pivotal=pivotal(ws) if alone else [],
        packages=packages,
        deal=deal,
        p_deal=p_deal,
    )


def _engine_forecast(
    name: str,
    title: str,
    r: BargainingResult,
    value: float,
    label: Callable[[float], str],
    draws: Interval | None,
    without_vetoes: float | None,
) -> EngineForecast:
    rounds = stop = by_round = positions = None
    if r.trajectory is not None and r.forecast_by_round is not None and r.rounds is not None and r.stop is not None:
        rounds = int(r.rounds[0])
        stop = STOP_NAMES[int(r.stop[0])]
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
    if "partner" not in r.details or r.trajectory is None or r.rounds is None:
        return []
    partner, offer, traj = r.details["partner"][0], r.details["offer"][0], r.trajectory[0]
    rounds = int(r.rounds[0])
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
