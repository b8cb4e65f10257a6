r"""Competing pathways to one event (a strike): independent monthly hazards combined.

A strike on the challenger can come by several routes, each with its own
hazard per month (MODELS.md, "Competing pathways"): a response to a challenge
(the deterrence engine), talks that fail or an ultimatum that expires (the
crisis engine's status-quo game, :func:`standoff.engines.crisis.status_quo_game`),
a preventive strike when the challenger's capability jumps (breakout; Powell,
"War as a commitment problem", *International Organization* 60(1), 2006), and
a third party acting on its own threshold.

Equations
---------
With pathways ``k = 1..K`` and independent hazards ``h_k(t)`` (the probability
that pathway ``k`` produces a strike in month ``t`` given none before),

    S(T) = P(no strike by T) = Π_k Π_{t <= T} (1 - h_k(t)),
    P(strike by T) = 1 - S(T).

*Shares of the risk.* Two pathways may fire in the same month; the month's
risk ``1 - Π_k (1 - h_k(t))`` is split in proportion to the cause-specific
log-hazards ``λ_k(t) = -log(1 - h_k(t))`` (exact for the continuous-time
competing risks of which the monthly hazards are the discretisation, and the
split sums to the month's risk). The cumulative incidence of pathway ``k`` is

    I_k(T) = Σ_{t <= T} S(t - 1) (1 - Π_j (1 - h_j(t))) λ_k(t) / Σ_j λ_j(t),

so ``Σ_k I_k(T) = 1 - S(T)``, and the pathway's share is ``I_k(T) / (1 - S(T))``.

*Hazards from engine outputs.* A cumulative probability path ``F_t`` (the
share of cases with the event by month ``t``) gives
``h_t = (F_t - F_{t-1}) / (1 - F_{t-1})`` (:func:`hazard_from_cumulative`); a
single probability ``P`` over ``T`` months gives the constant hazard
``1 - (1 - P)^{1/T}`` (:func:`constant_hazard`).

*Breakout (Powell 2006).* The challenger's capability jumps in a month with
probability ``ρ`` (its latent capability becomes actual); the jump raises its
chance of winning by ``Δ``. The defender prefers a preventive war when the
shift exceeds what the per-period surplus can compensate,
``δ Δ > (1 - δ)(c_R + c_D)`` (:func:`standoff.engines.crisis.shifting_power`,
``bound="surplus"``). The preventive hazard is ``h(t) = ρ 1{δ Δ > (1 - δ)(c_R + c_D)}``
per draw, i.e. ``ρ`` times the share of draws with the motive when averaged
(:func:`breakout_hazard`).

All functions are pure and vectorised over draws ``(D,)`` and months ``(T,)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

__all__ = ["CompetingHazards", "competing_hazards", "hazard_from_cumulative", "constant_hazard", "breakout_hazard"]


@dataclass(frozen=True)
class CompetingHazards:
    """Independent monthly hazards combined.

    Shapes: ``K`` pathways (in ``names`` order), ``D`` draws, months ``t = 1..T``
    (column ``t - 1``).

    Attributes:
        names: the pathways.
        hazard: ``(K, D, T)`` ``h_k(t)``.
        survival: ``(D, T)`` ``S(t)``, P(no strike by the end of month ``t``).
        strike_by: ``(D, T)`` ``1 - S(t)``.
        incidence: ``(K, D, T)`` ``I_k(t)``, P(a strike by month ``t``, by pathway ``k``).
    """

    names: tuple[str, ...]
    hazard: FloatArray
    survival: FloatArray
    strike_by: FloatArray
    incidence: FloatArray

    def within(self, months: int) -> FloatArray:
        """``(D,)`` P(strike within ``months`` months)."""
        return self.strike_by[:, self._col(months)]

    def shares(self, months: int) -> dict[str, float]:
        """Each pathway's share of the mean risk within ``months`` months (sums to one when there is any)."""
        k = self._col(months)
        inc = self.incidence[:, :, k].mean(axis=1)
        total = float(inc.sum())
        return {n: (float(x) / total if total > 0 else 0.0) for n, x in zip(self.names, inc, strict=True)}

    def pathway_within(self, months: int) -> dict[str, float]:
        """Each pathway's own mean probability within ``months`` months, as if it were the only one."""
        k = self._col(months)
        own = 1.0 - np.prod(1.0 - self.hazard[:, :, : k + 1], axis=2)
        return {n: float(x) for n, x in zip(self.names, own.mean(axis=1), strict=True)}

    def _col(self, months: int) -> int:
        if months < 1 or months > self.survival.shape[1]:
            raise ValueError(f"months must lie in 1..{self.survival.shape[1]}")
        return months - 1


