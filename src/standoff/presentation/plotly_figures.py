"""Figures as Plotly figure dicts, shared by the dashboard and the HTML report.

Every function takes results (a :class:`~standoff.experiments.forecast.Forecast` or one of
its issues, the validated scenario, per-draw values) and returns a plain
``{"data": [...], "layout": {...}}`` dict that ``Plotly.newPlot`` draws as
is; nothing here imports Plotly or touches files. Colours are fixed per actor
group and per engine, so an actor or an engine looks the same on every figure.

Text that comes from a scenario file (names, anchors) is HTML-escaped before
it goes into a figure, since Plotly renders a few HTML tags in labels.

:func:`monte_carlo` runs the draws once and returns both the forecast with its
intervals and the per-draw values the distribution figure needs.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from standoff.core.problems import FloatArray
from standoff.experiments.forecast import EngineForecast, Forecast, IssueForecast, forecast
from standoff.scenario import LoadedScenario
from standoff.scenario.coverage import coverage
from standoff.scenario.model import Actor, Scenario

Figure = dict[str, Any]

#: Colour of each actor group (Okabe-Ito palette: distinguishable with colour-blindness).
GROUP_COLOURS: dict[str, str] = {
    "state": "#0072B2",
    "individual": "#D55E00",
    "faction": "#CC79A7",
    "organisation": "#009E73",
    "movement": "#E69F00",
    "public": "#56B4E9",
}
#: Colour and dash of each engine's forecast; engines not listed get :data:`_SPARE`.
ENGINE_STYLES: dict[str, tuple[str, str]] = {
    "compromise": ("#1F3B73", "dash"),
    "median": ("#5B5B5B", "dot"),
    "nash": ("#2A7F62", "dashdot"),
    "expected_utility": ("#B2182B", "solid"),
    "smp": ("#6A3D9A", "longdash"),
    "exchange": ("#8C564B", "longdashdot"),
}
_SPARE = [("#17BECF", "dash"), ("#7F7F7F", "dot"), ("#BCBD22", "dashdot"), ("#E377C2", "longdash")]
STATUS_QUO_COLOUR = "#111111"
SUPPORT_COLOURS = {"quote": "#2A9D8F", "quote+judgment": "#E9C46A", "judgment": "#E76F51"}
ENGINE_ORDER = ("compromise", "median", "nash", "expected_utility", "smp", "exchange")
_FONT = {"family": "Inter, 'Segoe UI', Helvetica, Arial, sans-serif", "size": 13, "color": "#1d2733"}


# --- data for the figures ----------------------------------------------------


@dataclass(frozen=True)
class MonteCarlo:
    """A Monte Carlo forecast and the per-draw values behind its intervals.

    Attributes:
        forecast: the point forecast, each engine with its interval over the draws.
        values: issue id → engine name → ``(draws,)`` forecasts, one per draw.
    """

    forecast: Forecast
    values: dict[str, dict[str, FloatArray]]


def monte_carlo(
    loaded: LoadedScenario,
    *,
    draws: int,
    seed: int,
    engines: Sequence[str] | None = None,
    level: float = 0.9,
    progress: Callable[[int], None] | None = None,
) -> MonteCarlo:
    """The Monte Carlo forecast and its per-draw values (for histograms): one run of the draws.

    The draws are those of ``forecast(loaded, draws=draws, seed=seed)``, which
    keeps every draw's value (:attr:`~standoff.experiments.forecast.Forecast.values`).
    """
    if draws < 1 or seed < 0:
        raise ValueError("Monte Carlo needs draws >= 1 and a seed >= 0")
    f = forecast(loaded, engines=engines, draws=draws, seed=seed, level=level, progress=progress)
    assert f.values is not None  # a forecast with draws keeps them
    return MonteCarlo(f, f.values)


# --- helpers -----------------------------------------------------------------


def engine_style(name: str) -> tuple[str, str]:
    """``(colour, dash)`` of an engine's marks."""
    if name in ENGINE_STYLES:
        return ENGINE_STYLES[name]
    return _SPARE[sum(map(ord, name)) % len(_SPARE)]


def engine_names(issue: IssueForecast) -> list[str]:
    """The issue's engines, in the usual order (unknown engines last, by name)."""
    return sorted(issue.engines, key=lambda n: (ENGINE_ORDER.index(n) if n in ENGINE_ORDER else 99, n))


