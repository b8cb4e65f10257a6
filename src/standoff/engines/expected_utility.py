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

Implementation: one round is a compiled kernel (Numba, ``nogil``, so that
threads run chunks of draws at once) that loops over draws and pairs without
temporary arrays; powers are ``exp(r log z)`` with the logarithms shared by a
pair and its mirror, which can differ from ``z ** r`` in the last bit. Memory: the
pairwise arrays (expected utilities, offers) are kept per draw only when
recorded (``detail``); otherwise one draw's ``(n, n)`` scratch serves every
draw, so a chunk of ``D`` draws needs about ``D n`` plus ``90 n²`` bytes, not
``17 D n²``.

Departures and additions: veto players (an input of the scenario) never move
outside the interval they accept, and the final forecast is projected onto
the intersection of the veto intervals; the round-by-round forecast is the
weighted median, with the weighted mean reported beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numba import njit
from numpy.typing import NDArray

from standoff.core.problems import BargainingProblem, BargainingResult, FloatArray
from standoff.engines.base import BARGAINING, EngineSpec, apply_veto, kernel_array, weighted_mean, weighted_median

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


@njit(cache=True, nogil=True)
def _u(z: float, r: float) -> float:
    """``2 - 4 max(z, 0)^r``."""
    return 2.0 - 4.0 * max(z, 0.0) ** r


@njit(cache=True, nogil=True)
def _u1(z: float) -> float:
    """``2 - 4 max(z, 0)``, the utility at ``r = 1`` (kept apart so that no power is computed)."""
    return 2.0 - 4.0 * max(z, 0.0)


@njit(cache=True, nogil=True)
def _max_min(v: FloatArray) -> tuple[float, float]:
    """``(v.max(), v.min())`` as NumPy has them (the first NaN if any), in one pass that
    compiles faster than the two reductions."""
    if v.shape[0] == 0:
        raise ValueError("zero-size array to reduction operation maximum which has no identity")
    hi = lo = v[0]
    if not np.isnan(hi):
        for i in range(1, v.shape[0]):
            x = v[i]
            if np.isnan(x):
                return x, x
            if x > hi:
                hi = x
            if x < lo:
                lo = x
    return hi, lo


@njit(cache=True, nogil=True)
def _argsort(v: FloatArray, out: NDArray[np.intp]) -> None:
    """Stable argsort of a short vector into ``out`` (insertion sort, no allocation)."""
    for i in range(v.shape[0]):
        j = i
        while j > 0 and v[out[j - 1]] > v[i]:
            out[j] = out[j - 1]
            j -= 1
        out[j] = i


@njit(cache=True, nogil=True)
def _by_distance(x: FloatArray, order: NDArray[np.intp], at: int, out: NDArray[np.intp]) -> None:
    """Actors in order of distance from the one at sorted place ``at``: a merge outward, ``O(n)``."""
    n = x.shape[0]
    centre = x[order[at]]
    lo, hi = at - 1, at + 1
    out[0] = order[at]
    for i in range(1, n):
        if hi >= n or (lo >= 0 and centre - x[order[lo]] <= x[order[hi]] - centre):
            out[i] = order[lo]
            lo -= 1
        else:
            out[i] = order[hi]
            hi += 1


