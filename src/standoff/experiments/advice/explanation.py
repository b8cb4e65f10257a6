"""Explanation of the top moves: effects, responses, offers that change, coalitions; the notes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from standoff.core.problems import BargainingProblem, FloatArray
from standoff.engines.base import EngineSpec
from standoff.engines.expected_utility import OFFER_NAMES
from standoff.engines.winset import DEAL_TOL, WinSet, extent, is_point, pivotal
from standoff.experiments.advice.evaluation import _Runner
from standoff.experiments.advice.moves import _apply, _stack, _unblocked
from standoff.experiments.advice.results import (
    COALITION_TOL,
    EU,
    MOVED_TOL,
    Baseline,
    BoolArray,
    CoalitionMember,
    Explanation,
    IntArray,
    IssueEffect,
    Move,
    OfferChange,
    PolicyEffect,
    Response,
    _summary,
)
from standoff.scenario.arrays import ScenarioArrays

# --------------------------------------------------------------------------------------------
# Explanations
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Detail:
    """One block of a detailed engine run: forecasts, veto binding, and the expected-utility state."""

    forecast: FloatArray
    blocked: BoolArray
    final: FloatArray | None = None
    offer: IntArray | None = None
    rounds: IntArray | None = None


def _detailed(spec: EngineSpec, blocks: list[BargainingProblem], span: float) -> list[_Detail]:
    """Run ``spec`` once on the stacked blocks (with per-round details for the expected-utility model)."""
    stack = _stack(blocks)
    k, dc = len(blocks), blocks[0].n_draws
    eu = spec.name == EU
    result = spec(stack, detail=eu)
    raw = _unblocked(spec, stack, result)
    blocked = (np.abs(raw - result.forecast) > DEAL_TOL * span).reshape(k, dc)
    f = result.forecast.reshape(k, dc)
    out = []
    for b in range(k):
        rows = slice(b * dc, (b + 1) * dc)
        if eu and result.trajectory is not None and "offer" in result.details:
            out.append(
                _Detail(
                    f[b],
                    blocked[b],
                    result.trajectory[rows, -1],
                    np.asarray(result.details["offer"][rows], dtype=np.int64),
                    np.asarray(result.details["rounds"][rows], dtype=np.int64),
                )
            )
        else:
            out.append(_Detail(f[b], blocked[b]))
    return out


def _pad_rounds(offer: IntArray, rounds: int) -> IntArray:
    """Offers ``(D, R, n, n)`` extended to ``rounds`` rounds by repeating the last (stopped draws do)."""
    if offer.shape[1] >= rounds:
        return offer
    extra = np.repeat(offer[:, -1:], rounds - offer.shape[1], axis=1)
    return np.concatenate([offer, extra], axis=1)


@dataclass
class _Trace:
    """What the detailed pass gathers for one explained move, chunk by chunk."""

    blocked: dict[str, list[BoolArray]] = field(default_factory=dict)
    shifts: list[FloatArray] = field(default_factory=list)
    near_before: list[BoolArray] = field(default_factory=list)
    near_after: list[BoolArray] = field(default_factory=list)
    changed: IntArray | None = None
    transitions: IntArray | None = None

    def offers(self, base: _Detail, after: _Detail, n: int) -> None:
        """Count, per pair, the draws in which an offer changes class, and the class transitions."""
        assert base.offer is not None and after.offer is not None and base.rounds is not None
        assert after.rounds is not None
        width, classes = after.offer.shape[-1], len(OFFER_NAMES)
        r = max(base.offer.shape[1], after.offer.shape[1])
        before = np.zeros((base.offer.shape[0], r, width, width), dtype=np.int64)
        before[:, :, :n, :n] = _pad_rounds(base.offer, r)
        now = _pad_rounds(after.offer, r)
        active = np.arange(r)[None, :] < np.maximum(base.rounds, after.rounds)[:, None]
        diff = (before != now) & active[:, :, None, None]
        changed = diff.any(axis=1).sum(axis=0)
        cells = np.nonzero(diff)
        idx = ((cells[2] * width + cells[3]) * classes + before[cells]) * classes + now[cells]
        counts = np.bincount(idx, minlength=width * width * classes * classes).reshape(width, width, classes, classes)
        self.changed = changed if self.changed is None else self.changed + changed
        self.transitions = counts if self.transitions is None else self.transitions + counts


def _explain(
    run: _Runner,
    parts: list[ScenarioArrays],
    moves: list[Move],
    explained: list[int],
    specs: list[EngineSpec],
    issues: list[str],
    level: float,
    spans: Mapping[str, float],
) -> dict[int, Explanation]:
    """Explanations of the chosen moves, from a second (detailed) pass over the same chunks."""
    names = [s.name for s in specs]
    blocked_base: dict[tuple[str, str], list[BoolArray]] = {}
    traces = {m: _Trace() for m in explained}
    touched = {i: [m for m in explained if moves[m].issue == i] for i in issues}
    for arrays in parts:
        for i in issues:
            if not touched[i]:
                continue
            p = arrays.problems[i]
            blocks = {m: _apply(moves[m], p, run.mediator, i) for m in touched[i]}
            groups = [
                [m for m in touched[i] if moves[m].kind != "propose"],
                [m for m in touched[i] if moves[m].kind == "propose"],
            ]
            for spec in specs:
                base = _detailed(spec, [p], spans[i])[0]
                blocked_base.setdefault((i, spec.name), []).append(base.blocked)
                for group in (g for g in groups if g):
                    for m, d in zip(group, _detailed(spec, [blocks[m].problem for m in group], spans[i]), strict=True):
                        trace = traces[m]
                        trace.blocked.setdefault(spec.name, []).append(d.blocked)
                        if d.final is None or base.final is None:
                            continue
                        n = p.n_actors
                        trace.shifts.append(d.final[:, :n] - base.final)
                        shared = blocks[m].shared
                        if shared is not None:
                            tol = COALITION_TOL * spans[i]
                            trace.near_before.append(np.abs(base.final - shared[:, None]) <= tol)
                            trace.near_after.append(np.abs(d.final[:, :n] - shared[:, None]) <= tol)
                        trace.offers(base, d, n)
    out = {}
    for m in explained:
        mv = moves[m]
        assert mv.issue is not None
        i = mv.issue
        p = run.base[i]
        trace = traces[m]
        ids = list(p.actors) + ([mv.actor] if mv.kind == "propose" else [])
        span = spans[i]
        effects = []
        for e in names:
            before, after = run.forecast[e][i][0], run.forecast[e][i][1 + m]
            effects.append(
                IssueEffect(
                    i,
                    e,
                    _summary(before, level),
                    _summary(after, level),
                    _summary(after - before, level),
                    float(np.mean(np.concatenate(blocked_base[(i, e)]))),
                    float(np.mean(np.concatenate(trace.blocked[e]))),
                )
            )
        set_by_move = {mv.actor, mv.partner}
        responses: list[Response] = []
        if trace.shifts:
            shift = np.concatenate(trace.shifts)
            moved = np.abs(shift) > MOVED_TOL * span
            for a, who in enumerate(p.actors):
                if who in set_by_move or moved[:, a].mean() < 0.05:
                    continue
                responses.append(Response(i, who, _summary(shift[:, a], level), float(moved[:, a].mean())))
            responses.sort(key=lambda r: -abs(r.shift.mean))
        offers: list[OfferChange] = []
        if trace.changed is not None and trace.transitions is not None:
            share = trace.changed / run.forecast[names[0]][i].shape[1]
            t = trace.transitions
            if mv.kind == "propose":
                share[-1, :] = share[:, -1] = 0.0  # the proposer's own offers are new by construction
            for r_, j in zip(*np.nonzero(share >= 0.05), strict=True):
                was, now = np.unravel_index(int(np.argmax(t[r_, j])), t.shape[2:])
                offers.append(
                    OfferChange(i, ids[j], ids[r_], OFFER_NAMES[int(was)], OFFER_NAMES[int(now)], float(share[r_, j]))
                )
            offers.sort(key=lambda o: -o.share)
        coalition: list[CoalitionMember] = []
        if trace.near_after:
            b_in = np.concatenate(trace.near_before)
            a_in = np.concatenate(trace.near_after)
            for a, who in enumerate(p.actors):
                if a_in[:, a].mean() >= 0.5 or b_in[:, a].mean() >= 0.5:
                    coalition.append(CoalitionMember(i, who, float(b_in[:, a].mean()), float(a_in[:, a].mean())))
        out[m] = Explanation(
            effects, responses[:8], offers[:8], coalition, _mechanism(mv, effects, responses, offers, coalition, run, m)
        )
    return out


def _mechanism(
    mv: Move,
    effects: list[IssueEffect],
    responses: list[Response],
    offers: list[OfferChange],
    coalition: list[CoalitionMember],
    run: _Runner,
    m: int,
) -> list[str]:
    """Sentences saying how the move works in each engine's terms."""
    lines = []
    for ef in effects:
        lines.append(
            f"{ef.engine}: {ef.issue} forecast {ef.before.mean:.1f} -> {ef.after.mean:.1f} "
            f"(change {ef.change.mean:+.1f}, central interval [{ef.change.low:+.1f}, {ef.change.high:+.1f}])"
        )
        if abs(ef.blocked_after - ef.blocked_before) >= 0.05:
            lines.append(
                f"{ef.engine}: a veto binds on {ef.issue} in {ef.blocked_before:.0%} of draws before, "
                f"{ef.blocked_after:.0%} after"
            )
        if ef.engine == "compromise" and mv.kind in ("position", "align", "salience") and mv.issue is not None:
            p = run.base[mv.issue]
            k = p.actors.index(mv.actor)
            share = float(np.mean(p.weight[:, k] / np.maximum(p.weight.sum(axis=1), 1e-300)))
            lines.append(
                f"compromise: the weighted mean; {mv.actor} holds {share:.0%} of the capability x salience "
                f"weight on {mv.issue}, so a stated shift moves the mean by about that share of it"
            )
    for o in offers[:4]:
        if o.after == "none":
            what = f"stops challenging {o.receiver} (its {o.before} offer is gone)"
        elif o.before == "none":
            what = f"starts challenging {o.receiver} ({o.after} offer)"
        else:
            what = f"changes its offer to {o.receiver} from {o.before} to {o.after}"
        lines.append(f"expected_utility: {o.offerer} {what} in {o.share:.0%} of draws")
    for r in responses[:4]:
        lines.append(
            f"expected_utility: {r.actor} ends {r.shift.mean:+.1f} points from its final baseline position "
            f"(it moves in {r.moved_share:.0%} of draws)"
        )
    members = [c.actor for c in coalition if c.share_after >= 0.5]
    if members:
        lines.append(f"expected_utility: the coalition at the shared position: {', '.join(members)}")
    if mv.kind == "propose":
        lines.append(f"a new stance at {mv.target:g} with modest weight pulls the bargaining towards it")
    return lines


