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
call and none in the turns; ``O(n³)`` work per turn. Rows over actors are
padded to whole 4-wide vectors (the padding holds finite copies that no
result reads) and no array view is taken inside a loop. The innermost loops
add one voter (elections) or one third party (challenges) to all option
pairs or all targets at once, and take distances and a bargain's value for
all actors at once, one dimension at a time, branch-free, which the compiler
vectorises (divisions skip Python's zero check, ``error_model="numpy"``: no
denominator here can be 0). A quantity needed twice is computed once when
both are the same operations on the same operands: ``U^i_ij`` is the row
``own[i]`` of the values; the strengths of the status quo against a bargain
serve both elections the bargain is in; a bargain whose two rounded points
coincide takes one distance. A term that must not count is left out or its
sum put back (adding ``+0.0`` changes no sum here: none is ever ``-0.0``).
Sums over actors and dimensions are pairwise in ``np.sum``'s order, and
voters and third parties are added in actor order, so that values agree
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
    strength = _strengths(np.ascontiguousarray(util, dtype=np.float64), np.ascontiguousarray(weight, dtype=np.float64))
    prob = strength / (strength + np.swapaxes(strength, 1, 2))
    m = prob.shape[-1]
    prob[:, np.arange(m), np.arange(m)] = 0.5
    return np.log(prob)


@njit(cache=True, nogil=True, error_model="numpy")
def _strengths(util: FloatArray, weight: FloatArray) -> FloatArray:
    """``(D, m, m)`` ``C_xy = 1e-8 + Σ_a max(0, w_a (U_ax − U_ay))``: the voters added in order,
    as ``np.sum`` adds ``np.maximum(w (U_x − U_y), 0)`` along the voter axis of a
    ``(D, a, m, m)`` array (the same values to the bit, without that array)."""
    n_draws, n_voters, m = util.shape
    out = np.empty((n_draws, m, m))
    for d in range(n_draws):
        for a in range(n_voters):
            w = weight[d, a]
            for x in range(m):
                u_x = util[d, a, x]
                for y in range(m):
                    v = w * (u_x - util[d, a, y])
                    v = v if v >= 0.0 else 0.0
                    if a == 0:
                        out[d, x, y] = v
                    else:
                        out[d, x, y] += v
        for x in range(m):
            for y in range(m):
                out[d, x, y] = ELECTION_EPS + out[d, x, y]
    return out


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


# Explicit signatures here: callers pass literal integers (``lo = 0`` through the inlined ``_sum``),
# and each literal value would compile a specialisation.
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
    x: FloatArray, a: int, x_t: FloatArray, s: FloatArray, s_sq_a: float, sq: FloatArray, out: FloatArray
) -> None:
    """``out[b] = d_ab`` from ``a``'s ideal to every actor ``b`` (padded columns: ``d_a0``), summing as
    :func:`_distance_sq`; ``x_t`` ``(K, npad)`` the positions by dimension.

    With fewer than eight dimensions that sum is sequential from 0, so it is taken for all
    ``b`` at once, one dimension at a time (a loop over ``b`` that vectorises).
    """
    n, n_dims = x.shape
    npad = out.shape[0]
    if n_dims < 8:
        xa, sa = x[a, 0], s[a, 0]
        for b in range(npad):
            ds = (xa - x_t[0, b]) * sa
            out[b] = ds * ds  # = 0.0 + ds * ds: a square is never -0.0
        for k in range(1, n_dims):
            xa, sa = x[a, k], s[a, k]
            for b in range(npad):
                ds = (xa - x_t[k, b]) * sa
                out[b] += ds * ds
        for b in range(npad):
            out[b] = np.sqrt(out[b] / s_sq_a)
    else:
        for b in range(n):
            out[b] = np.sqrt(_distance_sq(x, a, x, b, s, sq) / s_sq_a)
        for b in range(n, npad):
            out[b] = out[0]


