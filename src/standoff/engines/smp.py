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

Departures from KTAB
--------------------
* KTAB cannot run a state in which every actor holds the same position (its
  risk formula divides by ``p_max − p_min = 0`` and a sanity check throws);
  here ``R = 0`` when ``p_max = p_min``, so unanimity simply stays put.
* KTAB rejects zero capability; here it is allowed (the actor has no votes).
* The Condorcet products are taken in log space (no underflow with hundreds
  of actors); sums run in NumPy's order, not KTAB's sequential order. Both
  change values by a few ulps and could only matter at exact ties.
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
from numpy.typing import ArrayLike, NDArray

from standoff.engines.base import BargainingProblem, BargainingResult, EngineSpec, apply_veto

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


def _round4(v: FloatArray) -> FloatArray:
    """Round half up to 4 decimals, as KTAB does for bargains (``v ≥ 0``)."""
    return np.floor(0.5 + v * 10000.0) / 10000.0


def _prepare(
    capability: ArrayLike, position: ArrayLike, salience: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Validate and convert inputs to ``(D, n)``, ``(D, n, K)``, ``(D, n, K)`` float arrays."""
    c = np.array(capability, dtype=float, ndmin=2)
    x = np.array(position, dtype=float)
    s = np.array(salience, dtype=float)
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
# One turn


@dataclass(frozen=True)
class _Turn:
    position: FloatArray  # (D, n, K) the next state
    risk: FloatArray
    position_prob: FloatArray
    target: IntArray
    target_prob: FloatArray
    target_gain: FloatArray
    adopted: IntArray


def _step(c: FloatArray, x: FloatArray, s: FloatArray, s_tot: FloatArray, s_sq: FloatArray) -> _Turn:
    """One SMP turn for ``D`` draws: challenges, bargains, choices."""
    n_draws, n, _ = x.shape
    idx = np.arange(n)
    d = _distance(x, x, s, s_sq)  # (D, a, b)

    # Risk attitudes from the risk-neutral election over positions.
    p_pos = _normalise_log(np.sum(_log_victory(1.0 - d, c), axis=-1))
    risk = _risk_from_prob(p_pos)

    # Estimator h's utilities U^h_ab = u(d_ab, (2 R_h + R_a) / 3), stored as
    # ut[h, b, a] so that ut[i, j, m] = U^i_mj runs along third parties m.
    r_ha = (2.0 * risk[:, :, None] + risk[:, None, :]) / 3.0  # (D, h, a)
    dt = np.swapaxes(d, 1, 2)
    ut = (1.0 - dt)[:, None] * (1.0 + np.minimum(dt, 1.0)[:, None] * r_ha[:, :, None, :])  # (D, i, j, m)
    u_iii = ut[:, idx, idx, idx]  # (D, i)
    u_imi = ut[:, idx, idx, :]  # (D, i, m): U^i_mi
    u_imm = ut[:, idx[:, None], idx[None, :], idx[None, :]]  # (D, i, m): U^i_mm
    u_iij = ut[:, idx[:, None], idx[None, :], idx[:, None]]  # (D, i, j): U^i_ij
    u_iji, u_ijj = u_imi, u_imm  # U^i_ji, U^i_jj

    # Challenges i -> j, each judged by the initiator (h = i).
    w = s_tot * c
    con_i = w[:, :, None] * (u_iii[:, :, None] - u_iij)
    con_j = w[:, None, :] * (u_iji - u_ijj)
    a_i = (CHALLENGE_EPS + np.maximum(con_i, 0.0)) + np.maximum(con_j, 0.0)
    a_j = (CHALLENGE_EPS - np.minimum(con_i, 0.0)) - np.minimum(con_j, 0.0)

    # Third party m: little contest (i+m : j), then the semi-committed vote
    # t = W_m (p (U_mm - U_mi) + (1 - p)(U_mj - U_mm)), which is KTAB's
    # difference of expected values after cancelling terms. (D, i, j, m)
    w_m = w[:, None, None, :]
    v = u_imi[:, :, None, :] - ut
    v *= w_m
    p_im = np.maximum(v, 0.0)
    p_im += a_i[..., None]
    np.abs(v, out=v)
    v += (a_i + a_j)[..., None]
    p_im /= v
    y = ut - u_imm[:, :, None, :]  # U_mj - U_mm
    t = (u_imm - u_imi)[:, :, None, :] - y
    t *= p_im
    t += y
    t *= w_m
    t[:, idx[:, None], idx[None, :], idx[:, None]] = 0.0  # m = i is a principal
    t[:, idx[:, None], idx[None, :], idx[None, :]] = 0.0  # m = j is a principal
    c_ij = a_i + np.sum(np.maximum(t, 0.0), axis=-1)
    c_ji = a_j - np.sum(np.minimum(t, 0.0), axis=-1)
    p_ij = c_ij / (c_ij + c_ji)
    p_ji = c_ji / (c_ij + c_ji)

    u_win = (u_iii + u_iii)[:, :, None]
    u_lose = u_iij + u_iij
    eu_sq = u_iii[:, :, None] + u_iij
    s_j = s_tot[:, None, :]
    gain = ((1.0 - s_j) * u_win + s_j * (p_ij * u_win + p_ji * u_lose)) - eu_sq
    gain = np.where(idx[:, None] != idx[None, :], gain, -np.inf)
    best = np.argmax(np.where(gain > MIN_GAIN, gain, -np.inf), axis=-1)  # (D, i)
    best_gain = np.take_along_axis(gain, best[..., None], axis=-1)[..., 0]
    has_target = best_gain > MIN_GAIN
    target = np.where(has_target, best, -1)
    prob = np.take_along_axis(p_ij, best[..., None], axis=-1)[..., 0]

    # S2P2 bargains, interpolated by the initiator; one per initiator i.
    j_of = np.where(has_target, best, idx[None, :])
    x_j = np.take_along_axis(x, j_of[..., None], axis=1)
    s_j_k = np.take_along_axis(s, j_of[..., None], axis=1)
    p_i = prob[..., None]
    p_o = 1.0 - p_i
    w_i = (s * s) * (p_i * p_i)
    w_j = (s_j_k * s_j_k) * (p_o * p_o)
    den = (w_i + BARGAIN_EPS) + w_j
    b_init = _round4(((w_i + BARGAIN_EPS) * x + w_j * x_j) / den)  # (D, i, K)
    b_rcvr = _round4((w_i * x + (BARGAIN_EPS + w_j) * x_j) / den)

    # Value to each actor a of the status quo and of each bargain.
    r_a = risk[:, :, None]
    own = u_iij  # (D, a, m): U^a_am, a's own view of position m
    u_sq = np.sum(own, axis=-1) / n
    u_bi = _utility(_distance(x, b_init, s, s_sq), r_a)  # (D, a, i)
    u_br = _utility(_distance(x, b_rcvr, s, s_sq), r_a)
    stays = (idx[None, :, None] != idx[None, None, :]) & (j_of[:, :, None] != idx[None, None, :])  # (D, i, m)
    rest = np.einsum("dam,dim->dai", own, stays.astype(float))
    u_opt = np.concatenate([u_sq[..., None], ((u_bi + u_br) + rest) / n], axis=-1)  # (D, a, 1 + n)

    # Each actor k elects among the status quo and the bargains it is part of.
    log_v = _log_victory(u_opt, c)  # (D, 1 + n, 1 + n)
    part = has_target[:, None, :] & ((idx[:, None] == idx[None, :])[None] | (target[:, None, :] == idx[None, :, None]))
    member = np.concatenate([np.ones((n_draws, n, 1), dtype=bool), part], axis=-1)  # (D, k, 1 + n)
    score = np.einsum("dky,dxy->dkx", member.astype(float), log_v)
    choice = np.argmax(np.where(member, score, -np.inf), axis=-1) - 1  # (D, k); -1 = status quo

    pick = np.maximum(choice, 0)[..., None]
    from_init = np.take_along_axis(b_init, pick, axis=1)
    from_rcvr = np.take_along_axis(b_rcvr, pick, axis=1)
    new_x = np.where((choice < 0)[..., None], x, np.where((choice == idx[None, :])[..., None], from_init, from_rcvr))
    return _Turn(
        position=new_x,
        risk=risk,
        position_prob=p_pos,
        target=target,
        target_prob=np.where(has_target, prob, np.nan),
        target_gain=np.where(has_target, best_gain, np.nan),
        adopted=choice,
    )


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
    s_tot = s.sum(axis=-1)
    s_sq = np.sum(s * s, axis=-1)

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
    reason = np.full(n_draws, STOP_MAX_TURNS, dtype="<U9")
    first_move = np.zeros(n_draws)

    active = np.arange(n_draws)  # draws still running
    x = x0
    turn = 0
    while active.size and turn < max_turns:
        step = _step(c[active], x[active], s[active], s_tot[active], s_sq[active])
        move = np.sum(np.linalg.norm(step.position - x[active], axis=-1), axis=-1)
        if turn == 0:
            first_move[active] = move + min_first_delta
        x = traj[:, turn].copy()
        x[active] = step.position
        turn += 1
        traj[:, turn] = x
        risk[active, turn - 1] = step.risk
        position_prob[active, turn - 1] = step.position_prob
        target[active, turn - 1] = step.target
        target_prob[active, turn - 1] = step.target_prob
        target_gain[active, turn - 1] = step.target_gain
        adopted[active, turn - 1] = step.adopted
        movement[active, turn - 1] = move
        n_turns[active] = turn
        quiet = (turn >= min_turns) & (move / first_move[active] < min_delta_ratio)
        reason[active[quiet]] = STOP_CONVERGED
        active = active[~quiet]

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
    )


#: The engine's declaration. Not registered on import: the registry lists its
#: built-in engines itself (``registry.register(SPEC)`` adds it).
SPEC = EngineSpec(
    name=SPEC_NAME,
    title="Spatial model of politics (KTAB, default configuration)",
    kind="bargaining",
    rounds=True,
    stochastic=False,
    run=run,
    reference="KAPSARC Toolkit for Behavioral Analysis (KTAB), spatial model of politics; Wise, Lester et al.",
)
