"""The calibrated deterrence parameters: fitted once, saved, and reused.

The default fit is the deterrence engine calibrated on the shipped Iran–US
episodes, leaving out June 2025 (the case the flagship forecasts). It is
saved as JSON in the user's data directory (``STANDOFF_FIT`` overrides the
path) and reloaded while the episodes' data hash matches; otherwise it is
fitted again (a few seconds) and saved.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from standoff.history.calibration import CalibrationResult, calibrate, load_fit, save_fit
from standoff.history.episodes import Episode, iran_us_episodes

FORECAST_CASE = "IR-2025"


def default_fit_path() -> Path:
    return Path(os.environ.get("STANDOFF_FIT") or Path(user_data_dir("standoff")) / "deterrence-fit.json")


def default_episodes() -> tuple[Episode, ...]:
    """The Iran–US episodes the default fit is calibrated on (all but the forecast case)."""
    return iran_us_episodes(exclude=(FORECAST_CASE,))


def default_fit(path: Path | None = None, *, refit: bool = False) -> CalibrationResult:
    """The saved default fit, or a new one (saved) if there is none or its data changed."""
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
