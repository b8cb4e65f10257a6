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


#: Capability (share of the pre-shock level) above which a test threshold is not drawn.
THRESHOLD_CEILING = 2.0


def defiance_paths(comparison: Any, episodes: Sequence[Any]) -> Figure:
    """Small multiples: each policy option's recovery of the challenger's capability against the baseline's.

    Per panel: the baseline's median and 10–90% band in grey, the option's in
    colour, the capability above which a test becomes likelier than not
    (dashed), the as-of month, and the months to the next test after the
    historical ``episodes`` (the scenario's, if it names any), labelled in the
    first panel without overlapping.
    """
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
    options = list(comparison.options)
    base = next((o for o in options if o.id == "baseline"), options[0])
    others = [o for o in options if o is not base] or [base]
    months = list(range(base.capability.shape[1]))
    threshold = list(base.test_capability or [])[: len(months)]
    # A threshold far above any capability the paths reach is said in the subtitle, not drawn:
    # drawn, it would squash the bands it is meant to be read against.
    off_chart = bool(threshold) and min(threshold) > THRESHOLD_CEILING
    if off_chart:
        threshold_note = (
            f"; the test threshold ({min(threshold):.1f} or more) lies far above the chart: under this "
            "calibration a test is never likelier than not, and tests come at a low rate whatever the recovery"
        )
        threshold = []
    else:
        threshold_note = "; dashed: the capability above which a test is likelier than not" if threshold else ""
    top = max(1.08, max(threshold, default=0.0) + 0.05)
    cols = 1 if len(others) == 1 else 2
    rows = -(-len(others) // cols)
    gap_x, gap_y = 0.08, 0.16 / max(rows, 1)
    width = (1 - gap_x * (cols - 1)) / cols
    height = (1 - gap_y * (rows - 1)) / rows
    traces: list[Figure] = []
    shapes: list[Figure] = []
    notes: list[Figure] = []
    layout_axes: dict[str, Any] = {}
    shown: set[str] = set()

    def band(o: Any, colour: str, name: str, ax: str, ay: str, group: str) -> None:
        lo, mid, hi = np.quantile(o.capability, [0.1, 0.5, 0.9], axis=0)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": months + months[::-1],
                "y": list(hi) + list(lo[::-1]),
                "xaxis": ax,
                "yaxis": ay,
                "fill": "toself",
                "fillcolor": colour,
                "opacity": 0.15,
                "line": {"width": 0},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "legendgroup": group,
                "showlegend": group not in shown,
                "x": months,
                "y": list(mid),
                "xaxis": ax,
                "yaxis": ay,
                "line": {"color": colour, "width": 2.5 if group != "baseline" else 2},
                "hovertemplate": "month %{x}: capability %{y:.2f}<extra>" + _esc(o.name) + "</extra>",
            }
        )
        shown.add(group)

    for k, o in enumerate(others):
        r, c = divmod(k, cols)
        suffix = "" if k == 0 else str(k + 1)
        ax, ay = f"x{suffix}", f"y{suffix}"
        x0 = c * (width + gap_x)
        y1 = 1 - r * (height + gap_y)
        layout_axes[f"xaxis{suffix}"] = {
            "domain": [x0, x0 + width],
            "anchor": ay,
            "gridcolor": "#e3e7ec",
            "title": {"text": "months since the shock" if r == rows - 1 else ""},
        }
        layout_axes[f"yaxis{suffix}"] = {
            "domain": [y1 - height, y1],
            "anchor": ax,
            "range": [0, top],
            "gridcolor": "#e3e7ec",
            "title": {"text": "capability (1 = before the shock)" if c == 0 else ""},
        }
        if o is not base:
            band(base, "#6b7480", f"{_esc(base.name)} (grey, every panel)", ax, ay, "baseline")
        band(o, palette[k % len(palette)], _esc(o.name), ax, ay, o.id)
        if threshold:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": "test threshold: above it a test is likelier than not",
                    "legendgroup": "threshold",
                    "showlegend": "threshold" not in shown,
                    "x": months,
                    "y": threshold,
                    "xaxis": ax,
                    "yaxis": ay,
                    "line": {"color": "#B2182B", "width": 1.5, "dash": "dash"},
                    "hovertemplate": "month %{x}: tests likelier than not above %{y:.2f}<extra></extra>",
                }
            )
            shown.add("threshold")
        notes.append(
            {
                "text": f"<b>{_esc(o.name)}</b>" + (" vs baseline" if o is not base else ""),
                "x": x0,
                "y": y1,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 12},
            }
        )
        shapes.append(
            {
                "type": "line",
                "xref": ax,
                "yref": f"{ay} domain",
                "x0": comparison.elapsed_months,
                "x1": comparison.elapsed_months,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#111111", "width": 1.5},
            }
        )
        if k == 0:
            notes.append(
                {
                    "x": comparison.elapsed_months,
                    "y": 1.0,
                    "xref": ax,
                    "yref": f"{ay} domain",
                    "text": f"as of {comparison.as_of}",
                    "showarrow": False,
                    "xanchor": "left",
                    "yanchor": "top",
                    "font": {"size": 11},
                }
            )
        past = sorted((ep for ep in episodes if ep.event and ep.duration_months <= months[-1]), key=_months)
        level = 0
        last = -np.inf
        for ep in past:
            shapes.append(
                {
                    "type": "line",
                    "xref": ax,
                    "yref": f"{ay} domain",
                    "x0": ep.duration_months,
                    "x1": ep.duration_months,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#8a96a3", "width": 1, "dash": "dot"},
                }
            )
            if k == 0:
                level = level + 1 if ep.duration_months - last < 4 else 0
                last = ep.duration_months
                notes.append(
                    {
                        "x": ep.duration_months,
                        "y": 0.02 + 0.09 * level,
                        "xref": ax,
                        "yref": f"{ay} domain",
                        "text": _esc(ep.episode_id),
                        "showarrow": False,
                        "xanchor": "left",
                        "yanchor": "bottom",
                        "font": {"size": 10, "color": "#3d4754"},
                    }
                )
    subtitle = (
        "median and 10–90% band of simulated paths; capability is the challenger's military strength "
        "(weighted components) as a share of its level before the shock"
        + ("; dotted: months to the next test after past shocks" if episodes else "")
        + threshold_note
    )
    layout = _layout(
        "Recovery of the challenger's capability: each option against the baseline",
        subtitle,
        height=170 + 290 * rows,
        shapes=shapes,
        annotations=notes,
        margin={"l": 70, "r": 20, "t": 110, "b": 110},
        **layout_axes,
    )
    layout["legend"] = {"orientation": "h", "x": 0, "y": -0.06, "yanchor": "top", "font": {"size": 11}}
    return {"data": traces, "layout": layout}


def _months(ep: Any) -> float:
    return float(ep.duration_months)
