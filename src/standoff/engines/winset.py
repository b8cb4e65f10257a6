"""Package vetoes and the win-set of the status quo (Tsebelis 2002).

Tsebelis (*Veto Players: How Political Institutions Work*, 2002, ch. 1) defines
the **win-set** of the status quo as the set of outcomes every veto player
prefers to it, over all issues together. A veto player ``a`` with a package
veto over issues ``I_a`` has the salience-weighted linear utility the advice
and the exchange model use::

    U_a(y) = - Σ_{i ∈ I_a} s_ai |y_i - x_ai| / Δ_i

(``x_ai``, ``s_ai``: its position and salience in the draw; ``Δ_i``: the
issue's scale span, so distances are shares of the scale). It accepts ``y``
when ``U_a(y) >= U_a(SQ) - τ_a`` with ``τ_a`` the scenario's tolerance: ``y``
lies in the weighted-L1 ball around ``x_a`` of radius
``r_a = Σ s_ai |SQ_i - x_ai| / Δ_i + τ_a``. The win-set is the intersection
of these balls with the red-line boxes (per-issue veto intervals) and the
scales; it always contains the status quo when the red lines do.

(The compromise model has no utility; the Nash solution uses ``-|x - x_i|``
per issue, unnormalised and unweighted. The normalised, salience-weighted
form is the one that makes issues on different scales comparable, as a
package veto must.)

**Projection.** An engine's forecast ``f`` over the package issues is moved to
the nearest package in the win-set, nearest in the weighted-L1 distance
``Σ_i ω_i |y_i - f_i| / Δ_i`` with ``ω_i`` the capability-weighted mean
salience of the issue's actors (issues that matter more to the powerful are
harder to move off their bargained outcome). With auxiliary variables
``t_i >= |y_i - f_i|`` and ``u_ai >= |y_i - x_ai|`` this is a linear programme,
solved exactly by HiGHS (``scipy.optimize.linprog``); the draws are independent
blocks of one block-diagonal programme, so one call serves a whole chunk. A
draw whose win-set is empty makes that programme infeasible; one more
programme, with an elastic slack on every draw's radii, then tells those draws
apart, and the others are still solved together. The L1 optimum need not be
unique; HiGHS returns a vertex, the same one for the same input (solved alone
or among other draws, the solutions agree to about 1e-13 of the scale). A
forecast already in the win-set is left as it is; if the win-set is empty
(red lines that exclude the status quo and every ball), the outcome is the
status quo, as :func:`~standoff.engines.base.apply_veto` does.

**Extent.** The win-set is the status quo alone exactly when, for every issue,
the largest and the smallest ``y_i`` over it equal ``SQ_i`` (any other point
differs from ``SQ`` on some issue). These ``2k`` linear programmes give the
per-issue range of the win-set; a veto player is *pivotal* when the win-set
is the status quo alone with it and larger without it.

**Exchanges.** The exchange model (a multi-issue engine) realises exchanges
round by round. With package vetoes, a round's exchanges are realised only if
they keep every veto player at or above its status-quo utility, or at least
no worse off than before the round (so a start outside the win-set can still
move towards it): round ``t`` is blocked when some veto player has
``-U_a(F_t) > max(r_a, -U_a(F_{t-1}))``, ``F_t`` the forecast after round
``t``, and bargaining stops before the first blocked round
(:func:`stop_round`); the forecast there is then projected like every other.
The filter acts on a round's exchanges together, not one by one: the model
realises them jointly, and a per-exchange test belongs inside its rounds.

Departures: the balls come from each draw's sampled positions, saliences and
status quo (red-line intervals, like before, from the point values); issues
outside every package keep the engines' forecasts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from standoff.core.problems import BargainingProblem, BargainingResult, FloatArray, PackageVeto
from standoff.engines.base import apply_veto

#: Slack in utility units for accepting an outcome (numerical, not behavioural).
SLACK = 1e-9
#: A win-set narrower than this share of every scale is the status quo alone.
POINT_TOL = 1e-6
#: A package off the status quo by more than this share of some issue's scale is a deal.
DEAL_TOL = 0.01
#: Elastic slack above which a draw's win-set is empty: ten times HiGHS's primal feasibility tolerance.
ELASTIC_EMPTY = 1e-6


@dataclass(frozen=True)
class WinSet:
    """The win-set over the issues of the package vetoes, batched over draws.

    Attributes:
        issues: the ``k`` issues in some package, in the order of the problems.
        actors: the ``P`` veto players with a package veto (one row per package).
        ideal: ``(D, P, k)`` each veto player's position (0 where the issue is not in its package).
        salience: ``(D, P, k)`` its salience (0 where the issue is not in its package).
        member: ``(P, k)`` whether the issue is in the package.
        status_quo: ``(D, k)``; ``span``: ``(k,)``; ``box``: ``(k, 2)`` red lines within the scale.
        radius: ``(D, P)`` the utility loss of the status quo plus the tolerance.
        weight: ``(D, k)`` the projection's issue weights ``ω_i``.
    """

    issues: tuple[str, ...]
    actors: tuple[str, ...]
    ideal: FloatArray
    salience: FloatArray
    member: NDArray[np.bool_]
    status_quo: FloatArray
    span: FloatArray
    box: FloatArray
    radius: FloatArray
    weight: FloatArray

    @property
    def n_draws(self) -> int:
        return int(self.status_quo.shape[0])

    @cached_property
    def feasibility(self) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        """``(D,)`` twice: the draws whose win-set is certainly not empty, and the undecided ones
        (:func:`_feasible`); the others' are empty. Computed once, on first use."""
        return _feasible(self)

    def loss(self, y: FloatArray) -> FloatArray:
        """``(D, P)`` each veto player's utility loss ``-U_a(y)`` for packages ``y`` ``(D, k)``."""
        return (self.salience * np.abs(y[:, None, :] - self.ideal) / self.span).sum(axis=-1)

    def accepts(self, y: FloatArray) -> NDArray[np.bool_]:
        """``(D, P)`` whether each veto player accepts ``y`` ``(D, k)`` (red lines aside)."""
        return self.loss(y) <= self.radius + SLACK

    def inside(self, y: FloatArray) -> NDArray[np.bool_]:
        """``(D,)`` whether ``y`` is in the win-set (every package veto and red line)."""
        in_box = ((y >= self.box[:, 0] - 1e-9) & (y <= self.box[:, 1] + 1e-9)).all(axis=-1)
        return self.accepts(y).all(axis=-1) & in_box

    def without(self, actor: str) -> WinSet:
        """The win-set if ``actor``'s package veto were lifted."""
        keep = [p for p, a in enumerate(self.actors) if a != actor]
        return replace(
            self,
            actors=tuple(self.actors[p] for p in keep),
            ideal=self.ideal[:, keep],
            salience=self.salience[:, keep],
            member=self.member[keep],
            radius=self.radius[:, keep],
        )


