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
from numpy.typing import ArrayLike, DTypeLike, NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class BargainingProblem:
    """One issue's inputs, batched over draws.

    Attributes:
        actors: actor ids, in the order of the actor axis.
        position: ``(D, n)`` positions on the issue's scale.
        salience: ``(D, n)`` saliences in ``[0, 1]``.
        capability: ``(D, n)`` capabilities, ``>= 0``.
        scale: ``(low, high)`` of the issue's labelled scale; ``Δ = high - low``.
        status_quo: ``(D,)`` the status quo on the scale.
        veto: ``(n, 2)`` the interval of outcomes each actor accepts; actors
            without a veto have ``[-inf, inf]``.
    """

    actors: tuple[str, ...]
    position: FloatArray
    salience: FloatArray
    capability: FloatArray
    scale: tuple[float, float]
    status_quo: FloatArray
    veto: FloatArray

    @property
    def n_draws(self) -> int:
        return int(self.position.shape[0])

    @property
    def n_actors(self) -> int:
        return int(self.position.shape[1])

    @property
    def span(self) -> float:
        return float(self.scale[1] - self.scale[0])

    @property
    def weight(self) -> FloatArray:
        """``(D, n)`` bargaining weight ``c_i s_i``."""
        return self.capability * self.salience

    @property
    def has_veto(self) -> NDArray[np.bool_]:
        return np.isfinite(self.veto).any(axis=1)

    @classmethod
    def from_points(
        cls,
        position: Any,
        salience: Any,
        capability: Any,
        *,
        scale: tuple[float, float] = (0.0, 100.0),
        status_quo: float | None = None,
        actors: tuple[str, ...] | None = None,
        veto: Any = None,
    ) -> BargainingProblem:
        """Build a one-draw (or batched, if 2-D arrays are given) problem."""
        pos = np.atleast_2d(np.asarray(position, dtype=float))
        sal = np.broadcast_to(np.atleast_2d(np.asarray(salience, dtype=float)), pos.shape).copy()
        cap = np.broadcast_to(np.atleast_2d(np.asarray(capability, dtype=float)), pos.shape).copy()
        n = pos.shape[1]
        sq = np.full(pos.shape[0], scale[0] if status_quo is None else status_quo, dtype=float)
        ids = actors if actors is not None else tuple(f"a{i}" for i in range(n))
        v = np.tile([-np.inf, np.inf], (n, 1)) if veto is None else np.asarray(veto, dtype=float)
        return cls(ids, pos, sal, cap, (float(scale[0]), float(scale[1])), sq, v)


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


def kernel_array(a: ArrayLike, dtype: DTypeLike = np.float64) -> NDArray[Any]:
    """``a`` as the compiled kernels take it: C-contiguous, writeable, of ``dtype``.

    The array itself when it already is (no copy); otherwise (Fortran order, a
    strided view, read-only, another dtype) a copy, so that every kernel is
    compiled for one layout only.
    """
    return np.require(a, dtype=dtype, requirements=["C_CONTIGUOUS", "WRITEABLE"])


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
