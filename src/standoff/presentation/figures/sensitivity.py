"""What drives a forecast: Sobol indices with their intervals, and a one-at-a-time tornado."""

from __future__ import annotations

from standoff.experiments.outlook import factor_name
from standoff.experiments.sensitivity import IssueSensitivity
from standoff.presentation.figures.style import Figure, _layout, _wrap, fmt
from standoff.scenario.model import Scenario

TOTAL_COLOUR = "#1F3B73"
FIRST_COLOUR = "#7A9CC6"
LOW_COLOUR = "#0B4F8A"
HIGH_COLOUR = "#B2182B"


def _bar(order: str, gloss: str, names: list[str], values: list[float], conf: list[float], colour: str) -> Figure:
    """One horizontal bar trace of ``order``-order Sobol indices with their 95% intervals."""
    return {
        "type": "bar",
        "orientation": "h",
        "name": f"{order} order ({gloss}) ± 95% CI",
        "y": names,
        "x": values,
        "error_x": {"type": "data", "array": conf, "color": "#333333"},
        "marker": {"color": colour},
        "hovertemplate": f"%{{y}}<br>{order} order %{{x:.2f}}<extra></extra>",
    }


def sobol_indices(scenario: Scenario, s: IssueSensitivity, engine_title: str, top: int = 8) -> Figure:
    """Each factor's share of the forecast's variance: total order (with interactions) and first order alone."""
    effects = s.sobol[:top]
    names = [_wrap(factor_name(scenario, f.factor), 34, 2) for f in effects]
    issue = scenario.issue(s.issue).name
    traces: list[Figure] = [
        _bar(
            "total",
            "with interactions",
            names,
            [f.total for f in effects],
            [f.total_conf for f in effects],
            TOTAL_COLOUR,
        ),
        _bar("first", "alone", names, [f.first for f in effects], [f.first_conf for f in effects], FIRST_COLOUR),
    ]
    shaky = " Some intervals are wider than their estimate: read those with care." if s.unstable else ""
    layout = _layout(
        f"{issue}: what drives the {engine_title} forecast",
        f"share of the forecast's variance (standard deviation {fmt(s.std)} points) each factor explains "
        f"(Sobol indices).{shaky}",
        height=170 + 52 * len(effects),
        barmode="group",
        margin={"l": 230, "r": 20, "t": 84, "b": 60},
        xaxis={"title": {"text": "share of the variance (0 to 1)"}, "range": [0, 1.15], "gridcolor": "#e3e7ec"},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    layout["legend"] = {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top", "font": {"size": 11}}
    return {"data": traces, "layout": layout}


def tornado(scenario: Scenario, s: IssueSensitivity, engine_title: str, top: int = 8) -> Figure:
    """Each uncertain input at its 5th and 95th percentile, the others at their values: where the forecast goes."""
    bars = [b for b in s.tornado if b.swing > 0][:top]
    names = [_wrap(factor_name(scenario, b.input), 34, 2) for b in bars]
    issue = scenario.issue(s.issue)
    traces: list[Figure] = [
        {
            "type": "bar",
            "orientation": "h",
            "name": "input at its 5th percentile",
            "y": names,
            "x": [b.low_forecast - s.point for b in bars],
            "base": s.point,
            "marker": {"color": LOW_COLOUR},
            "customdata": [[fmt(b.low_value), fmt(b.low_forecast)] for b in bars],
            "hovertemplate": "%{y}<br>at %{customdata[0]}: forecast %{customdata[1]}<extra></extra>",
        },
        {
            "type": "bar",
            "orientation": "h",
            "name": "input at its 95th percentile",
            "y": names,
            "x": [b.high_forecast - s.point for b in bars],
            "base": s.point,
            "marker": {"color": HIGH_COLOUR},
            "customdata": [[fmt(b.high_value), fmt(b.high_forecast)] for b in bars],
            "hovertemplate": "%{y}<br>at %{customdata[0]}: forecast %{customdata[1]}<extra></extra>",
        },
    ]
    lo, hi = issue.scale.low, issue.scale.high
    layout = _layout(
        f"{issue.name}: one input at a time ({engine_title})",
        f"the forecast (now {fmt(s.point)}) when one input moves to its 5th or 95th percentile; "
        f"points on the {fmt(lo)}–{fmt(hi)} scale",
        height=170 + 46 * max(len(bars), 1),
        barmode="overlay",
        margin={"l": 230, "r": 20, "t": 84, "b": 60},
        xaxis={"title": {"text": f"forecast ({fmt(lo)} to {fmt(hi)})"}, "range": [lo, hi], "gridcolor": "#e3e7ec"},
        yaxis={"autorange": "reversed", "automargin": True},
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": s.point,
                "x1": s.point,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#111111", "width": 1.5, "dash": "dot"},
            }
        ],
    )
    layout["legend"] = {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top", "font": {"size": 11}}
    return {"data": traces, "layout": layout}


def most_telling(sens: list[IssueSensitivity], issue: str, engine: str | None = None) -> IssueSensitivity | None:
    """The issue's sensitivity for ``engine``, else for the engine whose forecast varies most."""
    mine = [s for s in sens if s.issue == issue]
    if engine is not None:
        chosen = [s for s in mine if s.engine == engine]
        if chosen:
            return chosen[0]
    return max(mine, key=lambda s: s.std, default=None)
