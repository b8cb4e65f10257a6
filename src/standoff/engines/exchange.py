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
4. *The demander's position bounds the forecast.* For side ``S`` (first the
   side with the larger ratio of demand to supply salience, then the other;
   see "Departures") with partner ``O``, the forecast of ``S``'s supply issue is
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
* *Order of the sides* (rule 4). decide bounds ``i`` first, then ``j``; as
  ``i`` is the side that demands the issue listed first, its results depend
  on the order of the issues when both sides are bounded (by up to 0.67
  points on three actors and four issues). Here the side with the larger
  ``s_demand / s_supply`` goes first (``i`` on equality), which does not
  depend on that order; decide's reference output is still reproduced. The
  at-target events (and their coins) are met before any side is bounded, in
  decide's order, as whether a side is on target does not depend on moves.
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

Implementation
--------------
Each round of each draw is a compiled kernel (Numba, ``nogil``) that plays
the rules in order: the ``K`` candidates (about ``m^2 n^2 / 8``) in creation
order, the list sorted at every step, the recomputations after a
realisation in list order (one batch, more only when a candidate is listed
twice). A candidate is computed in one pass (rules 3-5), unless a side is
already on its partner (rule 4, "at target"): those wait until every event
of the batch has been met, in the order above; candidates do not read each
other's results, so the results are those of meeting the events first. A
round's first list is sorted by a radix sort of the gains (stable, as the
rule's sort is).

