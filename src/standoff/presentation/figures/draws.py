"""Monte Carlo for figures: the forecast with its intervals and the per-draw values behind them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from standoff.core.problems import FloatArray
from standoff.experiments.forecast import Forecast, forecast
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
    """The Monte Carlo forecast and its per-draw values (for histograms): one run of the draws.

    The draws are those of ``forecast(loaded, draws=draws, seed=seed)``, which
    keeps every draw's value (:attr:`~standoff.experiments.forecast.Forecast.values`).
    """
    if draws < 1 or seed < 0:
        raise ValueError("Monte Carlo needs draws >= 1 and a seed >= 0")
    f = forecast(loaded, engines=engines, draws=draws, seed=seed, level=level, progress=progress)
    assert f.values is not None  # a forecast with draws keeps them
    return MonteCarlo(f, f.values)
