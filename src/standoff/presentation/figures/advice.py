"""An actor's best moves: mean net gain with Monte Carlo standard errors."""

from __future__ import annotations

from typing import Any

from standoff.presentation.figures.style import Figure, _esc, _layout, _wrap


def advice_gains(advice: Any, top: int = 10) -> Figure:
    """An actor's best moves: mean net gain with ±2 Monte Carlo standard errors; advised moves in colour."""
    moves = advice.moves[:top]
    labels = [f"#{m.rank} " + _wrap(m.move.description.split(" (")[0], 40, 2) for m in moves]
    unit = (
        "probability points of a deal (Monte Carlo mean over draws and models)"
        if advice.objective == "deal"
        else "points of the issues' scales, weighted by the actor's salience (Monte Carlo mean)"
    )
    who = f"{advice.actor} (mediator)" if advice.mediator else advice.actor
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": "net gain",
                "y": labels,
                "x": [100 * m.gain for m in moves],
                "marker": {"color": ["#2A9D8F" if m.recommended else "#9aa5b1" for m in moves]},
                "error_x": {"type": "data", "array": [200 * m.se for m in moves]},
                "customdata": [m.reason or "advised" for m in moves],
                "hovertemplate": "%{y}<br>net gain %{x:.2f} points<br>%{customdata}<extra></extra>",
            }
        ],
        "layout": _layout(
            f"Moves open to {_esc(who)}",
            f"{advice.draws} draws, seed {advice.seed}, engines {', '.join(advice.engines)}; common random numbers; "
            "bars ±2 standard errors; green: advised",
            height=200 + 46 * len(moves),
            margin={"l": 320, "r": 20, "t": 80, "b": 60},
            xaxis={
                "title": {"text": f"net gain in {unit}"},
                "zeroline": True,
                "gridcolor": "#e3e7ec",
                "automargin": True,
            },
            yaxis={"autorange": "reversed"},
            showlegend=False,
        ),
    }