def _hazard_array(h: ArrayLike, months: int) -> FloatArray:
    x = np.asarray(h, dtype=float)
    if x.ndim == 0:
        x = np.full((1, months), float(x))
    elif x.ndim == 1:
        x = np.broadcast_to(x[:, None], (x.shape[0], months)) if months else x[:, None]
    if x.ndim != 2:
        raise ValueError("a hazard must be a scalar, (D,) per-draw constant or (D, T)")
    if np.any(~np.isfinite(x)) or np.any(x < 0.0) or np.any(x > 1.0):
        raise ValueError("hazards must lie in [0, 1]")
    return x


def competing_hazards(hazards: Mapping[str, ArrayLike], months: int) -> CompetingHazards:
    """Combine independent pathways' hazards over ``months`` months (module docstring).

    Args:
        hazards: pathway name -> hazard: a scalar (every draw and month), ``(D,)`` (constant in
            time) or ``(D, T)`` with ``T >= months`` (the first ``months`` columns are used).
        months: ``T``, the horizon.

    Returns:
        :class:`CompetingHazards`.
    """
    if months < 1:
        raise ValueError("months must be >= 1")
    if not hazards:
        raise ValueError("at least one pathway is needed")
    arrays = []
    for name, h in hazards.items():
        a = _hazard_array(h, months)
        if a.shape[1] < months:
            raise ValueError(f"pathway {name!r} has {a.shape[1]} months of hazard, fewer than {months}")
        arrays.append(a[:, :months])
    n = int(np.broadcast_shapes(*(a.shape[:1] for a in arrays))[0])
    h = np.stack([np.broadcast_to(a, (n, months)) for a in arrays])  # (K, D, T)
    lam = -np.log1p(-np.minimum(h, 1.0 - 1e-15))
    month_risk = 1.0 - np.prod(1.0 - h, axis=0)  # (D, T)
    survival = np.cumprod(1.0 - month_risk, axis=1)
    before = np.concatenate([np.ones((n, 1)), survival[:, :-1]], axis=1)
    total = lam.sum(axis=0)
    split = np.divide(lam, total, out=np.zeros_like(lam), where=total > 0)
    incidence = np.cumsum(before * month_risk * split, axis=2)
    return CompetingHazards(tuple(hazards), h, survival, 1.0 - survival, incidence)


def hazard_from_cumulative(cumulative: ArrayLike) -> FloatArray:
    """``(D, T)`` monthly hazards ``h_t = (F_t - F_{t-1}) / (1 - F_{t-1})`` from a cumulative path ``(D, T)``."""
    f = np.atleast_2d(np.asarray(cumulative, dtype=float))
    prev = np.concatenate([np.zeros((f.shape[0], 1)), f[:, :-1]], axis=1)
    rest = 1.0 - prev
    h = np.divide(f - prev, rest, out=np.zeros_like(f), where=rest > 1e-15)
    return np.clip(h, 0.0, 1.0)


def constant_hazard(probability: ArrayLike, months: int) -> FloatArray:
    """The constant monthly hazard ``1 - (1 - P)^{1/T}`` that gives ``P`` over ``T`` months."""
    if months < 1:
        raise ValueError("months must be >= 1")
    p = np.clip(np.asarray(probability, dtype=float), 0.0, 1.0)
    return 1.0 - (1.0 - p) ** (1.0 / months)


def breakout_hazard(
    rate: ArrayLike, jump: ArrayLike, delta: ArrayLike, rising_cost: ArrayLike, declining_cost: ArrayLike
) -> FloatArray:
    """``(D,)`` monthly hazard of a preventive strike: ``ρ 1{δ Δ > (1 - δ)(c_R + c_D)}`` (Powell 2006).

    Args:
        rate: ``ρ``, monthly probability that the challenger's capability jumps (breakout).
        jump: ``Δ``, the rise in its probability of winning a war when it does.
        delta: the defender's monthly discount factor ``δ``.
        rising_cost: the challenger's per-period cost of war ``c_R``.
        declining_cost: the defender's per-period cost ``c_D``.
    """
    r, d, dl, c_r, c_d = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(a, dtype=float)) for a in (rate, jump, delta, rising_cost, declining_cost))
    )
    if np.any((r < 0) | (r > 1)):
        raise ValueError("rate must lie in [0, 1]")
    motive = dl * d > (1.0 - dl) * (c_r + c_d)
    return np.where(motive, r, 0.0)
