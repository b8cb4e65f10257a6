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

import numpy as np

from standoff.engines.base import BargainingProblem, BargainingResult, EngineSpec, FloatArray, apply_veto
from standoff.engines.registry import register


def weighted_mean(x: FloatArray, w: FloatArray) -> FloatArray:
    """``(D,)`` weighted mean of ``x`` ``(D, n)`` with weights ``w`` ``(D, n)``."""
    total = w.sum(axis=-1)
    return np.where(total > 0, (w * x).sum(axis=-1) / np.where(total > 0, total, 1.0), x.mean(axis=-1))


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


register(
    EngineSpec(
        "compromise",
        "Compromise model (weighted mean)",
        "bargaining",
        False,
        False,
        compromise,
        "Achen 2006, in Thomson et al., The European Union Decides",
    )
)
register(
    EngineSpec(
        "median",
        "Weighted median (median voter)",
        "bargaining",
        False,
        False,
        median,
        "Black 1948; the Condorcet winner in one dimension",
    )
)
register(
    EngineSpec(
        "nash", "Nash bargaining solution (asymmetric)", "bargaining", False, False, nash, "Nash 1950; Kalai 1977"
    )
)
