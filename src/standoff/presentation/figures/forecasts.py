"""Forecast figures: each engine's forecast on one issue, and the overview of all issues."""

from __future__ import annotations

import numpy as np

from standoff.experiments.forecast import EngineForecast, Forecast, IssueForecast
from standoff.presentation.figures.style import (
    STATUS_QUO_COLOUR,
    Figure,
    _esc,
    _layout,
    _scale_axis,
    engine_names,
    engine_style,
    fmt,
    nearest_anchor,
)


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
        intervals = {}
        if all(i.engines[name].draws is not None for _, i in have):
            intervals["error_x"] = {
                "type": "data",
                "symmetric": False,
                "array": [
                    max(share(i, i.engines[name].draws.high) - share(i, i.engines[name].value), 0) for _, i in have
                ],  # type: ignore[union-attr]
                "arrayminus": [
                    max(share(i, i.engines[name].value) - share(i, i.engines[name].draws.low), 0) for _, i in have
                ],  # type: ignore[union-attr]
                "color": colour,
                "thickness": 1.5,
                "width": 3,
            }
        traces.append(
            {
                **intervals,
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
    frozen = [_frozen(i) for i in f.issues]
    free = [(row, i) for row, i in enumerate(f.issues) if frozen[row]]
    if free:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "without the vetoes (median over models)",
                "x": [share(i, _free_median(i)) for _, i in free],
                "y": [row for row, _ in free],
                "marker": {"size": 13, "symbol": "circle-open", "color": "#333333", "line": {"width": 2}},
                "customdata": [[_esc(i.name), fmt(_free_median(i))] for _, i in free],
                "hovertemplate": "<b>%{customdata[0]}</b><br>without the vetoes: %{customdata[1]}<extra></extra>",
            }
        )
    ends = []
    for row, i in enumerate(f.issues):
        lo, hi = i.scale
        for x, anchor, side in ((0, "left", lo), (100, "right", hi)):
            ends.append(
                {
                    "x": x,
                    "y": row - 0.5,
                    "xref": "x",
                    "yref": "y",
                    "text": _esc(_short(i.anchors[side])),
                    "showarrow": False,
                    "xanchor": anchor,
                    "yanchor": "top",
                    "font": {"size": 10, "color": "#3d4754"},
                }
            )
    mc = any(e.draws for i in f.issues for e in i.engines.values())
    layout = _layout(
        f"{f.title}: every issue at a glance",
        "position as a share of each issue's scale; each row's ends say what 0% and 100% mean; black bar: status quo"
        + ("; whiskers: Monte Carlo interval" if mc else "")
        + ("; hollow circle: where the models would land without the vetoes" if free else ""),
        height=260 + 74 * len(f.issues),
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
            "ticktext": [
                _esc(i.name) + ("<br><span style='font-size:10px'>held by a veto</span>" if frozen[row] else "")
                for row, i in enumerate(f.issues)
            ],
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
    layout["annotations"] = ends
    return {"data": traces, "layout": layout}


def _frozen(i: IssueForecast) -> bool:
    """Every engine at the status quo while some would move without the vetoes."""
    tol = 0.005 * (i.scale[1] - i.scale[0])
    still = all(abs(e.value - i.status_quo) <= tol for e in i.engines.values())
    free = [e.without_vetoes for e in i.engines.values() if e.without_vetoes is not None]
    return still and any(abs(x - i.status_quo) > tol for x in free)


def _free_median(i: IssueForecast) -> float:
    return float(np.median([e.without_vetoes for e in i.engines.values() if e.without_vetoes is not None]))


def _short(text: str, limit: int = 48) -> str:
    head = text.split(":")[0].split(";")[0].strip()
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"


ISSUE_FIGURES = ("map", "summary", "rounds", "distribution")


def engine_forecast_rows(issue: IssueForecast) -> list[EngineForecast]:
    """The issue's engine forecasts in display order."""
    return [issue.engines[n] for n in engine_names(issue)]
