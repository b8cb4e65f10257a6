r"""Pooling forecasts of one question: log-odds and linear pools, weights fitted on resolved questions.

MODELS.md, "Reference classes and pooling forecasts". For ``K`` component
probabilities ``p_k`` of one question:

* **log-odds pool** (Satopää et al. 2014, *International Journal of
  Forecasting* 30; Baron et al. 2014, *Decision Analysis* 11)

      logit p = Σ_k w_k logit p_k,

  the weights need not sum to one; ``α = Σ_k w_k`` is the extremizing factor
  (``α > 1`` pushes the pool away from 1/2, as independent evidence should);
* **linear pool** ``p = Σ_k v_k p_k`` with ``v`` on the simplex, the reference
  a log pool must beat.

*Estimation.* The weights (and with them ``α``) maximise the Bernoulli
likelihood of resolved questions (minimise the mean log loss),
``w ≥ 0``, with a small ridge penalty ``λ |w|²`` for stability; the linear
pool's ``v = softmax(β)`` is fitted the same way. :func:`time_ordered_validation`
fits on the earlier questions and scores on the later ones, block by block
(an expanding window), for the log pool, the linear pool and equal log-odds
weights: the only honest check.

*Until weights are estimated* (no resolved questions yet), the documented
fallback is :func:`equal_weights`: ``w_k = 1/K`` (the geometric mean of the
odds, no extremizing), marked ``estimated=False``; never a hand-tuned number.

*Disagreement.* The spread of the components in log-odds (range and standard
deviation) is reported, and :func:`disagreement` writes one sentence when it
is large (by default more than 2 log-odds, a factor of e² ≈ 7.4 in the odds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize

FloatArray = NDArray[np.float64]

EPS = 1e-6  # probabilities are clipped to [EPS, 1 - EPS] before taking log-odds
LARGE_SPREAD = 2.0  # log-odds

__all__ = [
    "logit",
    "expit",
    "log_pool",
    "linear_pool",
    "PoolWeights",
    "equal_weights",
    "fit_log_pool",
    "fit_linear_pool",
    "log_loss",
    "Spread",
    "spread",
    "disagreement",
    "ValidationFold",
    "PoolValidation",
    "time_ordered_validation",
]


def logit(p: ArrayLike, eps: float = EPS) -> FloatArray:
    """``log(p / (1 - p))`` with ``p`` clipped to ``[eps, 1 - eps]``."""
    x = np.clip(np.asarray(p, dtype=float), eps, 1.0 - eps)
    return np.log(x) - np.log1p(-x)


def expit(z: ArrayLike) -> FloatArray:
    """The inverse of :func:`logit`."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def log_pool(p: ArrayLike, weights: ArrayLike) -> FloatArray:
    """``expit(Σ_k w_k logit p_k)``; ``p`` is ``(K,)`` or ``(N, K)``, ``weights`` ``(K,)``."""
    return expit(logit(p) @ np.asarray(weights, dtype=float))


def linear_pool(p: ArrayLike, weights: ArrayLike) -> FloatArray:
    """``Σ_k v_k p_k`` with ``v`` normalised to sum to one."""
    v = np.asarray(weights, dtype=float)
    return np.asarray(p, dtype=float) @ (v / v.sum())


def log_loss(p: ArrayLike, y: ArrayLike, eps: float = EPS) -> float:
    """Mean negative log-likelihood of outcomes ``y`` in {0, 1}."""
    q = np.clip(np.asarray(p, dtype=float), eps, 1.0 - eps)
    yy = np.asarray(y, dtype=float)
    return float(-np.mean(yy * np.log(q) + (1.0 - yy) * np.log1p(-q)))


@dataclass(frozen=True)
class PoolWeights:
    """Weights of a pool: ``weights[k]`` for ``sources[k]``.

    ``estimated`` is False for the fallback (equal log-odds weights); ``n`` is the
    number of resolved questions they were fitted on; ``extremizing`` is ``Σ w_k``;
    ``basis`` says where estimated weights come from, or why the fallback is used.
    """

    sources: tuple[str, ...]
    weights: tuple[float, ...]
    estimated: bool
    n: int = 0
    method: str = "log"
    basis: str | None = None

    @property
    def extremizing(self) -> float:
        return float(sum(self.weights))

    @property
    def label(self) -> str:
        if not self.estimated:
            why = f": {self.basis}" if self.basis else ""
            return f"equal log-odds weights summing to one (not yet estimated{why})"
        basis = self.basis or f"fitted on {self.n} resolved questions"
        return f"{self.method} pool {basis} (extremizing {self.extremizing:.2f})"

    def pool(self, p: ArrayLike) -> FloatArray:
        return log_pool(p, self.weights) if self.method == "log" else linear_pool(p, self.weights)


def equal_weights(sources: Sequence[str], why: str | None = None) -> PoolWeights:
    """The fallback until weights are estimated: ``w_k = 1/K``, marked not estimated (``why``: the reason)."""
    k = len(sources)
    if k == 0:
        raise ValueError("no sources to pool")
    return PoolWeights(tuple(sources), tuple([1.0 / k] * k), estimated=False, basis=why)


