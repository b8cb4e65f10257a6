"""Monte Carlo distributions of each engine's forecast on one issue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from standoff.core.problems import FloatArray
from standoff.experiments.forecast import IssueForecast
from standoff.presentation.figures.style import (
    STATUS_QUO_COLOUR,
    Figure,
    _esc,
    _layout,
    _scale_axis,
    engine_names,
    engine_style,
    fmt,
)


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
