"""Figures as Plotly figure dicts, shared by the dashboard and the HTML report.

Every function takes results (a :class:`~standoff.experiments.forecast.Forecast` or one of
its issues, the validated scenario, per-draw values) and returns a plain
``{"data": [...], "layout": {...}}`` dict that ``Plotly.newPlot`` draws as
is; nothing here imports Plotly or touches files. Colours are fixed per actor
group and per engine, so an actor or an engine looks the same on every figure.

Text that comes from a scenario file (names, anchors) is HTML-escaped before
it goes into a figure, since Plotly renders a few HTML tags in labels.

:func:`monte_carlo` runs the draws once and returns both the forecast with its
intervals and the per-draw values the distribution figure needs.

One module per figure family:

* :mod:`~standoff.presentation.figures.style`: colours per actor group and
  engine, the shared layout and small formatting helpers;
* :mod:`~standoff.presentation.figures.draws`: :func:`monte_carlo`, the
  forecast with the per-draw values behind it;
* :mod:`~standoff.presentation.figures.actors`: the actor map;
* :mod:`~standoff.presentation.figures.forecasts`: the per-issue forecast
  summary and the overview of all issues;
* :mod:`~standoff.presentation.figures.rounds`: the engines' round-by-round
  trajectories;
* :mod:`~standoff.presentation.figures.distributions`: Monte Carlo
  distributions of the forecasts;
* :mod:`~standoff.presentation.figures.evidence`: the scenario's evidence
  coverage;
* :mod:`~standoff.presentation.figures.policy`: crisis-policy comparisons
  and defiance paths;
* :mod:`~standoff.presentation.figures.advice`: an actor's best moves.
"""

from __future__ import annotations

from standoff.presentation.figures.actors import actor_map
from standoff.presentation.figures.advice import advice_gains
from standoff.presentation.figures.distributions import distributions
from standoff.presentation.figures.draws import MonteCarlo, monte_carlo
from standoff.presentation.figures.evidence import evidence_coverage
from standoff.presentation.figures.forecasts import ISSUE_FIGURES, engine_forecast_rows, forecast_summary, overview
from standoff.presentation.figures.policy import defiance_paths, policy_rates
from standoff.presentation.figures.rounds import trajectories
from standoff.presentation.figures.sensitivity import most_telling, sobol_indices, tornado
from standoff.presentation.figures.style import (
    ENGINE_ORDER,
    ENGINE_STYLES,
    GROUP_COLOURS,
    STATUS_QUO_COLOUR,
    SUPPORT_COLOURS,
    Figure,
    engine_names,
    engine_style,
    fmt,
    nearest_anchor,
    short_name,
)

__all__ = [
    "ENGINE_ORDER",
    "ENGINE_STYLES",
    "Figure",
    "GROUP_COLOURS",
    "ISSUE_FIGURES",
    "MonteCarlo",
    "STATUS_QUO_COLOUR",
    "SUPPORT_COLOURS",
    "actor_map",
    "advice_gains",
    "defiance_paths",
    "distributions",
    "engine_forecast_rows",
    "engine_names",
    "engine_style",
    "evidence_coverage",
    "fmt",
    "forecast_summary",
    "most_telling",
    "monte_carlo",
    "nearest_anchor",
    "overview",
    "policy_rates",
    "short_name",
    "sobol_indices",
    "tornado",
    "trajectories",
]
