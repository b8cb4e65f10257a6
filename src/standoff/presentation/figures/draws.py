"""Monte Carlo for figures: the forecast with its intervals and the per-draw values behind them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from standoff.engines.base import FloatArray
from standoff.experiments.forecast import Forecast, Interval, forecast
from standoff.experiments.montecarlo import engine_draws
from standoff.scenario import LoadedScenario


@dataclass(frozen=True)
class MonteCarlo:
    """A Monte Carlo forecast and the per-draw values behind its intervals.

    Attributes:
        forecast: the point forecast, each engine with its interval over the draws.
        values: issue id → engine name → ``(draws,)`` forecasts, one per draw.
    """

    forecast: Forecast
    values: dict[str, dict[str, FloatArray]]


def monte_carlo(
    loaded: LoadedScenario,
    *,
    draws: int,
    seed: int,
    engines: Sequence[str] | None = None,
    level: float = 0.9,
    progress: Callable[[int], None] | None = None,
) -> MonteCarlo:
    """Run the draws once and keep the per-draw values (for histograms).

    The draws are those of ``forecast(loaded, draws=draws, seed=seed)``
    (:func:`standoff.experiments.montecarlo.engine_draws`, seeded chunks) and the
    intervals are computed as there; :func:`~standoff.experiments.forecast.forecast`
    summarises its draws without returning them, hence this helper.
    """
    if draws < 1 or seed < 0:
        raise ValueError("Monte Carlo needs draws >= 1 and a seed >= 0")
    point = forecast(loaded, engines=engines)
    names = list(engines) if engines else list(dict.fromkeys(n for i in point.issues for n in i.engines))
    values = engine_draws(loaded.scenario, names, draws, seed, progress)
    quantiles = [0.5, (1 - level) / 2, (1 + level) / 2]
    issues = []
    for issue in point.issues:
        engines_out = {}
        for name, e in issue.engines.items():
            q = np.quantile(values[issue.issue][name], quantiles)
            engines_out[name] = replace(e, draws=Interval(float(q[0]), float(q[1]), float(q[2]), level))
        issues.append(replace(issue, engines=engines_out))
    return MonteCarlo(replace(point, issues=issues, draws=draws, seed=seed), values)