def short_name(actor: Actor) -> str:
    """A label that fits beside a bubble: the name, its part before a bracket, or the shortest alias."""
    if len(actor.name) <= 22:
        return actor.name
    head = actor.name.split(" (")[0]
    if len(head) <= 22:
        return head
    return min([*actor.aliases, actor.name], key=len)


def nearest_anchor(issue: IssueForecast, x: float) -> str:
    """The anchor text nearest to ``x`` on the issue's scale."""
    return issue.anchors[min(issue.anchors, key=lambda a: abs(a - x))]


def fmt(x: float) -> str:
    """A position as people write it: ``50``, ``62.5``."""
    return f"{x:.1f}".rstrip("0").rstrip(".") if np.isfinite(x) else "–"


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _wrap(text: str, width: int = 22, lines: int = 3) -> str:
    parts = textwrap.wrap(text, width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1].rstrip(" ,;:") + "…"
    return "<br>".join(_esc(p) for p in parts)


def _scale_axis(issue: IssueForecast, title: str, width: int = 20, lines: int = 3) -> dict[str, Any]:
    """An axis over the issue's scale, ticked at the anchors with their texts (wrapped, shortened if crowded)."""
    lo, hi = issue.scale
    pad = 0.04 * (hi - lo)
    ticks = sorted(issue.anchors)
    gap = min((b - a for a, b in zip(ticks, ticks[1:], strict=False)), default=hi - lo) / (hi - lo)
    if gap < 0.12:  # anchors close together: shorter labels
        lines, width = max(1, lines - 1), min(width, 13)
    return {
        "title": {"text": title, "standoff": 12},
        "range": [lo - pad, hi + pad],
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": [f"<b>{fmt(t)}</b><br>{_wrap(issue.anchors[t], width, lines)}" for t in ticks],
        "tickfont": {"size": 10},
        "tickangle": 0,
        "zeroline": False,
        "showgrid": True,
        "gridcolor": "#e3e7ec",
    }


def _layout(title: str, subtitle: str | None = None, **extra: Any) -> dict[str, Any]:
    text = f"<b>{_esc(title)}</b>"
    if subtitle:
        text += f"<br><span style='font-size:12px;color:#5b6775'>{_esc(subtitle)}</span>"
    base: dict[str, Any] = {
        "title": {
            "text": text,
            "x": 0.01,
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 14},
        },
        "font": _FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#fbfcfd",
        "hoverlabel": {"font": {"size": 12}},
        "legend": {"orientation": "v", "x": 1.01, "y": 1, "font": {"size": 11}},
    }
    base.update(extra)
    return base


def _vline(x: float, name: str, colour: str, dash: str, width: float, hover: str, y: tuple[float, float]) -> Figure:
    return {
        "type": "scatter",
        "mode": "lines",
        "x": [x, x],
        "y": list(y),
        "name": name,
        "legendgroup": "forecasts",
        "line": {"color": colour, "dash": dash, "width": width},
        "hovertemplate": hover + "<extra></extra>",
    }


def _veto_band(issue: IssueForecast) -> tuple[float, float] | None:
    """The outcomes every veto player accepts (``None``: no veto; an empty band if they do not meet)."""
    if not issue.vetoes:
        return None
    low = max([issue.scale[0], *(v[0] for v in issue.vetoes.values())])
    high = min([issue.scale[1], *(v[1] for v in issue.vetoes.values())])
    return (low, high)


# --- figures -----------------------------------------------------------------


