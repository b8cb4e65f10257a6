r"""KTAB's spatial model of politics (SMP), vectorised over draws.

Source
------
KTAB, the KAPSARC Toolkit for Behavioral Analysis (King Abdullah Petroleum
Studies and Research Center, MIT licence, (c) 2015 KAPSARC), its ``smpc``
program and its SMP documentation; Wise, Lester et al., KAPSARC papers on
KTAB. This module implements the SMP in
KTAB's default configuration: proportional voting, linear victory
probability, conditional probabilistic Condorcet election, deterministic
state transitions, one-third risk blending, mid risk range, semi-committed
third parties, S2P2 bargains, initiator-only interpolation, ideals that track
positions. It was written from the equations below; it reproduces KTAB's
reference position histories (see the tests).

Notation (arrays carry a leading draw axis ``D``; ``n`` actors, ``K``
dimensions; positions ``x`` and saliences ``s`` on ``[0, 1]``)
-------------------------------------------------------------------------------
* capability ``c_i`` ``(D, n)``; salience ``s_ik`` with ``S_i = Σ_k s_ik ≤ 1``.
* distance from ``a``'s ideal (= its position) to ``b``'s position, ``(D, n, n)``::

      d_ab = sqrt( Σ_k (s_ak (x_ak − x_bk))² / Σ_k s_ak² )

* utility with risk attitude ``R``: ``u(d, R) = (1 − d)(1 + d R)`` for
  ``d ≤ 1`` and ``(1 − d)(1 + R)`` beyond.
* election over options ``o`` by actors ``a`` with weights ``w_a`` and
  utilities ``U_ao``: ``C_xy = 1e-8 + Σ_a max(0, w_a (U_ax − U_ay))``;
  ``P_xy = C_xy / (C_xy + C_yx)`` (``P_xx = 1/2``); conditional Condorcet
  ``p_x ∝ Π_y P_xy``.
* risk attitudes (each turn): the election over actors' positions with
  ``w = c`` and risk-neutral utilities ``1 − d`` gives ``p``; then
  ``R_i = (3 p_i − (p_max + 2 p_min)) / (2 (p_max − p_min))`` in
  ``[−1/2, 1]``. Estimator ``h`` sees ``i``'s attitude as
  ``R^h_i = (2 R_h + R_i) / 3`` and ``U^h_ab = u(d_ab, R^h_a)`` ``(D, n, n, n)``.
* challenge ``i → j`` judged by ``h = i`` (``U = U^i``, ``W_m = c_m S_m``)::

      A_i = 1e-10 + max(0, W_i (U_ii − U_ij)) + max(0, W_j (U_ji − U_jj))
      A_j = 1e-10 + max(0, −W_i (U_ii − U_ij)) + max(0, −W_j (U_ji − U_jj))
      third party m:  v = W_m (U_mi − U_mj)
                      π = (A_i + max(0, v)) / (A_i + A_j + |v|)
                      E_i = π (2 U_mi + U_mm) + (1 − π) 3 U_mj
                      E_j = π 3 U_mi + (1 − π)(2 U_mj + U_mm)
                      t_m = W_m (E_i − E_j)
      C_ij = A_i + Σ_m max(0, t_m),   C_ji = A_j + Σ_m max(0, −t_m)
      P_ij = C_ij / (C_ij + C_ji)
      ΔEU_ij = (1 − S_j) 2 U_ii + S_j (P_ij 2 U_ii + P_ji 2 U_ij) − (U_ii + U_ij)

  ``i`` targets ``j* = argmax_j ΔEU_ij`` (first index on ties) if
  ``ΔEU_ij* > 1e-5``; otherwise it makes no challenge.
* S2P2 bargain for ``i → j`` with ``p = P_ij``, per dimension,
  ``w_i = s_ik² p²``, ``w_j = s_jk² (1 − p)²``, ``ε = 1e-6``::

      b_ik = round4(((w_i + ε) x_ik + w_j x_jk) / (w_i + ε + w_j))
      b_jk = round4((w_i x_ik + (ε + w_j) x_jk) / (w_i + ε + w_j))

  (``round4`` rounds half up to 4 decimals on ``[0, 1]``.) Initiator-only
  interpolation: this one bargain goes to both ``i`` and ``j``.
* each actor ``k`` chooses among the status quo and the bargains it takes
  part in: the value to actor ``a`` of an option is the mean over all
  actors of ``u(d, R_a)`` after the option is applied (the two principals
  move, everyone else stays); the election uses ``w = c`` and ``k`` adopts
  the most probable option (first on ties).
* stop after turn ``t ≥ 2`` when ``Σ_i ‖x_i,t − x_i,t−1‖ /
  (Σ_i ‖x_i,1 − x_i,0‖ + 1e-4) < 0.02``, or at ``t = 100``.

Implementation
--------------
:func:`smp` is one compiled kernel (Numba, ``nogil``): it loops over draws
and runs each to its stopping rule, with scratch arrays allocated once per
call and none in the turns. Its innermost loops add one voter (elections)
or one third party (challenges) to all option pairs or all targets at once,
and take the distances from one actor to every position or bargain one
dimension at a time, branch-free (a term that must not count adds ``+0.0``,
which changes no sum here), which the compiler vectorises (divisions skip Python's zero check,
``error_model="numpy"``: no denominator here can be 0); ``O(n³)`` work per
turn. Sums over actors and dimensions are pairwise in ``np.sum``'s order,
and voters and third parties are added in actor order, so that values agree
with the NumPy functions below (:func:`risk_attitudes`) except for the last
bits of ``log`` and ``exp`` (NumPy's SIMD versions and the C library's
differ).

Departures from KTAB
--------------------
* KTAB cannot run a state in which every actor holds the same position (its
  risk formula divides by ``p_max − p_min = 0`` and a sanity check throws);
  here ``R = 0`` when ``p_max = p_min``, so unanimity simply stays put.
* KTAB rejects zero capability; here it is allowed (the actor has no votes).
* The Condorcet products are taken in log space (no underflow with hundreds
  of actors); sums are not always taken in KTAB's sequential order (see
  Implementation). Both change values by a few ulps and could only matter
  at exact ties.
* :func:`distinct_distribution` is KTAB's ``pDist(-1)`` (the winning
  probability of each distinct position, as its log reports them); the
  expected position (:func:`expected_position`) used as the one-issue
  forecast by :func:`run` is Standoff's reading: KTAB reports the
  probabilities but no single forecast.
* Ties (the first index wins) are broken by actor order; KTAB breaks ties in
  bargain choice by the order in which its threads filed the bargains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray

from standoff.core.problems import BargainingProblem, BargainingResult
from standoff.engines.base import BARGAINING, EngineSpec, apply_veto, kernel_array

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

__all__ = [
    "SMPResult",
    "SPEC",
    "distinct_distribution",
    "expected_position",
    "position_distribution",
    "risk_attitudes",
    "run",
    "smp",
]

#: KTAB's constants (default configuration).
ELECTION_EPS = 1e-8  # floor of a coalition's strength in elections
CHALLENGE_EPS = 1e-10  # floor of a coalition's strength in a challenge
BARGAIN_EPS = 1e-6  # added to the initiator's weight in S2P2 interpolation
MIN_GAIN = 1e-5  # smallest expected gain worth a challenge
POSITION_TOL = 1e-3  # positions closer than this (on [0, 1]) are one position

SPEC_NAME = "smp"
STOP_CONVERGED = "converged"
STOP_MAX_TURNS = "max_turns"


@dataclass(frozen=True)
class SMPResult:
    """A batch of SMP runs.

    ``T`` is the largest number of turns over the draws. Per-turn arrays
    describe the step from state ``t`` to ``t + 1``; for ``t ≥ n_turns[d]``
    they hold ``-1`` (integers) or ``NaN`` (floats), and the trajectory
    repeats the draw's last state.

    Attributes:
        trajectory: ``(D, T + 1, n, K)`` positions on ``[0, 1]``; turn 0 is the input.
        n_turns: ``(D,)`` turns each draw ran.
        stop_reason: ``(D,)`` ``"converged"`` or ``"max_turns"``.
        risk: ``(D, T, n)`` risk attitudes ``R_i`` in state ``t``.
        position_prob: ``(D, T, n)`` risk-neutral Condorcet probability of
            each actor's position in state ``t`` (the basis of ``risk``).
        target: ``(D, T, n)`` whom each actor challenged (``-1``: nobody).
        target_prob: ``(D, T, n)`` the challenger's estimate that it wins.
        target_gain: ``(D, T, n)`` the challenger's expected gain.
        adopted: ``(D, T, n)`` initiator of the bargain each actor adopted
            (its own index if it adopted its own offer; ``-1``: status quo).
        movement: ``(D, T)`` ``Σ_i ‖x_i,t+1 − x_i,t‖``.
    """

    trajectory: FloatArray
    n_turns: IntArray
    stop_reason: NDArray[np.str_]
    risk: FloatArray
    position_prob: FloatArray
    target: IntArray
    target_prob: FloatArray
    target_gain: FloatArray
    adopted: IntArray
    movement: FloatArray

    @property
    def final(self) -> FloatArray:
        """``(D, n, K)`` each draw's last state."""
        return self.trajectory[:, -1]


