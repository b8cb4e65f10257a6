"""The forecast as a briefing a person reads in a minute (Rich renderables)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from standoff.experiments.forecast import Forecast, IssueForecast

ENGINE_ORDER = ("compromise", "median", "nash", "expected_utility")


def render(f: Forecast) -> RenderableType:
    """The whole briefing."""
    head = Text.assemble(
        (f"{f.title}", "bold"),
        f"  [{f.scenario}, as of {f.as_of}]\n",
        f"{f.inputs_total} numeric inputs: {f.inputs_quoted} backed by a quote, "
        f"{f.inputs_judgment_only} on judgment alone.",
        "" if f.draws is None else f"  Monte Carlo: {f.draws} draws, seed {f.seed}.",
    )
    return Group(head, *[render_issue(i) for i in f.issues])


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if abs(x) < 1e6 else f"{x:.3g}"


def render_issue(i: IssueForecast) -> RenderableType:
    """One issue: status quo, each engine's forecast, who pushes and who moved."""
    lo, hi = i.scale
    title = Text.assemble(("\n" + i.name.upper(), "bold cyan"), f"  {i.question}")
    scale = Text(f"  scale {_fmt(lo)} = {_short(i.anchors[lo])} … {_fmt(hi)} = {_short(i.anchors[hi])}", style="dim")
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("  engine")
    table.add_column("forecast", justify="right")
    table.add_column("meaning")
    with_draws = any(e.draws for e in i.engines.values())
    if with_draws:
        table.add_column("MC median [interval]", justify="right")
    table.add_row("  status quo", _fmt(i.status_quo), _label(i, i.status_quo), *([""] if with_draws else []))
    names = sorted(i.engines, key=lambda n: ENGINE_ORDER.index(n) if n in ENGINE_ORDER else len(ENGINE_ORDER))
    for name in names:
        e = i.engines[name]
        extra = (
            []
            if not with_draws
            else [f"{_fmt(e.draws.median)} [{_fmt(e.draws.low)}, {_fmt(e.draws.high)}]" if e.draws else ""]
        )
        rounds = f" ({e.rounds} rounds, {e.stop})" if e.rounds is not None else ""
        table.add_row(f"  {name}{rounds}", _fmt(e.value), _short(e.label), *extra)
    lines = [title, scale, table]
    if i.pushing:
        push = ", ".join(f"{a} ({'↑' if v > 0 else '↓'}{_fmt(abs(v))})" for a, v in i.pushing)
        lines.append(Text(f"  pushing hardest from the status quo (capability × salience × distance): {push}"))
    if i.vetoes:
        lines.append(
            Text("  vetoes: " + ", ".join(f"{a} accepts [{_fmt(v[0])}, {_fmt(v[1])}]" for a, v in i.vetoes.items()))
        )
    free = {n: e.without_vetoes for n, e in i.engines.items() if e.without_vetoes is not None}
    if free:
        lines.append(Text("  without the vetoes: " + ", ".join(f"{n} {_fmt(v)}" for n, v in free.items())))
    if i.moves:
        big = sorted(i.moves, key=lambda m: -abs(m.after - m.before))[:4]
        text = "; ".join(
            f"r{m.round} {m.actor} took {m.partner}'s {m.kind} {_fmt(m.before)}→{_fmt(m.after)}" for m in big
        )
        lines.append(Text(f"  who moved whom (expected utility, {len(i.moves)} moves): {text}"))
    eu = i.engines.get("expected_utility")
    if eu and eu.by_round:
        lines.append(Text("  expected-utility median by round: " + " → ".join(_fmt(v) for v in eu.by_round)))
    if i.judgment_inputs:
        lines.append(
            Text(
                f"  on judgment alone: {len(i.judgment_inputs)} inputs, e.g. {', '.join(i.judgment_inputs[:3])}",
                style="dim",
            )
        )
    return Group(*lines)


def _label(i: IssueForecast, x: float) -> str:
    nearest = min(i.anchors, key=lambda a: abs(a - x))
    return _short(i.anchors[nearest])


def _short(text: str, limit: int = 64) -> str:
    """An anchor's meaning cut to its first clause, at most ``limit`` characters."""
    head = text.split(":")[0].split(";")[0].strip()
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"
