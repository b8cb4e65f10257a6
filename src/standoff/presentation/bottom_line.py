"""The bottom line: the answer first, in sentences written from the results.

:func:`bottom_line` reads a :class:`~standoff.experiments.forecast.Forecast`,
the scenario (for actor names) and, when there is one, an
:class:`~standoff.experiments.outlook.Outlook` (the questions' probabilities,
the sensitivity, the best advised move), and returns plain text: a lede, the
questions, who wants what, and what would change the outlook. The CLI briefing,
the dashboard's first screen and the report all show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from standoff.experiments.forecast import Forecast, IssueForecast
from standoff.experiments.outlook import factor_name
from standoff.experiments.questions import QuestionLine
from standoff.scenario.model import Scenario

#: A forecast within this share of the scale of the status quo has not moved.
STILL = 0.005


@dataclass(frozen=True)
class Side:
    """One side of the standoff: what it wants most and how much weight it carries there."""

    actor: str
    wants: list[str]


@dataclass(frozen=True)
class BottomLine:
    """The bottom line as plain sentences (no markup)."""

    lede: list[str]
    questions: list[QuestionLine]
    sides: list[Side]
    changes: list[str]
    notes: list[str] = field(default_factory=list)


def fmt(x: float) -> str:
    """A position as people write it: ``50``, ``62.5``."""
    return f"{x:.1f}".rstrip("0").rstrip(".") if np.isfinite(x) else "–"


def plural(n: int, word: str) -> str:
    """``1 round``, ``2 rounds``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def pct(p: float) -> str:
    """A probability in percent: ``67%``, ``0.3%``, ``<0.1%``."""
    if p <= 0:
        return "0%"
    if p < 0.001:
        return "<0.1%"
    return f"{100 * p:.1f}%" if p < 0.01 else f"{100 * p:.0f}%"


def points(x: float, span: float) -> str:
    """``x`` points on a scale of ``span`` (``"12.5 points"``)."""
    unit = "point" if abs(x) == 1 else "points"
    return f"{fmt(x)} {unit} of {fmt(span)}"


def _anchor(i: IssueForecast, x: float) -> str:
    text = i.anchors[min(i.anchors, key=lambda a: abs(a - x))]
    head = text.split(":")[0].split(";")[0].strip()
    return head if len(head) <= 60 else head[:59].rstrip() + "…"


def _still(i: IssueForecast, x: float) -> bool:
    return abs(x - i.status_quo) <= STILL * (i.scale[1] - i.scale[0])