def actor_map(scenario: Scenario, issue: IssueForecast) -> Figure:
    """Who wants what and how much they care: position (x) against salience (y).

    Bubble area is capability, colour the actor's group; the status quo and
    each engine's point forecast are vertical lines; the outcomes every veto
    player accepts are shaded.
    """
    by_id = {a.id: a for a in scenario.actors}
    salience = {s.actor: s.salience.value for s in scenario.stances if s.issue == issue.issue}
    caps = [max(by_id[a].capability.value, 0.0) for a in issue.actors]
    placement = _label_places(issue.positions, [salience[a] for a in issue.actors], issue.scale)
    sizeref = 2.0 * max(max(caps), 1e-9) / 58.0**2
    traces: list[Figure] = []
    for group, colour in GROUP_COLOURS.items():
        members = [k for k, a in enumerate(issue.actors) if by_id[a].group == group]
        if not members:
            continue
        traces.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": group,
                "legendgroup": "actors",
                "legendgrouptitle": {"text": "Actor group"} if not traces else None,
                "x": [issue.positions[k] for k in members],
                "y": [salience[issue.actors[k]] for k in members],
                "text": [_esc(short_name(by_id[issue.actors[k]])) for k in members],
                "textposition": [placement[k] for k in members],
                "textfont": {"size": 11, "color": "#2b3440"},
                "customdata": [
                    [
                        _esc(by_id[issue.actors[k]].name),
                        caps[k],
                        _esc(nearest_anchor(issue, issue.positions[k])),
                        "yes" if issue.actors[k] in issue.vetoes else "no",
                    ]
                    for k in members
                ],
                "hovertemplate": (
                    "<b>%{customdata[0]}</b><br>position %{x:.3~f}: %{customdata[2]}<br>"
                    "salience %{y:.2f} · capability %{customdata[1]:.3~f} · veto %{customdata[3]}<extra></extra>"
                ),
                "marker": {
                    "size": [caps[k] for k in members],
                    "sizemode": "area",
                    "sizeref": sizeref,
                    "sizemin": 5,
                    "color": colour,
                    "opacity": 0.78,
                    "line": {"color": "#ffffff", "width": 1.5},
                },
            }
        )
    for t in traces:
        if t.get("legendgrouptitle") is None:
            t.pop("legendgrouptitle", None)
    top = 1.12
    lines = [
        _vline(
            issue.status_quo,
            f"status quo {fmt(issue.status_quo)}",
            STATUS_QUO_COLOUR,
            "solid",
            3,
            f"<b>status quo {fmt(issue.status_quo)}</b><br>{_esc(nearest_anchor(issue, issue.status_quo))}",
            (0, top),
        )
    ]
    lines[0]["legendgrouptitle"] = {"text": "Forecasts"}
    for name in engine_names(issue):
        e = issue.engines[name]
        colour, dash = engine_style(name)
        lines.append(
            _vline(
                e.value,
                f"{_esc(e.title)}: {fmt(e.value)}",
                colour,
                dash,
                2,
                f"<b>{_esc(e.title)}</b><br>forecast {fmt(e.value)}: {_esc(e.label)}",
                (0, top),
            )
        )
    shapes: list[Figure] = []
    annotations: list[Figure] = []
    band = _veto_band(issue)
    if band is not None:
        lo, hi = band
        if lo <= hi:
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "x0": lo,
                    "x1": hi,
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": "#8fb8de",
                    "opacity": 0.16,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
            text = f"veto players accept {fmt(lo)}–{fmt(hi)}"
        else:
            text = "veto ranges do not meet: only the status quo can pass"
        annotations.append(
            {
                "text": f"<i>{text}</i> ({_esc(', '.join(issue.vetoes))})",
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 1.0,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": "#3d5a80"},
            }
        )
    layout = _layout(
        f"{issue.name}: who wants what",
        issue.question,
        height=560,
        margin={"l": 70, "r": 20, "t": 78, "b": 130},
        xaxis=_scale_axis(issue, "position on the issue's scale"),
        yaxis={
            "title": {"text": "salience (how much the actor cares)"},
            "range": [-0.04, top + 0.02],
            "tickvals": [0, 0.25, 0.5, 0.75, 1],
            "gridcolor": "#e3e7ec",
            "zeroline": False,
        },
        shapes=shapes,
        annotations=annotations,
    )
    layout["legend"] = {
        "orientation": "h",
        "x": 0,
        "y": -0.32,
        "yanchor": "top",
        "font": {"size": 11},
        "itemsizing": "constant",
    }
    layout["height"] = 640
    layout["margin"]["b"] = 200
    return {"data": traces + lines, "layout": layout}


def _label_places(x: Sequence[float], y: Sequence[float], scale: tuple[float, float]) -> list[str]:
    """A text position per bubble, so that the labels of bubbles close together go different ways."""
    sides = ["top center", "bottom center", "middle right", "middle left", "top right", "bottom left"]
    span = scale[1] - scale[0]
    order = sorted(range(len(x)), key=lambda k: (x[k], y[k]))
    out = ["top center"] * len(x)
    placed: list[int] = []
    for k in order:
        near = {out[j] for j in placed if abs(x[j] - x[k]) < 0.07 * span and abs(y[j] - y[k]) < 0.09}
        if x[k] - scale[0] < 0.1 * span:
            near |= {"middle left", "bottom left"}  # no room on the left
        if scale[1] - x[k] < 0.1 * span:
            near |= {"middle right", "top right"}
        out[k] = next((s for s in sides if s not in near), sides[0])
        placed.append(k)
    return out