@njit(cache=True, nogil=True, error_model="numpy")
def _scratch(n: int, n_dims: int) -> tuple:
    """Work space of :func:`_turn` for ``n`` actors and ``K`` dimensions (see there).

    Rows over actors are padded to ``npad``, a multiple of 4 (a whole number of
    vectors); the padding holds finite values that no result reads.
    """
    npad = (n + 3) // 4 * 4
    return (
        np.zeros((n, npad)),  # om: one_minus
        np.zeros((n, npad)),  # cp: capped
        np.zeros((n, npad)),  # own
        np.zeros((n, npad)),  # own_t: own transposed
        np.zeros((npad + 4, npad + 4)),  # strength
        np.zeros((npad + 4, npad + 4)),  # lv (an actor's election has up to n + 1 options)
        np.zeros((n, npad)),  # rest, by initiator
        np.zeros((n, npad)),  # val: value of each bargain, by voter
        np.zeros((n, npad)),  # val_t: val transposed
        np.zeros((24, npad)),  # per-actor vectors
        np.zeros(max(n_dims, 1)),  # sq
        np.zeros((n, n_dims)),  # b_init
        np.zeros((n, n_dims)),  # b_rcvr
        np.zeros((n_dims, npad)),  # x_t: positions, by dimension
        np.empty((n, 1 + n), dtype=np.int64),  # opts: the bargains in each actor's election
        np.empty(n, dtype=np.int64),  # n_opts
        np.empty((3, n * n), dtype=np.int64),  # pairs of bargains in one election
    )


@njit(cache=True, nogil=True, error_model="numpy")
def _position_election(
    c: FloatArray, om: FloatArray, n: int, risk: FloatArray, p_pos: FloatArray, strength: FloatArray, lv: FloatArray
) -> None:
    """Risk attitudes ``risk`` and probabilities ``p_pos`` from the risk-neutral election over positions (U = 1 − d).

    Voters are added one at a time to every option pair (rows padded, a loop that vectorises).
    """
    npad = om.shape[1]
    for x in range(n):
        for y in range(npad):
            strength[x, y] = 0.0
    for a in range(n):
        wa = c[a]
        for x in range(n):
            ux = om[a, x]
            for y in range(npad):
                strength[x, y] += max(wa * (ux - om[a, y]), 0.0)
    for x in range(n):
        lv[x, x] = np.log(0.5)
        for y in range(x):
            c_xy = ELECTION_EPS + strength[x, y]
            c_yx = ELECTION_EPS + strength[y, x]
            lv[x, y] = np.log(c_xy / (c_xy + c_yx))
            lv[y, x] = np.log(c_yx / (c_yx + c_xy))
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


