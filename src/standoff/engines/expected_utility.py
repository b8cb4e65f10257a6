"""Expected-utility model of bargaining (Bueno de Mesquita 1985, 1994).

Implements the model as reconstructed by Scholz, Calbert & Smith (2011),
"Unravelling Bueno De Mesquita's group decision model", *Journal of
Theoretical Politics* 23(4). Notation (one issue, ``D`` draws, ``n`` actors):
positions ``x`` ``(D, n)``, saliences ``s``, capabilities ``c``, weights
``w = c s``, scale range ``Δ`` (the issue's labelled range), forecast ``μ``.

Utilities of actor ``a`` about opponent ``b`` with exponent ``r``, where
``d_ab = |x_a - x_b| / Δ`` and ``m_a = |x_a - μ| / Δ``::

    U^s  = 2 - 4 (0.5 - 0.5 d_ab)^r                  a wins
    U^f  = 2 - 4 (0.5 + 0.5 d_ab)^r                  a loses
    U^b  = 2 - 4 (0.5 - 0.25 (m_a + d_ab))^r         better without a challenge
    U^w  = 2 - 4 (0.5 + 0.25 (m_a + d_ab))^r         worse without a challenge
    U^sq = 2 - 4 (0.5)^r

Third-party votes ``g_k(a, b) = w_k ((|x_k - x_b|/Δ)^{r_k} - (|x_k - x_a|/Δ)^{r_k})``
(voters' own exponents). Probability that ``a`` beats ``b``:

* ``p_reading="scholz"`` (default): ``P_ab = Σ_k max(0, g_k(a, b)) / Σ_k Σ_a' Σ_b' |g_k(a', b')|``;
  the denominator is computed per voter in ``O(n log n)`` as a sum of absolute
  pairwise differences of sorted values;
* ``p_reading="pairwise"``: ``P_ab = Σ_k max(0, g_k(a, b)) / Σ_k |g_k(a, b)|``;

and ``P_ab = 0`` when ``x_a = x_b``. Expected utility of ``a`` challenging ``b``
(``s_b`` read as the probability that ``b`` resists)::

    EU(a→b) = s_b [P_ab U^s + (1 - P_ab) U^f] + (1 - s_b) U^s
              - Q U^sq - (1 - Q) [T U^b + (1 - T) U^w]

Risk exponents, each round: with every ``r = 1``, the danger to ``i`` is
``S_i = Σ_{j≠i} EU(j→i)``; ``R_i = (2 S_i - max S - min S) / (max S - min S)``
(0 when all ``S`` are equal); ``r_i = (1 - R_i/3) / (1 + R_i/3)``. Danger is
compared across actors, not across an actor's alternative positions (the
reading of Scholz et al.; Bueno de Mesquita's text suggests the latter).

Perspective: when ``i`` weighs its relation with ``j``, both
``U_i = EU(i→j)`` and ``U_j = EU(j→i)`` are computed with ``r_i``. Offers
received by ``i``:

* confrontation, ``U_j > U_i > 0``: ``i`` moves to ``x_j``;
* compromise, ``U_j > 0 > U_i`` and ``U_j > |U_i|``: ``x_i + (x_j - x_i) |U_i / U_j|``;
* capitulation, ``U_j > 0 > U_i`` and ``U_j < |U_i|``: ``i`` moves to ``x_j``;
* otherwise no offer (stalemate, or ``i`` would prevail).

An actor at ``i``'s own position makes no offer: its expected utilities are
zero in exact arithmetic, and rounding must not turn them into a spurious
confrontation that would outrank a real offer.

``i`` takes one offer: by type first (confrontation, compromise,
capitulation), then ``offer_rank="smallest_move"`` (default) takes the
smallest move; ``offer_rank="scholz"`` ranks compromises by
``(|U_i| x_i + |U_j| x_j) / (|U_i| + |U_j|)``, taking the value nearest to
``x_i``. Ties go to the lower actor index. All actors move at once.

One round: forecast ``μ`` (``mu="median"``, the weighted median, i.e. the
Condorcet winner in one dimension, or ``mu="mean"``), risk exponents,
expected utilities, offers, moves. Stopping (the literature says only "until
the issue is resolved"): after round ``t`` a draw stops as *settled* when no
position moved more than ``tol·Δ``, as *stable* when the forecast has not
moved for ``patience`` consecutive rounds, or at the *cap* ``max_rounds``.
Stopped draws are frozen; their trajectories repeat their last state.

An actor holding all capability keeps its position only if it resists (its
salience is 1): with ``s_k < 1`` others expect gains from uncontested
demands and it may yield; the forecast follows it, since it alone has weight.

Departures and additions: veto players (an input of the scenario) never move
outside the interval they accept, and the final forecast is projected onto
the intersection of the veto intervals; the round-by-round forecast is the
weighted median, with the weighted mean reported beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from standoff.engines.base import BargainingProblem, BargainingResult, EngineSpec, FloatArray, apply_veto
from standoff.engines.baselines import weighted_mean, weighted_median
from standoff.engines.registry import register

NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
OFFER_NAMES = ("none", "confrontation", "compromise", "capitulation")
STOP_NAMES = ("settled", "stable", "cap")


@dataclass(frozen=True)
class EUSettings:
    """The model's constants and the readings chosen where the literature is open."""

    q: float = 1.0
    t: float = 1.0
    p_reading: Literal["scholz", "pairwise"] = "scholz"
    mu: Literal["median", "mean"] = "median"
    offer_rank: Literal["smallest_move", "scholz"] = "smallest_move"
    max_rounds: int = 10
    patience: int = 3
    tol: float = 1e-9
    detail: bool = True