def forecast_summary(issue: IssueForecast) -> Figure:
    """Where each engine lands on the scale, with its Monte Carlo interval if there is one."""
    names = engine_names(issue)
    vetoed = False
    rows = ["Status quo", *[_esc(issue.engines[n].title) for n in names]]
    traces: list[Figure] = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": [issue.status_quo],
            "y": [rows[0]],
            "name": "status quo",
            "marker": {"symbol": "diamond", "size": 15, "color": STATUS_QUO_COLOUR},
            "hovertemplate": f"status quo %{{x:.3~f}}: {_esc(nearest_anchor(issue, issue.status_quo))}<extra></extra>",
            "showlegend": False,
        }
    ]
    for name, row in zip(names, rows[1:], strict=True):
        e = issue.engines[name]
        colour, _ = engine_style(name)
        trace: Figure = {
            "type": "scatter",
            "mode": "markers+text",
            "x": [e.value],
            "y": [row],
            "name": name,
            "text": [f"<b>{fmt(e.value)}</b>"],
            "textposition": "top center",
            "textfont": {"size": 12, "color": colour},
            "marker": {"size": 15, "color": colour, "line": {"color": "#ffffff", "width": 1.5}},
            "hovertemplate": f"<b>{row}</b><br>%{{x:.3~f}}: {_esc(e.label)}<extra></extra>",
            "showlegend": False,
        }
        if e.draws is not None:
            d = e.draws
            trace["error_x"] = {
                "type": "data",
                "symmetric": False,
                "array": [max(d.high - e.value, 0)],
                "arrayminus": [max(e.value - d.low, 0)],
                "color": colour,
                "thickness": 2.5,
                "width": 6,
            }
            trace["hovertemplate"] = (
                f"<b>{row}</b><br>point %{{x:.3~f}}: {_esc(e.label)}<br>"
                f"Monte Carlo median {fmt(d.median)}, {d.level:.0%} interval [{fmt(d.low)}, {fmt(d.high)}]"
                "<extra></extra>"
            )
        traces.append(trace)
        free = e.without_vetoes
        if free is not None and abs(free - e.value) > 1e-9 * (issue.scale[1] - issue.scale[0]):
            vetoed = True
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": [free, e.value],
                    "y": [row, row],
                    "line": {"color": colour, "width": 1, "dash": "dot"},
                    "marker": {"symbol": ["circle-open", "circle"], "size": [13, 0], "color": colour},
                    "hovertemplate": f"<b>{row}</b><br>without the vetoes: {fmt(free)}<extra></extra>",
                    "showlegend": False,
                }
            )
    note = "point forecasts" + ("; bars: Monte Carlo interval" if any(issue.engines[n].draws for n in names) else "")
    note += "; hollow: where the model lands without the vetoes" if vetoed else ""
    return {
        "data": traces,
        "layout": _layout(
            f"{issue.name}: where each model lands",
            note,
            height=140 + 44 * len(rows),
            margin={"l": 290, "r": 30, "t": 74, "b": 70},
            xaxis=_scale_axis(issue, ""),
            yaxis={"autorange": "reversed", "type": "category", "gridcolor": "#eef1f4", "automargin": True},
            showlegend=False,
        ),
    }