@njit(cache=True, nogil=True, error_model="numpy")
def _challenges(
    om: FloatArray,
    cp: FloatArray,
    n: int,
    rk: FloatArray,
    w: FloatArray,
    s_tot: FloatArray,
    own: FloatArray,
    vec: FloatArray,
    target: IntArray,
    target_prob: FloatArray,
    target_gain: FloatArray,
) -> None:
    """Each initiator's best challenge, judged by itself (h = i): ``U_ab = U^i_ab``; fills ``own[i] = U^i_i·``.

    ``rk`` ``(npad,)`` the risk attitudes, padded; ``w`` and ``s_tot`` padded too.
    """
    npad = om.shape[1]
    r_i, u_mi, u_mm, a_i, a_j, a_s, pro, con, gain, p_win, om_d, cp_d = (
        vec[0], vec[1], vec[2], vec[3], vec[4], vec[5], vec[6], vec[7], vec[8], vec[9], vec[10], vec[11]
    )  # fmt: skip
    for m in range(n):
        om_d[m] = om[m, m]
        cp_d[m] = cp[m, m]
    for m in range(n, npad):
        om_d[m] = om_d[0]
        cp_d[m] = cp_d[0]
    for i in range(n):
        twice = 2.0 * rk[i]
        for m in range(npad):
            r_i[m] = (twice + rk[m]) / 3.0
        for m in range(n):
            u_mi[m] = om[m, i] * (1.0 + cp[m, i] * r_i[m])  # U_mi
        for m in range(n, npad):
            u_mi[m] = u_mi[0]
        for m in range(npad):
            u_mm[m] = om_d[m] * (1.0 + cp_d[m] * r_i[m])  # U_mm
        u_ii = u_mm[i]
        r_ii = r_i[i]
        w_i = w[i]
        for j in range(npad):  # (j = i is computed and ignored)
            u_ij = om[i, j] * (1.0 + cp[i, j] * r_ii)
            own[i, j] = u_ij
            con_i = w_i * (u_ii - u_ij)
            con_j = w[j] * (u_mi[j] - u_mm[j])
            ai = (CHALLENGE_EPS + max(con_i, 0.0)) + max(con_j, 0.0)
            aj = (CHALLENGE_EPS - min(con_i, 0.0)) - min(con_j, 0.0)
            a_i[j] = ai
            a_j[j] = aj
            a_s[j] = ai + aj
            pro[j] = 0.0
            con[j] = 0.0
        # Third party m: little contest (i+m : j), then the semi-committed
        # vote t = W_m (π (U_mm − U_mi) + (1 − π)(U_mj − U_mm)), KTAB's
        # difference of expected values after cancelling terms. Third parties
        # are added one at a time, for every j at once (a loop that vectorises);
        # j = m takes no vote: its sums are put back after the loop.
        for m in range(n):
            if m == i:
                continue
            r_m, u_m_i, u_m_m, w_m = r_i[m], u_mi[m], u_mm[m], w[m]
            d_m = u_m_m - u_m_i
            pro_m, con_m = pro[m], con[m]
            for j in range(npad):
                u_mj = om[m, j] * (1.0 + cp[m, j] * r_m)
                v = (u_m_i - u_mj) * w_m
                pi = (max(v, 0.0) + a_i[j]) / (abs(v) + a_s[j])
                y = u_mj - u_m_m
                t = ((d_m - y) * pi + y) * w_m
                pro[j] += max(t, 0.0)
                con[j] += min(t, 0.0)
            pro[m] = pro_m
            con[m] = con_m
        u_win = u_ii + u_ii
        for j in range(npad):
            u_ij = own[i, j]
            c_ij = a_i[j] + pro[j]
            c_ji = a_j[j] - con[j]
            p_ij = c_ij / (c_ij + c_ji)
            p_ji = c_ji / (c_ij + c_ji)
            gain[j] = ((1.0 - s_tot[j]) * u_win + s_tot[j] * (p_ij * u_win + p_ji * (u_ij + u_ij))) - (u_ii + u_ij)
            p_win[j] = p_ij
        best, best_gain, best_prob = -1, -np.inf, np.nan
        for j in range(n):
            if j != i and gain[j] > MIN_GAIN and gain[j] > best_gain:
                best, best_gain, best_prob = j, gain[j], p_win[j]
        target[i] = best
        target_prob[i] = best_prob
        target_gain[i] = best_gain if best >= 0 else np.nan


@njit(cache=True, nogil=True, error_model="numpy")
def _sq_distances(
    x: FloatArray,
    s: FloatArray,
    x_t: FloatArray,
    s_t: FloatArray,
    pos: FloatArray,
    b: int,
    sq: FloatArray,
    out: FloatArray,
) -> None:
    """``out[a] = Σ_k (s_ak (x_ak − pos_bk))²`` for every actor ``a`` (padded), summed as :func:`_distance_sq`.

    ``x_t``, ``s_t`` ``(K, npad)``: positions and saliences by dimension. With fewer than eight
    dimensions that sum is sequential from 0, taken for all ``a`` at once (a loop that vectorises).
    """
    n, n_dims = x.shape
    if n_dims < 8:
        p0 = pos[b, 0]
        for a in range(out.shape[0]):
            ds = (x_t[0, a] - p0) * s_t[0, a]
            out[a] = ds * ds  # = 0.0 + ds * ds: a square is never -0.0
        for k in range(1, n_dims):
            pk = pos[b, k]
            for a in range(out.shape[0]):
                ds = (x_t[k, a] - pk) * s_t[k, a]
                out[a] += ds * ds
    else:
        for a in range(n):
            out[a] = _distance_sq(x, a, pos, b, s, sq)


