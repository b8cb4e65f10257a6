"""Time to the major response (with competing outcomes) and crisis duration.

* :func:`aalen_johansen`: the non-parametric cumulative incidence of each cause under right censoring
  (Aalen & Johansen 1978): ``F_k(t) = Σ_{t_j ≤ t} S(t_j−) d_kj / n_j`` with ``S`` the all-cause Kaplan–Meier
  survival; with a single cause ``F = 1 − S`` (Kaplan & Meier 1958). Optional case weights give the reference
  class's curve. Ties are handled exactly (no jitter, unlike lifelines' ``AalenJohansenFitter``).
* :class:`CompetingCox`: cause-specific proportional hazards (Prentice et al. 1978; Putter, Fiocco & Geskus 2007):
  one Cox model per cause (lifelines ``CoxPHFitter``, ridge penalty), the other cause treated as censoring; the
  cumulative incidence of a violent response for covariates ``x`` is
  ``F_1(t|x) = Σ_{s ≤ t} S(s−|x) ΔH_1(s|x)`` with ``S = exp(−H_1 − H_2)`` from the Breslow baselines.
* :class:`DurationCox`: a Cox model of days to termination, ``P(T > t | x)``.

The penalty is chosen by time-ordered cross-validation on the log loss of the 30-day (response) or 90-day
(duration) probability. Both models also answer conditionally: given no major response (or no termination) by day
``e``, the probability of the event in ``(e, e + n]``. Departure: features are the standardised design of
:mod:`~standoff.history.icb.features` with constant columns dropped, not a hand-picked set.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.model_selection import TimeSeriesSplit

from standoff.core.scoring import log_score

if TYPE_CHECKING:
    from lifelines import CoxPHFitter

PENALTIES = (0.3, 3.0)


@dataclass(frozen=True)
class Incidence:
    """Step functions on ``times``: all-cause survival just after each time and cumulative incidence per cause."""

    times: np.ndarray
    survival: np.ndarray
    incidence: dict[int, np.ndarray]

    def at(self, t: float, cause: int | None = None) -> float:
        """``F_cause(t)`` (or all-cause ``S(t)`` when ``cause`` is None), right-continuous."""
        i = int(np.searchsorted(self.times, t, side="right")) - 1
        if cause is None:
            return 1.0 if i < 0 else float(self.survival[i])
        return 0.0 if i < 0 else float(self.incidence[cause][i])


def aalen_johansen(time: np.ndarray, event: np.ndarray, weights: np.ndarray | None = None) -> Incidence:
    """Cumulative incidence per cause (``event`` 0 = censored, 1.. = cause) and all-cause Kaplan–Meier survival."""
    time, event = np.asarray(time, float), np.asarray(event, int)
    w = np.ones_like(time) if weights is None else np.asarray(weights, float)
    causes = sorted(int(c) for c in np.unique(event) if c != 0)
    times = np.unique(time[event != 0])
    surv, inc = np.empty(len(times)), {c: np.empty(len(times)) for c in causes}
    s, f = 1.0, dict.fromkeys(causes, 0.0)
    for j, t in enumerate(times):
        at_risk = w[time >= t].sum()
        for c in causes:
            f[c] += s * w[(time == t) & (event == c)].sum() / at_risk
            inc[c][j] = f[c]
        s *= 1.0 - w[(time == t) & (event != 0)].sum() / at_risk
        surv[j] = s
    return Incidence(times, surv, inc)


def _frame(X: np.ndarray, keep: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> pd.DataFrame:
    Z = (X[:, keep] - mean) / sd
    return pd.DataFrame(Z, columns=[f"x{i}" for i in range(Z.shape[1])])


def _cox(X: pd.DataFrame, t: np.ndarray, e: np.ndarray, penalizer: float) -> CoxPHFitter:
    from lifelines import CoxPHFitter

    df = X.assign(T=t, E=e)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines warns about near-constant columns; the ridge penalty copes
        return CoxPHFitter(penalizer=penalizer).fit(df, "T", "E")


def _scaling(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sd = X.std(axis=0)
    keep = sd > 1e-9
    return keep, X[:, keep].mean(axis=0), sd[keep]


def _hazards(model: CoxPHFitter, Z: pd.DataFrame, grid: np.ndarray) -> np.ndarray:
    """Cumulative hazards ``(n, len(grid))`` of a fitted Cox model."""
    return model.predict_cumulative_hazard(Z, times=grid).to_numpy().T


@dataclass
class CompetingCox:
    """Cause-specific Cox models of a violent (cause 1) or non-violent (cause 2) major response."""

    violent: CoxPHFitter
    other: CoxPHFitter
    keep: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    grid: np.ndarray
    penalizer: float

    @classmethod
    def fit(cls, X: np.ndarray, t: np.ndarray, kind: np.ndarray, penalizer: float) -> CompetingCox:
        keep, mean, sd = _scaling(X)
        Z = _frame(X, keep, mean, sd)
        violent = _cox(Z, t, (kind == 1).astype(int), penalizer)
        other = _cox(Z, t, (kind == 2).astype(int), penalizer)
        return cls(violent, other, keep, mean, sd, np.unique(t), penalizer)

    def curves(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(F_1, S)`` on :attr:`grid` for each row: cumulative incidence of a violent response, all-cause survival."""
        Z = _frame(X, self.keep, self.mean, self.sd)
        h1, h2 = _hazards(self.violent, Z, self.grid), _hazards(self.other, Z, self.grid)
        s = np.exp(-(h1 + h2))
        s_before = np.hstack([np.ones((len(Z), 1)), s[:, :-1]])
        dh1 = np.diff(h1, axis=1, prepend=0.0)
        return np.cumsum(s_before * dh1, axis=1), s

    def within(self, X: np.ndarray, days: float, elapsed: float = 0.0) -> np.ndarray:
        """P(violent major response in ``(elapsed, elapsed + days]`` | no major response by ``elapsed``)."""
        f, s = self.curves(X)
        i1 = int(np.searchsorted(self.grid, elapsed + days, side="right")) - 1
        i0 = int(np.searchsorted(self.grid, elapsed, side="right")) - 1
        f1 = f[:, i1] if i1 >= 0 else np.zeros(len(f))
        f0, s0 = (f[:, i0], s[:, i0]) if i0 >= 0 else (np.zeros(len(f)), np.ones(len(f)))
        return np.clip((f1 - f0) / np.maximum(s0, 1e-12), 0.0, 1.0)


