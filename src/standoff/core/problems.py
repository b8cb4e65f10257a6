"""Problem types every engine reads, and the array aliases they share.

These live below the engines so that the scenario layer can build an engine's
input without importing any engine. Every array carries a leading draw axis
``D`` (Monte Carlo draws; ``D = 1`` for a point run).

* :class:`BargainingProblem` — one issue: positions, saliences, capabilities
  ``(D, n)``, the issue's labelled scale, the status quo ``(D,)`` and each
  actor's veto interval ``(n, 2)`` (``[-inf, inf]`` for actors without a veto).
* :class:`BargainingResult` — the forecast ``(D,)``, and for round-based
  engines the position trajectory ``(D, R + 1, n)``.
* :class:`IssuesProblem` / :class:`IssuesResult` — a scenario's issues at
  once, for engines that trade across issues.

Arrays are normalised at the boundary: whatever the caller passes
(non-contiguous views, Fortran order, read-only buffers, integer dtypes), a
problem holds writeable C-contiguous ``float64`` arrays of its own, so kernels
see one memory layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def as_float_array(x: Any) -> FloatArray:
    """``x`` as a writeable C-contiguous ``float64`` array (copied only when it is not one already)."""
    a = np.asarray(x, dtype=np.float64)
    if not (a.flags.c_contiguous and a.flags.writeable):
        a = np.array(a, dtype=np.float64, order="C")
    return a


def normalise_arrays(obj: Any, *names: str) -> None:
    """Replace the named fields of a frozen dataclass by :func:`as_float_array` of them (in ``__post_init__``)."""
    for name in names:
        value = getattr(obj, name)
        if value is not None:
            object.__setattr__(obj, name, as_float_array(value))


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

    def __post_init__(self) -> None:
        normalise_arrays(self, "position", "salience", "capability", "status_quo", "veto")
        object.__setattr__(self, "actors", tuple(self.actors))
        object.__setattr__(self, "scale", (float(self.scale[0]), float(self.scale[1])))
        if self.position.ndim != 2 or self.salience.shape != self.position.shape:
            raise ValueError(f"position and salience must be (D, n), got {self.position.shape}, {self.salience.shape}")
        if self.capability.shape != self.position.shape:
            raise ValueError(f"capability must be {self.position.shape}, got {self.capability.shape}")
        if self.status_quo.shape != (self.position.shape[0],):
            raise ValueError(f"status_quo must be ({self.position.shape[0]},), got {self.status_quo.shape}")
        if len(self.actors) != self.position.shape[1] or self.veto.shape != (self.position.shape[1], 2):
            raise ValueError("actors and veto must match the actor axis")

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
        return np.asarray(np.isfinite(self.veto).any(axis=1))

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


#: Why a round-based engine stopped (``BargainingResult.stop``): positions settled, the
#: forecast stayed put for a few rounds, or the round cap was reached.
STOP_NAMES = ("settled", "stable", "cap")


@dataclass(frozen=True)
class BargainingResult:
    """What a bargaining engine returns.

    Attributes:
        engine: the engine's registered name.
        forecast: ``(D,)`` the predicted outcome on the issue's scale.
        trajectory: ``(D, R + 1, n)`` positions by round (round 0 = input), or
            ``None`` for one-shot engines.
        forecast_by_round: ``(D, R + 1)`` the forecast after each round, or ``None``.
        details: engine-specific diagnostics, named arrays documented by each engine.
        rounds: ``(D,)`` rounds run per draw (round-based engines), or ``None``.
        stop: ``(D,)`` why each draw stopped, an index into :data:`STOP_NAMES`, or ``None``.
    """

    engine: str
    forecast: FloatArray
    trajectory: FloatArray | None = None
    forecast_by_round: FloatArray | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    rounds: IntArray | None = None
    stop: IntArray | None = None


@dataclass(frozen=True)
class IssuesProblem:
    """A scenario's issues at once: issue id → its :class:`BargainingProblem`, in issue order.

    Every issue has the same number of draws; actors may differ between issues
    (an actor without a stance on an issue is absent from its problem).
    """

    issues: Mapping[str, BargainingProblem]

    def __post_init__(self) -> None:
        issues = dict(self.issues)
        if not issues:
            raise ValueError("an IssuesProblem needs at least one issue")
        draws = {p.n_draws for p in issues.values()}
        if len(draws) != 1:
            raise ValueError(f"every issue must have the same number of draws, got {sorted(draws)}")
        object.__setattr__(self, "issues", MappingProxyType(issues))

    @property
    def n_draws(self) -> int:
        return next(iter(self.issues.values())).n_draws

    @property
    def actors(self) -> tuple[str, ...]:
        """Every actor with a stance on some issue, in order of first appearance."""
        return tuple(dict.fromkeys(a for p in self.issues.values() for a in p.actors))


@dataclass(frozen=True)
class IssuesResult:
    """What a multi-issue engine returns: issue id → that issue's :class:`BargainingResult`."""

    engine: str
    issues: Mapping[str, BargainingResult]


@dataclass(frozen=True)
class PackageVeto:
    """One actor's veto over a package of issues (Tsebelis's win-set; see :mod:`standoff.engines.winset`).

    The actor accepts an outcome when its salience-weighted utility over the
    package's issues is at least its status-quo utility minus ``tolerance``.
    """

    actor: str
    issues: tuple[str, ...]
    tolerance: float = 0.0