@njit(cache=True, nogil=True, error_model="numpy")
def _values(
    x: FloatArray,
    s: FloatArray,
    s_t: FloatArray,
    s_sq: FloatArray,
    rk: FloatArray,
    target: IntArray,
    own: FloatArray,
    own_t: FloatArray,
    rest: FloatArray,
    b_init: FloatArray,
    b_rcvr: FloatArray,
    x_t: FloatArray,
    sq: FloatArray,
    vec: FloatArray,
    val_t: FloatArray,
    val: FloatArray,
) -> None:
    """Value to each actor ``a`` of the status quo (``vec[12, a]``) and of bargain ``i`` (``val[a, i]``).

    The mean over actors of ``u(d, R_a)`` after the option (``own[a] = U^a_a·``).
    Each bargain's value is taken for every voter at once (loops over ``a`` that vectorise).
    """
    n, n_dims = x.shape
    npad = own.shape[1]
    v0, d_i, d_r = vec[12], vec[13], vec[14]
    for a in range(n):
        v0[a] = _sum(own[a], 0, n) / n
        for m in range(n):
            own_t[m, a] = own[a, m]
    for i in range(n):
        t = target[i]
        if t < 0:
            continue
        # everyone but the two principals stays (leaving them out of the sum changes no value)
        for a in range(npad):
            rest[i, a] = 0.0
        for m in range(n):
            if m != i and m != t:
                for a in range(npad):
                    rest[i, a] += own_t[m, a]
        same = True  # usually the two rounded bargains coincide: one distance then serves both
        for k in range(n_dims):
            same = same and b_init[i, k] == b_rcvr[i, k]
        _sq_distances(x, s, x_t, s_t, b_init, i, sq, d_i)
        if not same:
            _sq_distances(x, s, x_t, s_t, b_rcvr, i, sq, d_r)
        if same:
            for a in range(npad):
                d = np.sqrt(d_i[a] / s_sq[a])
                u_b = (1.0 - d) * (1.0 + min(d, 1.0) * rk[a])
                val_t[i, a] = ((u_b + u_b) + rest[i, a]) / n
        else:
            for a in range(npad):
                d = np.sqrt(d_i[a] / s_sq[a])
                u_bi = (1.0 - d) * (1.0 + min(d, 1.0) * rk[a])
                d = np.sqrt(d_r[a] / s_sq[a])
                u_br = (1.0 - d) * (1.0 + min(d, 1.0) * rk[a])
                val_t[i, a] = ((u_bi + u_br) + rest[i, a]) / n
        for a in range(n):
            val[a, i] = val_t[i, a]