def tile(ws: WinSet, reps: int) -> WinSet:
    """The win-set repeated ``reps`` times along the draw axis (block ``r`` is a copy of every draw)."""

    def rep(x: FloatArray) -> FloatArray:
        return np.tile(x, (reps,) + (1,) * (x.ndim - 1))

    return replace(
        ws,
        ideal=rep(ws.ideal),
        salience=rep(ws.salience),
        status_quo=rep(ws.status_quo),
        radius=rep(ws.radius),
        weight=rep(ws.weight),
    )


def win_set(problems: Mapping[str, BargainingProblem], packages: Sequence[PackageVeto]) -> WinSet | None:
    """Compile the package vetoes over ``problems`` (one issue each); ``None`` without any package veto."""
    issues = tuple(i for i in problems if any(i in pv.issues for pv in packages))
    if not issues:
        return None
    first = problems[issues[0]]
    d, k, n_p = first.n_draws, len(issues), len(packages)
    ideal, salience = np.zeros((d, n_p, k)), np.zeros((d, n_p, k))
    member = np.zeros((n_p, k), dtype=bool)
    for p, pv in enumerate(packages):
        for j, issue in enumerate(issues):
            if issue in pv.issues:
                prob = problems[issue]
                a = prob.actors.index(pv.actor)
                ideal[:, p, j], salience[:, p, j], member[p, j] = prob.position[:, a], prob.salience[:, a], True
    sq = np.stack([problems[i].status_quo for i in issues], axis=1)
    span = np.array([problems[i].span for i in issues])
    box = np.array(
        [
            (
                max(problems[i].scale[0], float(np.max(problems[i].veto[:, 0]))),
                min(problems[i].scale[1], float(np.min(problems[i].veto[:, 1]))),
            )
            for i in issues
        ]
    )
    tol = np.array([pv.tolerance for pv in packages])
    radius = (salience * np.abs(sq[:, None, :] - ideal) / span).sum(axis=-1) + tol
    weight = np.stack([_issue_weight(problems[i]) for i in issues], axis=1)
    return WinSet(issues, tuple(pv.actor for pv in packages), ideal, salience, member, sq, span, box, radius, weight)


