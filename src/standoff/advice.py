"""Advice: which move by an actor shifts the likely outcome most in its favour.

For an actor ``A``, its utility of an outcome is minus its salience-weighted
distance to the forecast, summed over the issues it has a stance on:
``U_A = -Σ_I s_AI |f_I - x_AI| / Δ_I``, with ``x_AI`` and ``s_AI`` its stated
(point) position and salience, read as its true preferences. A move changes
what ``A`` states on one issue; its gain is the change in ``U_A`` averaged over
engines and Monte Carlo draws, minus the move's cost.

Moves (exhaustive; each on one issue where ``A`` has a stance):

* ``shift``: stated position moved by -25, -10, +10, +25 points of the issue's
  scale, or onto the compromise model's point forecast; clipped to the scale
  and to ``A``'s veto interval. Cost ``0.5 s_AI |shift| / Δ_I`` (half the
  utility of the same distance), so that conceding is never free.
* ``salience``: shown salience raised or lowered by 0.2 (within [0, 1]);
  cost ``0.1 |change|`` (a standing commitment).
* ``align``: ``A`` and another actor both move to their capability-weighted
  midpoint (a coalition); cost as a shift by ``A``'s part of the way.

Common random numbers: every move is evaluated on the same sampled inputs
(one chunk of :func:`standoff.montecarlo.sample_chunk`) as the baseline, so a
gain is a paired difference; its Monte Carlo standard error is reported. All
moves of an issue are stacked along the draw axis and each engine runs once
per issue. Not yet covered: policy options as moves, and a mediator's
objective.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from standoff.engines import get
from standoff.engines.base import BargainingProblem
from standoff.montecarlo import CHUNK, sample_chunk
from standoff.scenario.load import LoadedScenario

SHIFTS = (-25.0, -10.0, 10.0, 25.0)
SHIFT_COST = 0.5
SALIENCE_STEP = 0.2
SALIENCE_COST = 0.1


@dataclass(frozen=True)
class Move:
    """One candidate move: ``kind`` is ``shift``, ``to_forecast``, ``salience`` or ``align``."""

    kind: str
    issue: str
    description: str
    position: float | None = None
    salience: float | None = None
    partner: str | None = None
    cost: float = 0.0


@dataclass(frozen=True)
class RankedMove:
    """A move with its net gain (mean over engines and draws), its standard error and what it changes."""

    move: Move
    gain: float
    se: float
    low: float
    high: float
    before: dict[str, float]
    after: dict[str, float]
    responders: list[tuple[str, float]]


@dataclass(frozen=True)
class Advice:
    actor: str
    engines: tuple[str, ...]
    draws: int
    seed: int
    moves: list[RankedMove]

    def to_dict(self) -> dict[str, object]:
        from dataclasses import asdict

        return asdict(self)


def _candidates(loaded: LoadedScenario, actor: str, problems: dict[str, BargainingProblem]) -> list[Move]:
    sc = loaded.scenario
    a = sc.actor(actor)
    moves = []
    for stance in (s for s in sc.stances if s.actor == actor and s.issue in problems):
        issue = sc.issue(stance.issue)
        lo, hi = issue.scale.low, issue.scale.high
        veto = next((v for v in a.veto if v.issue == issue.id), None)
        if veto is not None:
            reach = abs(stance.position.value - issue.status_quo.value)
            vlo, vhi = veto.range or (stance.position.value - reach, stance.position.value + reach)
            lo, hi = max(lo, vlo), min(hi, vhi)
        span = issue.scale.high - issue.scale.low
        x, s = stance.position.value, stance.salience.value
        p = problems[issue.id]
        point = float(
            get("compromise")
            .run(
                replace(
                    p,
                    position=p.position[:1],
                    salience=p.salience[:1],
                    capability=p.capability[:1],
                    status_quo=p.status_quo[:1],
                )
            )
            .forecast[0]
        )
        targets = [
            (f"{'harder line' if d * (x - point) > 0 else 'concession'} of {abs(d):g}", x + d, "shift") for d in SHIFTS
        ] + [("move to the compromise forecast", point, "to_forecast")]
        for text, target, kind in targets:
            y = float(np.clip(target, lo, hi))
            if abs(y - x) > 1e-9:
                moves.append(
                    Move(kind, issue.id, f"{text}: {x:g} → {y:g}", position=y, cost=SHIFT_COST * s * abs(y - x) / span)
                )
        for ds in (SALIENCE_STEP, -SALIENCE_STEP):
            t = float(np.clip(s + ds, 0.0, 1.0))
            if abs(t - s) > 1e-9:
                moves.append(
                    Move(
                        "salience",
                        issue.id,
                        f"show salience {t:.2f} (was {s:.2f})",
                        salience=t,
                        cost=SALIENCE_COST * abs(t - s),
                    )
                )
        for other in (o for o in sc.stances if o.issue == issue.id and o.actor != actor):
            c_a, c_b = a.capability.value, sc.actor(other.actor).capability.value
            mid = (c_a * x + c_b * other.position.value) / max(c_a + c_b, 1e-12)
            y = float(np.clip(mid, lo, hi))
            moves.append(
                Move(
                    "align",
                    issue.id,
                    f"align with {other.actor} at {y:.1f}",
                    position=y,
                    partner=other.actor,
                    cost=SHIFT_COST * s * abs(y - x) / span,
                )
            )
    return moves


def advise(
    loaded: LoadedScenario,
    actor: str,
    *,
    issues: list[str] | None = None,
    engines: tuple[str, ...] = ("compromise", "expected_utility"),
    draws: int = 128,
    seed: int = 0,
) -> Advice:
    """Rank ``actor``'s moves by net gain in expected utility (see the module docstring)."""
    sc = loaded.scenario
    if actor not in {a.id for a in sc.actors}:
        raise ValueError(f"unknown actor {actor!r}; known: {', '.join(a.id for a in sc.actors)}")
    if not 1 <= draws <= CHUNK:
        raise ValueError(f"draws must be in [1, {CHUNK}], got {draws}")
    arrays = sample_chunk(sc, seed, 0, draws)
    problems = {i: p for i, p in arrays.problems.items() if actor in p.actors and (not issues or i in issues)}
    moves = _candidates(loaded, actor, problems)
    ranked = []
    for issue, p in problems.items():
        mine = [m for m in moves if m.issue == issue]
        if not mine:
            continue
        k = p.actors.index(actor)
        stance = next(s for s in sc.stances if s.actor == actor and s.issue == issue)
        x, s, span = stance.position.value, stance.salience.value, p.span
        pos = np.repeat(p.position[None], len(mine) + 1, axis=0)  # (M + 1, D, n): row 0 the baseline
        sal = np.repeat(p.salience[None], len(mine) + 1, axis=0)
        for m, move in enumerate(mine, start=1):
            if move.position is not None:
                pos[m, :, k] = move.position
            if move.salience is not None:
                sal[m, :, k] = move.salience
            if move.partner is not None:
                pos[m, :, p.actors.index(move.partner)] = move.position
        stacked = BargainingProblem(
            p.actors,
            pos.reshape(-1, p.n_actors),
            sal.reshape(-1, p.n_actors),
            np.tile(p.capability, (len(mine) + 1, 1)),
            p.scale,
            np.tile(p.status_quo, len(mine) + 1),
            p.veto,
        )
        utility, forecasts, finals = [], {}, None
        for e in engines:
            result = get(e).run(stacked, detail=False)
            f = result.forecast.reshape(len(mine) + 1, -1)
            forecasts[e] = f
            utility.append(-s * np.abs(f - x) / span)
            if e == "expected_utility" and result.trajectory is not None:
                finals = result.trajectory[:, -1, :].reshape(len(mine) + 1, -1, p.n_actors)
        u = np.mean(utility, axis=0)  # (M + 1, D)
        for m, move in enumerate(mine, start=1):
            net = u[m] - u[0] - move.cost
            responders = []
            if finals is not None:
                shift = (finals[m] - finals[0]).mean(axis=0)
                order = np.argsort(-np.abs(shift))
                responders = [(p.actors[j], float(shift[j])) for j in order[:3] if j != k and abs(shift[j]) > 1e-6]
            ranked.append(
                RankedMove(
                    move,
                    float(net.mean()),
                    float(net.std(ddof=1) / np.sqrt(len(net))) if len(net) > 1 else 0.0,
                    float(np.quantile(net, 0.05)),
                    float(np.quantile(net, 0.95)),
                    {e: float(forecasts[e][0].mean()) for e in engines},
                    {e: float(forecasts[e][m].mean()) for e in engines},
                    responders,
                )
            )
    ranked.sort(key=lambda r: -r.gain)
    return Advice(actor, tuple(engines), draws, seed, ranked)
