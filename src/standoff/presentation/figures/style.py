"""Colours per actor group and engine, the shared figure layout, and small formatting helpers."""

from __future__ import annotations

import html
import textwrap
from typing import Any

import numpy as np

from standoff.experiments.forecast import IssueForecast
from standoff.scenario.model import Actor

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


#: Characters per line of a figure's subtitle (longer ones wrap, so nothing is cut).
SUBTITLE_WIDTH = 110


def _layout(title: str, subtitle: str | None = None, **extra: Any) -> dict[str, Any]:
    text = f"<b>{_esc(title)}</b>"
    lines = textwrap.wrap(subtitle, SUBTITLE_WIDTH) if subtitle else []
    for line in lines:
        text += f"<br><span style='font-size:12px;color:#4d5966'>{_esc(line)}</span>"
    if len(lines) > 1 and "margin" in extra:
        extra = {**extra, "margin": {**extra["margin"], "t": extra["margin"].get("t", 80) + 16 * (len(lines) - 1)}}
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
