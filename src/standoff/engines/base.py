"""The engine interface: inputs and results as frozen dataclasses of arrays.

Every array carries a leading draw axis ``D`` (Monte Carlo draws; ``D = 1`` for
a point run). Engines are pure functions of these inputs: they know nothing of
files, YAML, databases or terminals, and never loop over draws in Python.

Shapes: ``n`` actors, ``R`` rounds.

* :class:`BargainingProblem` — one issue: positions, saliences, capabilities
  ``(D, n)``, the issue's labelled scale, the status quo ``(D,)`` and each
  actor's veto interval ``(n, 2)`` (``[-inf, inf]`` for actors without a veto).
* :class:`BargainingResult` — the forecast ``(D,)``, and for round-based
  engines the position trajectory ``(D, R + 1, n)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from standoff.core.problem import BargainingProblem as BargainingProblem  # re-exported: the engines take it
from standoff.core.problem import FloatArray as FloatArray


@dataclass(frozen=True)
class BargainingResult:
    """What a bargaining engine returns.

    Attributes:
        engine: the engine's registered name.
        forecast: ``(D,)`` the predicted outcome on the issue's scale.
        trajectory: ``(D, R + 1, n)`` positions by round (round 0 = input), or
            ``None`` for one-shot engines.
        forecast_by_round: ``(D, R + 1)`` the forecast after each round, or ``None``.
        details: engine-specific named arrays (documented by each engine).
    """

    engine: str
    forecast: FloatArray
    trajectory: FloatArray | None = None
    forecast_by_round: FloatArray | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


def apply_veto(outcome: FloatArray, status_quo: FloatArray, veto: FloatArray) -> FloatArray:
    """Project outcomes ``(D,)`` onto the interval every veto player accepts.

    The accepted set is the intersection of the veto intervals. An outcome
    outside it is pulled to its nearest point (the veto player blocks anything
    beyond, and the others settle at its edge). If the intervals do not
    intersect, no change can pass and the outcome is the status quo.
    """
    low = np.max(veto[:, 0]) if len(veto) else -np.inf
    high = np.min(veto[:, 1]) if len(veto) else np.inf
    if low > high:
        return np.asarray(status_quo, dtype=float).copy()
    return np.clip(outcome, low, high)


class BargainingEngine(Protocol):
    """``run(problem, detail=True)``: ``detail=False`` skips per-round diagnostics (for Monte Carlo)."""

    def __call__(self, problem: BargainingProblem, detail: bool = True) -> BargainingResult: ...


@dataclass(frozen=True)
class EngineSpec:
    """What an engine is, declared as data.

    Attributes:
        name: registry key, used on the command line.
        title: one line for people.
        kind: which input it takes (``"bargaining"``: one issue at a time).
        rounds: whether it produces a round-by-round trajectory.
        stochastic: whether it needs random draws beyond the input sampling.
        run: the engine function.
        reference: the paper it implements.
    """

    name: str
    title: str
    kind: str
    rounds: bool
    stochastic: bool
    run: BargainingEngine
    reference: str