def _utility(z: FloatArray, r: FloatArray | None) -> FloatArray:
    """``2 - 4 z^r``; ``r=None`` means ``r = 1``."""
    z = np.maximum(z, 0.0)
    return 2.0 - 4.0 * (z if r is None else np.power(z, r))


def _wins(x: FloatArray, w: FloatArray, r: FloatArray, span: float, reading: str) -> FloatArray:
    """``(D, n, n)`` probability ``P[a, b]`` that ``a`` beats ``b`` with third-party votes.

    ``O(n² log n)`` per draw instead of the naive ``O(n³)``: voter ``k`` favours
    ``a`` over ``b`` exactly when it stands closer to ``a`` (whatever its risk
    exponent, since ``d ↦ d^r`` is increasing), i.e. when ``x_k`` lies on ``a``'s
    side of the midpoint ``(x_a + x_b) / 2``. In position order those voters
    form a prefix (``x_a < x_b``) or a suffix (``x_a > x_b``), so
    ``Σ_k max(0, g_k(a, b)) = Σ_{k ∈ side} w_k (A_kb - A_ka)`` with
    ``A_kc = (|x_k - x_c| / Δ)^{r_k}`` is a difference of prefix sums of
    ``w_k A_kc`` over sorted voters. Voters at the midpoint add zero either way.
    """
    n_draws, n = x.shape
    a = np.power(np.abs(x[:, :, None] - x[:, None, :]) / span, r[:, :, None])  # a[d, k, c] = (|x_k - x_c|/Δ)^r_k
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    weighted = np.take_along_axis(w[:, :, None] * a, order[:, :, None], axis=1)  # voters in position order
    prefix = np.concatenate([np.zeros((n_draws, 1, n)), np.cumsum(weighted, axis=1)], axis=1)  # (D, n + 1, n)
    # Voters strictly left of / at or left of each midpoint, by one search over all draws at once:
    # positions are scaled to [0, 1] and draw d is shifted by 2d so that the draws' ranges do not overlap.
    low = xs[:, :1]
    shift = 2.0 * np.arange(n_draws)[:, None]
    keys = ((xs - low) / span + shift).ravel()
    mid = (0.5 * (x[:, :, None] + x[:, None, :]) - low[:, :, None]) / span + shift[:, :, None]
    base = (n * np.arange(n_draws))[:, None, None]
    left = np.searchsorted(keys, mid.ravel(), side="left").reshape(mid.shape) - base
    upto = np.searchsorted(keys, mid.ravel(), side="right").reshape(mid.shape) - base

    def gather(rows: NDArray[np.intp]) -> FloatArray:
        """``S[d, a, b] = Σ over the first rows[d, a, b] sorted voters of w_k (A_kb - A_ka)``."""
        to_b = np.take_along_axis(prefix, rows, axis=1)
        to_a = np.swapaxes(np.take_along_axis(prefix, np.swapaxes(rows, 1, 2), axis=1), 1, 2)
        return to_b - to_a

    total = gather(np.full_like(left, n))
    below = x[:, :, None] < x[:, None, :]
    num = np.where(below, gather(left), total - gather(upto))
    num = np.where(x[:, :, None] == x[:, None, :], 0.0, np.maximum(num, 0.0))
    if reading == "scholz":
        srt = np.sort(a, axis=-1)
        coef = 2.0 * np.arange(n) - n + 1
        den = (2.0 * w * (srt * coef).sum(axis=-1)).sum(axis=-1)[:, None, None]
    elif reading == "pairwise":
        den = num + np.swapaxes(num, 1, 2)
    else:
        raise ValueError(f"unknown p_reading {reading!r}; expected 'scholz' or 'pairwise'")
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def _eu(
    x: FloatArray, s: FloatArray, p: FloatArray, mu: FloatArray, r: FloatArray | None, span: float, q: float, t: float
) -> FloatArray:
    """``(D, n, n)`` ``EU[a, b]`` of ``a`` challenging ``b``, utilities with exponent ``r[a, b]``
    (``r`` broadcastable to ``(D, n, n)``; ``None`` for ``r = 1``)."""
    d = np.abs(x[:, :, None] - x[:, None, :]) / span
    m = (np.abs(x - mu[:, None]) / span)[:, :, None]
    us, uf = _utility(0.5 - 0.5 * d, r), _utility(0.5 + 0.5 * d, r)
    usq = _utility(np.full((1, 1, 1), 0.5), r)
    sb = s[:, None, :]
    eu = sb * (p * us + (1 - p) * uf) + (1 - sb) * us - q * usq
    if q != 1.0:
        ub, uw = _utility(0.5 - 0.25 * (m + d), r), _utility(0.5 + 0.25 * (m + d), r)
        eu = eu - (1 - q) * (t * ub + (1 - t) * uw)
    return eu