def trajectories(scenario: Scenario, issue: IssueForecast, engine: str = "expected_utility") -> Figure | None:
    """Each actor's position round by round, the forecast by round, and who took whose offer.

    ``None`` when the engine did not run on the issue or has no rounds.
    """
    e = issue.engines.get(engine)
    if e is None or e.positions_by_round is None or e.by_round is None:
        return None
    by_id = {a.id: a for a in scenario.actors}
    pos = np.asarray(e.positions_by_round, dtype=float)
    rounds = list(range(pos.shape[0]))
    traces: list[Figure] = []
    shown_groups: set[str] = set()
    for k, actor_id in enumerate(issue.actors):
        actor = by_id[actor_id]
        colour = GROUP_COLOURS.get(actor.group, "#777777")
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": rounds,
                "y": pos[:, k].tolist(),
                "name": actor.group,
                "legendgroup": actor.group,
                "showlegend": actor.group not in shown_groups,
                "line": {"color": colour, "width": 2},
                "marker": {"size": 6, "color": colour},
                "opacity": 0.85,
                "hovertemplate": f"<b>{_esc(actor.name)}</b><br>round %{{x}}: %{{y:.3~f}}<extra></extra>",
            }
        )
        shown_groups.add(actor.group)
    annotations = _end_labels(issue, [by_id[a] for a in issue.actors], pos[-1], rounds[-1])
    colour, _ = engine_style(engine)
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "x": rounds,
            "y": e.by_round,
            "name": "forecast by round (weighted median, before vetoes)",
            "line": {"color": STATUS_QUO_COLOUR, "width": 4, "dash": "dash"},
            "hovertemplate": "forecast after round %{x}: %{y:.3~f}<extra></extra>",
        }
    )
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": [rounds[-1]],
            "y": [e.value],
            "name": f"final forecast {fmt(e.value)} (after vetoes)",
            "marker": {"symbol": "star", "size": 18, "color": colour, "line": {"color": "#fff", "width": 1}},
            "hovertemplate": f"final forecast %{{y:.3~f}}: {_esc(e.label)}<extra></extra>",
        }
    )
    symbols = {"confrontation": "x", "compromise": "circle-open", "capitulation": "triangle-down"}
    if engine == "expected_utility":
        for kind, symbol in symbols.items():
            moves = [m for m in issue.moves if m.kind == kind]
            if not moves:
                continue
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [m.round for m in moves],
                    "y": [m.after for m in moves],
                    "name": f"took a {kind} offer",
                    "legendgroup": "moves",
                    "marker": {"symbol": symbol, "size": 13, "color": "#222", "line": {"width": 2}},
                    "customdata": [
                        [_esc(by_id[m.actor].name), _esc(by_id[m.partner].name), fmt(m.before), fmt(m.after)]
                        for m in moves
                    ],
                    "hovertemplate": (
                        "round %{x}: <b>%{customdata[0]}</b> took <b>%{customdata[1]}</b>'s "
                        f"{kind} offer<br>%{{customdata[2]}} → %{{customdata[3]}}<extra></extra>"
                    ),
                }
            )
    yaxis = _scale_axis(issue, "", width=28, lines=2)
    yaxis["title"] = {"text": "position"}
    layout = _layout(
        f"{issue.name}: positions round by round",
        f"{e.title}: {e.rounds} rounds, stopped {e.stop}; markers show who took whose offer",
        height=620,
        margin={"l": 210, "r": 210, "t": 78, "b": 60},
        xaxis={
            "title": {"text": "round"},
            "tickmode": "linear",
            "dtick": 1 if len(rounds) <= 20 else 5,
            "range": [-0.3, rounds[-1] + 0.3],
            "gridcolor": "#e3e7ec",
            "zeroline": False,
        },
        yaxis=yaxis,
        annotations=annotations,
    )
    layout["legend"] = {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top", "font": {"size": 11}}
    layout["height"] = 680
    layout["margin"]["b"] = 120
    return {"data": traces, "layout": layout}


def _end_labels(issue: IssueForecast, actors: list[Actor], final: FloatArray, x: float) -> list[Figure]:
    """Names at the end of the trajectories; actors that end together share one label."""
    span = issue.scale[1] - issue.scale[0]
    order = np.argsort(final, kind="stable")
    clusters: list[list[int]] = []
    for k in order:
        if clusters and final[k] - final[clusters[-1][-1]] <= 0.015 * span:
            clusters[-1].append(int(k))
        else:
            clusters.append([int(k)])
    out = []
    for members in clusters:
        names = [short_name(actors[k]) for k in members]
        text = ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
        colour = GROUP_COLOURS.get(actors[members[0]].group, "#555") if len(members) == 1 else "#3a4350"
        out.append(
            {
                "x": x,
                "y": float(np.mean(final[members])),
                "xanchor": "left",
                "xshift": 10,
                "text": _esc(text),
                "hovertext": _esc(", ".join(a.name for a in (actors[k] for k in members))),
                "showarrow": False,
                "font": {"size": 10, "color": colour},
            }
        )
    return out


def distributions(issue: IssueForecast, values: Mapping[str, FloatArray], bins: int = 40) -> Figure:
    """Monte Carlo forecast distributions, one small histogram per engine on a shared scale.

    Each row shades the engine's interval and marks its median; the status
    quo is a line through every row.
    """
    names = [n for n in engine_names(issue) if n in values]
    lo, hi = issue.scale
    centres = np.linspace(lo, hi, bins + 1)  # bins centred on round values, the scale's ends included
    width = float(centres[1] - centres[0])
    edges = np.append(centres - width / 2, hi + width / 2)
    n = max(len(names), 1)
    gap = 0.06
    height = (1 - gap * (n - 1)) / n
    traces: list[Figure] = []
    shapes: list[Figure] = []
    annotations: list[Figure] = []
    layout_axes: dict[str, Any] = {}
    draws = 0
    for k, name in enumerate(names):
        v = np.asarray(values[name], dtype=float)
        v = v[np.isfinite(v)]
        draws = max(draws, len(v))
        counts, _ = np.histogram(np.clip(v, lo, hi), bins=edges)
        share = 100 * counts / max(len(v), 1)
        colour, _ = engine_style(name)
        axis = "" if k == 0 else str(k + 1)
        top = 1 - k * (height + gap)
        traces.append(
            {
                "type": "bar",
                "x": centres.tolist(),
                "y": share.tolist(),
                "width": width * 0.92,
                "name": name,
                "marker": {"color": colour, "opacity": 0.8},
                "xaxis": "x",
                "yaxis": f"y{axis}",
                "showlegend": False,
                "hovertemplate": (
                    f"{_esc(issue.engines[name].title)}<br>%{{x:.3~f}}: %{{y:.1f}}% of draws<extra></extra>"
                ),
            }
        )
        layout_axes[f"yaxis{axis}"] = {
            "domain": [max(top - height, 0), top],
            "title": {"text": "% draws", "font": {"size": 10}},
            "tickfont": {"size": 9},
            "rangemode": "tozero",
            "gridcolor": "#eef1f4",
            "zeroline": False,
        }
        e = issue.engines[name]
        yref = f"y{axis} domain"
        if e.draws is not None:
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": yref,
                    "x0": e.draws.low,
                    "x1": e.draws.high,
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": colour,
                    "opacity": 0.09,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": yref,
                    "x0": e.draws.median,
                    "x1": e.draws.median,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": colour, "width": 2, "dash": "dot"},
                }
            )
            summary = f"median {fmt(e.draws.median)}, {e.draws.level:.0%} in [{fmt(e.draws.low)}, {fmt(e.draws.high)}]"
        else:
            summary = f"point {fmt(e.value)}"
        annotations.append(
            {
                "text": f"<b>{_esc(e.title)}</b> · {summary}",
                "xref": "paper",
                "yref": yref,
                "x": 0,
                "y": 1,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": colour},
            }
        )
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": yref,
                "x0": issue.status_quo,
                "x1": issue.status_quo,
                "y0": 0,
                "y1": 1,
                "line": {"color": STATUS_QUO_COLOUR, "width": 2},
            }
        )
    layout = _layout(
        f"{issue.name}: forecast distributions",
        f"{draws} Monte Carlo draws over the uncertain inputs; black line: status quo {fmt(issue.status_quo)}",
        height=170 + 125 * n,
        margin={"l": 70, "r": 30, "t": 90, "b": 120},
        xaxis=_scale_axis(issue, "forecast outcome on the issue's scale"),
        shapes=shapes,
        annotations=annotations,
        bargap=0,
        showlegend=False,
    )
    layout["xaxis"]["anchor"] = f"y{'' if n == 1 else n}"
    layout.update(layout_axes)
    return {"data": traces, "layout": layout}