# ---------------------------------------------------------------------------
# Building blocks


def _distance(ideal: FloatArray, pos: FloatArray, sal: FloatArray, sal_sq: FloatArray) -> FloatArray:
    """``(D, a, b)`` salience-weighted distance from ideals ``(D, a, K)`` to positions ``(D, b, K)``."""
    ds = (ideal[:, :, None, :] - pos[:, None, :, :]) * sal[:, :, None, :]
    return np.sqrt(np.sum(ds * ds, axis=-1) / sal_sq[:, :, None])


def _utility(d: FloatArray, r: FloatArray | float) -> FloatArray:
    """KTAB's utility of distance ``d`` for risk attitude ``r`` (broadcast).

    ``(1 − d)(1 + d r)``, and ``(1 − d)(1 + r)`` for ``d > 1``.
    """
    return (1.0 - d) * (1.0 + np.minimum(d, 1.0) * r)


def _log_victory(util: FloatArray, weight: FloatArray) -> FloatArray:
    """``(D, m, m)`` log of ``P_xy``, the probability option ``x`` beats ``y``.

    Args:
        util: ``(D, a, m)`` utility to voter ``a`` of option ``m``.
        weight: ``(D, a)`` voting weights.
    """
    vote = weight[:, :, None, None] * (util[:, :, :, None] - util[:, :, None, :])
    strength = ELECTION_EPS + np.sum(np.maximum(vote, 0.0), axis=1)
    prob = strength / (strength + np.swapaxes(strength, 1, 2))
    m = prob.shape[-1]
    prob[:, np.arange(m), np.arange(m)] = 0.5
    return np.log(prob)


