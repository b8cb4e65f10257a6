"""Crisis-policy figures: rates of tests and war per option, and defiance paths against history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from standoff.presentation.figures.style import Figure, _esc, _layout


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
    the observed months to the next test of the historical ``episodes`` (the scenario's, if it names any)."""
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
            "median and 10–90% band" + ("; dotted: months to the next test after past shocks" if episodes else ""),
            height=460,
            shapes=shapes,
            annotations=notes,
            margin={"l": 70, "r": 20, "t": 80, "b": 60},
            xaxis={"title": {"text": "months since the shock"}, "gridcolor": "#e3e7ec"},
            yaxis={"title": {"text": "capability K"}, "range": [0, 1.05], "gridcolor": "#e3e7ec"},
        ),
    }