def _names(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def bottom_line(f: Forecast, scenario: Scenario, outlook: Any = None, advice_hint: str | None = None) -> BottomLine:
    """The bottom line of a forecast (``outlook``: a :class:`~standoff.experiments.outlook.Outlook`, or ``None``).

    ``advice_hint`` is said, after the first side's name, when the outlook holds no advice
    (e.g. where to find the best moves)."""
    names = {a.id: a.name for a in scenario.actors}
    lede: list[str] = []
    frozen, moving = [], []
    for i in f.issues:
        values = [e.value for e in i.engines.values()]
        if all(_still(i, v) for v in values):
            free = [e.without_vetoes for e in i.engines.values() if e.without_vetoes is not None]
            if free and not all(_still(i, v) for v in free):
                frozen.append((i, free))
        else:
            moving.append(i)
    n = len(f.issues)
    if frozen:
        holders = sorted({names.get(a, a) for i, _ in frozen for a in [*i.vetoes, *i.package_vetoes]})
        lede.append(
            f"Vetoes freeze {len(frozen)} of {n} issues at the status quo "
            f"({_names([i.name for i, _ in frozen])}): every model's forecast stays where things stand "
            f"because {_names(holders)} would block any move."
        )
        shifts = sorted(frozen, key=lambda t: -abs(float(np.median(t[1])) - t[0].status_quo) / _span(t[0]))[:3]
        parts = [
            f"{i.name} to about {fmt(float(np.median(free)))} ({_anchor(i, float(np.median(free)))}; "
            f"now {fmt(i.status_quo)})"
            for i, free in shifts
        ]
        lede.append(f"Without the vetoes the models would move {_names(parts)} (median over models).")
    if moving:
        parts = []
        for i in moving[:4]:
            values = [e.value for e in i.engines.values()]
            lo, hi = min(values), max(values)
            where = fmt(lo) if lo == hi else f"{fmt(lo)}–{fmt(hi)}"
            parts.append(f"{i.name} from {fmt(i.status_quo)} to {where} ({_anchor(i, float(np.median(values)))})")
        more = f" (and {len(moving) - 4} more)" if len(moving) > 4 else ""
        scales = {i.scale for i in f.issues}
        unit = ""
        if len(scales) == 1:
            lo, hi = next(iter(scales))
            unit = f"; positions on the issues' {fmt(lo)}–{fmt(hi)} scale"
        lede.append(f"The models expect movement on {_names(parts)}{more}{unit}.")
    elif not frozen:
        lede.append("No model expects any issue to move from the status quo.")
    w = f.win_set
    if w is not None:
        deals = [e for e, d in w.deal.items() if d]
        who = _names([names.get(a, a) for a in w.veto_players])
        if w.status == "empty":
            lede.append(f"No package deal exists that {who} would all accept: their red lines exclude every one.")
        elif w.status == "status quo alone":
            lede.append(f"No package deal improves on the status quo for all of {who}.")
        else:
            p = ""
            if w.p_deal:
                values = sorted(w.p_deal.values())
                p = f"; over the Monte Carlo draws, P(deal) is {pct(values[0])}–{pct(values[-1])} across models"
            lede.append(
                f"A package deal that {who} would all accept exists: {len(deals)} of {len(w.deal)} models find one{p}."
            )
    if f.draws:
        widest = max(
            ((i, e) for i in f.issues for e in i.engines.values() if e.draws),
            key=lambda t: (t[1].draws.high - t[1].draws.low) / _span(t[0]),
            default=None,
        )
        if widest is not None:
            i, e = widest
            d = e.draws
            lede.append(
                f"Most uncertain: {i.name} ({e.title}), Monte Carlo median {fmt(d.median)} with a "
                f"{d.level:.0%} interval of {fmt(d.low)}–{fmt(d.high)} over {f.draws} draws."
            )
    sides = _sides(f, scenario)
    changes, notes = _changes(f, scenario, outlook)
    if advice_hint and (outlook is None or outlook.advice is None):
        from standoff.experiments.advice import advice_subjects

        first = scenario.actor(advice_subjects(scenario)[0]).name
        changes.append(f"The best moves open to {first}: {advice_hint}")
    questions = list(outlook.questions) if outlook is not None else []
    return BottomLine(lede, questions, sides, changes, notes)


def _span(i: IssueForecast) -> float:
    return float(i.scale[1] - i.scale[0]) or 1.0


def _sides(f: Forecast, scenario: Scenario, top: int = 3) -> list[Side]:
    from standoff.experiments.advice import advice_subjects

    sides = advice_subjects(scenario)[:-1]
    out = []
    for actor in sides:
        stakes = []
        for i in f.issues:
            if actor not in i.actors:
                continue
            k = i.actors.index(actor)
            total = sum(i.weights) or 1.0
            stakes.append((i.weights[k], i, i.positions[k], i.weights[k] / total))
        stakes.sort(key=lambda t: -t[0])
        wants = [
            f"{i.name} at {fmt(x)} ({_anchor(i, x)}; {share:.0%} of the weight on it)"
            for _, i, x, share in stakes[:top]
        ]
        out.append(Side(scenario.actor(actor).name, wants))
    return out


def _changes(f: Forecast, scenario: Scenario, outlook: Any) -> tuple[list[str], list[str]]:
    changes: list[str] = []
    notes: list[str] = []
    if outlook is None:
        return changes, notes
    issues = {i.issue: i for i in f.issues}
    varying = [s for s in outlook.sensitivity if s.std > 0 and s.sobol and s.issue in issues]
    if varying:
        s = max(varying, key=lambda s: s.std / _span(issues[s.issue]))
        top = max(s.sobol, key=lambda x: x.total)
        i = issues[s.issue]
        who = factor_name(scenario, top.factor)
        model = i.engines[s.engine].title if s.engine in i.engines else s.engine
        changes.append(
            f"The most sensitive forecast is {i.name} ({model}):"
            f" it spreads by ±{fmt(s.std)} points (standard deviation) as the uncertain inputs vary, and "
            f"{who} explain {min(top.total, 1):.0%} of that spread (Sobol total index {top.total:.2f}"
            f" ± {top.total_conf:.2f})."
        )
        bars = [b for b in s.tornado if b.swing > 0]
        if bars:
            b = bars[0]
            changes.append(
                f"Moving {factor_name(scenario, b.input)} from its 5th to its 95th percentile "
                f"({fmt(b.low_value)} → {fmt(b.high_value)}) moves that forecast from "
                f"{fmt(b.low_forecast)} to {fmt(b.high_forecast)}."
            )
    pinned = [s for s in outlook.sensitivity if s.pinned and s.issue in issues]
    if pinned:
        frozen = sorted({issues[s.issue].name for s in pinned})
        notes.append(
            f"No uncertain input moves {_names(frozen)}: a veto pins the forecast at the status quo in every draw."
        )
    a = outlook.advice
    if a is not None and a.moves:
        best = a.recommended[0] if a.recommended else None
        who = "an outside mediator" if a.mediator else scenario.actor(a.actor).name
        if best is None:
            changes.append(f"No move is advised for {who}: none gains more than twice its Monte Carlo error.")
        else:
            changes.append(f"Best advised move for {who}: {best.move.description} ({move_effect(best, a, f)}).")
    return changes, notes


def move_effect(m: Any, advice: Any, f: Forecast | None = None) -> str:
    """A move's effect in units a reader knows: probability points of a deal, or points on the issue's scale."""
    if advice.objective == "deal":
        return (
            f"P(deal) {pct(advice.baseline.objective)} → {pct(advice.baseline.objective + m.gain)}, "
            f"{100 * m.gain:+.1f} probability points, Monte Carlo mean over {advice.draws} draws"
        )
    before, after = m.before, m.after
    if before and after:
        b = float(np.mean(list(before.values())))
        x = float(np.mean(list(after.values())))
        issue = m.move.issue
        name = issue
        if f is not None and issue is not None:
            name = next((i.name for i in f.issues if i.issue == issue), issue)
        return (
            f"moves the {name} forecast from {fmt(b)} to {fmt(x)} ({x - b:+.1f} points on its scale), "
            f"Monte Carlo mean over {advice.draws} draws and the models"
        )
    return f"net gain {m.gain:+.4f} in utility (share of the scale × salience), Monte Carlo mean"
