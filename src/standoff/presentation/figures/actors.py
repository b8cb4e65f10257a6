"""The actor map: each actor's position on an issue against its capability and salience."""

from __future__ import annotations

from collections.abc import Sequence

from standoff.experiments.forecast import IssueForecast
from standoff.presentation.figures.style import (
    GROUP_COLOURS,
    STATUS_QUO_COLOUR,
    Figure,
    _esc,
    _layout,
    _scale_axis,
    _veto_band,
    _vline,
    engine_names,
    engine_style,
    fmt,
    nearest_anchor,
    short_name,
)
from standoff.scenario.model import Scenario


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