def overview(f: Forecast) -> Figure:
    """Every issue at a glance: status quo and forecasts as a share of each issue's scale.

    One row per issue; the engines' marks are spread a little within the row
    so that models landing on the same point stay visible; the status quo is
    a black bar across the row.
    """
    traces: list[Figure] = []

    def share(i: IssueForecast, x: float) -> float:
        return 100 * (x - i.scale[0]) / (i.scale[1] - i.scale[0])

    xs: list[float | None] = []
    ys: list[float | None] = []
    for row, i in enumerate(f.issues):
        xs += [share(i, i.status_quo)] * 2 + [None]
        ys += [row - 0.4, row + 0.4, None]
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": "status quo",
            "x": xs,
            "y": ys,
            "line": {"color": STATUS_QUO_COLOUR, "width": 4},
            "hoverinfo": "skip",
        }
    )
    names: list[str] = []
    for i in f.issues:
        names += [n for n in engine_names(i) if n not in names]
    offsets = np.linspace(-0.28, 0.28, len(names)) if len(names) > 1 else np.zeros(1)
    for name, offset in zip(names, offsets, strict=True):
        have = [(row, i) for row, i in enumerate(f.issues) if name in i.engines]
        colour, _ = engine_style(name)
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _esc(have[0][1].engines[name].title),
                "x": [share(i, i.engines[name].value) for _, i in have],
                "y": [row + float(offset) for row, _ in have],
                "marker": {"size": 11, "color": colour, "line": {"color": "#fff", "width": 1}},
                "customdata": [
                    [_esc(i.name), fmt(i.engines[name].value), _esc(i.engines[name].label), fmt(i.status_quo)]
                    for _, i in have
                ],
                "hovertemplate": (
                    f"<b>%{{customdata[0]}}</b><br>{_esc(have[0][1].engines[name].title)}: "
                    "%{customdata[1]} (status quo %{customdata[3]})<br>%{customdata[2]}<extra></extra>"
                ),
            }
        )
    layout = _layout(
        f"{f.title}: every issue at a glance",
        "position as a share of each issue's scale, from its low anchor (0%) to its high anchor (100%); "
        "black bar: status quo",
        height=260 + 58 * len(f.issues),
        margin={"l": 190, "r": 20, "t": 80, "b": 140},
        xaxis={
            "range": [-4, 104],
            "ticksuffix": "%",
            "title": {"text": "← low end of the scale · high end of the scale →"},
            "gridcolor": "#e3e7ec",
            "zeroline": False,
        },
        yaxis={
            "tickmode": "array",
            "tickvals": list(range(len(f.issues))),
            "ticktext": [_esc(i.name) for i in f.issues],
            "range": [len(f.issues) - 0.5, -0.5],
            "showgrid": False,
            "zeroline": False,
            "automargin": True,
        },
        shapes=[
            {
                "type": "rect",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": row - 0.5,
                "y1": row + 0.5,
                "fillcolor": "#eef2f6",
                "line": {"width": 0},
                "layer": "below",
            }
            for row in range(0, len(f.issues), 2)
        ],
    )
    layout["legend"] = {"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top", "font": {"size": 11}}
    return {"data": traces, "layout": layout}


