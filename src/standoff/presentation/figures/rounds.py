"""Round-by-round trajectories of the actors' positions under an iterated engine."""

from __future__ import annotations

import numpy as np

from standoff.core.problems import FloatArray
from standoff.experiments.forecast import IssueForecast
from standoff.presentation.figures.style import (
    GROUP_COLOURS,
    STATUS_QUO_COLOUR,
    Figure,
    _esc,
    _layout,
    _scale_axis,
    _veto_band,
    _wrap,
    engine_style,
    fmt,
    short_name,
)
from standoff.scenario.model import Actor, Scenario


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
    band = _veto_band(issue)
    shapes: list[Figure] = []
    if band is not None and band[1] >= band[0]:
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": band[0],
                "y1": band[1],
                "fillcolor": "#f4d9c6",
                "opacity": 0.35,
                "line": {"width": 0},
                "layer": "below",
            }
        )
    free = e.by_round[-1]
    vetoed = abs(free - e.value) > 1e-9 * (issue.scale[1] - issue.scale[0])
    annotations.append(
        {
            "x": rounds[-1],
            "y": e.value,
            "xanchor": "right",
            "yanchor": "bottom",
            "xshift": -12,
            "yshift": 6,
            "text": f"<b>final {fmt(e.value)}</b>" + (" (held by the vetoes)" if vetoed else ""),
            "showarrow": False,
            "bgcolor": "rgba(255,255,255,0.85)",
            "font": {"size": 11, "color": "#1d2733"},
        }
    )
    if vetoed:
        annotations.append(
            {
                "x": rounds[-1],
                "y": free,
                "xanchor": "right",
                "yanchor": "top",
                "xshift": -12,
                "yshift": -6,
                "text": f"without vetoes {fmt(free)}",
                "showarrow": False,
                "bgcolor": "rgba(255,255,255,0.85)",
                "font": {"size": 11, "color": "#1d2733"},
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
        f"{e.title}: {e.rounds} round{'' if e.rounds == 1 else 's'}, stopped {e.stop}; "
        "markers show who took whose offer" + ("; shaded: the outcomes every veto player accepts" if shapes else ""),
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
        shapes=shapes,
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
        text = ", ".join(names[:2]) + (f" +{len(names) - 2}" if len(names) > 2 else "")
        dot = GROUP_COLOURS.get(actors[members[0]].group, "#555") if len(members) == 1 else "#3a4350"
        out.append(
            {
                "x": x,
                "y": float(np.mean(final[members])),
                "xanchor": "left",
                "xshift": 10,
                "text": f"<span style='color:{dot}'>●</span> " + _wrap(text, 24, 2),
                "hovertext": _esc(", ".join(a.name for a in (actors[k] for k in members))),
                "showarrow": False,
                "align": "left",
                "font": {"size": 10, "color": "#2b3440"},
            }
        )
    # labels of two lines need room: spread them apart (upwards) where they would overlap
    gap = 0.055 * span
    for prev, label in zip(out, out[1:], strict=False):
        label["y"] = max(label["y"], prev["y"] + gap)
    top = issue.scale[1] + 0.02 * span
    if out and out[-1]["y"] > top:
        out[-1]["y"] = top
        for k in range(len(out) - 2, -1, -1):
            out[k]["y"] = min(out[k]["y"], out[k + 1]["y"] - gap)
    return out
