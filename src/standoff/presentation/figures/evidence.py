"""How much of the scenario rests on quotes, on judgment, or on both."""

from __future__ import annotations

from standoff.presentation.figures.style import SUPPORT_COLOURS, Figure, _esc, _layout, short_name
from standoff.scenario.coverage import coverage
from standoff.scenario.model import Scenario


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
