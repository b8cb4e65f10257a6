"""Evaluation: every engine on the baseline and the moves over the same draws; objectives; policy effects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from standoff.core.problems import BargainingProblem, FloatArray, PackageVeto
from standoff.engines.base import EngineSpec
from standoff.engines.deterrence import DeterrenceParams
from standoff.engines.winset import DEAL_TOL, WinSet, project, tile, win_set
from standoff.experiments.advice.moves import _apply, _stack, _unblocked
from standoff.experiments.advice.results import Move, PolicyEffect, PolicyMeasure
from standoff.scenario.arrays import ScenarioArrays
from standoff.scenario.load import LoadedScenario


def _reason(move: Move, gain: float, se: float, partner_gain: float | None, goal: str) -> str:
    """Why a move is not recommended (empty if it is)."""
    if move.kind == "policy":
        return "a policy option has no bargaining effect; see its deterrence and crisis effect"
    if gain <= 1e-9:
        return "no net gain: it costs at least what it brings" if goal == "utility" else "no gain in P(deal)"
    if np.isfinite(se) and gain <= 2 * se:
        return f"the gain is within two standard errors ({2 * se:.2g}) of zero"
    if partner_gain is not None and partner_gain <= 0:
        return f"the partner would lose ({partner_gain:+.3g}): its consent is not credible"
    return ""


class _Runner:
    """Runs every engine on the baseline and the moves, chunk by chunk, issue by issue (stacked)."""

    def __init__(
        self,
        moves: list[Move],
        specs: list[EngineSpec],
        issues: list[str],
        mediator: tuple[float, float],
        draws: int,
        need_raw: bool,
    ) -> None:
        self.moves, self.specs, self.issues, self.mediator = moves, specs, issues, mediator
        self.need_raw = need_raw
        n = len(moves)
        rows = (n + 1, draws)
        self.forecast = {s.name: {i: np.empty(rows) for i in issues} for s in specs}
        self.raw = {s.name: {i: np.empty(rows) for i in issues} for s in specs} if need_raw else {}
        self.status_quo: dict[str, FloatArray] = {}
        self.base: dict[str, BargainingProblem] = {}
        self.own_dx, self.own_ds, self.partner_dx = np.zeros((n, draws)), np.zeros((n, draws)), np.zeros((n, draws))
        self.stated: dict[int, dict[str, FloatArray]] = {}
        self.touching = {i: [m for m, mv in enumerate(moves) if i in mv.issues] for i in issues}
        self.n_draws = draws
        self.win_set: WinSet | None = None

    def evaluate(self, parts: list[ScenarioArrays]) -> None:
        start = 0
        stated: dict[int, dict[str, list[FloatArray]]] = {}
        bases: dict[str, list[BargainingProblem]] = {i: [] for i in self.issues}
        for arrays in parts:
            dc = arrays.n_draws
            sl = slice(start, start + dc)
            for i in self.issues:
                p = arrays.problems[i]
                bases[i].append(p)
                blocks = {m: _apply(self.moves[m], p, self.mediator, i) for m in self.touching[i]}
                for m, b in blocks.items():
                    self.own_dx[m, sl], self.own_ds[m, sl], self.partner_dx[m, sl] = b.own_dx, b.own_ds, b.partner_dx
                    for who, v in b.stated.items():
                        key = f"{who}:{i}" if self.moves[m].package is not None else who
                        stated.setdefault(m, {}).setdefault(key, []).append(v)
                wide = ("propose", "package")
                same = [m for m in self.touching[i] if self.moves[m].kind not in wide]
                wider = [m for m in self.touching[i] if self.moves[m].kind in wide]
                self._run(i, sl, [p] + [blocks[m].problem for m in same], [-1, *same])
                if wider:
                    self._run(i, sl, [blocks[m].problem for m in wider], wider)
            start += dc
        self.stated = {m: {who: np.concatenate(v) for who, v in per.items()} for m, per in stated.items()}
        self.base = {i: _stack(ps) for i, ps in bases.items()}
        self.status_quo = {i: p.status_quo for i, p in self.base.items()}

    def project_win_set(self, packages: Sequence[PackageVeto]) -> None:
        """Move every engine's forecasts of the package issues, baseline and moves, onto the win-set.

        The win-set is the baseline's (the veto players' true interests, whatever a move makes
        anyone state), the same for every row of a draw."""
        ws = win_set(self.base, packages)
        if ws is None:
            return
        rows = len(self.moves) + 1
        tiled = tile(ws, rows)
        for e in self.forecast:
            y = np.stack([self.forecast[e][i].reshape(-1) for i in ws.issues], axis=1)
            moved = project(tiled, y)
            for j, i in enumerate(ws.issues):
                self.forecast[e][i] = moved[:, j].reshape(rows, -1)
        self.win_set = ws

    def _run(self, issue: str, sl: slice, blocks: list[BargainingProblem], rows: list[int]) -> None:
        """Run every engine once on the stacked blocks; row ``-1`` is the baseline (copied to every move)."""
        stack = _stack(blocks)
        dc = blocks[0].n_draws
        for spec in self.specs:
            result = spec(stack, detail=False)
            outs = [(self.forecast[spec.name][issue], result.forecast)]
            if self.need_raw:
                outs.append((self.raw[spec.name][issue], _unblocked(spec, stack, result)))
            for target, values in outs:
                values = values.reshape(len(blocks), dc)
                for r, m in enumerate(rows):
                    if m < 0:
                        target[:, sl] = values[r]
                    else:
                        target[1 + m, sl] = values[r]

    def truth(self, issue: str, who: str) -> tuple[FloatArray, FloatArray]:
        """``who``'s sampled position and salience on ``issue`` (its interests, whatever it states)."""
        p = self.base[issue]
        k = p.actors.index(who)
        return p.position[:, k], p.salience[:, k]