def _issue_weight(p: BargainingProblem) -> FloatArray:
    """``(D,)`` the capability-weighted mean salience of the issue's actors (1 if no capability)."""
    cap = p.capability.sum(axis=1)
    return np.where(cap > 0, p.weight.sum(axis=1) / np.where(cap > 0, cap, 1.0), 1.0)


def project(ws: WinSet, forecast: FloatArray) -> FloatArray:
    """``(D, k)`` the nearest package in the win-set to ``forecast`` ``(D, k)`` (see the module docstring)."""
    out = np.clip(forecast, ws.box[:, 0], ws.box[:, 1])
    todo = np.flatnonzero(~ws.inside(out))
    if len(todo) == 0:
        return out
    k = len(ws.issues)
    cost = np.zeros((len(todo), _n_vars(ws)))
    cost[:, k : 2 * k] = ws.weight[todo] / ws.span
    solved, ok = _solve(ws, todo, forecast[todo], cost)
    out[todo] = np.where(ok[:, None], solved[:, :k], ws.status_quo[todo])
    return out + 0.0  # no negative zeros


def extent(ws: WinSet) -> FloatArray:
    """``(D, k, 2)`` the smallest and largest value of each issue over the win-set (NaN if it is empty)."""
    k, d = len(ws.issues), ws.n_draws
    out = np.full((d, k, 2), np.nan)
    rows = np.arange(d)
    for j in range(k):
        for side, sign in ((0, 1.0), (1, -1.0)):
            cost = np.zeros((d, _n_vars(ws)))
            cost[:, j] = sign
            solved, ok = _solve(ws, rows, ws.status_quo, cost)
            out[:, j, side] = np.where(ok, solved[:, j], np.nan)
    return out + 0.0


def is_point(ws: WinSet, bounds: FloatArray) -> NDArray[np.bool_]:
    """``(D,)`` whether the win-set with per-issue ``bounds`` ``(D, k, 2)`` is the status quo alone."""
    width = (bounds[..., 1] - bounds[..., 0]) / ws.span
    return np.isfinite(width).all(axis=-1) & (width <= POINT_TOL).all(axis=-1)


def pivotal(ws: WinSet) -> list[str]:
    """In a one-draw win-set that is the status quo alone: the veto players without whom it would be larger."""
    return [a for a in dict.fromkeys(ws.actors) if not is_point(ws, extent(ws.without(a)))[0]]


def stop_round(ws: WinSet, by_round: FloatArray) -> NDArray[np.intp]:
    """``(D,)`` the last realised round of a multi-issue engine (see the module docstring).

    ``by_round``: ``(D, R + 1, k)`` the forecast of the package issues after each round
    (round 0: before any exchange)."""
    loss = _per_round(ws, by_round)
    r1 = by_round.shape[1]
    allowed = np.maximum(ws.radius[:, None, :], loss[:, :-1]) + SLACK
    blocked = (loss[:, 1:] > allowed).any(axis=-1)  # (D, R): round t + 1 blocked
    return np.where(blocked.any(axis=1), np.argmax(blocked, axis=1), r1 - 1)


def _per_round(ws: WinSet, by_round: FloatArray) -> FloatArray:
    """``(D, R + 1, P)`` each veto player's utility loss after each round."""
    return (ws.salience[:, None] * np.abs(by_round[:, :, None, :] - ws.ideal[:, None]) / ws.span).sum(axis=-1)