def _check(p: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    pp = np.atleast_2d(np.asarray(p, dtype=float))
    yy = np.asarray(y, dtype=float)
    if pp.shape[0] != yy.shape[0]:
        raise ValueError("one row of component probabilities per outcome")
    if not np.all((yy == 0) | (yy == 1)):
        raise ValueError("outcomes must be 0 or 1")
    return pp, yy


def fit_log_pool(
    p: ArrayLike, y: ArrayLike, sources: Sequence[str] | None = None, *, ridge: float = 1e-3
) -> PoolWeights:
    """Weights ``w >= 0`` of the log-odds pool by maximum likelihood on resolved questions.

    Minimises ``mean log loss + ridge |w|²`` (L-BFGS-B, analytic gradient). ``p`` is
    ``(N, K)`` component probabilities, ``y`` ``(N,)`` outcomes.
    """
    pp, yy = _check(p, y)
    x = logit(pp)
    n, k = x.shape

    def objective(w: FloatArray) -> tuple[float, FloatArray]:
        z = x @ w
        q = expit(z)
        loss = float(np.mean(np.logaddexp(0.0, z) - yy * z)) + ridge * float(w @ w)
        grad = x.T @ (q - yy) / n + 2.0 * ridge * w
        return loss, grad

    res = minimize(objective, np.full(k, 1.0 / k), jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * k)
    names = tuple(sources) if sources is not None else tuple(f"s{i}" for i in range(k))
    return PoolWeights(names, tuple(float(v) for v in res.x), estimated=True, n=n, method="log")


def fit_linear_pool(p: ArrayLike, y: ArrayLike, sources: Sequence[str] | None = None) -> PoolWeights:
    """Weights ``v = softmax(β)`` of the linear pool by maximum likelihood (the reference)."""
    pp, yy = _check(p, y)
    n, k = pp.shape

    def objective(b: FloatArray) -> float:
        v = np.exp(b - b.max())
        return log_loss(pp @ (v / v.sum()), yy)

    res = minimize(objective, np.zeros(k), method="L-BFGS-B")
    v = np.exp(res.x - res.x.max())
    names = tuple(sources) if sources is not None else tuple(f"s{i}" for i in range(k))
    return PoolWeights(names, tuple(float(a) for a in v / v.sum()), estimated=True, n=n, method="linear")


@dataclass(frozen=True)
class Spread:
    """How far the components disagree, in log-odds."""

    range: float
    sd: float
    lowest: str
    highest: str


def spread(components: Mapping[str, float]) -> Spread:
    """Range and standard deviation of the components' log-odds, with the two extremes named."""
    if not components:
        raise ValueError("no components")
    names = list(components)
    z = logit([components[n] for n in names])
    lo, hi = int(np.argmin(z)), int(np.argmax(z))
    return Spread(float(z[hi] - z[lo]), float(np.std(z)), names[lo], names[hi])


def disagreement(
    components: Mapping[str, float], reasons: Mapping[str, str] | None = None, *, large: float = LARGE_SPREAD
) -> str | None:
    """One sentence explaining a large disagreement between components, or ``None`` if it is small.

    ``reasons`` maps a component to what drives it (a short clause), used for the two extremes.
    """
    s = spread(components)
    if s.range <= large:
        return None
    reasons = reasons or {}
    lo, hi = s.lowest, s.highest

    def part(name: str) -> str:
        why = reasons.get(name)
        return f"{name} {100 * components[name]:.1f}%" + (f" ({why})" if why else "")

    return (
        f"The components disagree by {s.range:.1f} in log-odds (a factor of {np.exp(s.range):.0f} in the odds): "
        f"{part(hi)} against {part(lo)}; the pool weighs them in log-odds, so neither is simply averaged away."
    )


@dataclass(frozen=True)
class ValidationFold:
    """One block of later questions scored by pools fitted on the earlier ones."""

    train: int
    test: int
    log_pool: float
    linear_pool: float
    equal: float


@dataclass(frozen=True)
class PoolValidation:
    """Time-ordered validation: mean log loss on later questions (lower is better)."""

    folds: tuple[ValidationFold, ...]
    log_pool: float
    linear_pool: float
    equal: float

    @property
    def log_beats_linear(self) -> bool:
        return self.log_pool < self.linear_pool


def time_ordered_validation(
    p: ArrayLike, y: ArrayLike, order: ArrayLike, *, folds: int = 5, min_train: int = 20
) -> PoolValidation:
    """Fit on the earlier questions, score on the next block, for every block (expanding window).

    Args:
        p: ``(N, K)`` component probabilities.
        y: ``(N,)`` outcomes in {0, 1}.
        order: ``(N,)`` sortable times (e.g. resolution dates as ordinals); ties keep input order.
        folds: number of test blocks after the first training block.
        min_train: questions in the first training block.
    """
    pp, yy = _check(p, y)
    idx = np.argsort(np.asarray(order), kind="stable")
    pp, yy = pp[idx], yy[idx]
    n = pp.shape[0]
    if n < min_train + folds:
        raise ValueError(f"need at least {min_train + folds} resolved questions, got {n}")
    edges = np.linspace(min_train, n, folds + 1).astype(int)
    out = []
    weights = np.array([0.0, 0.0, 0.0])
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        if b <= a:
            continue
        lw = fit_log_pool(pp[:a], yy[:a])
        lv = fit_linear_pool(pp[:a], yy[:a])
        eq = equal_weights([f"s{i}" for i in range(pp.shape[1])])
        test = slice(a, b)
        fold = ValidationFold(
            a,
            b - a,
            log_loss(lw.pool(pp[test]), yy[test]),
            log_loss(lv.pool(pp[test]), yy[test]),
            log_loss(eq.pool(pp[test]), yy[test]),
        )
        out.append(fold)
        weights += (b - a) * np.array([fold.log_pool, fold.linear_pool, fold.equal])
    total = sum(f.test for f in out)
    mean = weights / total
    return PoolValidation(tuple(out), float(mean[0]), float(mean[1]), float(mean[2]))
