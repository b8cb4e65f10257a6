r"""KTAB's spatial model of politics (SMP), vectorised over draws.

Source
------
KTAB, the KAPSARC Toolkit for Behavioral Analysis (King Abdullah Petroleum
Studies and Research Center, MIT licence, (c) 2015 KAPSARC), its ``smpc``
program; B. Wise, "Spatial model of politics" documentation and Wise, Lester
et al., KAPSARC discussion papers on KTAB. This module implements the SMP in
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
from standoff.engines.registry import register

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

__all__ = [
    "SMPResult",
    "SPEC",
    "distinct_distribution",
    "estimator_utilities",
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
    """KTAB's utility of distance ``d`` for risk attitude ``r`` (broadcast)."""
    return np.where(d <= 1.0, (1.0 - d) * (1.0 + d * r), (1.0 - d) * (1.0 + r))


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


def estimator_utilities(d: FloatArray, risk: FloatArray) -> FloatArray:
    """``U^h_ab = u(d_ab, (2 R_h + R_a) / 3)``: ``(D, h, a, b)`` from ``d`` ``(D, a, b)`` and ``R`` ``(D, n)``."""
    r_ha = (2.0 * risk[:, :, None] + risk[:, None, :]) / 3.0
    return _utility(d[:, None, :, :], r_ha[:, :, :, None])


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
    u = estimator_utilities(d, risk)  # (D, h, a, b)

    # Challenges i -> j, each judged by the initiator (h = i).
    w = s_tot * c
    u_iii = u[:, idx, idx, idx]  # (D, i)
    u_iij = u[:, idx, idx, :]  # (D, i, j): U^i_ij
    u_iji = u[:, idx[:, None], idx[None, :], idx[:, None]]  # (D, i, j): U^i_ji
    u_ijj = u[:, idx[:, None], idx[None, :], idx[None, :]]  # (D, i, j): U^i_jj
    u_imm = np.diagonal(u, axis1=2, axis2=3)  # (D, i, m): U^i_mm
    u_imj = np.swapaxes(u, 2, 3)  # (D, i, j, m): U^i_mj
    u_imi = u_iji[:, :, None, :]  # (D, i, 1, m): U^i_mi

    con_i = w[:, :, None] * (u_iii[:, :, None] - u_iij)
    con_j = w[:, None, :] * (u_iji - u_ijj)
    a_i = (CHALLENGE_EPS + np.maximum(con_i, 0.0)) + np.maximum(con_j, 0.0)
    a_j = (CHALLENGE_EPS - np.minimum(con_i, 0.0)) - np.minimum(con_j, 0.0)

    v = w[:, None, None, :] * (u_imi - u_imj)  # (D, i, j, m)
    c_im = a_i[..., None] + np.maximum(v, 0.0)
    c_jm = a_j[..., None] + np.maximum(-v, 0.0)
    p_im = c_im / (c_im + c_jm)
    p_jm = 1.0 - p_im
    two_mi = u_imi + u_imi
    two_mj = u_imj + u_imj
    u_mm = u_imm[:, :, None, :]
    e_i = p_im * (two_mi + u_mm) + p_jm * (two_mj + u_imj)
    e_j = p_im * (two_mi + u_imi) + p_jm * (two_mj + u_mm)
    t = w[:, None, None, :] * (e_i - e_j)
    third = (idx[:, None, None] != idx[None, None, :]) & (idx[None, :, None] != idx[None, None, :])
    c_ij = a_i + np.sum(np.where(third, np.maximum(t, 0.0), 0.0), axis=-1)
    c_ji = a_j + np.sum(np.where(third, np.maximum(-t, 0.0), 0.0), axis=-1)
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
    new_x = np.where(
        (choice < 0)[..., None], x, np.where((choice == idx[None, :])[..., None], from_init, from_rcvr)
    )
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

    states = [x0.copy()]
    per_turn: dict[str, list[np.ndarray]] = {f: [] for f in ("risk", "position_prob", "target", "target_prob",
                                                               "target_gain", "adopted", "movement")}
    n_turns = np.zeros(n_draws, dtype=np.int64)
    reason = np.full(n_draws, STOP_MAX_TURNS, dtype="<U9")
    first_move = np.zeros(n_draws)
    active = np.arange(n_draws)
    x = x0.copy()
    for turn in range(1, max_turns + 1):
        step = _step(c[active], x[active], s[active], s_tot[active], s_sq[active])
        move = np.sum(np.linalg.norm(step.position - x[active], axis=-1), axis=-1)
        if turn == 1:
            first_move[active] = move + min_first_delta
        fields = {
            "risk": (step.risk, np.nan), "position_prob": (step.position_prob, np.nan),
            "target": (step.target, -1), "target_prob": (step.target_prob, np.nan),
            "target_gain": (step.target_gain, np.nan), "adopted": (step.adopted, -1),
            "movement": (move, np.nan),
        }
        for name, (value, fill) in fields.items():
            full = np.full((n_draws,) + value.shape[1:], fill, dtype=value.dtype)
            full[active] = value
            per_turn[name].append(full)
        x = x.copy()
        x[active] = step.position
        states.append(x)
        n_turns[active] = turn
        quiet = (turn >= min_turns) & (move / first_move[active] < min_delta_ratio)
        reason[active[quiet]] = STOP_CONVERGED
        active = active[~quiet]
        if active.size == 0:
            break

    stack = {name: np.stack(v, axis=1) for name, v in per_turn.items()}
    return SMPResult(
        trajectory=np.stack(states, axis=1),
        n_turns=n_turns,
        stop_reason=reason,
        risk=stack["risk"],
        position_prob=stack["position_prob"],
        target=stack["target"].astype(np.int64),
        target_prob=stack["target_prob"],
        target_gain=stack["target_gain"],
        adopted=stack["adopted"].astype(np.int64),
        movement=stack["movement"],
    )


# ---------------------------------------------------------------------------
# The one-issue engine interface


def run(problem: BargainingProblem) -> BargainingResult:
    """Run the SMP on one issue (``K = 1``) through the common engine interface.

    Positions are rescaled from the issue's scale to ``[0, 1]``. The forecast
    after each round is :func:`expected_position` of that round's state; the
    final forecast is projected onto the interval every veto player accepts
    (:func:`~standoff.engines.base.apply_veto`); the SMP itself has no vetoes.

    ``details``: ``"smp"``, the :class:`SMPResult`.
    """
    low, span = problem.scale[0], problem.span
    cap = problem.capability
    sal = problem.salience[..., None]
    result = smp(cap, ((problem.position - low) / span)[..., None], sal)
    n_draws, n_states, n, _ = result.trajectory.shape
    flat = result.trajectory.reshape(n_draws * n_states, n, 1)
    expected = expected_position(
        np.repeat(cap, n_states, axis=0), flat, np.repeat(sal, n_states, axis=0)
    ).reshape(n_draws, n_states)
    by_round = low + span * expected
    return BargainingResult(
        engine="smp",
        forecast=apply_veto(by_round[:, -1], problem.status_quo, problem.veto),
        trajectory=low + span * result.trajectory[..., 0],
        forecast_by_round=by_round,
        details={"smp": result},
    )


SPEC = register(
    EngineSpec(
        name="smp",
        title="KTAB spatial model of politics (default configuration)",
        kind="bargaining",
        rounds=True,
        stochastic=False,
        run=run,
        reference="KAPSARC Toolkit for Behavioral Analysis (KTAB), spatial model of politics; Wise, Lester et al.",
    )
)