@dataclass
class DurationCox:
    """A Cox model of days from trigger to termination."""

    model: CoxPHFitter
    keep: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    penalizer: float

    @classmethod
    def fit(cls, X: np.ndarray, t: np.ndarray, penalizer: float) -> DurationCox:
        keep, mean, sd = _scaling(X)
        model = _cox(_frame(X, keep, mean, sd), t, np.ones(len(t), dtype=int), penalizer)
        return cls(model, keep, mean, sd, penalizer)

    def lasts_over(self, X: np.ndarray, days: float, elapsed: float = 0.0) -> np.ndarray:
        """P(T > ``elapsed + days`` | T > ``elapsed``)."""
        Z = _frame(X, self.keep, self.mean, self.sd)
        times = [elapsed, elapsed + days] if elapsed > 0 else [elapsed + days]
        s = self.model.predict_survival_function(Z, times=times).to_numpy()
        return s[-1] / s[0] if elapsed > 0 else s[0]


def choose_penalizer(
    fit_and_predict: Callable[[np.ndarray, np.ndarray, float], np.ndarray], X: np.ndarray, y: np.ndarray
) -> float:
    """The penalty whose time-ordered out-of-fold forecasts of ``y`` have the lowest log loss (rows by trigger)."""
    scores = {}
    for pen in PENALTIES:
        losses = []
        for train, test in TimeSeriesSplit(n_splits=2).split(X):
            ok = ~np.isnan(y[test])
            losses.append(log_score(fit_and_predict(train, test[ok], pen), y[test][ok]))
        scores[pen] = float(np.mean(losses))
    return min(scores, key=scores.__getitem__)