def _notes(
    goal: str,
    mediator: bool,
    policies: list[PolicyEffect],
    moves: list[Move],
    baseline: Baseline,
    ws: WinSet | None = None,
) -> list[str]:
    notes = [
        "Gains are model-relative: the change each engine predicts when the actor states something else, "
        "with every other input as sampled; they are not forecasts that the move will be believed or answered.",
        "Other actors' stated positions are the scenario's; only the expected-utility model lets them respond.",
    ]
    if goal == "utility":
        notes.append(
            "Utility: minus the salience-weighted distance (percent of each scale) between forecast and the actor's "
            "own position; net gain subtracts the cost of the stated change."
        )
    elif ws is not None:
        notes.append(
            f"Deal: the forecast over the package issues ({', '.join(ws.issues)}), moved onto the win-set of the "
            f"status quo (the packages {', '.join(dict.fromkeys(ws.actors))} all accept), leaves the status quo; "
            "moves cost nothing under this objective."
        )
        notes.append(_win_set_note(ws))
    else:
        notes.append(
            "Deal: every chosen issue's bargained outcome inside every veto player's interval (before the veto "
            "projection) and at least one issue off the status quo; moves cost nothing under this objective."
        )
        if baseline.objective == 0.0 and baseline.open_issues:
            worst = sorted(baseline.open_issues.items(), key=lambda kv: kv[1])[:3]
            blocked = ", ".join(f"{i} (a veto binds in {100 * (1 - share):.0f}% of draws)" for i, share in worst)
            notes.append(
                f"No deal in any draw; the issues most often blocked: {blocked}. Moves are ranked by the share of "
                "issues left open. Choose issues where a deal is possible (--issue) to weigh proposals on them."
            )
    if mediator:
        what = "package proposals" if ws is not None else "proposals on an issue"
        notes.append(f"The mediator is not an actor of the scenario; its only moves are {what}.")
    if policies:
        notes.append(
            "Policy options change deterrence and crisis inputs only; their bargaining gain is zero by construction "
            "and their effects are reported from the policy comparison."
        )
    if any(mv.kind == "align" for mv in moves):
        notes.append("Alignments assume the partner agrees; its own net gain is reported beside the move.")
    return notes


def _win_set_note(ws: WinSet) -> str:
    """What the win-set is at the point values: its range per issue, or why it is the status quo alone."""
    bounds = extent(ws)
    if np.isnan(bounds).any():
        return "The win-set is empty at the point values: the red lines exclude every package the veto players accept."
    if is_point(ws, bounds)[0]:
        who = ", ".join(pivotal(ws)) or "no single veto player"
        return (
            f"The win-set is the status quo alone at the point values; its status quo admits no improvement for: {who}."
        )
    ranges = ", ".join(f"{i} {lo:.3g}-{hi:.3g}" for i, (lo, hi) in zip(ws.issues, bounds[0], strict=True))
    return f"The win-set at the point values spans (per issue, not every combination): {ranges}."
