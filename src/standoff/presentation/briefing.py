"""The forecast as a briefing a person reads in a minute (Rich renderables)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from standoff.experiments.forecast import Forecast, IssueForecast, WinSetForecast
from standoff.presentation.bottom_line import BottomLine, pct

ENGINE_ORDER = ("compromise", "median", "nash", "expected_utility")


def render(f: Forecast, bottom: BottomLine | None = None, names: dict[str, str] | None = None) -> RenderableType:
    """The whole briefing: the bottom line first (when given), then the win-set and every issue."""
    head = Text.assemble(
        (f"{f.title}", "bold"),
        f"  [{f.scenario}, as of {f.as_of}]\n",
        f"{f.inputs_total} numeric inputs: {f.inputs_quoted} backed by a quote, "
        f"{f.inputs_judgment_only} on judgment alone.",
        "" if f.draws is None else f"  Monte Carlo: {f.draws} draws, seed {f.seed}.",
    )
    names = names or {}
    issues = {i.issue: i.name for i in f.issues}
    titles = {n: e.title for i in f.issues for n, e in i.engines.items()}
    tail = [] if f.win_set is None else [render_win_set(f.win_set, names, issues, titles)]
    first = [] if bottom is None else [render_bottom_line(bottom)]
    return Group(head, *first, *tail, *[render_issue(i, names) for i in f.issues])


def render_bottom_line(b: BottomLine) -> RenderableType:
    """The answer first: the lede, the questions, who wants what, what would change the outlook."""
    lines: list[RenderableType] = [Text("\nBOTTOM LINE", style="bold cyan")]
    lines += [Text(f"  {s}") for s in b.lede]
    if b.questions:
        lines.append(Text("\nTHE QUESTIONS  probability [interval], main driver", style="bold cyan"))
        for q in b.questions:
            if q.probability is None or q.low is None or q.high is None:
                lines.append(Text(f"  no answer ({q.interval})  {q.text}"))
                continue
            spread = f"[{pct(q.low)}–{pct(q.high)}, {q.interval}]" if q.high > q.low else f"({q.interval})"
            lines.append(Text(f"  {pct(q.probability)} {spread}  {q.text}  — main driver: {q.driver}"))
    if b.sides:
        lines.append(
            Text("\nWHO WANTS WHAT  position on the issue's 0–100 scale, share of the weight on it", style="bold cyan")
        )
        lines += [Text(f"  {s.actor}: " + "; ".join(s.wants)) for s in b.sides]
    if b.changes or b.notes:
        lines.append(Text("\nWHAT WOULD CHANGE THE OUTLOOK", style="bold cyan"))
        lines += [Text(f"  {s}") for s in b.changes]
        lines += [Text(f"  {s}", style="dim") for s in b.notes]
    return Group(*lines)


def render_win_set(
    w: WinSetForecast,
    names: dict[str, str] | None = None,
    issues: dict[str, str] | None = None,
    titles: dict[str, str] | None = None,
) -> RenderableType:
    """The package vetoes: what every veto player accepts over the issues together, and each engine's package.

    ``names``, ``issues``, ``titles``: actor, issue and engine ids → what a reader calls them.
    """
    names, issues, titles = names or {}, issues or {}, titles or {}
    who = ", ".join(names.get(a, a) for a in w.veto_players)
    lines = [
        Text("\nPACKAGE VETOES (Tsebelis's win-set of the status quo)", style="bold cyan"),
        Text(f"  {who} each veto any package over {', '.join(issues.get(i, i) for i in w.issues)}"),
    ]
    if w.status == "empty":
        lines.append(Text("  the win-set is empty: the red lines exclude every package the veto players accept"))
    elif w.status == "status quo alone":
        who = ", ".join(names.get(a, a) for a in w.pivotal) or "no single veto player (only several together)"
        lines.append(Text(f"  the win-set is the status quo alone; its status quo admits no improvement for: {who}"))
    else:
        ranges = ", ".join(f"{issues.get(i, i)} {_fmt(lo)}–{_fmt(hi)}" for i, (lo, hi) in w.ranges.items())
        lines.append(Text(f"  the win-set spans (each issue's range; not every combination): {ranges}"))
    for e, package in w.packages.items():
        p = f" · P(deal) {w.p_deal[e]:.0%}" if w.p_deal is not None and e in w.p_deal else ""
        verdict = "deal" if w.deal[e] else "status quo"
        body = ", ".join(f"{issues.get(i, i)} {_fmt(v)}" for i, v in package.items())
        lines.append(Text(f"  {titles.get(e, e)}: {body} ({verdict}){p}"))
    return Group(*lines)


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if abs(x) < 1e6 else f"{x:.3g}"


def render_issue(i: IssueForecast, names: dict[str, str] | None = None) -> RenderableType:
    """One issue: status quo, each engine's forecast, who pushes and who moved (``names``: actor id → name)."""
    names = names or {}
    lo, hi = i.scale
    title = Text.assemble(("\n" + i.name.upper(), "bold cyan"), f"  {i.question}")
    scale = Text(f"  scale {_fmt(lo)} = {_short(i.anchors[lo])} … {_fmt(hi)} = {_short(i.anchors[hi])}", style="dim")
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("  engine")
    table.add_column("point forecast", justify="right")
    table.add_column("meaning")
    with_draws = any(e.draws for e in i.engines.values())
    if with_draws:
        level = next(e.draws.level for e in i.engines.values() if e.draws)
        table.add_column(f"Monte Carlo median [{level:.0%} interval]", justify="right", no_wrap=True)
    table.add_row("  status quo", _fmt(i.status_quo), _label(i, i.status_quo), *([""] if with_draws else []))
    order = sorted(i.engines, key=lambda n: ENGINE_ORDER.index(n) if n in ENGINE_ORDER else len(ENGINE_ORDER))
    for name in order:
        e = i.engines[name]
        extra = (
            []
            if not with_draws
            else [f"{_fmt(e.draws.median)} [{_fmt(e.draws.low)}, {_fmt(e.draws.high)}]" if e.draws else ""]
        )
        rounds = f" ({_plural(e.rounds, 'round')}, {e.stop})" if e.rounds is not None else ""
        table.add_row(f"  {e.title}{rounds}", _fmt(e.value), _short(e.label), *extra)
    lines = [title, scale, table]
    if i.pushing:
        total = sum(abs(v) for _, v in i.pushing) or 1.0
        push = ", ".join(f"{names.get(a, a)} {'up' if v > 0 else 'down'} ({abs(v) / total:.0%})" for a, v in i.pushing)
        lines.append(
            Text(
                f"  pushing hardest away from the status quo (share of the push shown, by capability × salience × "
                f"distance; up = toward {_short(i.anchors[hi], 40)}): {push}"
            )
        )
    if i.package_vetoes:
        who = ", ".join(names.get(a, a) for a in i.package_vetoes)
        lines.append(Text(f"  package vetoes (see the win-set above): {who}"))
    if i.vetoes:
        lines.append(
            Text(
                "  vetoes: "
                + ", ".join(f"{names.get(a, a)} accepts only {_fmt(v[0])}–{_fmt(v[1])}" for a, v in i.vetoes.items())
            )
        )
    free = {e.title.split(" (")[0]: e.without_vetoes for e in i.engines.values() if e.without_vetoes is not None}
    if free:
        lines.append(Text("  without the vetoes: " + ", ".join(f"{n} {_fmt(v)}" for n, v in free.items())))
    if i.moves:
        big = sorted(i.moves, key=lambda m: -abs(m.after - m.before))[:4]
        text = "; ".join(
            f"round {m.round}: {names.get(m.actor, m.actor)} took {names.get(m.partner, m.partner)}'s "
            f"{m.kind} offer and moved from {_fmt(m.before)} to {_fmt(m.after)}"
            for m in big
        )
        lines.append(Text(f"  who moved whom (expected-utility model, {_plural(len(i.moves), 'offer')} taken): {text}"))
    eu = i.engines.get("expected_utility")
    if eu and eu.by_round:
        lines.append(
            Text("  expected-utility model, weighted median by round: " + " → ".join(_fmt(v) for v in eu.by_round))
        )
    if i.judgment_inputs:
        lines.append(
            Text(
                f"  on judgment alone: {len(i.judgment_inputs)} inputs, e.g. {', '.join(i.judgment_inputs[:3])}",
                style="dim",
            )
        )
    return Group(*lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _label(i: IssueForecast, x: float) -> str:
    nearest = min(i.anchors, key=lambda a: abs(a - x))
    return _short(i.anchors[nearest])


def _short(text: str, limit: int = 64) -> str:
    """An anchor's meaning cut to its first clause, at most ``limit`` characters."""
    head = text.split(":")[0].split(";")[0].strip()
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"