def _risk(x: FloatArray, s: FloatArray, w: FloatArray, mu: FloatArray, span: float, cfg: EUSettings) -> FloatArray:
    """``(D, n)`` risk exponents from the danger each actor faces."""
    p = _wins(x, w, np.ones_like(x), span, cfg.p_reading)
    eu = _eu(x, s, p, mu, None, span, cfg.q, cfg.t)
    n = x.shape[1]
    danger = (eu * (1 - np.eye(n))).sum(axis=1)  # S_i = Σ_{j≠i} EU(j→i)
    hi, lo = danger.max(axis=1, keepdims=True), danger.min(axis=1, keepdims=True)
    spread = hi - lo
    big_r = np.divide(2 * danger - hi - lo, spread, out=np.zeros_like(danger), where=spread > 0)
    return (1 - big_r / 3) / (1 + big_r / 3)


def eu_round(x: FloatArray, s: FloatArray, c: FloatArray, span: float, cfg: EUSettings) -> dict[str, FloatArray]:
    """One round from positions ``x`` ``(D, n)``: forecast, risk, EU, offers, new positions.

    Returns named arrays: ``mu`` ``(D,)``; ``risk`` ``(D, n)``; ``eu_own[i, j] = EU(i→j)``
    and ``eu_other[i, j] = EU(j→i)``, both with ``r_i`` ``(D, n, n)``; ``offer[i, j]``
    the class of ``j``'s offer to ``i`` ``(D, n, n)``; ``partner`` ``(D, n)`` whose
    offer ``i`` took (-1 for none); ``new`` ``(D, n)`` positions after the move.
    """
    w = c * s
    mu = weighted_median(x, w) if cfg.mu == "median" else weighted_mean(x, w)
    r = _risk(x, s, w, mu, span, cfg)
    p = _wins(x, w, r, span, cfg.p_reading)
    own = _eu(x, s, p, mu, r[:, :, None], span, cfg.q, cfg.t)
    other = np.swapaxes(_eu(x, s, p, mu, r[:, None, :], span, cfg.q, cfg.t), 1, 2)
    xi, xj = x[:, :, None], x[:, None, :]
    off = xi != xj  # an actor at i's own position has nothing to offer (its EU is 0 up to rounding)
    conf = off & (other > own) & (own > 0)
    yield_ = off & (other > 0) & (own < 0)
    comp = yield_ & (other > np.abs(own))
    capit = yield_ & (other < np.abs(own))
    ratio = np.divide(np.abs(own), other, out=np.zeros_like(own), where=comp)
    target = np.where(comp, xi + (xj - xi) * ratio, xj)
    kind = np.select([conf, comp, capit], [CONFRONTATION, COMPROMISE, CAPITULATION], NONE).astype(np.int8)
    key = np.abs(target - xi)
    if cfg.offer_rank == "scholz":
        weight = np.abs(own) + np.abs(other)
        blend = np.divide(
            np.abs(own) * xi + np.abs(other) * xj, weight, out=np.broadcast_to(xi, own.shape).copy(), where=weight > 0
        )
        key = np.where(comp, np.abs(blend - xi), key)
    elif cfg.offer_rank != "smallest_move":
        raise ValueError(f"unknown offer_rank {cfg.offer_rank!r}; expected 'smallest_move' or 'scholz'")
    # Rank by type, then key; keys are scale distances, at most Δ, so a type step of 2Δ+1 orders types first.
    score = np.where(kind > NONE, kind * (2 * span + 1) + key, np.inf)
    best = np.argmin(score, axis=2)
    took = np.isfinite(np.take_along_axis(score, best[:, :, None], axis=2)[..., 0])
    moved = np.take_along_axis(target, best[:, :, None], axis=2)[..., 0]
    return {
        "mu": mu,
        "risk": r,
        "eu_own": own,
        "eu_other": other,
        "offer": kind,
        "partner": np.where(took, best, -1),
        "new": np.where(took, moved, x),
    }


