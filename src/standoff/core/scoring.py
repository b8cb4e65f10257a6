r"""Scores for probabilistic forecasts: probabilities of events and numeric distributions.

Every score here is negatively oriented (lower is better) and averaged over
the cases given. Pure NumPy: arrays in, floats or named results out.

Binary forecasts: ``p`` ``(N,)`` forecast probabilities of the event and
``y`` ``(N,)`` outcomes in ``{0, 1}``.

* Brier score (Brier 1950)::

      BS = 1/N Σ_i (p_i − y_i)²

* Murphy's decomposition (Murphy 1973). The forecasts fall into ``K`` bins
  (edges ``0 = e_0 < … < e_K = 1``; bin ``k`` is ``[e_k, e_{k+1})``, the last
  one closed); bin ``k`` holds ``n_k`` forecasts with mean ``p̄_k`` and observed
  frequency ``ō_k``; ``ō`` is the overall frequency::

      REL = 1/N Σ_k n_k (p̄_k − ō_k)²    reliability: 0 is perfect calibration
      RES = 1/N Σ_k n_k (ō_k − ō)²      resolution: larger is better
      UNC = ō (1 − ō)                   uncertainty of the outcomes alone
      REL − RES + UNC = 1/N Σ_k Σ_{i∈k} (p̄_k − y_i)²

  The right-hand side is the *binned* Brier score, that of the forecasts
  replaced by their bin means. It equals ``BS`` when each bin holds a single
  forecast value; otherwise ``BS`` differs from it by the within-bin variance
  and covariance terms of Stephenson, Coelho & Jolliffe (2008).

* Logarithmic score (Good 1952), as a loss::

      LS = −1/N Σ_i ln(y_i p_i + (1 − y_i)(1 − p_i)),   p clipped to [ε, 1 − ε]

  Without clipping a forecast of 0 or 1 that misses costs infinity; clipping
  at ``ε`` (default ``1e-12``) caps one miss at ``−ln ε ≈ 27.6`` so that the
  mean stays finite and still punishes certainty that was wrong.

* Calibration table: per bin the mean forecast ``p̄_k``, observed frequency
  ``ō_k`` and count ``n_k`` (the points of a reliability diagram).

* Sharpness: the mean variance of the forecast Bernoulli distributions,
  ``1/N Σ_i p_i (1 − p_i)``; 0 for forecasts of 0 or 1, ``1/4`` for forecasts
  of ``1/2``; lower is sharper (Gneiting, Balabdaoui & Raftery 2007: sharpness
  is the concentration of the predictive distributions, a property of the
  forecasts alone).

Numeric forecasts: a predictive distribution ``F`` for a quantity ``y``.

* Continuous ranked probability score (Matheson & Winkler 1976; Gneiting &
  Raftery 2007, Section 4.2)::

      CRPS(F, y) = ∫ (F(x) − 1{x ≥ y})² dx = E|X − y| − ½ E|X − X'|
                 = 2 ∫₀¹ ρ_τ(y − F⁻¹(τ)) dτ,    ρ_τ(u) = u (τ − 1{u < 0})

  From ``m`` samples, ``F`` is their empirical distribution and, with the
  samples sorted, ``E|X − X'| = 2/m² Σ_j (2j − m − 1) x_(j)``: ``O(m log m)``.
  From quantiles ``q_1 ≤ … ≤ q_K`` at levels ``0 < τ_1 < … < τ_K < 1``,
  ``F⁻¹`` is read as the step function equal to ``q_k`` on the cell of levels
  nearest ``τ_k`` (cell boundaries at the midpoints between adjacent levels, and
  0 and 1). Since ``ρ_τ(u)`` is linear in ``τ`` this gives, exactly,
  ``CRPS = 2 Σ_k w_k ρ_{c_k}(y − q_k)`` with ``w_k`` the cell's width and
  ``c_k`` its centre. At the levels ``(k − ½)/K`` this is the CRPS of the
  equally weighted sample ``q_1 … q_K`` (twice the mean pinball loss).

* Interval score of a central ``(1 − α)`` prediction interval ``[l, u]``
  (Gneiting & Raftery 2007, Section 6.2)::

      IS_α(l, u; y) = (u − l) + 2/α (l − y) 1{y < l} + 2/α (y − u) 1{y > u}

References:
    Brier, G. W. (1950). Verification of forecasts expressed in terms of
    probability. *Monthly Weather Review* 78(1), 1–3.
    Good, I. J. (1952). Rational decisions. *JRSS B* 14(1), 107–114.
    Murphy, A. H. (1973). A new vector partition of the probability score.
    *Journal of Applied Meteorology* 12(4), 595–600.
    Matheson, J. E. & Winkler, R. L. (1976). Scoring rules for continuous
    probability distributions. *Management Science* 22(10), 1087–1096.
    Gneiting, T., Balabdaoui, F. & Raftery, A. E. (2007). Probabilistic
    forecasts, calibration and sharpness. *JRSS B* 69(2), 243–268.
    Gneiting, T. & Raftery, A. E. (2007). Strictly proper scoring rules,
    prediction, and estimation. *JASA* 102(477), 359–378.
    Stephenson, D. B., Coelho, C. A. S. & Jolliffe, I. T. (2008). Two extra
    components in the Brier score decomposition. *Weather and Forecasting*
    23(4), 752–757.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

LOG_EPS = 1e-12

__all__ = [
    "BrierDecomposition",
    "CalibrationTable",
    "brier_decomposition",
    "brier_score",
    "calibration_table",
    "crps_quantiles",
    "crps_samples",
    "interval_score",
    "log_score",
    "sharpness",
]


@dataclass(frozen=True)
class BrierDecomposition:
    """Murphy's partition of the Brier score over probability bins.

    Attributes:
        reliability: ``REL``, 0 for perfectly calibrated bins.
        resolution: ``RES``, how far the bins' frequencies spread from the base rate.
        uncertainty: ``UNC = ō (1 − ō)``.
        brier: the Brier score of the forecasts as given.
        binned_brier: the Brier score of the forecasts replaced by their bin
            means; equals ``reliability − resolution + uncertainty``.
    """

    reliability: float
    resolution: float
    uncertainty: float
    brier: float
    binned_brier: float


@dataclass(frozen=True)
class CalibrationTable:
    """Forecasts and outcomes per probability bin; empty bins hold NaN and count 0.

    Attributes:
        edges: ``(K + 1,)`` bin edges from 0 to 1.
        mean_forecast: ``(K,)`` mean forecast probability in each bin.
        observed_frequency: ``(K,)`` share of events that happened in each bin.
        count: ``(K,)`` forecasts in each bin.
    """

    edges: FloatArray
    mean_forecast: FloatArray
    observed_frequency: FloatArray
    count: IntArray


def brier_score(p: ArrayLike, y: ArrayLike) -> float:
    """Mean squared error of probabilities ``(N,)`` against outcomes ``(N,)`` in {0, 1}."""
    p_, y_ = _binary(p, y)
    return float(np.mean((p_ - y_) ** 2))


def log_score(p: ArrayLike, y: ArrayLike, eps: float = LOG_EPS) -> float:
    """Mean negative log probability given to what happened; ``p`` clipped to ``[eps, 1 − eps]``."""
    if not 0.0 < eps < 0.5:
        raise ValueError(f"eps must be in (0, 0.5), got {eps}")
    p_, y_ = _binary(p, y)
    q = np.clip(np.where(y_ == 1.0, p_, 1.0 - p_), eps, 1.0 - eps)
    return float(-np.mean(np.log(q)))


def sharpness(p: ArrayLike) -> float:
    """Mean Bernoulli variance ``p (1 − p)`` of the forecasts ``(N,)``; lower is sharper."""
    p_ = _probabilities(p)
    return float(np.mean(p_ * (1.0 - p_)))


def calibration_table(p: ArrayLike, y: ArrayLike, bins: int | ArrayLike = 10) -> CalibrationTable:
    """Mean forecast, observed frequency and count per bin.

    Args:
        p: ``(N,)`` forecast probabilities.
        y: ``(N,)`` outcomes in {0, 1}.
        bins: a number of equal-width bins on ``[0, 1]``, or the edges ``(K + 1,)``
            from 0 to 1.
    """
    p_, y_ = _binary(p, y)
    edges = _edges(bins)
    k = edges.size - 1
    idx = np.minimum(np.searchsorted(edges, p_, side="right") - 1, k - 1)
    count = np.bincount(idx, minlength=k).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.bincount(idx, weights=p_, minlength=k) / count
        freq = np.bincount(idx, weights=y_, minlength=k) / count
    return CalibrationTable(edges, mean_p, freq, count)


def brier_decomposition(p: ArrayLike, y: ArrayLike, bins: int | ArrayLike = 10) -> BrierDecomposition:
    """Reliability, resolution and uncertainty of binned forecasts (Murphy 1973).

    Args:
        p: ``(N,)`` forecast probabilities.
        y: ``(N,)`` outcomes in {0, 1}.
        bins: a number of equal-width bins on ``[0, 1]``, or the edges ``(K + 1,)``.
    """
    p_, y_ = _binary(p, y)
    table = calibration_table(p_, y_, bins)
    n = p_.size
    full = table.count > 0
    nk, pk, ok = table.count[full], table.mean_forecast[full], table.observed_frequency[full]
    base = float(np.mean(y_))
    reliability = float(np.sum(nk * (pk - ok) ** 2) / n)
    resolution = float(np.sum(nk * (ok - base) ** 2) / n)
    uncertainty = base * (1.0 - base)
    idx = np.minimum(np.searchsorted(table.edges, p_, side="right") - 1, table.count.size - 1)
    binned = float(np.mean((table.mean_forecast[idx] - y_) ** 2))
    return BrierDecomposition(reliability, resolution, uncertainty, float(np.mean((p_ - y_) ** 2)), binned)


def crps_samples(samples: ArrayLike, y: ArrayLike) -> float:
    """CRPS of the empirical distribution of samples, averaged over cases.

    Args:
        samples: ``(..., m)`` draws from each predictive distribution.
        y: ``(...)`` the outcomes (broadcast against the leading axes).
    """
    x = np.sort(_finite(samples, "samples"), axis=-1)
    if x.ndim == 0 or x.shape[-1] == 0:
        raise ValueError("samples need a last axis with at least one draw")
    obs = _finite(y, "y")[..., np.newaxis]
    m = x.shape[-1]
    spread = np.sum((2.0 * np.arange(1, m + 1) - m - 1) * x, axis=-1) / m**2
    return float(np.mean(np.mean(np.abs(x - obs), axis=-1) - spread))


def crps_quantiles(quantiles: ArrayLike, levels: ArrayLike, y: ArrayLike) -> float:
    """CRPS of a forecast given as quantiles, averaged over cases.

    The quantile function is read as a step function (see the module
    docstring); at the levels ``(k − ½)/K`` the result equals
    :func:`crps_samples` of the quantile values.

    Args:
        quantiles: ``(..., K)`` non-decreasing quantile values of each forecast.
        levels: ``(K,)`` strictly increasing levels in ``(0, 1)``.
        y: ``(...)`` the outcomes.
    """
    tau = np.asarray(levels, dtype=np.float64)
    q = _finite(quantiles, "quantiles")
    if tau.ndim != 1 or tau.size == 0 or q.ndim == 0 or q.shape[-1] != tau.size:
        raise ValueError(f"need K levels and quantiles with a last axis of K; got {tau.shape} and {q.shape}")
    if not (np.all(tau > 0.0) and np.all(tau < 1.0) and np.all(np.diff(tau) > 0.0)):
        raise ValueError(f"levels must increase strictly inside (0, 1), got {tau.tolist()}")
    if np.any(np.diff(q, axis=-1) < 0.0):
        raise ValueError("quantiles must be non-decreasing in their level")
    bounds = np.concatenate([[0.0], (tau[1:] + tau[:-1]) / 2.0, [1.0]])
    width, centre = np.diff(bounds), (bounds[1:] + bounds[:-1]) / 2.0
    u = _finite(y, "y")[..., np.newaxis] - q
    pinball = u * (centre - (u < 0.0))
    return float(np.mean(2.0 * np.sum(width * pinball, axis=-1)))


def interval_score(lower: ArrayLike, upper: ArrayLike, y: ArrayLike, alpha: float) -> float:
    """Interval score of central ``(1 − alpha)`` intervals ``[lower, upper]``, averaged over cases."""
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    lo, hi, obs = np.broadcast_arrays(_finite(lower, "lower"), _finite(upper, "upper"), _finite(y, "y"))
    if np.any(hi < lo):
        raise ValueError("every interval needs lower <= upper")
    score = (hi - lo) + 2.0 / alpha * (np.maximum(lo - obs, 0.0) + np.maximum(obs - hi, 0.0))
    return float(np.mean(score))


def _finite(a: ArrayLike, name: str) -> FloatArray:
    out = np.asarray(a, dtype=np.float64)
    if out.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name} must be finite")
    return out


def _probabilities(p: ArrayLike) -> FloatArray:
    p_ = _finite(p, "p").ravel()
    if np.any((p_ < 0.0) | (p_ > 1.0)):
        raise ValueError("probabilities must be in [0, 1]")
    return p_


def _binary(p: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    p_ = _probabilities(p)
    y_ = _finite(y, "y").ravel()
    if y_.shape != p_.shape:
        raise ValueError(f"p and y differ in size: {p_.size} and {y_.size}")
    if not np.all((y_ == 0.0) | (y_ == 1.0)):
        raise ValueError("outcomes must be 0 or 1")
    return p_, y_


def _edges(bins: int | ArrayLike) -> FloatArray:
    if isinstance(bins, (int, np.integer)):
        if bins < 1:
            raise ValueError(f"bins must be >= 1, got {bins}")
        return np.round(np.linspace(0.0, 1.0, int(bins) + 1), 12)  # 0.3 is an edge, not 0.30000000000000004
    edges = np.asarray(bins, dtype=np.float64)
    if edges.ndim != 1 or edges.size < 2 or edges[0] != 0.0 or edges[-1] != 1.0 or np.any(np.diff(edges) <= 0):
        raise ValueError("bin edges must increase strictly from 0 to 1")
    return edges
