"""The bargaining problem: one issue's inputs batched over draws, shared by the scenario and the engines.

The scenario layer compiles a scenario to these problems
(:mod:`standoff.scenario.arrays`); every bargaining engine
(:mod:`standoff.engines`) takes one. Every array carries a leading draw axis
``D`` (``D = 1`` for a point run); ``n`` is the number of actors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["BargainingProblem", "FloatArray", "PackageVeto"]

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
        return np.asarray(np.isfinite(self.veto).any(axis=1), dtype=np.bool_)

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
class PackageVeto:
    """One actor's veto over a package of issues (Tsebelis's win-set; see :mod:`standoff.engines.winset`).

    The actor accepts an outcome when its salience-weighted utility over the
    package's issues is at least its status-quo utility minus ``tolerance``.
    """

    actor: str
    issues: tuple[str, ...]
    tolerance: float = 0.0