@njit(cache=True, nogil=True)
def _wins(
    d: FloatArray,
    log_d: FloatArray,
    order: NDArray[np.intp],
    below: NDArray[np.intp],
    x: FloatArray,
    w: FloatArray,
    r: FloatArray,
    linear: bool,
    rank: NDArray[np.intp],
    scholz: bool,
    p: FloatArray,
    a: FloatArray,
    prefix: FloatArray,
) -> None:
    """Fill ``p[a, b]``, the probability that ``a`` beats ``b`` with third-party votes (one draw).

    ``O(n² log n)`` instead of the naive ``O(n³)``: voter ``k`` favours ``a``
    over ``b`` exactly when it stands closer to ``a`` (whatever its exponent,
    since ``d ↦ d^r`` is increasing), i.e. when ``x_k`` lies on ``a``'s side of
    the midpoint. In position order those voters form a prefix (``x_a < x_b``,
    the ``below[a, b]`` voters strictly below the midpoint) or a suffix, so
    ``Σ_k max(0, g_k(a, b))`` is a difference of prefix sums of
    ``w_k A_kc``, ``A_kc = d_kc^{r_k}``. Voters at the midpoint add zero either
    way. The Scholz denominator ``Σ_k w_k Σ_{b,c} |A_kb - A_kc|`` is a sum
    over each voter's sorted row, whose order (``rank``) is that of ``d``.
    ``log_d = log d`` (powers as ``exp(r log d)``); ``a`` and ``prefix`` are scratch space.
    """
    n = x.shape[0]
    prefix[0] = 0.0
    den = 0.0
    for k in range(n):
        if linear:  # element by element: a row assignment compiles Numba's shape-mismatch message
            for c in range(n):
                a[k, c] = d[k, c]
        else:
            for c in range(n):
                a[k, c] = np.exp(r[k] * log_d[k, c])
        if scholz:
            row = 0.0
            for i in range(n):
                row += (2.0 * i - n + 1) * a[k, rank[k, i]]
            den += 2.0 * w[k] * row
    for m in range(n):
        k = order[m]
        for c in range(n):
            prefix[m + 1, c] = prefix[m, c] + w[k] * a[k, c]
    for i in range(n):
        for j in range(n):
            if x[i] == x[j]:
                p[i, j] = 0.0
                continue
            m = below[i, j]
            lower = prefix[m, j] - prefix[m, i]
            num = lower if x[i] < x[j] else (prefix[n, j] - prefix[n, i]) - lower
            p[i, j] = max(num, 0.0)
    for i in range(n):
        for j in range(i, n):
            dd = den if scholz else p[i, j] + p[j, i]
            pij, pji = p[i, j], p[j, i]
            p[i, j] = pij / dd if dd > 0.0 else 0.0
            p[j, i] = pji / dd if dd > 0.0 else 0.0


@njit(cache=True, nogil=True)
def _eu(
    d: FloatArray,
    log_win: FloatArray,
    log_lose: FloatArray,
    s: FloatArray,
    p: FloatArray,
    m: FloatArray,
    r: FloatArray,
    linear: bool,
    q: float,
    t: float,
    own: FloatArray,
    other: FloatArray,
) -> None:
    """Fill ``own[a, b] = EU(a→b)`` and ``other[a, b] = EU(b→a)``, both with ``a``'s exponent (one draw;
    ``linear``: every exponent is 1, and ``other`` is left alone).

    Both use the same utilities ``U^s(d_ab; r_a)`` and ``U^f(d_ab; r_a)``, since ``d_ab = d_ba``;
    their powers are ``exp(r_a log_win)`` and ``exp(r_a log_lose)``, with
    ``log_win = log max(0.5 - 0.5 d, 0)`` and ``log_lose = log (0.5 + 0.5 d)``.
    """
    n = s.shape[0]
    for a in range(n):
        ra = r[a]
        usq = _u1(0.5) if linear else _u(0.5, ra)
        for b in range(n):
            dab = d[a, b]
            if linear:
                us, uf = _u1(0.5 - 0.5 * dab), _u1(0.5 + 0.5 * dab)
            else:
                us, uf = 2.0 - 4.0 * np.exp(ra * log_win[a, b]), 2.0 - 4.0 * np.exp(ra * log_lose[a, b])
            own[a, b] = s[b] * (p[a, b] * us + (1 - p[a, b]) * uf) + (1 - s[b]) * us - q * usq
            if not linear:  # the risk pass needs EU(a→b) only
                other[a, b] = s[a] * (p[b, a] * us + (1 - p[b, a]) * uf) + (1 - s[a]) * us - q * usq
            if q != 1.0:  # U^b, U^w with the challenger's distance from the forecast
                lo, hi = 0.5 - 0.25 * (m[a] + dab), 0.5 + 0.25 * (m[a] + dab)
                ub, uw = (_u1(lo), _u1(hi)) if linear else (_u(lo, ra), _u(hi, ra))
                own[a, b] -= (1 - q) * (t * ub + (1 - t) * uw)
                if not linear:
                    lo, hi = 0.5 - 0.25 * (m[b] + dab), 0.5 + 0.25 * (m[b] + dab)
                    ub, uw = _u(lo, ra), _u(hi, ra)
                    other[a, b] -= (1 - q) * (t * ub + (1 - t) * uw)