def leaves_status_quo(ws: WinSet, y: FloatArray) -> NDArray[np.bool_]:
    """``(D,)`` whether packages ``y`` ``(D, k)`` move off the status quo by more than ``DEAL_TOL`` of a scale."""
    return (np.abs(y - ws.status_quo) > DEAL_TOL * ws.span).any(axis=-1)


def _n_vars(ws: WinSet) -> int:
    k = len(ws.issues)
    return 2 * k + int(ws.member.sum())


def _solve(
    ws: WinSet, rows: NDArray[np.intp], target: FloatArray, cost: FloatArray
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Minimise ``cost · z`` over the win-set, per draw in ``rows``, as one block-diagonal LP.

    Per draw the variables are ``z = (y, t, u)``: the package ``y`` (``k``), the
    distances ``t_i >= |y_i - target_i|`` (``k``) and ``u_ai >= |y_i - x_ai|``
    (one per package member). Returns ``(len(rows), n_vars)`` solutions and
    whether each draw's programme was feasible. An infeasible draw would make
    the whole programme infeasible: unless every draw's status quo is within the
    red lines (and so in its win-set), the draws are first sorted
    (:attr:`WinSet.feasibility`); the feasible ones are solved together, the
    undecided one by one.
    """
    sq = ws.status_quo[rows]
    if len(rows) == 1 or ((sq >= ws.box[:, 0]) & (sq <= ws.box[:, 1])).all():
        return _block(ws, rows, target, cost)
    solved, ok = np.full((len(rows), _n_vars(ws)), np.nan), np.zeros(len(rows), dtype=bool)
    feasible, undecided = (a[rows] for a in ws.feasibility)
    if feasible.any():
        solved[feasible], ok[feasible] = _block(ws, rows[feasible], target[feasible], cost[feasible])
        undecided |= feasible & ~ok  # a feasible draw at the edge of HiGHS's tolerance: alone
    for r in np.flatnonzero(undecided):
        solved[[r]], ok[[r]] = _block(ws, rows[[r]], target[[r]], cost[[r]])
    return solved, ok


def _feasible(ws: WinSet) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Which draws' win-sets are certainly non-empty, and which are undecided (the others are empty).

    One block LP with an elastic slack ``σ >= 0`` per draw added to every veto
    player's radius, minimising ``Σ σ``: a draw is feasible where its ``σ`` is 0,
    empty where ``σ`` exceeds HiGHS's feasibility tolerance tenfold, and undecided
    between (solved alone, as its own programme decides)."""
    d, nv = ws.n_draws, _n_vars(ws)
    cost = np.zeros((d, nv + 1))
    cost[:, nv] = 1.0
    solved, ok = _block(ws, np.arange(d), ws.status_quo, cost, elastic=True)
    if not ok.all():  # only if the red lines leave no package at all (or HiGHS fails): each draw alone
        return np.zeros(d, dtype=bool), np.ones(d, dtype=bool)
    sigma = solved[:, nv]
    return sigma <= 0.0, (sigma > 0.0) & (sigma <= ELASTIC_EMPTY)


def _block(
    ws: WinSet, rows: NDArray[np.intp], target: FloatArray, cost: FloatArray, elastic: bool = False
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """The block-diagonal LP of :func:`_solve` for the draws ``rows``, in one HiGHS call: the
    solutions and, for every draw alike, whether it was feasible. ``elastic``: with one more
    variable per draw, a slack ``σ >= 0`` on every veto player's radius."""
    from scipy import sparse
    from scipy.optimize import linprog

    k = len(ws.issues)
    pairs = np.argwhere(ws.member)  # (M, 2): package p, issue j
    m = len(pairs)
    nv = 2 * k + m + int(elastic)
    d = len(rows)
    # template of one draw: constraint row, variable, coefficient (coefficient may vary by draw)
    r_idx: list[NDArray[np.intp]] = []
    c_idx: list[NDArray[np.intp]] = []
    vals: list[FloatArray] = []
    rhs: list[FloatArray] = []
    eye = np.arange(k)
    ones = np.ones((d, k))
    # y_j - t_j <= f_j ; -y_j - t_j <= -f_j
    for s, row0 in ((1.0, 0), (-1.0, k)):
        r_idx += [row0 + eye, row0 + eye]
        c_idx += [eye, k + eye]
        vals += [s * ones, -ones]
        rhs.append(s * target)
    # y_j - u_q <= x_pj ; -y_j - u_q <= -x_pj
    q = np.arange(m)
    x = ws.ideal[rows][:, pairs[:, 0], pairs[:, 1]]
    for s, row0 in ((1.0, 2 * k), (-1.0, 2 * k + m)):
        r_idx += [row0 + q, row0 + q]
        c_idx += [pairs[:, 1], 2 * k + q]
        vals += [s * np.ones((d, m)), -np.ones((d, m))]
        rhs.append(s * x)
    # Σ_j s_pj / Δ_j u_q (- σ) <= r_p
    n_p = len(ws.actors)
    coef = ws.salience[rows][:, pairs[:, 0], pairs[:, 1]] / ws.span[pairs[:, 1]]
    r_idx.append(2 * k + 2 * m + pairs[:, 0])
    c_idx.append(2 * k + q)
    vals.append(coef)
    if elastic:
        r_idx.append(2 * k + 2 * m + np.arange(n_p))
        c_idx.append(np.full(n_p, nv - 1))
        vals.append(-np.ones((d, n_p)))
    rhs.append(ws.radius[rows])
    n_rows = 2 * k + 2 * m + n_p
    r_one, c_one = np.concatenate(r_idx), np.concatenate(c_idx)
    v_all = np.concatenate(vals, axis=1)
    block = np.arange(d)[:, None]
    a_ub = sparse.csr_array(
        (v_all.ravel(), ((block * n_rows + r_one).ravel(), (block * nv + c_one).ravel())), shape=(d * n_rows, d * nv)
    )
    b_ub = np.concatenate(rhs, axis=1).ravel()
    low = np.concatenate([ws.box[:, 0], np.zeros(nv - k)])
    high = np.concatenate([ws.box[:, 1], np.full(nv - k, np.inf)])
    bounds = np.stack([np.tile(low, d), np.tile(high, d)], axis=1)
    res = linprog(cost.ravel(), A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status == 0:
        return res.x.reshape(d, nv), np.ones(d, dtype=bool)
    return np.full((d, nv), np.nan), np.zeros(d, dtype=bool)


def realised_forecasts(
    problems: Mapping[str, BargainingProblem],
    packages: Sequence[PackageVeto],
    results: Mapping[str, BargainingResult],
    ws: WinSet | None = None,
) -> dict[str, FloatArray]:
    """Issue → ``(D,)`` a multi-issue engine's forecast after its last realised round, within the red lines.

    ``results`` must carry ``forecast_by_round`` (a detailed run). Without package vetoes,
    the engine's own forecasts. ``ws``: the win-set of ``problems`` and ``packages`` if
    already built (engines that share draws share it)."""
    ws = ws or win_set(problems, packages)
    if ws is None:
        return {i: r.forecast for i, r in results.items()}
    by_round = np.stack([results[i].forecast_by_round for i in ws.issues], axis=-1)  # type: ignore[misc]
    stop = stop_round(ws, by_round)
    rows = np.arange(len(stop))
    return {
        i: apply_veto(r.forecast_by_round[rows, stop], problems[i].status_quo, problems[i].veto)  # type: ignore[index]
        for i, r in results.items()
    }


def project_issues(
    problems: Mapping[str, BargainingProblem],
    packages: Sequence[PackageVeto],
    forecasts: Mapping[str, FloatArray],
    ws: WinSet | None = None,
) -> dict[str, FloatArray]:
    """Issue → ``(D,)`` forecasts projected onto the win-set (issues outside every package unchanged).

    ``ws``: the win-set of ``problems`` and ``packages`` if already built."""
    ws = ws or win_set(problems, packages)
    out = dict(forecasts)
    if ws is None:
        return out
    joint = project(ws, np.stack([forecasts[i] for i in ws.issues], axis=1))
    for j, issue in enumerate(ws.issues):
        out[issue] = joint[:, j]
    return out