def evidence_coverage(scenario: Scenario) -> Figure:
    """Per actor (and the issues' status quo), how many inputs rest on a quote and how many on judgment."""
    cov = coverage(scenario)
    names = {a.id: a for a in scenario.actors}
    rows = [a.id for a in scenario.actors] + ["(status quo of issues)"]
    labels = [_esc(short_name(names[r])) if r in names else r for r in rows]
    traces = []
    for support, colour in SUPPORT_COLOURS.items():
        counts = []
        for r in rows:
            mine = [i for i in cov.inputs if (i.actor == r if r in names else i.actor is None)]
            counts.append(sum(1 for i in mine if i.support == support))
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": {"quote": "quote", "quote+judgment": "quote and judgment", "judgment": "judgment only"}[
                    support
                ],
                "x": counts,
                "y": labels,
                "marker": {"color": colour},
                "hovertemplate": f"%{{y}}: %{{x}} inputs ({support})<extra></extra>",
            }
        )
    layout = _layout(
        "What the numbers rest on",
        f"{cov.total} numeric inputs: {cov.quoted} backed by a quote, {len(cov.judgment_only)} on judgment alone",
        barmode="stack",
        height=150 + 26 * len(rows),
        margin={"l": 170, "r": 20, "t": 100, "b": 50},
        xaxis={"title": {"text": "numeric inputs"}, "gridcolor": "#e3e7ec"},
        yaxis={"autorange": "reversed", "type": "category", "automargin": True},
    )
    layout["legend"] = {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"}
    return {"data": traces, "layout": layout}


#: Figures per issue, by key, as the dashboard and the report list them.
ISSUE_FIGURES = ("map", "summary", "rounds", "distribution")


def engine_forecast_rows(issue: IssueForecast) -> list[EngineForecast]:
    """The issue's engine forecasts in display order."""
    return [issue.engines[n] for n in engine_names(issue)]


def policy_rates(comparison: Any) -> Figure:
    """Per policy option: P(test within 12 and 24 months) and P(war within 24), with 90% intervals."""
    names = [_esc(o.name) for o in comparison.options]
    series = [
        ("P(test ≤ 12 months)", "p_test_12", "#4c78a8"),
        ("P(test ≤ 24 months)", "p_test_24", "#72b7b2"),
        ("P(war ≤ 24 months)", "p_war_24", "#e45756"),
    ]
    traces = []
    for label, key, colour in series:
        rates = [getattr(o.deterrence, key) for o in comparison.options]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": label,
                "y": names,
                "x": [100 * r.p for r in rates],
                "marker": {"color": colour},
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [100 * (r.high - r.p) for r in rates],
                    "arrayminus": [100 * (r.p - r.low) for r in rates],
                },
                "hovertemplate": "%{y}: %{x:.1f}%<extra>" + label + "</extra>",
            }
        )
    return {
        "data": traces,
        "layout": _layout(
            "The defiance cycle under each policy option",
            f"{comparison.paths} simulated paths per option, common random numbers; paths with no test in the "
            f"{comparison.elapsed_months} months since the shock",
            barmode="group",
            height=220 + 70 * len(names),
            margin={"l": 260, "r": 20, "t": 80, "b": 60},
            xaxis={"title": {"text": "probability (%)"}, "range": [0, 100], "gridcolor": "#e3e7ec"},
            yaxis={"autorange": "reversed"},
        ),
    }