The general step reads the list once: it drops the invalid entries, finds
the ones the realised exchange touched and files the others in the run of
non-increasing gains the last sort left or, if out of order, in the rest;
the rest and the recomputed entries are sorted (insertion sorts and merges
in preallocated space) and merged with the run into a second buffer, which
gives the same order as a full stable sort. The *shortcut*: while the list is
clean (each gain more than ``tie_tolerance`` below the one before it, so no
ties, no clusters, no entry listed twice, and list order is gain order) and
holds only valid entries (from the round's first realisation on), the
touched entries are found through an index of the candidates by (actor,
issue supplied) and (actor, issue demanded), recomputed, and spliced back in
one pass over the list that copies the others. Removing entries only widens
the gaps, so only a recomputed gain can come within the tolerance of a
neighbour; then the step is redone by the general merge, which continues
until the list is clean again. On the flagship about 99% of steps take the
shortcut. Nothing is allocated within a round's steps. A step costs ``O(K)``,
so a round costs ``O(K)`` times the number of steps; draws run one after
another (threads share the draws of a forecast by chunks, the kernels
release the interpreter lock). Arithmetic is float64, the same operations
in the same order as the engine's earlier NumPy implementation, whose
results it reproduces to the bit (rule 4's order of sides aside, see
"Departures").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray

from standoff.core.problems import (
    BargainingResult,
    BoolArray,
    FloatArray,
    IntArray,
    IssuesProblem,
    IssuesResult,
)
from standoff.engines.base import MULTI_ISSUE, EngineSpec, apply_veto, kernel_array

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


def _coins(kind: str, draws: ArrayLike | None, D: int) -> FloatArray:
    """Coins as a C-contiguous ``(D, T)`` array, or ``(1, T)`` shared by every draw."""
    if draws is None:
        return np.zeros((1, 0))
    c = np.asarray(draws, dtype=float)
    if c.ndim == 1:
        c = c[None]
    elif c.ndim != 2 or c.shape[0] != D:
        raise ValueError(f"{kind}_draws must have shape (T,) or ({D}, T), got {np.shape(draws)}")
    return kernel_array(c)


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
    shortcut: bool = True,
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
        shortcut: take the clean-list shortcut of rule 6 (module docstring,
            "Implementation"); ``False`` gives the same results by the general
            merge at every step, for checking the shortcut.

    Returns:
        An :class:`ExchangeResult`.

    Raises:
        DrawsExhausted: (a ``ValueError``) if ``tie_draws`` or
            ``target_draws`` run out; make them longer.
        ValueError: on a bad ``at_target`` or negative ``rounds``; or if a
            round would never end (ties go to the head, ``tie_draws=None``,
            and every candidate tied at the head of the list is invalid).
    """
    D, n, m = problem.position.shape
    low = problem.scale[:, 0]
    step = _SPAN / (problem.scale[:, 1] - problem.scale[:, 0])
    present = kernel_array(problem.present, bool)
    x = kernel_array((problem.position - low) * step * present)
    sal = kernel_array(problem.salience * present)
    pwr = problem.power * present
    if at_target not in ("pass", "cut"):
        raise ValueError(f"at_target must be 'pass' or 'cut', got {at_target!r}")
    if rounds < 0:
        raise ValueError(f"rounds must be >= 0, got {rounds}")
    tie_coins = _coins("tie", tie_draws, D)
    target_coins = _coins("target", target_draws, D)
    tie_policy = _NEVER if tie_draws is None else _COINS
    target_policy = _COINS if target_draws is not None else _ALWAYS if at_target == "cut" else _NEVER
    w = kernel_array(sal * pwr)
    positions, voting, ties, target_events, used, short, ints, floats = _simulate(
        x,
        sal,
        w,
        present,
        int(rounds),
        float(tie_tolerance),
        float(salience_weight),
        float(fixed_weight),
        tie_policy,
        tie_coins,
        target_policy,
        target_coins,
        shortcut,
    )
    exhausted = np.nonzero((short[:, 0] == _TIE) | (short[:, 0] == _TARGET))[0]
    if exhausted.size:  # the draw that ran out first, as if all draws ran in step
        _, _, at_step, phase = short[exhausted].T
        first = exhausted[np.lexsort((exhausted, phase, at_step))[0]]
        kind = int(short[first, 0])
        raise DrawsExhausted(("tie", "target")[kind], int(first), (tie_coins, target_coins)[kind].shape[1])
    stuck = np.nonzero(short[:, 0] == _STUCK)[0]
    if stuck.size:
        raise ValueError(
            f"round {short[stuck[0], 1]} of draw {stuck[0]} never ends: the candidates tied at the head of "
            "the list are all invalid and ties always go to the head; pass tie_draws"
        )

    def mean(a: FloatArray) -> FloatArray:
        ww = np.broadcast_to(w[:, None], a.shape)
        total = ww.sum(-2)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = (ww * a).sum(-2) / total
        return np.where(total > 0, out, 0.0)

    def back(a: FloatArray) -> FloatArray:
        return a / step + low

    ex: dict[str, np.ndarray] = dict(zip(_RECORD_FIELDS[:7], ints, strict=True))
    for side, row in (("i", 0), ("j", 1)):
        issue = ex[f"issue_{side}"]
        ex[f"before_{side}"] = floats[row] / step[issue] + low[issue]
        ex[f"move_{side}"] = floats[2 + row] / step[issue]
        ex[f"vote_{side}"] = floats[4 + row] / step[issue] + low[issue]
    ex["gain"] = floats[6]

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
        tie_draws_used=used[0],
        target_draws_used=used[1],
        params={
            "rounds": rounds,
            "salience_weight": salience_weight,
            "fixed_weight": fixed_weight,
            "tie_tolerance": tie_tolerance,
            "tie_draws": "head" if tie_draws is None else "given",
            "at_target": at_target if target_draws is None else "given",
        },
    )


# ---------------------------------------------------------------- kernels
#
# A candidate ``k`` has two sides, ``s = 0`` (``i``) and ``1`` (``j``); its
# static data (``cand``) and its state (``state``) are tuples of arrays:
#
#   cand  = (actor, supply, s_sup, s_dem, w_sup, W_sup, x_dem, x_start)
#   state = (x_sup, move, vote, history, hist_nonneg, hist_nonpos, gain, valid)
#
# per side ``(K, 2)`` (the last three: ``(K,)``). Side ``s`` supplies
# ``supply[k, s]`` and demands ``supply[k, 1 - s]``; ``x_sup`` is its current
# position on its supply issue (``x_start`` at the round's start), ``x_dem``
# its position on its demand issue, ``vote = x_sup + move``; ``history`` and
# ``hist_*`` hold the sum and signs of the moves assigned to it earlier in the
# round (rule 5).

_jit = njit(cache=True, nogil=True, error_model="numpy")
_inline = njit(cache=True, nogil=True, error_model="numpy", inline="always")  # small or once-a-step helpers

#: How an event (a tie, rule 6; an at-target move, rule 4) is resolved: never
#: the alternative (the head; pass), always (the runner-up; cut), or by coin.
_NEVER, _ALWAYS, _COINS = 0, 1, 2
#: Kinds of coins (``DrawsExhausted``), and a round that would never end.
_TIE, _TARGET, _STUCK = 0, 1, 2
#: Rule 4's verdict on a side: bound its move if its forecast passes the partner; already on
#: the partner: cut the move to nothing, or let it pass.
_CHECK, _CUT, _PASS, _EVENT = 0, 1, 2, 3
#: Sorts of at most this many entries are insertion sorts.
_SHORT = 16


@_inline
def _flip(policy: int, coins: FloatArray, d: int, pointer: IntArray) -> int:
    """1 for the alternative, 0 for the default choice, -1 if draw ``d``'s coins ran out."""
    if policy != _COINS:
        return policy
    if pointer[d] >= coins.shape[1]:
        return -1
    coin = coins[d if coins.shape[0] > 1 else 0, pointer[d]]
    pointer[d] += 1
    return 1 if coin >= 0.5 else 0


@_inline
def _move_ok(move: float, x: float, history: float, hist_nonneg: bool, hist_nonpos: bool) -> bool:
    """Rule 5 for one side: its new move from ``x``, after the moves in its history."""
    size = abs(move)
    end = x + move
    return (
        math.isfinite(move)
        and size <= _SPAN
        and size > MIN_MOVE
        and end >= 0.0
        and end <= _SPAN
        and history + move <= _SPAN
        and ((move > 0 and not hist_nonpos) or (move < 0 and not hist_nonneg))
    )


@_inline
def _forecast_at(upd: float, base0: float, ws: float, x0: float, Ws: float, at: float) -> float:
    """Rule 4: the forecast of a side's supply issue with the side at ``at``: ``base0`` is the
    round's start sum ``S0`` plus the offset of the updates recorded for its partner, ``upd``
    the update recorded for the side itself (NaN: none, its start position ``x0`` counts)."""
    base = base0 - ws * (x0 if math.isnan(upd) else upd)
    return (base + ws * at) / Ws


@_jit
def _calculate(
    ks: IntArray,
    cand: tuple,
    state: tuple,
    T: FloatArray,
    Uoff: FloatArray,
    S0: FloatArray,
    policy: int,
    coins: FloatArray,
    d: int,
    pointer: IntArray,
    ok: BoolArray,
    verdict: NDArray[np.int8],
    at0: FloatArray,
) -> tuple[int, int]:
    """Rules 3-5 for the candidates ``ks``, each in turn, except that a candidate with a side
    already on its partner (rule 4, "at target") waits: those events are met (and their coins
    used) all ``i`` sides in list order, then all ``j`` sides, and the waiting candidates are
    then finished in list order. Candidates do not read each other's results, so this is the
    same as meeting every event first. ``ok``, ``verdict`` and ``at0`` (``O_0`` per side) are
    scratch space. Returns the number of at-target events and -1, or the side whose coins ran
    out."""
    actor, supply, ss, sd, ws, Ws, xd, x0s = cand
    xs, move, y, history, nonneg, nonpos, gain, valid = state
    events = 0
    waiting = False
    for sweep in range(2):  # 0: every candidate but the waiting ones; 1: the waiting ones
        if sweep == 1:
            if not waiting:
                break
            for s in range(2):
                for k in ks:
                    if verdict[k, s] == _EVENT:
                        events += 1
                        cut = _flip(policy, coins, d, pointer)
                        if cut < 0:
                            return events, s
                        verdict[k, s] = _CUT if cut else _PASS
        for k in ks:
            if sweep == 1:
                if not ok[k] or (verdict[k, 0] == _CHECK and verdict[k, 1] == _CHECK):
                    continue
            else:  # 3. equal gain, i demands p and supplies q
                x_iq, x_jp, x_ip, x_jq = xs[k, 0], xs[k, 1], xd[k, 0], xd[k, 1]
                s_iq, s_jp, s_ip, s_jq = ss[k, 0], ss[k, 1], sd[k, 0], sd[k, 1]
                dist_p = abs(x_ip - x_jp)
                dist_q = abs(x_jq - x_iq)
                ratio = (s_ip + s_jp) / (s_iq + s_jq)  # dq / dp, eq. (2)
                dp = dist_p * ws[k, 1] / Ws[k, 1]
                dq = dp * ratio
                m_i = dq * Ws[k, 0] / ws[k, 0]
                m_j = dist_p
                if abs(m_i) > dist_q:  # i would pass x_jq: it moves there, j follows from (2)
                    dq = dist_q * ws[k, 0] / Ws[k, 0]
                    dp = dq / ratio
                    m_i = dist_q
                    m_j = dp * Ws[k, 1] / ws[k, 1]
                move[k, 0] = -m_i if x_iq > x_jq else m_i
                move[k, 1] = -m_j if x_jp > x_ip else m_j
                g = abs(dq * s_iq - dp * s_ip)
                gain[k] = g if math.isfinite(g) else 0.0
                ok[k] = (
                    _move_ok(move[k, 0], x_iq, history[k, 0], nonneg[k, 0], nonpos[k, 0])
                    and _move_ok(move[k, 1], x_jp, history[k, 1], nonneg[k, 1], nonpos[k, 1])
                    and g >= MIN_GAIN
                )
                # 4. side S's forecast with S at x_S (O_0); whether it is already on the partner
                # does not depend on the moves
                event = False
                for s in range(2):
                    verdict[k, s] = _CHECK
                    if ok[k]:
                        o, issue = 1 - s, supply[k, s]
                        at0[k, s] = _forecast_at(
                            T[actor[k, o], issue, actor[k, s]], S0[issue] + Uoff[actor[k, o], issue], ws[k, s],
                            x0s[k, s], Ws[k, s], xs[k, s],
                        )  # fmt: skip
                        if abs(xd[k, o] - at0[k, s]) <= _AT_TARGET:
                            verdict[k, s] = _EVENT
                            event = True
                if event:
                    waiting = True
                    continue
            if ok[k]:  # 4. bound each side in turn (forecast with S at y_S: O_1)
                # the side with the larger demand / supply salience ratio first (i on equality), so
                # that the order of the sides, and the result, do not depend on the order of the issues
                first = 0 if sd[k, 0] * ss[k, 1] >= sd[k, 1] * ss[k, 0] else 1
                for phase in range(2):
                    s = first if phase == 0 else 1 - first
                    o = 1 - s
                    if verdict[k, s] == _PASS:
                        continue
                    target = xd[k, o]
                    if verdict[k, s] == _CHECK:
                        nbs0 = at0[k, s]
                        issue = supply[k, s]
                        nbs1 = _forecast_at(
                            T[actor[k, o], issue, actor[k, s]], S0[issue] + Uoff[actor[k, o], issue], ws[k, s],
                            x0s[k, s], Ws[k, s], xs[k, s] + move[k, s],
                        )  # fmt: skip
                        if not (target - nbs0) * (target - nbs1) < 0:
                            continue
                    # cut the move so that the forecast lands on the partner (on target: to nothing)
                    issue = supply[k, s]
                    upd = T[actor[k, o], issue, actor[k, s]]
                    Uo = Uoff[actor[k, o], issue]
                    W, wS, x0 = Ws[k, s], ws[k, s], x0s[k, s]
                    numerator = S0[issue] + Uo if not math.isnan(upd) else S0[issue] + Uo - wS * x0 + wS * xs[k, s]
                    delta = 0.0 if verdict[k, s] == _CUT else abs((target * W - numerator) / wS)
                    d_s = delta * wS / W
                    d_o = d_s * (ss[k, s] + sd[k, o]) / (sd[k, s] + ss[k, o])
                    m_o = abs(d_o * Ws[k, o] / ws[k, o])
                    move[k, s] = -delta if xs[k, s] > xd[k, o] else delta
                    move[k, o] = -m_o if xs[k, o] > xd[k, s] else m_o
                    g = abs(d_o * ss[k, o] - d_s * sd[k, o])
                    gain[k] = g if math.isfinite(g) else 0.0
            valid[k] = (  # 5. validity
                ok[k]
                and _move_ok(move[k, 0], xs[k, 0], history[k, 0], nonneg[k, 0], nonpos[k, 0])
                and _move_ok(move[k, 1], xs[k, 1], history[k, 1], nonneg[k, 1], nonpos[k, 1])
            )
            y[k, 0] = xs[k, 0] + move[k, 0]
            y[k, 1] = xs[k, 1] + move[k, 1]
    return events, -1


@_jit
def _pair_codes(left: BoolArray, present: BoolArray, p: int, q: int, code: IntArray) -> None:
    """Rule 1's groups on the pair ``(p, q)``: bit 0 left of ``O_p``, bit 1 left of ``O_q``; -1 absent."""
    for a in range(left.shape[0]):
        code[a] = (int(left[a, p]) | int(left[a, q]) << 1) if present[a, p] and present[a, q] else -1


@_jit
def _candidates(left: BoolArray, present: BoolArray) -> tuple[IntArray, IntArray]:
    """Rule 1: each candidate's two actors and issue pair ``(p, q)``, in creation order."""
    n, m = left.shape
    code = np.empty(n, dtype=np.int64)
    count = 0
    for p in range(m):
        for q in range(p + 1, m):
            _pair_codes(left, present, p, q, code)
            for first, second in ((0, 3), (1, 2)):  # counted in loops: np.sum(code == first) compiles slower
                n_first = n_second = 0
                for a in range(n):
                    if code[a] == first:
                        n_first += 1
                    elif code[a] == second:
                        n_second += 1
                count += n_first * n_second
    actors = np.empty((count, 2), dtype=np.int64)
    pairs = np.empty((count, 2), dtype=np.int64)
    k = 0
    for p in range(m):
        for q in range(p + 1, m):
            _pair_codes(left, present, p, q, code)
            for first, second in ((0, 3), (1, 2)):  # (A, D), then (B, C)
                for a in range(n):
                    if code[a] != first:
                        continue
                    for b in range(n):
                        if code[b] == second:
                            actors[k, 0], actors[k, 1] = a, b
                            pairs[k, 0], pairs[k, 1] = p, q
                            k += 1
    return actors, pairs


@_jit
def _weighted_sums(w: FloatArray, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``W`` and ``sum_a w x`` per issue (1), summed in actor order as NumPy sums them."""
    n, m = x.shape
    W = np.zeros(m)
    S = np.zeros(m)
    for e in range(m):
        if n:
            W[e], S[e] = w[0, e], w[0, e] * x[0, e]
        for a in range(1, n):
            W[e] += w[a, e]
            S[e] += w[a, e] * x[a, e]
    return W, S


@_inline
def _before(g_a: float, pos_a: int, g_b: float, pos_b: int) -> bool:
    """Whether entry ``a`` precedes ``b`` in rule 6's stable sort: higher gain, then earlier in the list."""
    return g_a > g_b or (g_a == g_b and pos_a < pos_b)


@_jit
def _sort_entries(g: FloatArray, pos: IntArray, n: int, tmp_g: FloatArray, tmp_pos: IntArray) -> None:
    """Sort the entries ``(g, pos)[:n]`` in place by :func:`_before` (insertion sorts of
    ``_SHORT`` entries, then bottom-up merges through ``tmp``; nothing is allocated)."""
    for lo in range(0, n, _SHORT):
        hi = min(lo + _SHORT, n)
        for j in range(lo + 1, hi):
            gj, pj = g[j], pos[j]
            t = j
            while t > lo and _before(gj, pj, g[t - 1], pos[t - 1]):
                g[t], pos[t] = g[t - 1], pos[t - 1]
                t -= 1
            g[t], pos[t] = gj, pj
    width = _SHORT
    in_tmp = False
    while width < n:
        src_g, src_p = (tmp_g, tmp_pos) if in_tmp else (g, pos)
        dst_g, dst_p = (g, pos) if in_tmp else (tmp_g, tmp_pos)
        for lo in range(0, n, 2 * width):
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            a, b = lo, mid
            for t in range(lo, hi):
                if b >= hi or (a < mid and _before(src_g[a], src_p[a], src_g[b], src_p[b])):
                    dst_g[t], dst_p[t] = src_g[a], src_p[a]
                    a += 1
                else:
                    dst_g[t], dst_p[t] = src_g[b], src_p[b]
                    b += 1
        in_tmp = not in_tmp
        width *= 2
    if in_tmp:  # element by element: a slice assignment compiles Numba's shape-mismatch message
        for t in range(n):
            g[t], pos[t] = tmp_g[t], tmp_pos[t]


@_jit
def _radix_sort_gains(gain: FloatArray, g: FloatArray, pos: IntArray, tmp: IntArray) -> None:
    """``pos`` the candidates ``0..K-1`` by gain, highest first, equal gains in index order (a
    stable sort), and ``g`` their gains: a least-significant-digit radix sort, a byte at a
    time, of the gains' bit patterns (gains are ``>= +0.0``, whose patterns order as the
    numbers do; complemented for the highest first). A byte that every gain shares is skipped."""
    K = gain.shape[0]
    bits = gain.view(np.uint64)
    keys = np.empty(K, dtype=np.uint64)
    for k in range(K):
        keys[k] = ~bits[k]
        pos[k] = k
    count = np.empty(257, dtype=np.int64)
    src, dst = pos, tmp
    for byte in range(8):
        shift = np.uint64(8 * byte)
        for b in range(257):
            count[b] = 0
        for i in range(K):
            count[((keys[src[i]] >> shift) & np.uint64(255)) + 1] += 1
        if K == 0 or count[((keys[0] >> shift) & np.uint64(255)) + 1] == K:
            continue
        for b in range(256):
            count[b + 1] += count[b]
        for i in range(K):
            digit = (keys[src[i]] >> shift) & np.uint64(255)
            dst[count[digit]] = src[i]
            count[digit] += 1
        src, dst = dst, src
    for i in range(K):
        pos[i] = src[i]
        g[i] = gain[src[i]]


@_jit
def _heap_sort(v: IntArray) -> None:
    """Sort ``v`` in place, ascending (a heap sort: the entries are distinct, so any sort gives
    the same order, and this one compiles in a fraction of the time of ``ndarray.sort``)."""
    n = v.shape[0]
    for top in range(n // 2 - 1, -1, -1):
        _sift_down(v, top, n)
    for end in range(n - 1, 0, -1):
        v[0], v[end] = v[end], v[0]
        _sift_down(v, 0, end)


@_inline
def _sift_down(v: IntArray, root: int, n: int) -> None:
    """Restore the max-heap ``v[:n]`` below ``root``."""
    item = v[root]
    while True:
        child = 2 * root + 1
        if child >= n:
            break
        if child + 1 < n and v[child + 1] > v[child]:
            child += 1
        if v[child] <= item:
            break
        v[root] = v[child]
        root = child
    v[root] = item


@_jit
def _merge(src: IntArray, dst: IntArray, n_run: int, n_rest: int, tol: float, work: tuple) -> tuple[int, int, bool]:
    """Rule 6: the list's entries sorted into ``dst`` by gain, highest first, stably; gains
    within ``tol`` of the next (chained) form a cluster that keeps its list order.

    The entries are ``(gain, position in src)``: ``work``'s run (non-increasing gains in list
    order, as the last sort left them) and rest (gains recomputed since, and entries out of
    order), which is sorted and merged in, equal gains by list position as a stable sort has
    them. Returns the number of entries, the size of the first cluster and whether the list is
    clean (every cluster one entry).
    """
    run_g, run_pos, rest_g, rest_pos, tmp_g, tmp_pos, merged = work
    _sort_entries(rest_g, rest_pos, n_rest, tmp_g, tmp_pos)
    L = n_run + n_rest
    a = b = 0
    first = 0
    start = 0
    clean = True
    last = np.inf
    for t in range(L + 1):
        if t < L:
            if b >= n_rest or (a < n_run and _before(run_g[a], run_pos[a], rest_g[b], rest_pos[b])):
                g, i = run_g[a], run_pos[a]
                a += 1
            else:
                g, i = rest_g[b], rest_pos[b]
                b += 1
        if t == L or last - g > tol:  # the cluster [start, t) ends: in list order
            clean &= t - start <= 1
            if t - start > _SHORT:
                _heap_sort(merged[start:t])
            else:
                for j in range(start + 1, t):
                    i_j = merged[j]
                    u = j
                    while u > start and merged[u - 1] > i_j:
                        merged[u] = merged[u - 1]
                        u -= 1
                    merged[u] = i_j
            if start == 0:
                first = t
            start = t
        if t < L:
            merged[t] = i
            last = g
    for t in range(L):
        dst[t] = src[merged[t]]
    return L, first, clean


@_jit
def _file(src: IntArray, lo: int, L: int, gain: FloatArray, work: tuple) -> tuple[int, int]:
    """File the list entries ``src[lo:L]`` for :func:`_merge`: in the run if they continue it
    (non-increasing gains, as the last sort left them), else in the rest. Returns both sizes."""
    run_g, run_pos, rest_g, rest_pos = work[0], work[1], work[2], work[3]
    n_run = n_rest = 0
    last = np.inf
    for i in range(lo, L):
        g = gain[src[i]]
        if g <= last:
            last = run_g[n_run] = g
            run_pos[n_run] = i
            n_run += 1
        else:
            rest_g[n_rest], rest_pos[n_rest] = g, i
            n_rest += 1
    return n_run, n_rest


@_inline
def _write_updates(
    r: int, cand: tuple, state: tuple, x: FloatArray, w: FloatArray, T: FloatArray, Uoff: FloatArray
) -> None:
    """Rule 7: record realised candidate ``r``'s voting positions per (demander, issue)."""
    actor, supply = cand[0], cand[1]
    x0s = cand[7]
    y = state[2]
    for s in range(2):
        mover, demander, issue = actor[r, s], actor[r, 1 - s], supply[r, s]
        old = T[demander, issue, mover]
        if math.isnan(old):
            new, base = y[r, s], x[mover, issue]
        else:
            new = min(old, y[r, s]) if x0s[r, s] <= old else max(old, y[r, s])
            base = old
        Uoff[demander, issue] += w[mover, issue] * (new - base)
        T[demander, issue, mover] = new


@_inline
def _take_votes(k: int, r: int, actor: IntArray, supply: IntArray, state: tuple) -> None:
    """Rule 7: candidate ``k``'s sides that share an (actor, supplied issue) with realised ``r``
    take that side's voting position; such a side keeps its previous move in its history."""
    xs, move, y, history, nonneg, nonpos = state[0], state[1], state[2], state[3], state[4], state[5]
    for s in range(2):
        if actor[k, s] == actor[r, 0] and supply[k, s] == supply[r, 0]:
            xs[k, s] = y[r, 0]
        elif actor[k, s] == actor[r, 1] and supply[k, s] == supply[r, 1]:
            xs[k, s] = y[r, 1]
        else:
            continue
        history[k, s] += move[k, s]
        nonneg[k, s] |= move[k, s] >= 0
        nonpos[k, s] |= move[k, s] <= 0


@_inline
def _pass(
    r: int,
    src: IntArray,
    lo: int,
    L: int,
    cand: tuple,
    state: tuple,
    T: FloatArray,
    Uoff: FloatArray,
    S0: FloatArray,
    policy: int,
    coins: FloatArray,
    d: int,
    pointer: IntArray,
    work: tuple,
    order_work: tuple,
) -> tuple[int, int, int, int]:
    """Rule 7 after realising candidate ``r``: drop the invalid entries of the list ``src[lo:L]``;
    recompute the touched ones in list order, in batches (an entry's ``t``-th listing in batch
    ``t``); file the others, and the touched ones still valid, for the next sort (:func:`_keep`).
    Returns the run and rest sizes, the at-target events and -1, or the phase
    (``1 + 2 t + side``) whose coins ran out."""
    actor, supply = cand[0], cand[1]
    xs, move, y, history, nonneg, nonpos, gain, valid = state
    todo, repeat, seen, batch, slots, ok, kept, verdict, at0 = work
    run_g, run_pos, rest_g, rest_pos = order_work[0], order_work[1], order_work[2], order_work[3]
    a0, a1, q0, q1 = actor[r, 0], actor[r, 1], supply[r, 0], supply[r, 1]
    n_todo = n_run = n_rest = 0
    repeats = 0
    last = np.inf
    for i in range(lo, L):
        k = src[i]
        if not valid[k]:
            continue
        # touched: shares an (actor, supplied issue) or an (actor, demanded issue) with r
        b0, b1, e0, e1 = actor[k, 0], actor[k, 1], supply[k, 0], supply[k, 1]
        touched = (
            (b0 == a0 and (e0 == q0 or e1 == q1))
            or (b0 == a1 and (e0 == q1 or e1 == q0))
            or (b1 == a0 and (e1 == q0 or e0 == q1))
            or (b1 == a1 and (e1 == q1 or e0 == q0))
        )
        if touched:
            todo[n_todo] = i
            repeat[n_todo] = seen[k]
            seen[k] += 1
            repeats = max(repeats, seen[k])
            n_todo += 1
        elif gain[k] <= last:  # the run of non-increasing gains, as the last sort left them
            last = run_g[n_run] = gain[k]
            run_pos[n_run] = i
            n_run += 1
        else:
            rest_g[n_rest], rest_pos[n_rest] = gain[k], i
            n_rest += 1
    for c in range(n_todo):
        seen[src[todo[c]]] = 0
        kept[c] = True
    events = 0
    for t in range(repeats):
        nb = 0
        for c in range(n_todo):
            k = src[todo[c]]
            if repeat[c] != t:
                continue
            if not valid[k]:
                kept[c] = False
                continue
            batch[nb] = c
            slots[nb] = k
            nb += 1
            _take_votes(k, r, actor, supply, state)
        found, side = _calculate(slots[:nb], cand, state, T, Uoff, S0, policy, coins, d, pointer, ok, verdict, at0)
        events += found
        if side >= 0:
            return n_run, n_rest, events, 1 + 2 * t + side
        for c in range(nb):
            kept[batch[c]] = valid[slots[c]]
    for c in range(n_todo):
        if kept[c]:
            rest_g[n_rest], rest_pos[n_rest] = gain[src[todo[c]]], todo[c]
            n_rest += 1
    return n_run, n_rest, events, -1


@_jit
def _touch_index(actor: IntArray, supply: IntArray, n: int, m: int) -> tuple[IntArray, IntArray, IntArray]:
    """The candidates by (actor, issue, role): key ``2 (a m + e)`` where ``a`` supplies ``e``,
    ``2 (a m + e) + 1`` where it demands it; offsets ``(2 n m + 1,)`` and members (compressed
    rows), and each key's end ``(2 n m,)``, which :func:`_touched` moves down as members leave
    the list."""
    K = actor.shape[0]
    offsets = np.zeros(2 * n * m + 1, dtype=np.int64)
    for k in range(K):
        for s in range(2):
            offsets[2 * (actor[k, s] * m + supply[k, s]) + 1] += 1
            offsets[2 * (actor[k, s] * m + supply[k, 1 - s]) + 2] += 1
    for key in range(2 * n * m):
        offsets[key + 1] += offsets[key]
    members = np.empty(4 * K, dtype=np.int64)
    fill = np.empty(2 * n * m, dtype=np.int64)
    ends = np.empty(2 * n * m, dtype=np.int64)
    for key in range(2 * n * m):
        fill[key] = offsets[key]
        ends[key] = offsets[key + 1]
    for k in range(K):
        for s in range(2):
            for key in (2 * (actor[k, s] * m + supply[k, s]), 2 * (actor[k, s] * m + supply[k, 1 - s]) + 1):
                members[fill[key]] = k
                fill[key] += 1
    return offsets, members, ends


@_jit
def _touched(
    r: int, actor: IntArray, supply: IntArray, index: tuple, listed: BoolArray, mark: IntArray, gain: FloatArray,
    todo: IntArray, found: IntArray, todo_g: FloatArray, m: int,
) -> int:  # fmt: skip
    """Rule 7 on a clean list: the listed candidates realised ``r`` touches (an actor of ``r``
    supplying the issue it supplies, or demanding the issue its partner supplies), in list
    order, which on a clean list is the order of their gains. ``mark[k]``: 1 + their index in
    ``todo``. Returns their number. A candidate that has left the list never comes back in the
    round: it leaves the index too (the order of a key's members does not matter)."""
    offsets, members, ends = index
    a0, a1, q0, q1 = actor[r, 0], actor[r, 1], supply[r, 0], supply[r, 1]
    n_todo = 0
    for u in range(4):  # a0 supplies q0, a0 demands q1, a1 supplies q1, a1 demands q0
        key = 2 * ((a0 if u < 2 else a1) * m + (q0 if u == 0 or u == 3 else q1)) + (u & 1)
        t = offsets[key]
        while t < ends[key]:
            k = members[t]
            if not listed[k]:
                ends[key] -= 1
                members[t] = members[ends[key]]
                continue
            if mark[k] == 0:
                mark[k] = 1
                found[n_todo] = k
                todo_g[n_todo] = gain[k]
                n_todo += 1
            t += 1
    for c in range(n_todo):  # by gain, highest first: the gains of a clean list are distinct
        g = todo_g[c]
        rank = 0
        for e in range(n_todo):  # counted without branches, which beats an insertion sort here
            rank += todo_g[e] > g
        todo[rank] = found[c]
        mark[found[c]] = 1 + rank
    return n_todo


@_jit
def _splice(
    src: IntArray, dst: IntArray, src_g: FloatArray, dst_g: FloatArray, L: int, todo: IntArray, n_todo: int,
    mark: IntArray, gain: FloatArray, valid: BoolArray, listed: BoolArray, tol: float, order_work: tuple,
    ins: IntArray, oldpos: IntArray,
) -> tuple[int, int, bool]:  # fmt: skip
    """Rule 6 on a clean list ``src[1:L]`` (gains ``src_g``, falling by more than ``tol`` at
    each entry) after the entries ``todo`` (marked) were recomputed: the others, and the
    recomputed ones still valid sorted in, into ``dst`` in one pass. Only a recomputed gain can
    come within ``tol`` of a neighbour; if one does, the general merge redoes the step on the
    same run and rest (``order_work``: its work space; ``ins`` and ``oldpos``: space for the
    entries sorted in and the recomputed entries' list positions).
    Returns the list's length, the size of its first cluster and whether it is clean."""
    ins_g = order_work[0]
    nb = 0
    for c in range(n_todo):  # still valid, in list order, stably by new gain
        k = todo[c]
        if not valid[k]:
            listed[k] = False
            continue
        g = gain[k]
        v = nb
        while v > 0 and ins_g[v - 1] < g:
            ins[v], ins_g[v] = ins[v - 1], ins_g[v - 1]
            v -= 1
        ins[v], ins_g[v] = k, g
        nb += 1
    out = b = 0
    last = np.inf
    clean = True
    next_g = ins_g[0] if nb else -np.inf  # the next entry to sort in
    for i in range(1, L):
        k = src[i]
        if mark[k] != 0:
            oldpos[mark[k] - 1] = i
            continue
        g = src_g[i]
        if next_g > g:  # sort in the recomputed entries above g; gaps between the others only widen
            while b < nb and ins_g[b] > g:
                clean &= last - ins_g[b] > tol
                last = dst_g[out] = ins_g[b]
                dst[out] = ins[b]
                out += 1
                b += 1
            next_g = ins_g[b] if b < nb else -np.inf
            clean &= last - g > tol
        dst_g[out] = last = g
        dst[out] = k
        out += 1
    while b < nb:
        clean &= last - ins_g[b] > tol
        last = dst_g[out] = ins_g[b]
        dst[out] = ins[b]
        out += 1
        b += 1
    if clean:
        return out, 1 if out else 0, True
    # a cluster formed: the general merge (its run space was ins_g, no longer needed)
    run_g, run_pos, rest_g, rest_pos = order_work[0], order_work[1], order_work[2], order_work[3]
    n_run = n_rest = 0
    for i in range(1, L):
        if mark[src[i]] == 0:
            run_g[n_run], run_pos[n_run] = src_g[i], i
            n_run += 1
    for c in range(n_todo):
        k = todo[c]
        if valid[k]:
            rest_g[n_rest], rest_pos[n_rest] = gain[k], oldpos[c]
            n_rest += 1
    out, first, clean = _merge(src, dst, n_run, n_rest, tol, order_work)
    for i in range(out):
        dst_g[i] = gain[dst[i]]
    return out, first, clean


@_jit
def _relist(src: IntArray, L: int, gain: FloatArray, src_g: FloatArray, listed: BoolArray) -> None:
    """A clean list's gains ``src_g`` and which candidates are ``listed``."""
    for k in range(listed.shape[0]):
        listed[k] = False
    for i in range(L):
        listed[src[i]] = True
        src_g[i] = gain[src[i]]


@_jit
def _round(
    x: FloatArray,
    sal: FloatArray,
    w: FloatArray,
    present: BoolArray,
    tol: float,
    tie_policy: int,
    tie_coins: FloatArray,
    target_policy: int,
    target_coins: FloatArray,
    d: int,
    pointers: IntArray,
    shortcut: bool,
) -> tuple[IntArray, IntArray, IntArray, FloatArray, FloatArray, int, int, int, int, int]:
    """Rules 1-7: one round of draw ``d`` from positions ``x`` (``shortcut``: take the clean-list
    shortcut).

    Returns the candidates' actors and supplied issues, the realised candidates and their
    records (before, move, vote per side, gain), the candidates' final votes, the ties and
    at-target events, and the kind of coins that ran out or ``_STUCK`` (-1: neither) with its
    step and phase.
    """
    n, m = x.shape
    W, S0 = _weighted_sums(w, x)
    left = np.empty((n, m), dtype=np.bool_)
    for e in range(m):
        nbs = S0[e] / W[e] if W[e] > 0 else 0.0
        for a in range(n):
            left[a, e] = x[a, e] <= nbs + _LEFT_TOLERANCE
    pair_actors, pairs = _candidates(left, present)
    K = pair_actors.shape[0]

    # 2. roles: i has the larger s_p / s_q; i supplies q, j supplies p
    actor = np.empty((K, 2), dtype=np.int64)
    supply = np.empty((K, 2), dtype=np.int64)
    for k in range(K):
        a, b = pair_actors[k, 0], pair_actors[k, 1]
        p, q = pairs[k, 0], pairs[k, 1]
        lhs, rhs = sal[a, p] * sal[b, q], sal[b, p] * sal[a, q]
        b_is_i = lhs < rhs - 1e-12 * max(abs(lhs), abs(rhs))
        actor[k, 0], actor[k, 1] = (b, a) if b_is_i else (a, b)
        supply[k, 0], supply[k, 1] = q, p
    s_sup, s_dem, w_sup, W_sup = np.empty((K, 2)), np.empty((K, 2)), np.empty((K, 2)), np.empty((K, 2))
    x_dem, x_start = np.empty((K, 2)), np.empty((K, 2))
    for k in range(K):
        for s in range(2):
            a, e, f = actor[k, s], supply[k, s], supply[k, 1 - s]
            s_sup[k, s], s_dem[k, s], w_sup[k, s], W_sup[k, s] = sal[a, e], sal[a, f], w[a, e], W[e]
            x_dem[k, s], x_start[k, s] = x[a, f], x[a, e]
    cand = (actor, supply, s_sup, s_dem, w_sup, W_sup, x_dem, x_start)
    state = (
        x_start.copy(),
        np.zeros((K, 2)),
        x_start.copy(),
        np.zeros((K, 2)),
        np.zeros((K, 2), dtype=np.bool_),
        np.zeros((K, 2), dtype=np.bool_),
        np.zeros(K),
        np.zeros(K, dtype=np.bool_),
    )
    xs, move, y, _, _, _, gain, valid = state
    # 7. updates: T[demanding actor, issue, actor] and their weighted offset of the forecast
    T = np.full((n, m, n), np.nan)
    Uoff = np.zeros((n, m))
    work = (
        np.empty(K + 1, dtype=np.int64),
        np.empty(K + 1, dtype=np.int64),
        np.zeros(K, dtype=np.int64),
        np.empty(K + 1, dtype=np.int64),
        np.empty(K + 1, dtype=np.int64),
        np.zeros(K, dtype=np.bool_),
        np.empty(K + 1, dtype=np.bool_),
        np.empty((K, 2), dtype=np.int8),
        np.empty((K, 2)),
    )
    order_work = (
        np.empty(K + 1),
        np.empty(K + 1, dtype=np.int64),
        np.empty(K + 1),
        np.empty(K + 1, dtype=np.int64),
        np.empty(K + 1),
        np.empty(K + 1, dtype=np.int64),
        np.empty(K + 1, dtype=np.int64),
    )
    realised = np.empty(K + 1, dtype=np.int64)
    records = np.empty((K + 1, 7))
    ties = 0
    events, side = _calculate(
        np.arange(K), cand, state, T, Uoff, S0, target_policy, target_coins, d, pointers[_TARGET],
        work[5], work[7], work[8],
    )  # fmt: skip
    if side >= 0:
        return actor, supply, realised[:0], records[:0], y, ties, events, _TARGET, -1, side

    # 6. the list: entries (candidates) in list order, sorted from src into dst at each step;
    # one more slot for an entry appended on a tie
    src = np.arange(K + 1)
    dst = np.empty(K + 1, dtype=np.int64)
    # The first order: a stable sort by gain is the merge's run; the merge forms the clusters.
    _radix_sort_gains(gain, order_work[0], order_work[1], order_work[5])
    L, first, clean = _merge(src, dst, K, 0, tol, order_work)
    src, dst = dst, src
    # While the list is clean (gains falling by more than tol at each entry, so in order of
    # gain) and holds only valid entries (from the round's first realisation on), a step
    # finds the touched entries through an index and splices the list in one pass: the
    # same list as _pass and _merge make. src_g holds the gains of a clean list's entries.
    fast = False
    index = _touch_index(actor, supply, n, m)
    listed = np.zeros(K, dtype=np.bool_)
    mark = np.zeros(K, dtype=np.int64)
    src_g, dst_g = np.empty(K + 1), np.empty(K + 1)
    n_real = 0
    step = 0
    while L > 0:
        tie = first > 1
        chosen = 0
        if tie:
            ties += 1
            stuck = tie_policy == _NEVER  # invalid heads forever: none is realised, the cluster stays
            for i in range(first):
                stuck &= not valid[src[i]]
            if stuck:
                return actor, supply, realised[:0], records[:0], y, ties, events, _STUCK, step, 0
            chosen = _flip(tie_policy, tie_coins, d, pointers[_TIE])
            if chosen < 0:
                return actor, supply, realised[:0], records[:0], y, ties, events, _TIE, step, 0
        r = src[chosen]
        lo = 1 + chosen  # the head leaves the list, and the runner-up if realised
        if tie:  # the head goes to the end of the list; or the runner-up is listed once more
            src[L] = src[1 - chosen]
            L += 1
        if valid[r]:
            if n_real == realised.shape[0]:
                realised = np.concatenate((realised, np.empty(n_real, dtype=np.int64)))
                records = np.concatenate((records, np.empty((n_real, 7))))
            realised[n_real] = r
            rec = records[n_real]  # element by element: a row assignment compiles Numba's shape-mismatch message
            rec[0], rec[1], rec[2], rec[3], rec[4], rec[5], rec[6] = (
                xs[r, 0],
                xs[r, 1],
                move[r, 0],
                move[r, 1],
                y[r, 0],
                y[r, 1],
                gain[r],
            )
            n_real += 1
            _write_updates(r, cand, state, x, w, T, Uoff)
            if fast and clean:
                listed[r] = False
                todo = work[0]
                n_todo = _touched(r, actor, supply, index, listed, mark, gain, todo, order_work[5], order_work[4], m)
                for c in range(n_todo):
                    _take_votes(todo[c], r, actor, supply, state)
                found, side = _calculate(
                    todo[:n_todo], cand, state, T, Uoff, S0, target_policy, target_coins, d, pointers[_TARGET],
                    work[5], work[7], work[8],
                )  # fmt: skip
                events += found
                if side >= 0:
                    return actor, supply, realised[:0], records[:0], y, ties, events, _TARGET, step, 1 + side
                L, first, clean = _splice(
                    src, dst, src_g, dst_g, L, todo, n_todo, mark, gain, valid, listed, tol, order_work, work[3],
                    work[1],
                )  # fmt: skip
                for c in range(n_todo):
                    mark[todo[c]] = 0
                src, dst = dst, src
                src_g, dst_g = dst_g, src_g
                fast = clean
                step += 1
                continue
            n_run, n_rest, found, phase = _pass(
                r, src, lo, L, cand, state, T, Uoff, S0, target_policy, target_coins, d, pointers[_TARGET], work,
                order_work,
            )  # fmt: skip
            events += found
            if phase >= 0:
                return actor, supply, realised[:0], records[:0], y, ties, events, _TARGET, step, phase
        else:
            n_run, n_rest = _file(src, lo, L, gain, order_work)
        L, first, clean = _merge(src, dst, n_run, n_rest, tol, order_work)
        src, dst = dst, src
        if shortcut and clean and valid[r] and tol >= 0.0:  # every invalid entry has left the list
            _relist(src, L, gain, src_g, listed)
            fast = True
        step += 1
    return actor, supply, realised[:n_real], records[:n_real], y, ties, events, -1, 0, 0


@_jit
def _simulate(
    x: FloatArray,
    sal: FloatArray,
    w: FloatArray,
    present: BoolArray,
    rounds: int,
    tol: float,
    salience_weight: float,
    fixed_weight: float,
    tie_policy: int,
    tie_coins: FloatArray,
    target_policy: int,
    target_coins: FloatArray,
    shortcut: bool,
) -> tuple[FloatArray, FloatArray, IntArray, IntArray, IntArray, IntArray, IntArray, FloatArray]:
    """All rounds of all draws (0-100 units; ``shortcut``: see :func:`_round`). Returns
    positions ``(D, R + 1, n, m)``, voting positions ``(D, R, n, m)``, ties and at-target events
    ``(D, R)``, coins used ``(2, D)``; per draw the coins that ran out or a round that never
    ends, ``(kind, round, step, phase)`` (kind -1: neither; the run stops after that round); and
    the realised exchanges, ``(7, E)`` integer fields (draw, round, order, actors, issues) and
    ``(7, E)`` floats (before, move, vote per side, gain)."""
    D, n, m = x.shape
    positions = np.empty((D, rounds + 1, n, m))
    voting = np.empty((D, rounds, n, m))
    for d in range(D):  # loops, not slice assignments, which compile Numba's shape-mismatch message
        for a in range(n):
            for e in range(m):
                positions[d, 0, a, e] = x[d, a, e]
    ties = np.zeros((D, rounds), dtype=np.int64)
    events = np.zeros((D, rounds), dtype=np.int64)
    pointers = np.zeros((2, D), dtype=np.int64)
    short = np.full((D, 4), -1, dtype=np.int64)
    ints = np.empty((7, 64), dtype=np.int64)
    floats = np.empty((7, 64))
    E = 0
    for t in range(rounds):
        for d in range(D):
            x0, vote, new = positions[d, t], voting[d, t], positions[d, t + 1]
            actor, supply, realised, records, y, ties[d, t], events[d, t], kind, step, phase = _round(
                x0, sal[d], w[d], present, tol, tie_policy, tie_coins, target_policy, target_coins, d, pointers,
                shortcut,
            )  # fmt: skip
            if kind >= 0:
                short[d, 0], short[d, 1], short[d, 2], short[d, 3] = kind, t, step, phase
                continue
            # 8. voting positions (the last vote of each exchange's current state) and eq. (4)
            for a in range(n):
                for e in range(m):
                    vote[a, e] = new[a, e] = x0[a, e]
            for e in range(realised.shape[0]):
                k = realised[e]
                for s in range(2):
                    a, issue = actor[k, s], supply[k, s]
                    start = x0[a, issue]
                    vote[a, issue] = y[k, s]
                    f = (1.0 - sal[d, a, issue]) * salience_weight + fixed_weight
                    new[a, issue] = start + f * (y[k, s] - start)
            if E + realised.shape[0] > ints.shape[1]:
                size = max(2 * ints.shape[1], E + realised.shape[0])
                grown_i, grown_f = np.empty((7, size), dtype=np.int64), np.empty((7, size))
                for row in range(7):
                    for e in range(E):
                        grown_i[row, e], grown_f[row, e] = ints[row, e], floats[row, e]
                ints, floats = grown_i, grown_f
            for e in range(realised.shape[0]):
                k = realised[e]
                ints[0, E], ints[1, E], ints[2, E] = d, t, e
                ints[3, E], ints[4, E], ints[5, E], ints[6, E] = actor[k, 0], actor[k, 1], supply[k, 0], supply[k, 1]
                for row in range(7):
                    floats[row, E] = records[e, row]
                E += 1
        stopped = False  # a loop, not np.any(short[:, 0] >= 0), which takes longer to compile
        for d in range(D):
            stopped |= short[d, 0] >= 0
        if stopped:
            break
    return positions, voting, ties, events, pointers, short, ints[:, :E], floats[:, :E]


def run_issues(problem: IssuesProblem, detail: bool = True) -> IssuesResult:
    """The exchange model over a scenario's issues at once, through the common engine interface.

    Actors are the union of the issues' actors; an actor absent from an issue
    takes no part in exchanges on it. Capability is the actor's power on every
    issue. Ties go to the head of the list (no coins) and at-target moves
    pass, so the run is deterministic. Per issue the forecast is the weighted
    mean after the last round (projected onto the veto players' interval);
    ``forecast_by_round`` holds every round's.
    """
    problems = problem.issues
    issues = list(problems)
    actors = list(problem.actors)
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
    out: dict[str, BargainingResult] = {}
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
            rounds=np.full(d, by_round.shape[1] - 1),
            stop=np.full(d, 2),
        )
    return IssuesResult("exchange", out)


SPEC: EngineSpec[IssuesProblem, IssuesResult] = EngineSpec(
    name="exchange",
    title="Exchange model (Stokman & van Oosten, equal gain)",
    kind=MULTI_ISSUE,
    run=run_issues,
    problem=IssuesProblem,
    result=IssuesResult,
    inputs=("issues",),
    outputs=("issues",),
    rounds=True,
    kernels=lambda: (_simulate,),
    compile_seconds=13,
    reference="Stokman & van Oosten 1994, in Bueno de Mesquita & Stokman (eds.), European Community Decision Making",
)