def _normalise_log(logp: FloatArray, axis: int = -1) -> FloatArray:
    """Probabilities from unnormalised log-probabilities (``-inf`` → 0)."""
    top = np.max(logp, axis=axis, keepdims=True)
    e = np.exp(logp - top)
    return e / np.sum(e, axis=axis, keepdims=True)


def _risk_from_prob(p: FloatArray) -> FloatArray:
    """Mid-range risk attitudes ``(D, n)`` in ``[-1/2, 1]`` from position probabilities."""
    pmin = np.min(p, axis=-1, keepdims=True)
    pmax = np.max(p, axis=-1, keepdims=True)
    spread = pmax - pmin
    safe = np.where(spread > 0.0, spread, 1.0)
    return np.where(spread > 0.0, (3.0 * p - (pmax + 2.0 * pmin)) / (2.0 * safe), 0.0)


def _prepare(
    capability: ArrayLike, position: ArrayLike, salience: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Validate and convert inputs to ``(D, n)``, ``(D, n, K)``, ``(D, n, K)`` float arrays."""
    c = kernel_array(np.atleast_2d(capability))
    x = kernel_array(position)
    s = kernel_array(salience)
    if x.ndim != 3 or s.shape != x.shape:
        raise ValueError(f"position and salience must both be (D, n, K); got {x.shape} and {s.shape}")
    if c.shape != x.shape[:2]:
        raise ValueError(f"capability must be (D, n) = {x.shape[:2]}; got {c.shape}")
    if x.shape[1] < 2:
        raise ValueError("the SMP needs at least two actors")
    for name, arr in (("capability", c), ("position", x), ("salience", s)):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} has non-finite values")
    if np.any(c < 0):
        raise ValueError("capability must be >= 0")
    if np.any(x < 0) or np.any(x > 1):
        raise ValueError("positions must lie in [0, 1]")
    if np.any(s < 0):
        raise ValueError("salience must be >= 0")
    total = s.sum(axis=-1)
    if np.any(total <= 0):
        bad = sorted(set(np.nonzero(total <= 0)[1].tolist()))
        raise ValueError(f"every actor needs a positive salience on some dimension; actors {bad} have none")
    if np.any(total > 1 + 1e-9):
        raise ValueError("an actor's saliences must sum to at most 1")
    return c, x, s


# ---------------------------------------------------------------------------
# Public pieces


def risk_attitudes(capability: ArrayLike, position: ArrayLike, salience: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Risk attitudes inferred from a risk-neutral election over positions.

    Args:
        capability: ``(D, n)``.
        position: ``(D, n, K)`` on ``[0, 1]``.
        salience: ``(D, n, K)``.

    Returns:
        ``(R, p)``: risk attitudes ``(D, n)`` in ``[-1/2, 1]`` and the
        Condorcet probabilities ``(D, n)`` of the actors' positions.
    """
    c, x, s = _prepare(capability, position, salience)
    d = _distance(x, x, s, np.sum(s * s, axis=-1))
    p = _normalise_log(np.sum(_log_victory(1.0 - d, c), axis=-1))
    return _risk_from_prob(p), p


def distinct_distribution(
    capability: ArrayLike, position: ArrayLike, salience: ArrayLike
) -> tuple[FloatArray, NDArray[np.bool_], IntArray]:
    """Winning probabilities of the distinct positions in a state (KTAB's ``pDist(-1)``).

    Positions closer than ``1e-3`` (Euclidean, on ``[0, 1]``) count as one,
    grouped as KTAB does: an actor starts a new distinct position unless it
    is close to an earlier one that did. The election runs over the distinct
    positions with capability weights and each actor's risk-aware utilities.

    Returns:
        ``(prob, distinct, owner)``: ``prob`` ``(D, n)`` the probability of
        the position that actor ``i`` introduced (0 where ``distinct`` is
        false; rows sum to 1); ``distinct`` ``(D, n)``; ``owner`` ``(D, n)``
        the distinct position KTAB reports for each actor (the last one it
        is close to).
    """
    c, x, s = _prepare(capability, position, salience)
    n_draws, n = c.shape
    d = _distance(x, x, s, np.sum(s * s, axis=-1))
    risk, _ = risk_attitudes(c, x, s)
    util = _utility(d, ((2.0 * risk + risk) / 3.0)[:, :, None])
    near = np.linalg.norm(x[:, :, None, :] - x[:, None, :, :], axis=-1) < POSITION_TOL
    distinct = np.zeros((n_draws, n), dtype=bool)
    for i in range(n):  # the grouping is sequential by construction
        distinct[:, i] = ~np.any(near[:, i, :i] & distinct[:, :i], axis=1)
    logp = np.where(distinct[:, None, :], _log_victory(util, c), 0.0).sum(axis=-1)
    prob = _normalise_log(np.where(distinct, logp, -np.inf))
    owner = np.where(near & distinct[:, None, :], np.arange(n)[None, None, :], -1).max(axis=-1)
    return prob, distinct, owner


def position_distribution(capability: ArrayLike, position: ArrayLike, salience: ArrayLike) -> FloatArray:
    """``(D, n)`` winning probability of the position each actor holds, as KTAB logs it.

    See :func:`distinct_distribution`; actors sharing a position get the
    same value, so rows can sum to more than 1.
    """
    prob, _, owner = distinct_distribution(capability, position, salience)
    return np.take_along_axis(prob, owner, axis=1)


def expected_position(capability: ArrayLike, position: ArrayLike, salience: ArrayLike) -> FloatArray:
    """``(D, K)`` expected outcome: distinct positions weighted by their winning probabilities."""
    prob, _, _ = distinct_distribution(capability, position, salience)
    return np.einsum("dn,dnk->dk", prob, np.asarray(position, dtype=float))


# ---------------------------------------------------------------------------
# The compiled run


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _round4(v: float) -> float:
    """Round half up to 4 decimals, as KTAB does for bargains (``v ≥ 0``)."""
    return np.floor(0.5 + v * 10000.0) / 10000.0


# Explicit signatures here and on ``_log_victory_into``: callers pass literal integers (``lo = 0``
# through the inlined ``_sum``, ``m = 1``), and each literal value would compile a specialisation.
@njit("float64(float64[::1], int64, int64)", cache=True, nogil=True, error_model="numpy")
def _block_sum(a: FloatArray, lo: int, n: int) -> float:
    """``Σ a[lo : lo + n]`` for ``8 ≤ n ≤ 128`` as NumPy sums it: eight interleaved accumulators."""
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    end = lo + n - n % 8
    for i in range(lo + 8, end, 8):
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(end, lo + n):
        res += a[i]
    return res


# An explicit signature: Numba's cache crashes when it reloads a recursive
# function whose types it inferred.
@njit("float64(float64[::1], int64, int64)", cache=True, nogil=True, error_model="numpy")
def _long_sum(a: FloatArray, lo: int, n: int) -> float:
    """``Σ a[lo : lo + n]`` for ``n > 128`` as NumPy sums it: the two halves (cut at a multiple of 8), added."""
    half = n // 2
    half -= half % 8
    left = _long_sum(a, lo, half) if half > 128 else _block_sum(a, lo, half)
    right = _long_sum(a, lo + half, n - half) if n - half > 128 else _block_sum(a, lo + half, n - half)
    return left + right


@njit(cache=True, nogil=True, error_model="numpy")
def _sum(a: FloatArray, lo: int, n: int) -> float:
    """``Σ a[lo : lo + n]`` in the order of ``np.sum`` along a contiguous axis (NumPy's pairwise summation)."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    return _block_sum(a, lo, n) if n <= 128 else _long_sum(a, lo, n)


@njit(cache=True, nogil=True, error_model="numpy")
def _distance_sq(ideal: FloatArray, a: int, pos: FloatArray, b: int, s: FloatArray, sq: FloatArray) -> float:
    """``Σ_k (s_ak (ideal_ak − pos_bk))²``; ``sq`` ``(K,)`` is scratch space."""
    for k in range(sq.shape[0]):
        ds = (ideal[a, k] - pos[b, k]) * s[a, k]
        sq[k] = ds * ds
    return _sum(sq, 0, sq.shape[0])


@njit(cache=True, nogil=True, error_model="numpy")
def _distance_row(
    ideal: FloatArray, a: int, pos: FloatArray, s: FloatArray, s_sq_a: float, sq: FloatArray, out: FloatArray
) -> None:
    """``out[b] = d_ab`` from ``a``'s ideal to every row ``b`` of ``pos``, summing as :func:`_distance_sq`.

    With fewer than eight dimensions that sum is sequential from 0, so it is taken for all
    ``b`` at once, one dimension at a time (a loop over ``b`` that vectorises).
    """
    n_pos, n_dims = pos.shape
    if n_dims < 8:
        for b in range(n_pos):
            out[b] = 0.0
        for k in range(n_dims):
            xa, sa = ideal[a, k], s[a, k]
            for b in range(n_pos):
                ds = (xa - pos[b, k]) * sa
                out[b] += ds * ds
        for b in range(n_pos):
            out[b] = np.sqrt(out[b] / s_sq_a)
    else:
        for b in range(n_pos):
            out[b] = np.sqrt(_distance_sq(ideal, a, pos, b, s, sq) / s_sq_a)


@njit(
    "void(float64[:, ::1], float64[::1], int64, float64[:, ::1], float64[:, ::1])",
    cache=True,
    nogil=True,
    error_model="numpy",
)
def _log_victory_into(util: FloatArray, weight: FloatArray, m: int, strength: FloatArray, lv: FloatArray) -> None:
    """``lv[x, y] = log P_xy`` for the options ``x, y < m`` (``lv[x, x] = log 1/2``).

    ``util[a, x]`` is the utility to voter ``a`` of option ``x``; ``strength``
    ``(≥ m, ≥ m)`` is scratch space. Voters are added one at a time (a loop
    over option pairs that vectorises).
    """
    for x in range(m):
        for y in range(m):
            strength[x, y] = 0.0
    for a in range(weight.shape[0]):
        wa = weight[a]
        for x in range(m):
            ux = util[a, x]
            for y in range(m):
                strength[x, y] += max(wa * (ux - util[a, y]), 0.0)
    for x in range(m):
        lv[x, x] = np.log(0.5)
        for y in range(x):
            c_xy = ELECTION_EPS + strength[x, y]
            c_yx = ELECTION_EPS + strength[y, x]
            lv[x, y] = np.log(c_xy / (c_xy + c_yx))
            lv[y, x] = np.log(c_yx / (c_yx + c_xy))


@njit(cache=True, nogil=True, error_model="numpy")
def _scratch(n: int, n_dims: int) -> tuple:
    """Work space of :func:`_turn` for ``n`` actors and ``K`` dimensions (see there)."""
    return (
        np.empty((n, n)),  # one_minus
        np.empty((n, n)),  # capped
        np.empty((n, n)),  # own
        np.empty((n, 1 + n)),  # value
        np.empty((n, 1 + n)),  # voters' values of one actor's options
        np.empty((1 + n, 1 + n)),  # strength
        np.empty((1 + n, 1 + n)),  # lv
        np.empty(1 + n, dtype=np.int64),  # opts
        np.empty((10, n)),  # per-actor vectors
        np.empty(n_dims),  # sq
        np.zeros((n, n_dims)),  # b_init
        np.zeros((n, n_dims)),  # b_rcvr
    )


@njit(cache=True, nogil=True, error_model="numpy")
def _turn(
    c: FloatArray,
    x: FloatArray,
    s: FloatArray,
    s_tot: FloatArray,
    s_sq: FloatArray,
    w: FloatArray,
    new_x: FloatArray,
    risk: FloatArray,
    p_pos: FloatArray,
    target: IntArray,
    target_prob: FloatArray,
    target_gain: FloatArray,
    adopted: IntArray,
    work: tuple,
) -> None:
    """One SMP turn of one draw: fills ``new_x`` ``(n, K)`` and the turn's records ``(n,)``.

    ``x`` ``(n, K)`` the state; ``w = c S``; ``work`` from :func:`_scratch`:
    ``one_minus[a, b] = 1 − d_ab``, ``capped[a, b] = min(d_ab, 1)``,
    ``own[a, m] = U^a_am``, ``value[a, o]`` the value to ``a`` of option
    ``o`` (0: status quo, ``1 + i``: ``i``'s bargain), then election and
    per-actor scratch space, and the bargains.
    """
    one_minus, capped, own, value, sub, strength, lv, opts, vec, sq, b_init, b_rcvr = work
    r_i, u_mi, u_mm, a_i, a_j, pro, con, rest = vec[0], vec[1], vec[2], vec[3], vec[4], vec[5], vec[6], vec[7]
    d_init, d_rcvr = vec[8], vec[9]
    n, n_dims = x.shape
    for a in range(n):
        _distance_row(x, a, x, s, s_sq[a], sq, d_init)
        for b in range(n):
            one_minus[a, b] = 1.0 - d_init[b]
            capped[a, b] = min(d_init[b], 1.0)

    # Risk attitudes from the risk-neutral election over positions (U = 1 − d).
    _log_victory_into(one_minus, c, n, strength, lv)
    top = -np.inf
    for i in range(n):
        p_pos[i] = _sum(lv[i], 0, n)
        top = max(top, p_pos[i])
    for i in range(n):
        p_pos[i] = np.exp(p_pos[i] - top)
    total = _sum(p_pos, 0, n)
    p_min, p_max = np.inf, -np.inf
    for i in range(n):
        p_pos[i] /= total
        p_min, p_max = min(p_min, p_pos[i]), max(p_max, p_pos[i])
    spread = p_max - p_min
    for i in range(n):
        risk[i] = (3.0 * p_pos[i] - (p_max + 2.0 * p_min)) / (2.0 * spread) if spread > 0.0 else 0.0

    # Challenges i -> j, each judged by the initiator (h = i): U_ab = U^i_ab.
    for i in range(n):
        for m in range(n):
            r_i[m] = (2.0 * risk[i] + risk[m]) / 3.0
            u_mi[m] = one_minus[m, i] * (1.0 + capped[m, i] * r_i[m])  # U_mi
            u_mm[m] = one_minus[m, m] * (1.0 + capped[m, m] * r_i[m])  # U_mm
        u_ii = u_mm[i]
        for j in range(n):  # (j = i is computed and ignored)
            u_ij = one_minus[i, j] * (1.0 + capped[i, j] * r_i[i])
            con_i = w[i] * (u_ii - u_ij)
            con_j = w[j] * (u_mi[j] - u_mm[j])
            a_i[j] = (CHALLENGE_EPS + max(con_i, 0.0)) + max(con_j, 0.0)
            a_j[j] = (CHALLENGE_EPS - min(con_i, 0.0)) - min(con_j, 0.0)
            pro[j] = 0.0
            con[j] = 0.0
        # Third party m: little contest (i+m : j), then the semi-committed
        # vote t = W_m (π (U_mm − U_mi) + (1 − π)(U_mj − U_mm)), KTAB's
        # difference of expected values after cancelling terms. Third parties
        # are added one at a time, for every j at once (a loop that vectorises).
        for m in range(n):
            if m == i:
                continue
            r_m, u_m_i, u_m_m, w_m = r_i[m], u_mi[m], u_mm[m], w[m]
            for j in range(n):
                u_mj = one_minus[m, j] * (1.0 + capped[m, j] * r_m)
                v = (u_m_i - u_mj) * w_m
                pi = (max(v, 0.0) + a_i[j]) / (abs(v) + (a_i[j] + a_j[j]))
                y = u_mj - u_m_m
                t = (((u_m_m - u_m_i) - y) * pi + y) * w_m
                # j = m adds +0.0, which changes no sum here (none is ever -0.0); no branch
                pro[j] += max(t, 0.0) if j != m else 0.0
                con[j] += min(t, 0.0) if j != m else 0.0
        best, best_gain, best_prob = -1, -np.inf, np.nan
        for j in range(n):
            if j == i:
                continue
            u_ij = one_minus[i, j] * (1.0 + capped[i, j] * r_i[i])
            c_ij = a_i[j] + pro[j]
            c_ji = a_j[j] - con[j]
            p_ij = c_ij / (c_ij + c_ji)
            p_ji = c_ji / (c_ij + c_ji)
            u_win = u_ii + u_ii
            gain = ((1.0 - s_tot[j]) * u_win + s_tot[j] * (p_ij * u_win + p_ji * (u_ij + u_ij))) - (u_ii + u_ij)
            if gain > MIN_GAIN and gain > best_gain:
                best, best_gain, best_prob = j, gain, p_ij
        target[i] = best
        target_prob[i] = best_prob
        target_gain[i] = best_gain if best >= 0 else np.nan

    # S2P2 bargains, interpolated by the initiator; one per initiator i.
    for i in range(n):
        j = target[i]
        if j < 0:
            continue
        p_i = target_prob[i]
        p_o = 1.0 - p_i
        for k in range(n_dims):
            w_i = (s[i, k] * s[i, k]) * (p_i * p_i)
            w_j = (s[j, k] * s[j, k]) * (p_o * p_o)
            den = (w_i + BARGAIN_EPS) + w_j
            b_init[i, k] = _round4(((w_i + BARGAIN_EPS) * x[i, k] + w_j * x[j, k]) / den)
            b_rcvr[i, k] = _round4((w_i * x[i, k] + (BARGAIN_EPS + w_j) * x[j, k]) / den)

    # Value to each actor a of the status quo (option 0) and of bargain i
    # (option 1 + i): the mean over actors of u(d, R_a) after the option.
    for a in range(n):
        r_aa = (2.0 * risk[a] + risk[a]) / 3.0
        for m in range(n):
            own[a, m] = one_minus[a, m] * (1.0 + capped[a, m] * r_aa)
        value[a, 0] = _sum(own[a], 0, n) / n
        for i in range(n):
            rest[i] = 0.0
        for m in range(n):  # everyone but the two principals stays (adding +0.0 changes no sum)
            own_am = own[a, m]
            for i in range(n):
                rest[i] += own_am if m != i and m != target[i] else 0.0
        _distance_row(x, a, b_init, s, s_sq[a], sq, d_init)  # rows of actors without a bargain: unused
        _distance_row(x, a, b_rcvr, s, s_sq[a], sq, d_rcvr)
        for i in range(n):
            if target[i] < 0:
                continue
            u_bi = (1.0 - d_init[i]) * (1.0 + min(d_init[i], 1.0) * risk[a])
            u_br = (1.0 - d_rcvr[i]) * (1.0 + min(d_rcvr[i], 1.0) * risk[a])
            value[a, 1 + i] = ((u_bi + u_br) + rest[i]) / n

    # Each actor k elects among the status quo and the bargains it is part of.
    for k in range(n):
        m = 1
        opts[0] = 0
        for i in range(n):
            if target[i] >= 0 and (i == k or target[i] == k):
                opts[m] = 1 + i
                m += 1
        best = 0
        if m > 1:
            for a in range(n):
                for o in range(m):
                    sub[a, o] = value[a, opts[o]]
            _log_victory_into(sub, c, m, strength, lv)
            best_score = -np.inf
            for o in range(m):
                score = 0.0
                for q in range(m):
                    score += lv[o, q]
                if score > best_score:
                    best, best_score = o, score
        choice = opts[best] - 1
        adopted[k] = choice
        for dim in range(n_dims):
            if choice < 0:
                new_x[k, dim] = x[k, dim]
            elif choice == k:
                new_x[k, dim] = b_init[k, dim]
            else:
                new_x[k, dim] = b_rcvr[choice, dim]


@njit(cache=True, nogil=True, error_model="numpy")
def _run(
    c: FloatArray,
    s: FloatArray,
    min_turns: int,
    min_delta_ratio: float,
    min_first_delta: float,
    traj: FloatArray,
    risk: FloatArray,
    position_prob: FloatArray,
    target: IntArray,
    target_prob: FloatArray,
    target_gain: FloatArray,
    adopted: IntArray,
    movement: FloatArray,
    n_turns: IntArray,
    converged: NDArray[np.bool_],
) -> int:
    """Run every draw to its stopping rule; returns ``T``, the most turns run.

    ``traj`` ``(D, max_turns + 1, n, K)`` holds the input in turn 0; it and
    the per-turn records (prefilled with ``NaN`` or ``-1``) are filled up to
    each draw's last turn, and each draw's last state is repeated up to ``T``.
    """
    n_draws, n_states, n, n_dims = traj.shape
    work = _scratch(n, n_dims)
    s_tot, s_sq, w, norm, sq = np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n_dims)
    most = 0
    for dr in range(n_draws):
        for i in range(n):
            for k in range(n_dims):
                sq[k] = s[dr, i, k] * s[dr, i, k]
            s_tot[i] = _sum(s[dr, i], 0, n_dims)
            s_sq[i] = _sum(sq, 0, n_dims)
            w[i] = s_tot[i] * c[dr, i]
        first = 0.0
        turn = 0
        while turn < n_states - 1:
            x, new_x = traj[dr, turn], traj[dr, turn + 1]
            _turn(
                c[dr], x, s[dr], s_tot, s_sq, w, new_x, risk[dr, turn], position_prob[dr, turn],
                target[dr, turn], target_prob[dr, turn], target_gain[dr, turn], adopted[dr, turn], work,
            )  # fmt: skip
            for i in range(n):
                for k in range(n_dims):
                    sq[k] = (new_x[i, k] - x[i, k]) * (new_x[i, k] - x[i, k])
                norm[i] = np.sqrt(_sum(sq, 0, n_dims))
            move = _sum(norm, 0, n)
            movement[dr, turn] = move
            turn += 1
            if turn == 1:
                first = move + min_first_delta
            if turn >= min_turns and move / first < min_delta_ratio:
                converged[dr] = True
                break
        n_turns[dr] = turn
        most = max(most, turn)
    for dr in range(n_draws):  # stopped draws repeat their last state
        last = traj[dr, n_turns[dr]]
        for t in range(n_turns[dr] + 1, most + 1):
            for i in range(n):  # element by element: a slice assignment compiles Numba's shape-mismatch message
                for k in range(n_dims):
                    traj[dr, t, i, k] = last[i, k]
    return most


# ---------------------------------------------------------------------------
# The run


def smp(
    capability: ArrayLike,
    position: ArrayLike,
    salience: ArrayLike,
    *,
    max_turns: int = 100,
    min_turns: int = 2,
    min_delta_ratio: float = 0.02,
    min_first_delta: float = 1e-4,
) -> SMPResult:
    """Run KTAB's SMP (default configuration) on ``D`` draws at once.

    Args:
        capability: ``(D, n)`` capabilities, ``>= 0``.
        position: ``(D, n, K)`` positions on ``[0, 1]``.
        salience: ``(D, n, K)`` saliences on ``[0, 1]``, each actor's summing to at most 1.
        max_turns: stop after this many turns (KTAB: 100).
        min_turns: the stopping test starts at this turn (KTAB: 2).
        min_delta_ratio: stop when a turn's movement falls below this
            fraction of the first turn's (KTAB: 0.02).
        min_first_delta: added to the first turn's movement (KTAB: 1e-4).

    Returns:
        An :class:`SMPResult`.
    """
    if max_turns < 1:
        raise ValueError("max_turns must be >= 1")
    c, x0, s = _prepare(capability, position, salience)
    n_draws, n, k = x0.shape
    traj = np.empty((n_draws, max_turns + 1, n, k))
    traj[:, 0] = x0
    risk = np.full((n_draws, max_turns, n), np.nan)
    position_prob = np.full((n_draws, max_turns, n), np.nan)
    target = np.full((n_draws, max_turns, n), -1, dtype=np.int64)
    target_prob = np.full((n_draws, max_turns, n), np.nan)
    target_gain = np.full((n_draws, max_turns, n), np.nan)
    adopted = np.full((n_draws, max_turns, n), -1, dtype=np.int64)
    movement = np.full((n_draws, max_turns), np.nan)
    n_turns = np.zeros(n_draws, dtype=np.int64)
    converged = np.zeros(n_draws, dtype=np.bool_)
    turn = _run(
        c,
        s,
        int(min_turns),
        float(min_delta_ratio),
        float(min_first_delta),
        traj,
        risk,
        position_prob,
        target,
        target_prob,
        target_gain,
        adopted,
        movement,
        n_turns,
        converged,
    )
    reason = np.where(converged, STOP_CONVERGED, STOP_MAX_TURNS).astype("<U9")

    out = {
        "trajectory": traj[:, : turn + 1],
        "n_turns": n_turns,
        "stop_reason": reason,
        "risk": risk[:, :turn],
        "position_prob": position_prob[:, :turn],
        "target": target[:, :turn],
        "target_prob": target_prob[:, :turn],
        "target_gain": target_gain[:, :turn],
        "adopted": adopted[:, :turn],
        "movement": movement[:, :turn],
    }
    for name, arr in out.items():
        out[name] = arr = arr.copy()  # trim the unused turns' storage
        arr.setflags(write=False)
    return SMPResult(**out)


# ---------------------------------------------------------------------------
# The one-issue engine interface


def run(problem: BargainingProblem, detail: bool = True) -> BargainingResult:
    """Run the SMP on one issue (``K = 1``) through the common engine interface.

    Positions are rescaled from the issue's scale to ``[0, 1]``; every actor
    needs a positive salience (KTAB's distance divides by it). The forecast
    of a state is :func:`expected_position`; the final one is projected onto
    the interval every veto player accepts
    (:func:`~standoff.engines.base.apply_veto`): the SMP itself has no vetoes.

    ``details``: ``"rounds"`` ``(D,)`` turns run; ``"stop"`` ``(D,)`` 0 when
    the run converged, 2 when it hit the turn cap (the codes of
    ``expected_utility.STOP_NAMES``); with ``detail``, also ``"smp"`` (the
    :class:`SMPResult`) and the forecast after every turn.
    """
    low, span = problem.scale[0], problem.span
    cap = problem.capability
    sal = problem.salience[..., None]
    result = smp(cap, ((problem.position - low) / span)[..., None], sal)
    n_draws, n_states, n, _ = result.trajectory.shape
    states = result.trajectory if detail else result.trajectory[:, -1:]
    kept = states.shape[1]
    expected = expected_position(
        np.repeat(cap, kept, axis=0), states.reshape(n_draws * kept, n, 1), np.repeat(sal, kept, axis=0)
    ).reshape(n_draws, kept)
    details: dict[str, object] = {
        "rounds": result.n_turns.copy(),
        "stop": np.where(result.stop_reason == STOP_CONVERGED, 0, 2),
    }
    if detail:
        details["smp"] = result
    return BargainingResult(
        engine=SPEC_NAME,
        forecast=apply_veto(low + span * expected[:, -1], problem.status_quo, problem.veto),
        trajectory=low + span * result.trajectory[..., 0],
        forecast_by_round=low + span * expected if detail else None,
        details=details,
        rounds=result.n_turns.copy(),
        stop=np.where(result.stop_reason == STOP_CONVERGED, 0, 2),
    )


#: The engine's declaration. Not registered on import: the registry lists its
#: built-in engines itself (``registry.register(SPEC)`` adds it).
SPEC: EngineSpec[BargainingProblem, BargainingResult] = EngineSpec(
    name=SPEC_NAME,
    title="Spatial model of politics (KTAB, default configuration)",
    kind=BARGAINING,
    run=run,
    problem=BargainingProblem,
    result=BargainingResult,
    inputs=("position", "salience", "capability", "scale", "status_quo", "veto"),
    outputs=("forecast", "trajectory", "forecast_by_round", "rounds", "stop", "details"),
    rounds=True,
    kernels=lambda: (_run,),
    compile_seconds=4,
    reference="KAPSARC Toolkit for Behavioral Analysis (KTAB), spatial model of politics; Wise, Lester et al.",
)
