"""The default calibration of the deterrence engine: the one that wins out of sample.

Two calibrations compete (``docs/deterrence.md``, "Which calibration is the default"):

* the engine fitted on the ICB recurrence spells in its reduced parameterisation
  (:class:`standoff.history.recurrence_models.StructuralEngine`, 9 free parameters);
* the engine fitted on the four Iran–US episodes before 2025 (:func:`episode_fit`,
  :func:`standoff.history.calibration.calibrate`, 4 free parameters of about 35).

Where both can be scored out of sample the ICB fit wins: fitted on the spells whose earlier crisis ended by 1990,
it scores −2.44 per spell on the spells that start 1991–2007 (the episode fit: −12.27; the training median −2.60,
Kaplan–Meier −2.96); fitted on all spells, it scores −5.20 per episode on the coercion episodes (the episode fit:
−5.61). So :func:`default_fit` is the ICB fit on all spells, for a case of average history (the fitted history
term at its mean). It still loses to the training median on both episode files (``standoff history recurrence
--backtest`` prints all of it).

The fit is shipped with the package (``data/fits``) under a key of the spells and the model's specification, and
refitted (about a minute) only when they change.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from platformdirs import user_data_dir

from standoff.engines.deterrence import DeterrenceParams
from standoff.history.calibration import CalibrationResult, calibrate, load_fit, save_fit
from standoff.history.episodes import Episode, iran_us_episodes

FORECAST_CASE = "IR-2025"
#: How reports name the shipped episode set the episode calibration is fitted on, and that fit.
EPISODES_LABEL = "Iran-US episodes (before 2025)"
EPISODE_FIT_LABEL = "deterrence engine (Iran-episode fit)"
DEFAULT_HORIZON = 120


@dataclass(frozen=True)
class DefaultFit:
    """The default calibration: engine parameters (before a case's conditions) and where they come from."""

    params: DeterrenceParams
    values: dict[str, float]
    source: str
    loglik: float


@functools.cache
def icb_spells() -> pd.DataFrame:
    """All recurrence spells of the shipped ICB data."""
    from standoff.history.icb.load import load_icb
    from standoff.history.recurrence import build_spells

    return build_spells(load_icb().actors)


def default_fit(*, refit: bool = False) -> DefaultFit:
    """The default calibration: the structural engine fitted on all ICB recurrence spells."""
    from standoff.history.recurrence_models import fitted_engine

    spells = icb_spells()
    engine = fitted_engine(spells, refit=refit)
    return DefaultFit(
        params=engine.base_params(DEFAULT_HORIZON),
        values=dict(engine.values),
        source=f"deterrence engine fitted on {len(spells)} ICB recurrence spells (1918-2007)",
        loglik=engine.loglik,
    )


def default_fit_path() -> Path:
    """Where the episode calibration is saved (``STANDOFF_FIT`` overrides)."""
    return Path(os.environ.get("STANDOFF_FIT") or Path(user_data_dir("standoff")) / "deterrence-fit.json")


def default_episodes() -> tuple[Episode, ...]:
    """The Iran–US episodes the episode calibration is fitted on (all but the forecast case)."""
    return iran_us_episodes(exclude=(FORECAST_CASE,))


def episode_fit(path: Path | None = None, *, refit: bool = False) -> CalibrationResult:
    """The engine calibrated on the Iran–US episodes: the saved fit, or a new one (saved) if there is none or its
    data changed."""
    path = path or default_fit_path()
    episodes = default_episodes()
    if path.exists() and not refit:
        try:
            return load_fit(path, episodes=episodes)
        except (ValueError, KeyError, OSError):
            pass  # stale or unreadable: fit again below
    fit = calibrate(episodes)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_fit(fit, path)
    return fit
