"""Baseline bargaining models: the bars every other engine is judged against.

* **Compromise model** (weighted mean; Achen 2006, in Thomson, Stokman, Achen &
  König, *The European Union Decides*): ``O = Σ w_i x_i / Σ w_i`` with
  ``w_i = c_i s_i``. On the DEU data it predicts as well as any richer model.
* **Weighted median** (median voter): sort positions, the forecast is the
  position at which cumulative weight first reaches half the total. In one
  dimension with linear loss this is the Condorcet winner among positions.
* **Nash bargaining solution** (asymmetric, Nash 1950 / Kalai 1977): maximise
  ``Σ w_i log(u_i(x) - u_i(SQ))`` with ``u_i(x) = -|x - x_i|`` and the status
  quo as the disagreement point. The objective is defined only where every
  actor with weight gains on the status quo, i.e. on the intersection of the
  intervals ``(x_i - |x_i - SQ|, x_i + |x_i - SQ|)``; when it is empty (actors
  on both sides of the status quo, the usual case in a standoff) no deal is
  better for all than disagreement and the solution is the status quo. This is
  the model's verdict, not a fallback. Inside the interval the objective is
  strictly concave, so the maximiser is found by bisection on its derivative,
  vectorised over draws.

Veto players: each engine's outcome is projected onto the interval every veto
player accepts (:func:`standoff.engines.base.apply_veto`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from standoff.core.problems import BargainingProblem, BargainingResult, FloatArray
from standoff.engines.base import BARGAINING, EngineSpec, apply_veto, weighted_mean, weighted_median

__all__ = ["compromise", "median", "nash", "nash_solution", "weighted_mean", "weighted_median"]


def nash_solution(x: FloatArray, w: FloatArray, sq: FloatArray, iterations: int = 80) -> FloatArray:
    """``(D,)`` asymmetric Nash bargaining solution (see module docstring)."""
    active = w > 0
    reach = np.abs(x - sq[:, None])
    low = np.where(active, x - reach, -np.inf).max(axis=-1)
    high = np.where(active, x + reach, np.inf).min(axis=-1)
    feasible = low < high
    lo, hi = np.where(feasible, low, sq), np.where(feasible, high, sq)
    # Only the sign of the slope matters: weights are scaled by their largest and gains by their
    # smallest, so that no term overflows however small a gain or large a weight.
    w_max = np.where(active, w, 0.0).max(axis=-1, keepdims=True)
    w_unit = np.where(active, w / np.where(w_max > 0, w_max, 1.0), 0.0)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        gain = reach - np.abs(mid[:, None] - x)
        inverse = np.where(active & (gain > 0), gain, np.inf)
        g_min = inverse.min(axis=-1, keepdims=True)
        ratio = np.where(np.isfinite(g_min), g_min, 1.0) / inverse
        slope = (w_unit * np.sign(x - mid[:, None]) * ratio).sum(axis=-1)
        lo, hi = np.where(slope > 0, mid, lo), np.where(slope > 0, hi, mid)
    return np.where(feasible, 0.5 * (lo + hi), sq)


def compromise(problem: BargainingProblem, detail: bool = True) -> BargainingResult:
    """The compromise model: capability × salience weighted mean."""
    out = weighted_mean(problem.position, problem.weight)
    return BargainingResult("compromise", apply_veto(out, problem.status_quo, problem.veto))


def median(problem: BargainingProblem, detail: bool = True) -> BargainingResult:
    """The weighted median (median voter)."""
    out = weighted_median(problem.position, problem.weight)
    return BargainingResult("median", apply_veto(out, problem.status_quo, problem.veto))


def nash(problem: BargainingProblem, detail: bool = True) -> BargainingResult:
    """The asymmetric Nash bargaining solution with the status quo as disagreement point."""
    out = nash_solution(problem.position, problem.weight, problem.status_quo)
    return BargainingResult("nash", apply_veto(out, problem.status_quo, problem.veto))


_INPUTS = ("position", "salience", "capability", "status_quo", "veto")


def _spec(
    name: str, title: str, run: Callable[..., BargainingResult], reference: str
) -> EngineSpec[BargainingProblem, BargainingResult]:
    return EngineSpec(
        name=name,
        title=title,
        kind=BARGAINING,
        run=run,
        problem=BargainingProblem,
        result=BargainingResult,
        inputs=_INPUTS,
        outputs=("forecast",),
        reference=reference,
    )


COMPROMISE = _spec(
    "compromise",
    "Compromise model (weighted mean)",
    compromise,
    "Achen 2006, in Thomson et al., The European Union Decides",
)
MEDIAN = _spec("median", "Weighted median (median voter)", median, "Black 1948; the Condorcet winner in one dimension")
NASH = _spec("nash", "Nash bargaining solution (asymmetric)", nash, "Nash 1950; Kalai 1977")