def expected_utility(
    problem: BargainingProblem, detail: bool = True, settings: EUSettings | None = None
) -> BargainingResult:
    """Run the model to its stopping rule; see the module docstring.

    ``details`` holds ``median_by_round`` and ``mean_by_round`` ``(D, R + 1)``,
    ``rounds`` ``(D,)`` rounds run, ``stop`` ``(D,)`` index into
    :data:`STOP_NAMES`, and with ``detail`` (and ``settings.detail``) per round ``risk``
    ``(D, R, n)``, ``eu_own``/``eu_other``/``offer`` ``(D, R, n, n)`` and
    ``partner`` ``(D, R, n)`` (rounds after a draw stopped repeat its last state).
    """
    cfg = settings or EUSettings()
    record = detail and cfg.detail
    span = problem.span
    x = problem.position.astype(float).copy()
    s, c = problem.salience, problem.capability
    w = c * s
    low, high = problem.veto[:, 0], problem.veto[:, 1]
    n_draws = x.shape[0]
    active = np.ones(n_draws, dtype=bool)
    still = np.zeros(n_draws, dtype=int)
    rounds = np.zeros(n_draws, dtype=int)
    stop = np.full(n_draws, 2, dtype=int)
    path, med, mean = [x.copy()], [weighted_median(x, w)], [weighted_mean(x, w)]
    per_round: dict[str, list[FloatArray]] = {k: [] for k in ("risk", "eu_own", "eu_other", "offer", "partner")}
    for t in range(1, cfg.max_rounds + 1):
        live = np.flatnonzero(active)  # only draws still bargaining are computed
        step = eu_round(x[live], s[live], c[live], span, cfg)
        new = x.copy()
        new[live] = np.clip(step["new"], low, high)
        if record:
            for k in per_round:
                shape = (n_draws, *step[k].shape[1:])
                full = per_round[k][-1].copy() if per_round[k] else np.zeros(shape, step[k].dtype)
                full[live] = step[k]
                per_round[k].append(full)
        change = np.abs(new - x).max(axis=1)
        x = new
        path.append(x.copy())
        med.append(weighted_median(x, w))
        mean.append(weighted_mean(x, w))
        still = np.where(np.abs(med[-1] - med[-2]) <= cfg.tol * span, still + 1, 0)
        settled = active & (change <= cfg.tol * span)
        stable = active & ~settled & (still >= cfg.patience)
        rounds = np.where(active, t, rounds)
        stop = np.where(settled, 0, np.where(stable, 1, stop))
        active &= ~(settled | stable)
        if not active.any():
            break
    details: dict[str, object] = {
        "median_by_round": np.stack(med, axis=1),
        "mean_by_round": np.stack(mean, axis=1),
        "rounds": rounds,
        "stop": stop,
    }
    details.update({k: np.stack(v, axis=1) for k, v in per_round.items() if v})
    forecast = apply_veto(med[-1], problem.status_quo, problem.veto)
    return BargainingResult(
        "expected_utility",
        forecast,
        trajectory=np.stack(path, axis=1),
        forecast_by_round=details["median_by_round"],  # type: ignore[arg-type]
        details=details,
    )


register(
    EngineSpec(
        "expected_utility",
        "Expected-utility model (Bueno de Mesquita)",
        "bargaining",
        True,
        False,
        expected_utility,
        "Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011, JTP 23(4)",
    )
)