def _utility(run: _Runner, engine: str, actor: str, issues: list[str], spans: Mapping[str, float]) -> FloatArray:
    """``(M + 1, D)`` the actor's utility (row 0: baseline)."""
    total = np.zeros_like(run.forecast[engine][issues[0]])
    for i in issues:
        x, s = run.truth(i, actor)
        total -= s / spans[i] * np.abs(run.forecast[engine][i] - x)
    return total


def _position_costs(
    run: _Runner,
    moves: list[Move],
    names: list[str],
    actor: str,
    own: list[str],
    spans: Mapping[str, float],
    cost_rate: float,
) -> FloatArray:
    """``(M, D)`` the cost of each move's stated change (see the module docstring)."""
    cost = np.zeros((len(moves), run.n_draws))
    for m, mv in enumerate(moves):
        if mv.issue is None or mv.issue not in own:
            continue
        i = mv.issue
        x, s = run.truth(i, actor)
        fbar = np.mean([run.forecast[e][i][0] for e in names], axis=0)
        cost[m] = cost_rate / spans[i] * (s * run.own_dx[m] + run.own_ds[m] * np.abs(x - fbar))
    return cost


def _partner_gains(
    run: _Runner, moves: list[Move], names: list[str], spans: Mapping[str, float], cost_rate: float
) -> dict[int, float]:
    """Move index → an alignment partner's own mean net utility gain."""
    out: dict[int, float] = {}
    for m, mv in enumerate(moves):
        if mv.kind != "align" or mv.partner is None or mv.issue is None:
            continue
        i = mv.issue
        x, s = run.truth(i, mv.partner)
        du = np.mean(
            [
                -s / spans[i] * (np.abs(run.forecast[e][i][1 + m] - x) - np.abs(run.forecast[e][i][0] - x))
                for e in names
            ],
            axis=0,
        )
        out[m] = float(np.mean(du - cost_rate * s / spans[i] * run.partner_dx[m]))
    return out


def _open(run: _Runner, engine: str, issues: list[str], spans: Mapping[str, float]) -> dict[str, FloatArray]:
    """Issue → ``(M + 1, D)`` 1 where no veto binds (the bargained outcome is inside every veto interval)."""
    return {
        i: (np.abs(run.raw[engine][i] - run.forecast[engine][i]) <= DEAL_TOL * spans[i]).astype(float) for i in issues
    }


def _deal(run: _Runner, engine: str, issues: list[str], spans: Mapping[str, float]) -> FloatArray:
    """``(M + 1, D)`` 1 where a deal is reached (row 0: baseline).

    With package vetoes: where the forecast, projected onto the win-set, leaves the status
    quo on some package issue. Otherwise: every chosen issue inside every veto interval
    before the projection and at least one off the status quo."""
    if run.win_set is not None:
        moved = np.zeros_like(run.forecast[engine][run.win_set.issues[0]], dtype=bool)
        for i in run.win_set.issues:
            moved |= np.abs(run.forecast[engine][i] - run.status_quo[i]) > DEAL_TOL * spans[i]
        return moved.astype(float)
    inside = np.ones_like(run.forecast[engine][issues[0]], dtype=bool)
    moved = np.zeros_like(inside)
    for i in issues:
        f = run.forecast[engine][i]
        inside &= np.abs(run.raw[engine][i] - f) <= DEAL_TOL * spans[i]
        moved |= np.abs(f - run.status_quo[i]) > DEAL_TOL * spans[i]
    return (inside & moved).astype(float)


def _policy_effects(
    loaded: LoadedScenario, moves: list[Move], params: DeterrenceParams | None, paths: int, seed: int
) -> list[PolicyEffect]:
    wanted = [mv.policy for mv in moves if mv.kind == "policy" and mv.policy]
    if not wanted:
        return []
    from standoff.experiments.policy import compare

    if params is None:
        from standoff.history.default_fit import default_fit

        params = default_fit().params
    result = compare(loaded, params, paths=paths, seed=seed)
    by_id = {o.id: o for o in result.options}
    base = by_id["baseline"]

    def measures(o: Any) -> list[tuple[str, float, tuple[float, float]]]:
        d = o.deterrence
        out = [
            ("P(test within 12 months)", d.p_test_12.p, (d.p_test_12.low, d.p_test_12.high)),
            ("P(test within 24 months)", d.p_test_24.p, (d.p_test_24.low, d.p_test_24.high)),
            ("P(war within 24 months)", d.p_war_24.p, (d.p_war_24.low, d.p_war_24.high)),
        ]
        if o.crisis is not None:
            c = o.crisis
            out += [
                ("P(deal through the talks)", c.p_deal.p, (c.p_deal.low, c.p_deal.high)),
                ("P(war at today's optimal demand)", c.war_now.p, (c.war_now.low, c.war_now.high)),
                ("expected settlement (crisis issue scale)", c.settlement, (c.settlement, c.settlement)),
            ]
        return out

    ref = {name: (v, ci) for name, v, ci in measures(base)}
    effects = []
    for pid in wanted:
        o = by_id[pid]
        ms = [
            PolicyMeasure(name, ref[name][0], v, v - ref[name][0], ref[name][1], ci)
            for name, v, ci in measures(o)
            if name in ref
        ]
        effects.append(PolicyEffect(pid, o.name, paths, ms))
    return effects
