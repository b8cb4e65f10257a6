r"""Exchange of voting positions across issues: Stokman's equal-gain model.

Stokman, F. N. & Van Oosten, R. (1994). "The exchange of voting positions: an
object-oriented model of policy networks". In B. Bueno de Mesquita & F. N.
Stokman (eds.), *European Community Decision Making: Models, Applications, and
Comparisons*, 105-127. New Haven: Yale University Press.

This is the *equal-gain* variant as implemented by the Python package
``decide-exchange-model`` (version 2025.3.1, "decide" below). The rules 1-8
are decide's, read from its behaviour and restated here; where decide's result
hangs on rounding noise or on coin flips, the choice is an input (see
"Departures"). With those inputs recovered, the engine reproduces decide's
output on its example input to about 1e-13 (``tests/test_exchange.py``).

Notation (shapes with the leading draw axis ``D``; ``n`` actors, ``m`` issues)
------------------------------------------------------------------------------
Positions are rescaled to ``[0, 100]`` per issue, ``x = (x_raw - low) * 100 /
(high - low)``; every threshold below is in those units, and results are
given back on each issue's own scale. Actor ``a`` on issue ``d``: position
``x_ad``, salience ``s_ad``, power (capability) ``c_ad``, weight ``w_ad = c_ad
s_ad``, ``W_d = sum_a w_ad``. The forecast of an issue is the weighted mean

    O_d = sum_a w_ad x_ad / W_d.                                          (1)

A round
-------
1. *Groups.* For each pair of issues ``(p, q)``, ``p`` before ``q`` in input
   order, the actors with data on both are split by the side of each forecast
   they are on (left: ``x_ad <= O_d``): A right of both, B left of ``p`` only,
   C left of ``q`` only, D left of both. Each (A, D) and each (B, C) pair of
   actors, who are on opposite sides of both forecasts, is a candidate.
2. *Roles.* Of the two, ``i`` is the one with the larger ``s_ap / s_aq`` (on
   equality the A or B member). ``i`` *demands* ``p`` and *supplies* ``q``
   (moves on ``q`` toward ``j``); ``j`` demands ``q`` and supplies ``p``.
3. *Equal gain.* If ``j`` moved all the way to ``x_ip``, ``O_p`` would shift
   by ``dp = |x_ip - x_jp| w_jp / W_p``. The shift on ``q`` that gives both
   actors the same salience-weighted gain is

       dq = dp (s_ip + s_jp) / (s_iq + s_jq),                             (2)

   which ``i`` produces by moving ``|m_i| = dq W_q / w_iq``; if that passes
   ``x_jq``, ``i`` moves to ``x_jq`` instead and ``dp`` follows from (2), with
   ``|m_j| = dp W_p / w_jp``. Both actors gain

       G = |dq s_iq - dp s_ip| = |dp s_jp - dq s_jq|
         = dp |s_ip s_jq - s_iq s_jp| / (s_iq + s_jq).                    (3)

   Voting positions ``y = x + m``, each move signed toward the partner.
4. *The demander's position bounds the forecast.* For side ``S`` (``i``, then
   ``j``) with partner ``O``, the forecast of ``S``'s supply issue is
   recomputed with ``S`` at ``x_S`` (``O_0``) and at ``y_S`` (``O_1``), from the
   round's start positions overridden by the "updates" (rule 7) recorded for
   ``O`` on that issue. If ``O``'s position ``x_O`` lies strictly between
   ``O_0`` and ``O_1``, the move is cut to ``|m_S| = W |x_O - O_0| / w_S`` (the
   forecast lands on ``x_O``); the shift is carried to the other issue with
   (2), giving ``m_O`` and ``G``. If ``O_0`` already equals ``x_O`` (within
   ``1e-9``), see "at target" below.
5. *Validity.* ``G >= 1e-10``, and for both sides ``1e-10 < |m| <= 100``,
   ``0 <= x + m <= 100``, and with the moves the side was assigned earlier in
   the round (rule 7) the sum is at most 100 and all signs agree.
6. *Realisation.* The candidates form a list in creation order (issue pair;
   the (A, D) block, then (B, C); actor order). At each step the list is
   sorted *in place*, by gain, highest first, stably (so equal gains keep the
   order of the previous sort), and its head is taken off; if valid it is
   realised. If the runner-up has the same gain, a coin decides: below 0.5
   the head is realised and the runner-up appended to the end of the list
   once more (it is then in the list twice); otherwise the runner-up is
   realised and the head appended to the end.
7. *Recalculation.* After realising ``R``, each remaining valid candidate
   that shares an (actor, supplied issue) with a side of ``R`` takes that
   side's voting position as its position; each candidate in which an actor
   of ``R`` demands the issue that actor's partner in ``R`` supplied records
   the partner's voting position as an update (if one is already recorded:
   the smaller of the two when the partner's start position is at or below
   the recorded one, else the larger). Such candidates are recomputed (3-5)
   in list order, each occurrence in turn; the others are kept as they are;
   those no longer valid leave the list. In a recomputed candidate, a side
   whose position moved keeps its previous move in its history (rule 5), the
   other side's previous move is dropped.
8. *End of round.* An actor's voting position on an issue is its ``y`` in
   the last realised exchange in which it supplied that issue, else its
   position; the voting forecast is (1) on voting positions. The next round
   starts from

       x' = x + ((1 - s) sw + fw) (y - x),   sw = 0.4, fw = 0.1.           (4)

Results per round: the forecasts at the start of the round and on the voting
positions, the positions and voting positions, the realised exchanges.

Departures and choices
----------------------
* *Arithmetic.* float64; decide computes in 28-digit decimals. Gains within
  ``tie_tolerance`` (``1e-9``) count as equal in the sort and the tie test
  (decide: exact order; tie if ``|G_1 - G_2| < 1e-20``), so gains that are
  equal in exact arithmetic are ordered by the list, not by rounding noise.
  "Left" allows ``1e-9`` so that unanimity is robust to rounding.
* *Ties* (rule 6). decide flips ``random.random()``, unseeded, at each tie:
  its output is one random draw among the tie resolutions. Here the coins are
  an input, ``tie_draws`` (default: always the head).
* *At target* (rule 4). When ``O_0`` equals ``x_O`` in exact arithmetic, as
  it does right after an exchange that was cut to land the forecast there,
  decide's outcome depends on the sign of its rounding error in ``x_O -
  O_0``: the move passes in full (exact arithmetic, and about half the noise
  signs) or is cut to nothing. ``at_target="pass"`` (default) takes decide's
  exact-arithmetic reading, ``"cut"`` the rule's intent (the forecast never
  passes the demander), ``target_draws`` a coin per event (``>= 0.5``: cut).
  Events are numbered per draw in the order the engine meets them: within one
  batch of recomputations, all ``i`` sides in list order, then all ``j``
  sides (decide goes candidate by candidate).
* *Updates* (rule 7) are kept per (demanding actor, issue): every candidate
  still in the list in which that actor demands that issue has seen the same
  records, so this equals decide's per-candidate records, except when a
  candidate listed twice is realised and then recomputed against itself,
  which changes its voting position only by rounding noise.
* *Roles* (rule 2) compare ``s_ap s_bq`` with ``s_bp s_aq``; a zero division
  (zero power or salience on an issue an actor would move on) makes the
  candidate invalid where decide raises.
* Not implemented: decide's randomised equal-gain variant (``p > 0``) and its
  random-rate model.
* MODELS.md describes the model in outline; rules 4, 5, 7 and 8 and the
  constants ``1e-10``, ``sw`` and ``fw`` come from decide, and the paper's
  text was not checked against them here.

Computation
-----------
The loop runs over realisation steps (the order of realisation is sequential
by nature), each step vectorised over draws and over candidates, held in
``(D, K)`` arrays (``K`` the largest number of candidates in a draw, about
``m^2 n^2 / 8``); the recomputations after a realisation are one batch (more
only when a candidate is listed twice). Memory grows as ``D K``: run large
Monte Carlo batches in chunks of draws.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from standoff.engines.base import BargainingProblem, BargainingResult, EngineSpec, apply_veto

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

__all__ = [
    "ExchangeProblem",
    "ExchangeResult",
    "RealisedExchanges",
    "run_exchange",
    "random_tie_draws",
    "DrawsExhausted",
    "MIN_MOVE",
    "MIN_GAIN",
    "SALIENCE_WEIGHT",
    "FIXED_WEIGHT",
]

#: Moves and gains at or below these (in 0-100 units) make an exchange invalid.
MIN_MOVE = 1e-10
MIN_GAIN = 1e-10
#: Weights of the voting position in the next round's position, eq. (4).
SALIENCE_WEIGHT = 0.4
FIXED_WEIGHT = 0.1
_SPAN = 100.0
_LEFT_TOLERANCE = 1e-9
_AT_TARGET = 1e-9


@dataclass(frozen=True)
class ExchangeProblem:
    """Many issues at once, batched over draws.

    Attributes:
        actors: actor ids (axis ``n``).
        issues: issue ids (axis ``m``); issue pairs are taken in this order.
        position: ``(D, n, m)`` positions on each issue's scale.
        salience: ``(D, n, m)`` saliences (``>= 0``).
        power: ``(D, n, m)`` capabilities (``>= 0``).
        scale: ``(m, 2)`` low and high end of each issue's scale.
        present: ``(n, m)`` whether the actor takes part in the issue (absent
            entries are ignored: no weight, no exchanges on that issue).
    """

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    position: FloatArray
    salience: FloatArray
    power: FloatArray
    scale: FloatArray
    present: BoolArray

    def __post_init__(self) -> None:
        shape = self.position.shape
        if len(shape) != 3:
            raise ValueError(f"position must have shape (D, n, m), got {shape}")
        if self.salience.shape != shape or self.power.shape != shape:
            raise ValueError(
                f"position, salience and power must share a shape; got {shape}, "
                f"{self.salience.shape}, {self.power.shape}"
            )
        _, n, m = shape
        if len(self.actors) != n or len(self.issues) != m:
            raise ValueError(f"{len(self.actors)} actor and {len(self.issues)} issue names for shape {shape}")
        if self.scale.shape != (m, 2) or not np.all(self.scale[:, 1] > self.scale[:, 0]):
            raise ValueError("scale must be (m, 2) with high > low for every issue")
        if self.present.shape != (n, m):
            raise ValueError(f"present must have shape {(n, m)}, got {self.present.shape}")
        if np.any(self.salience < 0) or np.any(self.power < 0):
            raise ValueError("saliences and powers must be >= 0")

    @property
    def n_draws(self) -> int:
        return int(self.position.shape[0])

    @property
    def n_actors(self) -> int:
        return int(self.position.shape[1])

    @property
    def n_issues(self) -> int:
        return int(self.position.shape[2])

    @classmethod
    def from_arrays(
        cls,
        position: ArrayLike,
        salience: ArrayLike,
        power: ArrayLike,
        *,
        scale: ArrayLike | None = None,
        actors: Sequence[str] | None = None,
        issues: Sequence[str] | None = None,
        present: ArrayLike | None = None,
    ) -> ExchangeProblem:
        """Build a problem from ``(n, m)`` (one draw) or ``(D, n, m)`` arrays.

        ``salience`` and ``power`` broadcast against ``position``; ``scale``
        defaults to ``0-100`` for every issue.
        """
        pos = np.asarray(position, dtype=float)
        if pos.ndim == 2:
            pos = pos[None]
        sal = np.broadcast_to(np.asarray(salience, dtype=float), pos.shape).copy()
        pwr = np.broadcast_to(np.asarray(power, dtype=float), pos.shape).copy()
        _, n, m = pos.shape
        sc = np.tile([0.0, 100.0], (m, 1)) if scale is None else np.asarray(scale, dtype=float).reshape(m, 2)
        pres = np.ones((n, m), dtype=bool) if present is None else np.asarray(present, dtype=bool)
        return cls(
            tuple(actors) if actors is not None else tuple(f"a{i}" for i in range(n)),
            tuple(issues) if issues is not None else tuple(f"issue{k}" for k in range(m)),
            pos.copy(),
            sal,
            pwr,
            sc.copy(),
            pres.copy(),
        )


@dataclass(frozen=True)
class RealisedExchanges:
    """The exchanges realised, one row each, in realisation order.

    Side ``i`` supplies ``issue_i`` (and demands ``issue_j``); side ``j``
    supplies ``issue_j``. ``before`` is the supplier's position on its issue
    just before the exchange (exchanges earlier in the round may have moved
    it), ``vote = before + move``. Positions and moves are on each issue's own
    scale; ``gain`` is in salience x 0-100 units (eq. (3)). ``order`` counts the
    exchanges of a round in a draw. All arrays have shape ``(E,)``.
    """

    draw: IntArray
    round: IntArray
    order: IntArray
    actor_i: IntArray
    actor_j: IntArray
    issue_i: IntArray
    issue_j: IntArray
    before_i: FloatArray
    before_j: FloatArray
    move_i: FloatArray
    move_j: FloatArray
    vote_i: FloatArray
    vote_j: FloatArray
    gain: FloatArray

    def __len__(self) -> int:
        return int(self.draw.shape[0])

    def select(self, draw: int | None = None, round: int | None = None) -> RealisedExchanges:
        """The rows of one draw and/or one round."""
        keep = np.ones(len(self), dtype=bool)
        if draw is not None:
            keep &= self.draw == draw
        if round is not None:
            keep &= self.round == round
        return RealisedExchanges(**{k: getattr(self, k)[keep] for k in _RECORD_FIELDS})


_RECORD_FIELDS = tuple(RealisedExchanges.__dataclass_fields__)


@dataclass(frozen=True)
class ExchangeResult:
    """What :func:`run_exchange` returns.

    Attributes:
        engine: ``"exchange"``.
        actors, issues: names of the actor and issue axes.
        position: ``(D, R + 1, n, m)`` positions at the start of each round
            (the last entry: after the last round).
        voting_position: ``(D, R, n, m)`` voting positions after each round's
            exchanges.
        forecast: ``(D, R + 1, m)`` weighted mean (1) of ``position``.
        voting_forecast: ``(D, R, m)`` weighted mean of ``voting_position``.
        exchanges: the realised exchanges.
        ties: ``(D, R)`` ties met in each round (rule 6).
        target_events: ``(D, R)`` "at target" events in each round (rule 4).
        tie_draws_used, target_draws_used: ``(D,)`` coins consumed in total.
        params: the parameters of the run.
    """

    engine: str
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    position: FloatArray
    voting_position: FloatArray
    forecast: FloatArray
    voting_forecast: FloatArray
    exchanges: RealisedExchanges
    ties: IntArray
    target_events: IntArray
    tie_draws_used: IntArray
    target_draws_used: IntArray
    params: Mapping[str, Any] = field(default_factory=dict)


def random_tie_draws(rng: np.random.Generator, n_draws: int, size: int) -> FloatArray:
    """``(n_draws, size)`` uniform coins for :func:`run_exchange`.

    Drawn row by row of the transpose, so a larger ``size`` from the same seed
    extends, and does not change, the coins of a smaller one.
    """
    return rng.random((size, n_draws)).T.copy()


class DrawsExhausted(ValueError):
    """``tie_draws`` or ``target_draws`` ran out for a draw."""

    def __init__(self, kind: str, draw: int, size: int) -> None:
        self.kind, self.draw, self.size = kind, draw, size
        super().__init__(f"{kind}_draws ran out: draw {draw} needs more than {size} coins; pass a longer array")


@dataclass
class _Coins:
    """A stream of coins consumed per draw (``policy == "coins"``), or a fixed choice."""

    policy: str
    coins: FloatArray
    pointer: IntArray
    events: IntArray

    @classmethod
    def make(cls, kind: str, draws: ArrayLike | None, policy: str, D: int) -> _Coins:
        if draws is None:
            return cls(policy, np.zeros((D, 0)), np.zeros(D, dtype=np.int64), np.zeros(D, dtype=np.int64))
        c = np.asarray(draws, dtype=float)
        if c.ndim == 1:
            c = np.broadcast_to(c, (D, c.shape[0]))
        if c.ndim != 2 or c.shape[0] != D:
            raise ValueError(f"{kind}_draws must have shape (T,) or ({D}, T), got {np.shape(draws)}")
        return cls("coins", c, np.zeros(D, dtype=np.int64), np.zeros(D, dtype=np.int64))


def _empty_records() -> dict[str, np.ndarray]:
    floats = ("before", "move", "vote", "gain")
    return {k: np.zeros(0) if k.startswith(floats) else np.zeros(0, dtype=np.int64) for k in _RECORD_FIELDS}


def _rank_within(groups: IntArray) -> IntArray:
    """For each element, how many earlier elements share its value."""
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    start = np.r_[True, g[1:] != g[:-1]] if g.size else np.zeros(0, dtype=bool)
    first = np.maximum.accumulate(np.where(start, np.arange(g.size), 0)) if g.size else g
    rank = np.empty(g.size, dtype=np.int64)
    rank[order] = np.arange(g.size) - first
    return rank


def run_exchange(
    problem: ExchangeProblem,
    rounds: int = 10,
    *,
    tie_draws: ArrayLike | None = None,
    at_target: Literal["pass", "cut"] = "pass",
    target_draws: ArrayLike | None = None,
    salience_weight: float = SALIENCE_WEIGHT,
    fixed_weight: float = FIXED_WEIGHT,
    tie_tolerance: float = 1e-9,
) -> ExchangeResult:
    """Run the equal-gain exchange model for ``rounds`` rounds (module docstring).

    Args:
        problem: positions, saliences and powers, ``(D, n, m)``.
        rounds: number of rounds ``R``.
        tie_draws: coins for ties (rule 6), consumed in order, ``(D, T)``, or
            ``(T,)`` for every draw: a coin ``>= 0.5`` realises the runner-up
            (decide's ``random.random() >= 0.5``). ``None``: always the head.
            :func:`random_tie_draws` makes them from a ``Generator``.
        at_target: ``"pass"`` or ``"cut"``, for a supplier whose partner's
            position the forecast already sits on (rule 4; see "at target").
        target_draws: coins for those events instead, ``>= 0.5`` cuts; shape
            as ``tie_draws``. Overrides ``at_target``.
        salience_weight, fixed_weight: ``sw`` and ``fw`` of eq. (4).
        tie_tolerance: gains closer than this count as equal.

    Returns:
        An :class:`ExchangeResult`.

    Raises:
        DrawsExhausted: (a ``ValueError``) if ``tie_draws`` or
            ``target_draws`` run out; make them longer.
        ValueError: on a bad ``at_target`` or negative ``rounds``.
    """
    D, n, m = problem.position.shape
    low = problem.scale[:, 0]
    step = _SPAN / (problem.scale[:, 1] - problem.scale[:, 0])
    present = problem.present
    x = (problem.position - low) * step * present
    sal = problem.salience * present
    pwr = problem.power * present
    if at_target not in ("pass", "cut"):
        raise ValueError(f"at_target must be 'pass' or 'cut', got {at_target!r}")
    if rounds < 0:
        raise ValueError(f"rounds must be >= 0, got {rounds}")
    tie = _Coins.make("tie", tie_draws, "head", D)
    target = _Coins.make("target", target_draws, at_target, D)

    positions = np.empty((D, rounds + 1, n, m))
    voting = np.empty((D, rounds, n, m))
    ties = np.zeros((D, rounds), dtype=np.int64)
    target_events = np.zeros((D, rounds), dtype=np.int64)
    records: list[dict[str, np.ndarray]] = []
    w = sal * pwr
    positions[:, 0] = x
    for t in range(rounds):
        before = target.events.copy()
        rnd = _Round(x, sal, pwr, present, tie, target, tie_tolerance)
        rnd.run()
        ties[:, t] = rnd.ties
        target_events[:, t] = target.events - before
        vote, new = rnd.finish(salience_weight, fixed_weight)
        voting[:, t] = vote
        positions[:, t + 1] = new
        records.append(rnd.records(t))
        x = new

    def mean(a: FloatArray) -> FloatArray:
        ww = np.broadcast_to(w[:, None], a.shape)
        total = ww.sum(-2)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = (ww * a).sum(-2) / total
        return np.where(total > 0, out, 0.0)

    def back(a: FloatArray) -> FloatArray:
        return a / step + low

    ex = {k: np.concatenate([r[k] for r in records] or [_empty_records()[k]]) for k in _RECORD_FIELDS}
    for side in ("i", "j"):
        issue = ex[f"issue_{side}"]
        for name in ("before", "vote"):
            ex[f"{name}_{side}"] = ex[f"{name}_{side}"] / step[issue] + low[issue]
        ex[f"move_{side}"] = ex[f"move_{side}"] / step[issue]

    return ExchangeResult(
        engine="exchange",
        actors=problem.actors,
        issues=problem.issues,
        position=np.where(present, back(positions), np.nan),
        voting_position=np.where(present, back(voting), np.nan),
        forecast=back(mean(positions)),
        voting_forecast=back(mean(voting)),
        exchanges=RealisedExchanges(**ex),
        ties=ties,
        target_events=target_events,
        tie_draws_used=tie.pointer.copy(),
        target_draws_used=target.pointer.copy(),
        params={
            "rounds": rounds,
            "salience_weight": salience_weight,
            "fixed_weight": fixed_weight,
            "tie_tolerance": tie_tolerance,
            "tie_draws": "head" if tie_draws is None else "given",
            "at_target": at_target if target_draws is None else "given",
        },
    )


class _Round:
    """One round, vectorised over draws and candidate exchanges.

    Candidate state is held in ``(D, K)`` and ``(D, K, 2)`` arrays, the last
    axis the two sides (0 = ``i``, 1 = ``j``). The list of decide is an array of
    occurrences ``(D, L)`` (slot index, alive), appended to at the end.
    """

    def __init__(
        self,
        x: FloatArray,
        sal: FloatArray,
        pwr: FloatArray,
        present: BoolArray,
        tie: _Coins,
        target: _Coins,
        tie_tolerance: float,
    ) -> None:
        D, n, m = x.shape
        self.D, self.n, self.m = D, n, m
        self.x0 = x
        self.sal = sal
        self.w = sal * pwr
        self.W = self.w.sum(1)  # (D, m)
        self.S0 = (self.w * x).sum(1)  # (D, m)
        with np.errstate(invalid="ignore", divide="ignore"):
            nbs = np.where(self.W > 0, self.S0 / self.W, 0.0)
        self.tie, self.target = tie, target
        self.tol = tie_tolerance
        self.ties = np.zeros(D, dtype=np.int64)

        # 1. groups, candidate slots in creation order
        left = x <= nbs[:, None, :] + _LEFT_TOLERANCE
        pairs = np.array(list(itertools.combinations(range(m), 2)), dtype=np.int64).reshape(-1, 2)
        P = len(pairs)
        p0, p1 = pairs[:, 0], pairs[:, 1]
        code = left[:, :, p0].astype(np.int8) | (left[:, :, p1].astype(np.int8) << 1)  # (D, n, P)
        both = (present[:, p0] & present[:, p1]).T  # (P, n)
        code = np.where(both[None].transpose(0, 2, 1), code, -1)
        ca = code.transpose(0, 2, 1)[:, :, :, None]  # (D, P, n, 1) first actor
        cb = code.transpose(0, 2, 1)[:, :, None, :]  # (D, P, 1, n) second actor
        grid = np.stack([(ca == 0) & (cb == 3), (ca == 1) & (cb == 2)], axis=2)  # (D, P, 2, n, n)
        flat = grid.reshape(D, -1)
        counts = flat.sum(1)
        K = int(counts.max()) if flat.size else 0
        self.K = K
        order = np.argsort(~flat, axis=1, kind="stable")[:, :K]
        slot_alive = np.arange(K)[None, :] < counts[:, None]
        pi, _, a, b = np.unravel_index(order, (max(P, 1), 2, n, n))
        a = np.where(slot_alive, a, 0)
        b = np.where(slot_alive, b, 1 % max(n, 1))
        q0 = np.where(slot_alive, p0[pi] if P else 0, 0)
        q1 = np.where(slot_alive, p1[pi] if P else 0, 0)

        # 2. roles: i has the larger s_p / s_q (p = first issue of the pair)
        dd = np.arange(D)[:, None]
        sa0, sa1, sb0, sb1 = sal[dd, a, q0], sal[dd, a, q1], sal[dd, b, q0], sal[dd, b, q1]
        lhs, rhs = sa0 * sb1, sb0 * sa1
        b_is_i = lhs < rhs - 1e-12 * np.maximum(np.abs(lhs), np.abs(rhs))
        ai = np.where(b_is_i, b, a)
        aj = np.where(b_is_i, a, b)
        self.actor = np.stack([ai, aj], axis=-1)  # (D, K, 2)
        self.sup = np.stack([q1, q0], axis=-1)  # i supplies q (second issue), j supplies p
        self.dem = np.stack([q0, q1], axis=-1)
        self.ksup = self.actor * m + self.sup  # (actor, supplied issue) keys
        self.kdem = self.actor * m + self.dem  # (actor, demanded issue) keys
        d3 = dd[:, :, None]
        self.ssup = sal[d3, self.actor, self.sup]
        self.sdem = sal[d3, self.actor, self.dem]
        self.wsup = self.w[d3, self.actor, self.sup]
        self.Wsup = self.W[d3, self.sup]
        self.xd = x[d3, self.actor, self.dem]
        self.x0s = x[d3, self.actor, self.sup]
        self.xs = self.x0s.copy()
        self.move = np.zeros((D, K, 2))
        self.y = self.xs.copy()
        self.gain = np.zeros((D, K))
        self.valid = np.zeros((D, K), dtype=bool)
        self.hsum = np.zeros((D, K, 2))
        self.hnonneg = np.zeros((D, K, 2), dtype=bool)
        self.hnonpos = np.zeros((D, K, 2), dtype=bool)
        self.slot_alive = slot_alive

        # 7. updates: T[d, demanding actor, issue, actor] and their weighted offset
        self.T = np.full((D, n, m, n), np.nan)
        self.Uoff = np.zeros((D, n, m))

        self.occ_slot = np.broadcast_to(np.arange(K), (D, K)).copy()
        self.occ_alive = slot_alive.copy()
        self.r_slot = np.zeros(D, dtype=np.int64)
        self.realised: list[tuple[IntArray, IntArray, dict[str, np.ndarray]]] = []

        bd, bk = np.nonzero(slot_alive)
        if bd.size:
            self._calculate(bd, bk)

    # ---------------------------------------------------------------- kernels
    @staticmethod
    def _move_ok(m: FloatArray, xs: FloatArray, hsum: FloatArray, hnn: BoolArray, hnp: BoolArray) -> BoolArray:
        """Rule 5 for one side: ``m`` the new move, the history before it."""
        a = np.abs(m)
        end = xs + m
        return (
            np.isfinite(m)
            & (a <= _SPAN)
            & (a > MIN_MOVE)
            & (end >= 0.0)
            & (end <= _SPAN)
            & (hsum + m <= _SPAN)
            & (((m > 0) & ~hnp) | ((m < 0) & ~hnn))
        )

    def _calculate(self, bd: IntArray, bk: IntArray) -> None:
        """Rules 3-5 for the candidates ``(bd, bk)``; writes their state."""
        xs, xd = self.xs[bd, bk], self.xd[bd, bk]
        ss, sd, ws, Ws = self.ssup[bd, bk], self.sdem[bd, bk], self.wsup[bd, bk], self.Wsup[bd, bk]
        hsum, hnn, hnp = self.hsum[bd, bk], self.hnonneg[bd, bk], self.hnonpos[bd, bk]
        x_iq, x_jp, x_ip, x_jq = xs[:, 0], xs[:, 1], xd[:, 0], xd[:, 1]
        s_iq, s_jp, s_ip, s_jq = ss[:, 0], ss[:, 1], sd[:, 0], sd[:, 1]
        with np.errstate(all="ignore"):
            dist_p = np.abs(x_ip - x_jp)
            dist_q = np.abs(x_jq - x_iq)
            ratio = (s_ip + s_jp) / (s_iq + s_jq)  # dq / dp, eq. (2)
            dp = dist_p * ws[:, 1] / Ws[:, 1]
            dq = dp * ratio
            m_i = dq * Ws[:, 0] / ws[:, 0]
            m_j = dist_p
            over = np.abs(m_i) > dist_q
            dq2 = dist_q * ws[:, 0] / Ws[:, 0]
            dp2 = dq2 / ratio
            dp = np.where(over, dp2, dp)
            dq = np.where(over, dq2, dq)
            m_i = np.where(over, dist_q, m_i)
            m_j = np.where(over, dp2 * Ws[:, 1] / ws[:, 1], m_j)
            m_i = np.where(x_iq > x_jq, -m_i, m_i)
            m_j = np.where(x_jp > x_ip, -m_j, m_j)
            move = np.stack([m_i, m_j], axis=-1)
            gain = np.abs(dq * s_iq - dp * s_ip)
        ok = [self._move_ok(move[:, s], xs[:, s], hsum[:, s], hnn[:, s], hnp[:, s]) for s in (0, 1)]
        valid = ok[0] & ok[1] & (gain >= MIN_GAIN)
        state = {"move": move, "gain": np.where(np.isfinite(gain), gain, 0.0), "valid": valid}
        for side in (0, 1):
            self._check_nbs(bd, bk, side, valid, xs, xd, ss, sd, ws, Ws, hsum, hnn, hnp, state)
        state["valid"] = np.where(
            valid,
            self._move_ok(state["move"][:, 0], xs[:, 0], hsum[:, 0], hnn[:, 0], hnp[:, 0])
            & self._move_ok(state["move"][:, 1], xs[:, 1], hsum[:, 1], hnn[:, 1], hnp[:, 1]),
            False,
        )
        self.move[bd, bk] = state["move"]
        self.y[bd, bk] = xs + state["move"]
        self.gain[bd, bk] = state["gain"]
        self.valid[bd, bk] = state["valid"]

    def _check_nbs(
        self,
        bd: IntArray,
        bk: IntArray,
        s: int,
        rows: BoolArray,
        xs: FloatArray,
        xd: FloatArray,
        ss: FloatArray,
        sd: FloatArray,
        ws: FloatArray,
        Ws: FloatArray,
        hsum: FloatArray,
        hnn: BoolArray,
        hnp: BoolArray,
        state: dict[str, np.ndarray],
    ) -> None:
        """Rule 4 for side ``s`` of the rows valid under rule 5 (both sides are checked)."""
        o = 1 - s
        if not rows.any():
            return
        move = state["move"]
        issue = self.sup[bd, bk, s]
        a_s, a_o = self.actor[bd, bk, s], self.actor[bd, bk, o]
        upd = self.T[bd, a_o, issue, a_s]
        has = ~np.isnan(upd)
        Uo = self.Uoff[bd, a_o, issue]
        S0 = self.S0[bd, issue]
        W, wS, x0 = Ws[:, s], ws[:, s], self.x0s[bd, bk, s]
        y_s = xs[:, s] + move[:, s]
        with np.errstate(all="ignore"):
            base = S0 + Uo - wS * np.where(has, upd, x0)
            nbs0 = (base + wS * xs[:, s]) / W
            nbs1 = (base + wS * y_s) / W
            target = xd[:, o]
            at_target = np.abs(target - nbs0) <= _AT_TARGET
            crossing = (target - nbs0) * (target - nbs1) < 0
        adjust = rows & ((crossing & ~at_target) | self._cut_at_target(bd, rows & at_target))
        if not adjust.any():
            return
        with np.errstate(all="ignore"):
            numerator = np.where(has, S0 + Uo, S0 + Uo - wS * x0 + wS * xs[:, s])
            delta = np.where(at_target, 0.0, np.abs((target * W - numerator) / wS))
            d_s = delta * wS / W
            d_o = d_s * (ss[:, s] + sd[:, o]) / (sd[:, s] + ss[:, o])
            m_o = np.abs(d_o * Ws[:, o] / ws[:, o])
            m_s = delta
            m_o = np.where(xs[:, o] > xd[:, s], -m_o, m_o)
            m_s = np.where(xs[:, s] > xd[:, o], -m_s, m_s)
            gain = np.abs(d_o * ss[:, o] - d_s * sd[:, o])
        new = np.empty_like(move)
        new[:, s], new[:, o] = m_s, m_o
        ok = self._move_ok(m_s, xs[:, s], hsum[:, s], hnn[:, s], hnp[:, s]) & self._move_ok(
            m_o, xs[:, o], hsum[:, o], hnn[:, o], hnp[:, o]
        )
        state["move"] = np.where(adjust[:, None], new, move)
        state["gain"] = np.where(adjust, np.where(np.isfinite(gain), gain, 0.0), state["gain"])
        state["valid"] = np.where(adjust, ok, state["valid"])

    def _cut_at_target(self, bd: IntArray, events: BoolArray) -> BoolArray:
        """Rule 4 when the forecast already sits on the demander's position: cut or pass."""
        if not events.any():
            return events
        ed = bd[events]
        np.add.at(self.target.events, ed, 1)
        if self.target.policy == "pass":
            return np.zeros_like(events)
        if self.target.policy == "cut":
            return events.copy()
        rank = _rank_within(ed)
        idx = self.target.pointer[ed] + rank
        short = idx >= self.target.coins.shape[1]
        if short.any():
            raise DrawsExhausted("target", int(ed[short][0]), self.target.coins.shape[1])
        out = np.zeros_like(events)
        out[events] = self.target.coins[ed, idx] >= 0.5
        np.add.at(self.target.pointer, ed, 1)
        return out

    def _recalculate(self, bd: IntArray, bk: IntArray) -> None:
        """Rule 7 for candidates ``(bd, bk)`` touched by the draw's realised exchange."""
        rk = self.r_slot[bd]
        r_actor, r_sup, r_y = self.actor[bd, rk], self.sup[bd, rk], self.y[bd, rk]
        act, sup = self.actor[bd, bk], self.sup[bd, bk]
        m0 = (act == r_actor[:, :1]) & (sup == r_sup[:, :1])
        m1 = (act == r_actor[:, 1:]) & (sup == r_sup[:, 1:])
        matched = m0 | m1
        self.xs[bd, bk] = np.where(m0, r_y[:, :1], np.where(m1, r_y[:, 1:], self.xs[bd, bk]))
        commit = matched & matched.any(1, keepdims=True)
        mv = self.move[bd, bk]
        self.hsum[bd, bk] += np.where(commit, mv, 0.0)
        self.hnonneg[bd, bk] |= commit & (mv >= 0)
        self.hnonpos[bd, bk] |= commit & (mv <= 0)
        self._calculate(bd, bk)

    def _write_updates(self, rd: IntArray) -> None:
        """Rule 7: record the realised exchange's voting positions per (demander, issue)."""
        rk = self.r_slot[rd]
        act, sup, y, x0 = self.actor[rd, rk], self.sup[rd, rk], self.y[rd, rk], self.x0s[rd, rk]
        for s in (0, 1):
            o = 1 - s
            mover, demander, issue = act[:, s], act[:, o], sup[:, s]
            old = self.T[rd, demander, issue, mover]
            has = ~np.isnan(old)
            new = np.where(~has, y[:, s], np.where(x0[:, s] <= old, np.minimum(old, y[:, s]), np.maximum(old, y[:, s])))
            base = np.where(has, old, self.x0[rd, mover, issue])
            self.Uoff[rd, demander, issue] += self.w[rd, mover, issue] * (new - base)
            self.T[rd, demander, issue, mover] = new

    # ------------------------------------------------------------------ loop
    def _append(self, draws: IntArray, slots: IntArray) -> None:
        col = np.zeros((self.D, 1), dtype=np.int64)
        alive = np.zeros((self.D, 1), dtype=bool)
        col[draws, 0] = slots
        alive[draws, 0] = True
        self.occ_slot = np.concatenate([self.occ_slot, col], axis=1)
        self.occ_alive = np.concatenate([self.occ_alive, alive], axis=1)

    def _sort(self) -> None:
        """decide's in-place stable sort by gain, highest first; gains within the
        tolerance (chained) count as equal and keep their list order. Dead
        occurrences go to the end and are cut off."""
        D = self.D
        alive = self.occ_alive
        g = np.where(alive, self.gain[np.arange(D)[:, None], self.occ_slot], -np.inf)
        by_gain = np.argsort(-g, axis=1, kind="stable")
        gs = np.take_along_axis(g, by_gain, axis=1)
        with np.errstate(invalid="ignore"):
            brk = (gs[:, :-1] - gs[:, 1:]) > self.tol
        brk |= np.isneginf(gs[:, 1:]) & ~np.isneginf(gs[:, :-1])
        cluster_sorted = np.concatenate([np.zeros((D, 1), dtype=np.int64), np.cumsum(brk, axis=1)], axis=1)
        cluster = np.empty_like(cluster_sorted)
        np.put_along_axis(cluster, by_gain, cluster_sorted, axis=1)
        perm = np.argsort(cluster * g.shape[1] + np.arange(g.shape[1]), axis=1)
        L = int(alive.sum(1).max())
        perm = perm[:, :L]
        self.occ_slot = np.take_along_axis(self.occ_slot, perm, axis=1)
        self.occ_alive = np.take_along_axis(alive, perm, axis=1)
        self.occ_cluster = np.take_along_axis(cluster, perm, axis=1)

    def run(self) -> None:
        D = self.D
        step = 0
        while True:
            active = self.occ_alive.any(1)
            if not active.any():
                break
            self._sort()
            L = self.occ_alive.shape[1]
            ad = np.nonzero(active)[0]
            tie = np.zeros(D, dtype=bool)
            if L > 1:
                tie[ad] = self.occ_alive[ad, 1] & (self.occ_cluster[ad, 1] == self.occ_cluster[ad, 0])
            take_second = np.zeros(D, dtype=bool)
            td = np.nonzero(tie)[0]
            if td.size:
                self.ties[td] += 1
                if self.tie.policy == "head":
                    coin = np.zeros(td.size)
                else:
                    need = self.tie.pointer[td]
                    short = need >= self.tie.coins.shape[1]
                    if short.any():
                        raise DrawsExhausted("tie", int(td[short][0]), self.tie.coins.shape[1])
                    coin = self.tie.coins[td, need]
                    self.tie.pointer[td] += 1
                take_second[td] = coin >= 0.5
            chosen = take_second.astype(np.int64)
            slot = self.occ_slot[ad, chosen[ad]]
            self.occ_alive[ad, chosen[ad]] = False
            if td.size:
                moved = take_second[td]
                # the head goes to the end of the list; or the runner-up is appended again
                self.occ_alive[td[moved], 0] = False
                self._append(td, self.occ_slot[td, np.where(moved, 0, 1)])
            ok = self.valid[ad, slot]
            rd, rk = ad[ok], slot[ok]
            if rd.size:
                self.r_slot[rd] = rk
                self.realised.append(
                    (
                        rd,
                        np.full(rd.size, step),
                        {
                            "slot": rk,
                            "before": self.xs[rd, rk].copy(),
                            "move": self.move[rd, rk].copy(),
                            "y": self.y[rd, rk].copy(),
                            "gain": self.gain[rd, rk].copy(),
                        },
                    )
                )
                self._write_updates(rd)
                self._pass(rd)
            step += 1

    def _pass(self, rd: IntArray) -> None:
        """Drop invalid candidates of the draws ``rd``; recalculate the touched ones in list order."""
        occ_slot, occ_alive = self.occ_slot[rd], self.occ_alive[rd]
        rows = rd[:, None]
        occ_alive &= self.valid[rows, occ_slot]
        rk = self.r_slot[rd]
        rs, rdm = self.ksup[rd, rk], self.kdem[rd, rk]  # (R, 2): keys of R's sides
        ks, kd = self.ksup[rd], self.kdem[rd]  # (R, K, 2)
        hit = (ks == rs[:, None, :1]) | (ks == rs[:, None, 1:]) | (kd == rdm[:, None, :1]) | (kd == rdm[:, None, 1:])
        touched = hit.any(-1)[np.arange(rd.size)[:, None], occ_slot]
        todo = occ_alive & touched
        ri, ci = np.nonzero(todo)
        if ri.size:
            # repeat index: how many earlier occurrences of the same slot in this draw
            keys = ri.astype(np.int64) * max(self.K, 1) + occ_slot[ri, ci]
            rep = _rank_within(keys)
            for r in range(int(rep.max()) + 1):
                sel = rep == r
                bri, bci = ri[sel], ci[sel]
                bd, bk = rd[bri], occ_slot[bri, bci]
                live = self.valid[bd, bk]
                occ_alive[bri[~live], bci[~live]] = False
                bd, bk, bri, bci = bd[live], bk[live], bri[live], bci[live]
                if bd.size:
                    self._recalculate(bd, bk)
                    dead = ~self.valid[bd, bk]
                    occ_alive[bri[dead], bci[dead]] = False
        self.occ_alive[rd] = occ_alive

    # ---------------------------------------------------------------- output
    def finish(self, salience_weight: float, fixed_weight: float) -> tuple[FloatArray, FloatArray]:
        """Rule 8: voting positions and the next round's positions."""
        vote = self.x0.copy()
        new = self.x0.copy()
        for rd, _, rec in self.realised:
            rk = rec["slot"]
            act, sup = self.actor[rd, rk], self.sup[rd, rk]
            y = self.y[rd, rk]
            for s in (0, 1):
                a, issue = act[:, s], sup[:, s]
                x0 = self.x0[rd, a, issue]
                vote[rd, a, issue] = y[:, s]
                f = (1.0 - self.sal[rd, a, issue]) * salience_weight + fixed_weight
                new[rd, a, issue] = x0 + f * (y[:, s] - x0)
        return vote, new

    def records(self, round_: int) -> dict[str, np.ndarray]:
        """The round's realised exchanges as flat arrays (0-100 units)."""
        if not self.realised:
            return _empty_records()
        rd = np.concatenate([r[0] for r in self.realised])
        order = np.concatenate([r[1] for r in self.realised])
        rk = np.concatenate([r[2]["slot"] for r in self.realised])
        before = np.concatenate([r[2]["before"] for r in self.realised])
        move = np.concatenate([r[2]["move"] for r in self.realised])
        y = np.concatenate([r[2]["y"] for r in self.realised])
        gain = np.concatenate([r[2]["gain"] for r in self.realised])
        srt = np.lexsort((order, rd))
        rd, order, rk = rd[srt], order[srt], rk[srt]
        before, move, y, gain = before[srt], move[srt], y[srt], gain[srt]
        act, sup = self.actor[rd, rk], self.sup[rd, rk]
        rank = np.zeros(rd.size, dtype=np.int64)
        if rd.size:
            first = np.r_[True, rd[1:] != rd[:-1]]
            starts = np.maximum.accumulate(np.where(first, np.arange(rd.size), 0))
            rank = np.arange(rd.size) - starts
        return {
            "draw": rd.astype(np.int64),
            "round": np.full(rd.size, round_, dtype=np.int64),
            "order": rank,
            "actor_i": act[:, 0].astype(np.int64),
            "actor_j": act[:, 1].astype(np.int64),
            "issue_i": sup[:, 0].astype(np.int64),
            "issue_j": sup[:, 1].astype(np.int64),
            "before_i": before[:, 0],
            "before_j": before[:, 1],
            "move_i": move[:, 0],
            "move_j": move[:, 1],
            "vote_i": y[:, 0],
            "vote_j": y[:, 1],
            "gain": gain,
        }


def run_issues(problems: dict[str, BargainingProblem], detail: bool = True) -> dict[str, BargainingResult]:
    """The exchange model over a scenario's issues at once, through the common engine interface.

    Actors are the union of the issues' actors; an actor absent from an issue
    takes no part in exchanges on it. Capability is the actor's power on every
    issue. Ties go to the head of the list (no coins) and at-target moves
    pass, so the run is deterministic. Per issue the forecast is the weighted
    mean after the last round (projected onto the veto players' interval);
    ``forecast_by_round`` holds every round's.
    """
    issues = list(problems)
    actors = list(dict.fromkeys(a for p in problems.values() for a in p.actors))
    first = next(iter(problems.values()))
    d, n, m = first.n_draws, len(actors), len(issues)
    pos, sal, pwr = np.zeros((d, n, m)), np.zeros((d, n, m)), np.zeros((d, n, m))
    present = np.zeros((n, m), dtype=bool)
    for k, issue in enumerate(issues):
        p = problems[issue]
        rows = [actors.index(a) for a in p.actors]
        pos[:, rows, k], sal[:, rows, k], pwr[:, rows, k] = p.position, p.salience, p.capability
        present[rows, k] = True
    scale = np.array([problems[i].scale for i in issues], dtype=float)
    result = run_exchange(
        ExchangeProblem.from_arrays(pos, sal, pwr, scale=scale, actors=actors, issues=issues, present=present)
    )
    out = {}
    for k, issue in enumerate(issues):
        p = problems[issue]
        by_round = result.forecast[:, :, k]
        rows = [actors.index(a) for a in p.actors]
        out[issue] = BargainingResult(
            "exchange",
            apply_veto(by_round[:, -1], p.status_quo, p.veto),
            trajectory=result.position[:, :, rows, k] if detail else None,
            forecast_by_round=by_round if detail else None,
            details={"rounds": np.full(d, by_round.shape[1] - 1), "stop": np.full(d, 2)},
        )
    return out


SPEC = EngineSpec(
    name="exchange",
    title="Exchange model (Stokman & van Oosten, equal gain)",
    kind="multi-issue",
    rounds=True,
    stochastic=False,
    run=run_issues,  # type: ignore[arg-type]
    reference="Stokman & van Oosten 1994, in Bueno de Mesquita & Stokman (eds.), European Community Decision Making",
)
