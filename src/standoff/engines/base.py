"""The engine interface: what an engine declares (:class:`EngineSpec`) and the helpers engines share.

An engine is a pure function ``run(problem, *, detail=True) -> result`` from a
typed problem (a frozen dataclass of arrays) to a typed, named result (a
frozen dataclass), declared by an :class:`EngineSpec` and registered by name
(:mod:`standoff.engines.registry`). Engines know nothing of files, YAML,
databases or terminals, and never loop over draws in Python.

Kinds (what the problem is):

* ``"bargaining"`` — one issue, :class:`~standoff.core.problems.BargainingProblem`
  → :class:`~standoff.core.problems.BargainingResult`;
* ``"multi-issue"`` — a scenario's issues at once,
  :class:`~standoff.core.problems.IssuesProblem` → :class:`~standoff.core.problems.IssuesResult`;
* ``"dynamics"`` — paths over months (the deterrence engine);
* ``"crisis"`` — crisis-bargaining games on per-draw parameters.

This module also holds the numeric helpers more than one engine uses (engine
modules import only :mod:`standoff.core`, this module and the registry, never
each other).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from standoff.core.problems import BargainingProblem, BargainingResult, FloatArray

BARGAINING = "bargaining"
MULTI_ISSUE = "multi-issue"
DYNAMICS = "dynamics"
CRISIS = "crisis"
KINDS = (BARGAINING, MULTI_ISSUE, DYNAMICS, CRISIS)

P = TypeVar("P")
R = TypeVar("R")


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


def weighted_mean(x: FloatArray, w: FloatArray) -> FloatArray:
    """``(D,)`` weighted mean of ``x`` ``(D, n)`` with weights ``w`` ``(D, n)``."""
    total = w.sum(axis=-1)
    mean: FloatArray = np.where(total > 0, (w * x).sum(axis=-1) / np.where(total > 0, total, 1.0), x.mean(axis=-1))
    return mean


def weighted_median(x: FloatArray, w: FloatArray) -> FloatArray:
    """``(D,)`` the position where cumulative weight (by position) first reaches half the total.

    Ties in position keep the actors' order (stable sort); with zero total
    weight every actor counts equally.
    """
    w = np.where(w.sum(axis=-1, keepdims=True) > 0, w, 1.0)
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, axis=-1)
    cum = np.cumsum(np.take_along_axis(w, order, axis=-1), axis=-1)
    k = np.argmax(cum >= 0.5 * cum[..., -1:] * (1 - 1e-12), axis=-1)
    return np.take_along_axis(xs, k[..., None], axis=-1)[..., 0]


class BargainingEngine(Protocol):
    """``run(problem, detail=True)``: ``detail=False`` skips per-round diagnostics (for Monte Carlo)."""

    def __call__(self, problem: BargainingProblem, detail: bool = True) -> BargainingResult: ...


@dataclass(frozen=True)
class EngineSpec(Generic[P, R]):
    """What an engine is and what it needs, declared as data.

    Attributes:
        name: registry key, used on the command line.
        title: one line for people.
        kind: ``"bargaining"``, ``"multi-issue"``, ``"dynamics"`` or ``"crisis"`` (see the module docstring).
        run: ``run(problem, *, detail=True) -> result``; ``detail=False`` may skip diagnostics
            (per-round or per-month paths) that Monte Carlo does not need.
        problem: the problem type ``run`` takes.
        result: the result type ``run`` returns.
        inputs: the fields of ``problem`` the engine reads.
        outputs: the fields of ``result`` it fills.
        reference: the paper it implements.
        rounds: whether it produces a round-by-round (or month-by-month) trajectory.
        stochastic: whether it draws random numbers beyond the input sampling (then the
            problem carries the seed).
        batched: whether every array of problem and result has a leading draw axis on
            which draws are independent (a run of ``2 + 3`` draws equals one of ``5``).
        kernels: returns the engine's entry Numba kernels (without compiling them), or
            ``None`` for engines without compiled kernels; used to tell people, once,
            that a first run compiles them (:func:`announce_compilation`).
        compile_seconds: about how long compiling them takes (CPU seconds, for the notice).
    """

    name: str
    title: str
    kind: str
    run: Callable[..., R]
    problem: type[P]
    result: type[R]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    reference: str
    rounds: bool = False
    stochastic: bool = False
    batched: bool = True
    kernels: Callable[[], Sequence[Any]] | None = None
    compile_seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"engine {self.name!r}: kind must be one of {KINDS}, got {self.kind!r}")
        for name in self.inputs:
            if name not in getattr(self.problem, "__dataclass_fields__", {}):
                raise ValueError(f"engine {self.name!r}: input {name!r} is not a field of {self.problem.__name__}")
        for name in self.outputs:
            if name not in getattr(self.result, "__dataclass_fields__", {}):
                raise ValueError(f"engine {self.name!r}: output {name!r} is not a field of {self.result.__name__}")

    def __call__(self, problem: P, *, detail: bool = True) -> R:
        """Run the engine on ``problem`` (checked to be of the declared type)."""
        if not isinstance(problem, self.problem):
            raise TypeError(f"engine {self.name!r} takes a {self.problem.__name__}, got {type(problem).__name__}")
        if self.kernels is not None and self.name not in _announced:
            announce_compilation(self)
        return self.run(problem, detail=detail)


def _stderr_notice(spec: EngineSpec[Any, Any]) -> None:
    what = spec.name.replace("_", "-")
    print(
        f"compiling the {what} kernels (first run only, ~{spec.compile_seconds:.0f} s)...", file=sys.stderr, flush=True
    )


#: Called with an engine's spec before its kernels compile for the first time on this
#: machine (Numba's cache holds none of them); prints a line to stderr. Set to ``None`` to stay quiet.
compile_notice: Callable[[EngineSpec[Any, Any]], None] | None = _stderr_notice

_announced: set[str] = set()
_announce_lock = threading.Lock()


def kernels_cached(kernels: Sequence[Any]) -> bool:
    """Whether Numba has these kernels already: compiled in this process, or in its on-disk cache.

    Cheap: looks for each kernel's cache index file, compiles nothing. Kernels
    without an on-disk cache (``cache=False``, or not Numba dispatchers) count
    as cached: there is nothing to announce for them.
    """
    for kernel in kernels:
        if getattr(kernel, "signatures", None):
            continue
        index = getattr(getattr(getattr(kernel, "_cache", None), "_cache_file", None), "_index_path", None)
        if index is not None and not os.path.exists(index):
            return False
    return True


def announce_compilation(spec: EngineSpec[Any, Any]) -> bool:
    """Tell :data:`compile_notice` (once per engine and process) if ``spec``'s kernels are about to compile.

    Returns whether a notice was given.
    """
    with _announce_lock:
        if spec.name in _announced or spec.kernels is None:
            return False
        _announced.add(spec.name)
        if kernels_cached(spec.kernels()) or compile_notice is None:
            return False
        compile_notice(spec)
        return True


#: The spec of a one-issue bargaining engine.
BargainingSpec = EngineSpec[BargainingProblem, BargainingResult]


def describe(spec: EngineSpec[Any, Any]) -> dict[str, Any]:
    """Plain data about an engine (for ``standoff engines`` and the web API)."""
    return {
        "name": spec.name,
        "title": spec.title,
        "kind": spec.kind,
        "inputs": list(spec.inputs),
        "outputs": list(spec.outputs),
        "rounds": spec.rounds,
        "stochastic": spec.stochastic,
        "reference": spec.reference,
    }