@njit(cache=True, nogil=True, error_model="numpy")
def _elections(
    c: FloatArray,
    x: FloatArray,
    target: IntArray,
    val: FloatArray,
    val_t: FloatArray,
    vec: FloatArray,
    lv: FloatArray,
    opts: IntArray,
    n_opts: IntArray,
    pairs: IntArray,
    b_init: FloatArray,
    b_rcvr: FloatArray,
    new_x: FloatArray,
    adopted: IntArray,
) -> None:
    """Each actor ``k`` elects among the status quo and the bargains it is part of; fills ``new_x`` and ``adopted``.

    ``val[a, i]`` the value to ``a`` of ``i``'s bargain, ``vec[12, a]`` of the status
    quo (``val_t`` is ``val`` transposed). The strengths of an option pair do not
    depend on whose election it is: those of the status quo against every
    bargain are taken once, for all bargains at once (a loop that vectorises);
    those of two bargains per election, both directions in one pass over the voters.
    """
    n, n_dims = x.shape
    npad = val.shape[1]
    v0, s_0o, s_o0, lv_0o, lv_o0, fwd, bwd = vec[12], vec[15], vec[16], vec[17], vec[18], vec[21], vec[22]
    for i in range(npad):
        s_0o[i] = 0.0
        s_o0[i] = 0.0
    for a in range(n):
        ca, u0 = c[a], v0[a]
        for i in range(npad):
            s_0o[i] += max(ca * (u0 - val[a, i]), 0.0)
            s_o0[i] += max(ca * (val[a, i] - u0), 0.0)
    for k in range(n):
        n_opts[k] = 0
    for i in range(n):  # k's bargains in initiator order: its own and those offered to it
        t = target[i]
        if t >= 0:
            c_o0 = ELECTION_EPS + s_o0[i]
            c_0o = ELECTION_EPS + s_0o[i]
            lv_o0[i] = np.log(c_o0 / (c_o0 + c_0o))
            lv_0o[i] = np.log(c_0o / (c_0o + c_o0))
            opts[i, n_opts[i]] = i
            n_opts[i] += 1
            opts[t, n_opts[t]] = i
            n_opts[t] += 1
    half = np.log(0.5)
    for k in range(n):
        mb = n_opts[k]
        best = 0
        if mb > 0:
            m = mb + 1
            lv[0, 0] = half
            for q in range(mb):
                lv[0, 1 + q] = lv_0o[opts[k, q]]
                lv[1 + q, 0] = lv_o0[opts[k, q]]
                lv[1 + q, 1 + q] = half
            n_pairs = 0  # two bargains: both directions in one pass over the voters, four pairs at a time
            for p in range(1, mb):
                for q in range(p):
                    pairs[0, n_pairs] = opts[k, p]
                    pairs[1, n_pairs] = opts[k, q]
                    pairs[2, n_pairs] = (1 + p) * (n + 1) + 1 + q
                    n_pairs += 1
            for e in range(0, n_pairs, 4):  # (spare lanes repeat the last pair)
                e_1, e_2, e_3 = min(e + 1, n_pairs - 1), min(e + 2, n_pairs - 1), min(e + 3, n_pairs - 1)
                p_0, p_1, p_2, p_3 = pairs[0, e], pairs[0, e_1], pairs[0, e_2], pairs[0, e_3]
                q_0, q_1, q_2, q_3 = pairs[1, e], pairs[1, e_1], pairs[1, e_2], pairs[1, e_3]
                f_0 = f_1 = f_2 = f_3 = b_0 = b_1 = b_2 = b_3 = 0.0
                for a in range(n):
                    ca = c[a]
                    u_p, u_q = val_t[p_0, a], val_t[q_0, a]
                    f_0 += max(ca * (u_p - u_q), 0.0)
                    b_0 += max(ca * (u_q - u_p), 0.0)
                    u_p, u_q = val_t[p_1, a], val_t[q_1, a]
                    f_1 += max(ca * (u_p - u_q), 0.0)
                    b_1 += max(ca * (u_q - u_p), 0.0)
                    u_p, u_q = val_t[p_2, a], val_t[q_2, a]
                    f_2 += max(ca * (u_p - u_q), 0.0)
                    b_2 += max(ca * (u_q - u_p), 0.0)
                    u_p, u_q = val_t[p_3, a], val_t[q_3, a]
                    f_3 += max(ca * (u_p - u_q), 0.0)
                    b_3 += max(ca * (u_q - u_p), 0.0)
                fwd[0], fwd[1], fwd[2], fwd[3] = f_0, f_1, f_2, f_3
                bwd[0], bwd[1], bwd[2], bwd[3] = b_0, b_1, b_2, b_3
                for lane in range(min(4, n_pairs - e)):
                    at = pairs[2, e + lane]
                    x_, y_ = at // (n + 1), at % (n + 1)
                    c_pq = ELECTION_EPS + fwd[lane]
                    c_qp = ELECTION_EPS + bwd[lane]
                    lv[x_, y_] = np.log(c_pq / (c_pq + c_qp))
                    lv[y_, x_] = np.log(c_qp / (c_qp + c_pq))
            best_score = -np.inf
            for o in range(m):
                score = 0.0
                for q in range(m):
                    score += lv[o, q]
                if score > best_score:
                    best, best_score = o, score
        choice = opts[k, best - 1] if best > 0 else -1
        adopted[k] = choice
        for dim in range(n_dims):
            if choice < 0:
                new_x[k, dim] = x[k, dim]
            elif choice == k:
                new_x[k, dim] = b_init[k, dim]
            else:
                new_x[k, dim] = b_rcvr[choice, dim]


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _turn(
    c: FloatArray,
    x: FloatArray,
    s: FloatArray,
    s_t: FloatArray,
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

    ``x`` ``(n, K)`` the state; ``w = c S``; ``s_t``, ``s_tot``, ``s_sq``, ``w``
    padded to ``npad``; ``work`` from :func:`_scratch`: ``om[a, b] = 1 − d_ab``,
    ``cp[a, b] = min(d_ab, 1)``, ``own[a, m] = U^a_am``, then scratch space
    for the elections and values, and the bargains.
    """
    om, cp, own, own_t, strength, lv, rest, val, val_t, vec, sq, b_init, b_rcvr, x_t, opts, n_opts, pairs = work
    n, n_dims = x.shape
    npad = om.shape[1]
    d_row, rk = vec[19], vec[20]
    for k in range(n_dims):
        for a in range(n):
            x_t[k, a] = x[a, k]
        for a in range(n, npad):
            x_t[k, a] = x[0, k]
    for a in range(n):
        _distance_row(x, a, x_t, s, s_sq[a], sq, d_row)
        for b in range(npad):
            om[a, b] = 1.0 - d_row[b]
            cp[a, b] = min(d_row[b], 1.0)

    _position_election(c, om, n, risk, p_pos, strength, lv)
    for i in range(n):
        rk[i] = risk[i]
    for i in range(n, npad):
        rk[i] = risk[0]

    _challenges(om, cp, n, rk, w, s_tot, own, vec, target, target_prob, target_gain)

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

    _values(x, s, s_t, s_sq, rk, target, own, own_t, rest, b_init, b_rcvr, x_t, sq, vec, val_t, val)
    _elections(c, x, target, val, val_t, vec, lv, opts, n_opts, pairs, b_init, b_rcvr, new_x, adopted)


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
    the per-turn records are filled up to each draw's last turn, and each
    draw's last state is repeated up to ``T``.
    """
    n_draws, n_states, n, n_dims = traj.shape
    work = _scratch(n, n_dims)
    npad = work[0].shape[1]
    s_tot, s_sq, w, norm, sq = np.empty(npad), np.empty(npad), np.empty(npad), np.empty(n), np.empty(n_dims)
    s_t = np.empty((n_dims, npad))
    most = 0
    for dr in range(n_draws):
        for i in range(n):
            for k in range(n_dims):
                sq[k] = s[dr, i, k] * s[dr, i, k]
            s_tot[i] = _sum(s[dr, i], 0, n_dims)
            s_sq[i] = _sum(sq, 0, n_dims)
            w[i] = s_tot[i] * c[dr, i]
            for k in range(n_dims):
                s_t[k, i] = s[dr, i, k]
        for i in range(n, npad):  # padding: copies of actor 0
            s_tot[i], s_sq[i], w[i] = s_tot[0], s_sq[0], w[0]
            for k in range(n_dims):
                s_t[k, i] = s_t[k, 0]
        first = 0.0
        turn = 0
        while turn < n_states - 1:
            x, new_x = traj[dr, turn], traj[dr, turn + 1]
            _turn(
                c[dr], x, s[dr], s_t, s_tot, s_sq, w, new_x, risk[dr, turn], position_prob[dr, turn],
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
    # per-turn records: filled by the kernel up to each draw's last turn, the rest after the run
    risk, position_prob, target_prob, target_gain = (np.empty((n_draws, max_turns, n)) for _ in range(4))
    target, adopted = (np.empty((n_draws, max_turns, n), dtype=np.int64) for _ in range(2))
    movement = np.empty((n_draws, max_turns))
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
    after_last = np.arange(turn) >= n_turns[:, None]  # (D, T): turns a draw did not run
    for record in (risk, position_prob, target_prob, target_gain, movement):
        record[:, :turn][after_last] = np.nan
    for choice in (target, adopted):
        choice[:, :turn][after_last] = -1

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
        if turn < max_turns:
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
    compile_seconds=9,
    reference="KAPSARC Toolkit for Behavioral Analysis (KTAB), spatial model of politics; Wise, Lester et al.",
)