@njit(cache=True, nogil=True)
def _round(
    x: FloatArray,
    s: FloatArray,
    c: FloatArray,
    mu: FloatArray,
    span: float,
    q: float,
    t: float,
    scholz: bool,
    blend_rank: bool,
    risk: FloatArray,
    own: FloatArray,
    other: FloatArray,
    offer: NDArray[np.int8],
    partner: NDArray[np.intp],
    new: FloatArray,
) -> None:
    """One round on every draw; fills the output arrays (see :func:`eu_round`).

    ``own``, ``other`` and ``offer`` hold every draw's ``(n, n)`` values, or, with a leading
    axis of 1, serve as one draw's scratch space (the values are then not kept).
    """
    n_draws, n = x.shape
    d, log_d, log_win, log_lose = np.empty((n, n)), np.empty((n, n)), np.empty((n, n)), np.empty((n, n))
    rank = np.empty((n, n), dtype=np.intp)
    below = np.empty((n, n), dtype=np.intp)
    p, a, prefix = np.empty((n, n)), np.empty((n, n)), np.empty((n + 1, n))
    ones, w, m, xs, danger = np.ones(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    order = np.empty(n, dtype=np.intp)
    for k in range(n_draws):
        xk, sk = x[k], s[k]
        kept = k if own.shape[0] == n_draws else 0
        own_k, other_k, offer_k = own[kept], other[kept], offer[kept]
        for i in range(n):
            w[i] = c[k, i] * sk[i]
            m[i] = abs(xk[i] - mu[k]) / span
            for j in range(i, n):
                dij = abs(xk[i] - xk[j]) / span
                d[i, j] = d[j, i] = dij
                log_d[i, j] = log_d[j, i] = np.log(dij)
                log_win[i, j] = log_win[j, i] = np.log(max(0.5 - 0.5 * dij, 0.0))
                log_lose[i, j] = log_lose[j, i] = np.log(0.5 + 0.5 * dij)
        _argsort(xk, order)
        for i in range(n):
            xs[i] = xk[order[i]]
            _by_distance(xk, order, i, rank[order[i]])
        for ii in range(n):  # midpoints with actor i rise along sorted j: one forward scan per row
            i, count = order[ii], 0
            for jj in range(n):
                j = order[jj]
                mid = 0.5 * (xk[i] + xk[j])
                while count < n and xs[count] < mid:
                    count += 1
                below[i, j] = count
        # Two passes, first with every r = 1 (``linear``, a run-time flag so that ``_wins`` and
        # ``_eu`` are compiled once, not once per literal value), then with the risk exponents.
        for step in range(2):
            linear = step == 0
            r_k = ones if linear else risk[k]
            _wins(d, log_d, order, below, xk, w, r_k, linear, rank, scholz, p, a, prefix)
            _eu(d, log_win, log_lose, sk, p, m, r_k, linear, q, t, own_k, other_k)
            if not linear:
                break
            # Risk: danger S_i = Σ_{j≠i} EU(j→i) with every r = 1.
            for i in range(n):
                danger[i] = 0.0
                for j in range(n):
                    if j != i:
                        danger[i] += own_k[j, i]
            hi, lo = _max_min(danger)
            for i in range(n):
                big_r = (2 * danger[i] - hi - lo) / (hi - lo) if hi > lo else 0.0
                risk[k, i] = (1 - big_r / 3) / (1 + big_r / 3)
        # Offers received by i, ranked by type then by the key; ties to the lower index.
        for i in range(n):
            best, best_score, best_target = -1, np.inf, xk[i]
            for j in range(n):
                ui, uj = own_k[i, j], other_k[i, j]
                kind = NONE
                if xk[i] != xk[j]:
                    if uj > ui and ui > 0:
                        kind = CONFRONTATION
                    elif uj > 0 and ui < 0:
                        if uj > abs(ui):
                            kind = COMPROMISE
                        elif uj < abs(ui):
                            kind = CAPITULATION
                offer_k[i, j] = kind
                if kind == NONE:
                    continue
                target = xk[i] + (xk[j] - xk[i]) * (abs(ui) / uj) if kind == COMPROMISE else xk[j]
                key = abs(target - xk[i])
                if blend_rank and kind == COMPROMISE:
                    weight = abs(ui) + abs(uj)
                    blend = (abs(ui) * xk[i] + abs(uj) * xk[j]) / weight if weight > 0 else xk[i]
                    key = abs(blend - xk[i])
                score = kind * (2 * span + 1) + key
                if score < best_score:
                    best, best_score, best_target = j, score, target
            partner[k, i] = best
            new[k, i] = best_target


def eu_round(
    x: FloatArray,
    s: FloatArray,
    c: FloatArray,
    span: float,
    cfg: EUSettings,
    mu: FloatArray | None = None,
    pairs: bool = True,
) -> dict[str, FloatArray]:
    """One round from positions ``x`` ``(D, n)``: forecast, risk, EU, offers, new positions.

    ``mu``: the round's forecast if already known (else computed per ``cfg.mu``).
    ``pairs=False`` leaves out the pairwise arrays (``eu_own``, ``eu_other``, ``offer``):
    they are then computed in one draw's space, ``17 n²`` bytes, not ``17 D n²``.

    Returns named arrays: ``mu`` ``(D,)``; ``risk`` ``(D, n)``; ``eu_own[i, j] = EU(i→j)``
    and ``eu_other[i, j] = EU(j→i)``, both with ``r_i`` ``(D, n, n)``; ``offer[i, j]``
    the class of ``j``'s offer to ``i`` ``(D, n, n)``; ``partner`` ``(D, n)`` whose
    offer ``i`` took (-1 for none); ``new`` ``(D, n)`` positions after the move.
    """
    if cfg.p_reading not in ("scholz", "pairwise"):
        raise ValueError(f"unknown p_reading {cfg.p_reading!r}; expected 'scholz' or 'pairwise'")
    if cfg.offer_rank not in ("smallest_move", "scholz"):
        raise ValueError(f"unknown offer_rank {cfg.offer_rank!r}; expected 'smallest_move' or 'scholz'")
    x = kernel_array(x)
    n_draws, n = x.shape
    if mu is None:
        w = c * s
        mu = weighted_median(x, w) if cfg.mu == "median" else weighted_mean(x, w)
    kept = n_draws if pairs else 1
    out = {
        "mu": mu,
        "risk": np.empty((n_draws, n)),
        "eu_own": np.empty((kept, n, n)),
        "eu_other": np.empty((kept, n, n)),
        "offer": np.empty((kept, n, n), dtype=np.int8),
        "partner": np.empty((n_draws, n), dtype=np.intp),
        "new": np.empty((n_draws, n)),
    }
    _round(
        x,
        kernel_array(s),
        kernel_array(c),
        kernel_array(mu),
        float(span),
        float(cfg.q),
        float(cfg.t),
        cfg.p_reading == "scholz",
        cfg.offer_rank == "scholz",
        out["risk"],
        out["eu_own"],
        out["eu_other"],
        out["offer"],
        out["partner"],
        out["new"],
    )
    if not pairs:
        for name in ("eu_own", "eu_other", "offer"):
            del out[name]
    return out


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
        mu = (med if cfg.mu == "median" else mean)[-1][live]
        step = eu_round(x[live], s[live], c[live], span, cfg, mu, pairs=record)
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
        rounds=rounds,
        stop=stop,
    )


#: The engine's declaration; the registry's loader registers it.
SPEC: EngineSpec[BargainingProblem, BargainingResult] = EngineSpec(
    name="expected_utility",
    title="Expected-utility model (Bueno de Mesquita)",
    kind=BARGAINING,
    run=expected_utility,
    problem=BargainingProblem,
    result=BargainingResult,
    inputs=("position", "salience", "capability", "scale", "status_quo", "veto"),
    outputs=("forecast", "trajectory", "forecast_by_round", "rounds", "stop", "details"),
    reference="Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011, JTP 23(4)",
    rounds=True,
    kernels=lambda: (_round,),
    compile_seconds=3,
)