def defiance_paths(comparison: Any, episodes: Sequence[Any]) -> Figure:
    """Median challenger capability per option over months since the shock, with the as-of month and
    the historical Iranian episodes' observed months to the next test."""
    palette = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2", "#9d755d", "#72b7b2"]
    traces: list[Figure] = []
    months = list(range(comparison.options[0].capability.shape[1]))
    for k, o in enumerate(comparison.options):
        colour = palette[k % len(palette)]
        lo, mid, hi = np.quantile(o.capability, [0.1, 0.5, 0.9], axis=0)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": months + months[::-1],
                "y": list(hi) + list(lo[::-1]),
                "fill": "toself",
                "fillcolor": colour,
                "opacity": 0.12,
                "line": {"width": 0},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _esc(o.name),
                "x": months,
                "y": list(mid),
                "line": {"color": colour, "width": 2},
                "hovertemplate": "month %{x}: capability %{y:.2f}<extra>" + _esc(o.name) + "</extra>",
            }
        )
    shapes = [
        {
            "type": "line",
            "x0": comparison.elapsed_months,
            "x1": comparison.elapsed_months,
            "y0": 0,
            "y1": 1,
            "line": {"color": "#111", "width": 1.5},
        }
    ]
    notes = [
        {
            "x": comparison.elapsed_months,
            "y": 1.02,
            "text": f"as of {comparison.as_of}",
            "showarrow": False,
            "font": {"size": 11},
        }
    ]
    for ep in episodes:
        if ep.event and ep.duration_months <= months[-1]:
            shapes.append(
                {
                    "type": "line",
                    "x0": ep.duration_months,
                    "x1": ep.duration_months,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#8a96a3", "width": 1, "dash": "dot"},
                }
            )
            notes.append(
                {
                    "x": ep.duration_months,
                    "y": 0.05,
                    "text": ep.episode_id,
                    "showarrow": False,
                    "textangle": -90,
                    "font": {"size": 10, "color": "#5b6775"},
                }
            )
    return {
        "data": traces,
        "layout": _layout(
            "Recovery of the challenger's capability, by policy option",
            "median and 10–90% band; dotted: months to the next test after past Iranian shocks",
            height=460,
            shapes=shapes,
            annotations=notes,
            margin={"l": 70, "r": 20, "t": 80, "b": 60},
            xaxis={"title": {"text": "months since the shock"}, "gridcolor": "#e3e7ec"},
            yaxis={"title": {"text": "capability K"}, "range": [0, 1.05], "gridcolor": "#e3e7ec"},
        ),
    }


def advice_gains(advice: Any, top: int = 10) -> Figure:
    """An actor's best moves: mean net gain with ±2 Monte Carlo standard errors; advised moves in colour."""
    moves = advice.moves[:top]
    labels = [f"#{m.rank} " + _wrap(m.move.description.split(" (")[0], 40, 2) for m in moves]
    unit = (
        "P(deal), share of draws and engines" if advice.objective == "deal" else "utility (salience × share of scale)"
    )
    who = f"{advice.actor} (mediator)" if advice.mediator else advice.actor
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": "net gain",
                "y": labels,
                "x": [m.gain for m in moves],
                "marker": {"color": ["#2A9D8F" if m.recommended else "#9aa5b1" for m in moves]},
                "error_x": {"type": "data", "array": [2 * m.se for m in moves]},
                "customdata": [m.reason or "advised" for m in moves],
                "hovertemplate": "%{y}<br>net gain %{x:.4f}<br>%{customdata}<extra></extra>",
            }
        ],
        "layout": _layout(
            f"Moves open to {_esc(who)}",
            f"{advice.draws} draws, seed {advice.seed}, engines {', '.join(advice.engines)}; common random numbers; "
            "bars ±2 standard errors; green: advised",
            height=200 + 46 * len(moves),
            margin={"l": 320, "r": 20, "t": 80, "b": 60},
            xaxis={"title": {"text": f"net gain in {unit}"}, "zeroline": True, "gridcolor": "#e3e7ec"},
            yaxis={"autorange": "reversed"},
            showlegend=False,
        ),
    }
