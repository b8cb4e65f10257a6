"""Binary forecasts from ex ante features: base rate, L2-regularised logistic regression, plain logistic regression.

* Base rate: the share of past crisis actors with the outcome (the outside view of Kahneman & Lovallo 1993).
* Regularised model: logistic regression with an L2 penalty (ridge; scikit-learn ``LogisticRegression``, lbfgs)
  on standardised features (constant columns dropped); the inverse penalty ``C`` is chosen from a log grid by
  time-ordered cross-validation (``TimeSeriesSplit`` over trigger-ordered rows: each fold fits on earlier crises
  and scores the mean log loss on the next block). This departs from a random K-fold choice because crises
  cluster in time.
* Calibration: out-of-fold predictions of the chosen model give a reliability table. Platt recalibration
  (logistic regression of the outcome on the logit of the forecast; Platt 1999) is kept only if, fitted on the
  earlier half of the out-of-fold forecasts, it lowers the log loss of the later half.
* Plain model: the same features without a penalty (``C = inf``), the reference the regularised model must beat.
  With separable categories its coefficients diverge; lbfgs stops at ``max_iter`` and its convergence warning is
  silenced on purpose, since that overfit is what it is there to show.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import VarianceThreshold
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import TimeSeriesSplit
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from standoff.core.scoring import calibration_table, log_score

C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
SPLITS = 4
EPS = 1e-6


@dataclass(frozen=True)
class Reliability:
    """Reliability table of out-of-fold forecasts: per bin, mean forecast, observed frequency and count."""

    edges: list[float]
    mean_forecast: list[float | None]
    observed: list[float | None]
    count: list[int]


@dataclass(frozen=True)
class BinaryModel:
    """A fitted regularised logistic model, with its chosen penalty and optional Platt recalibration."""

    pipeline: Pipeline
    C: float
    cv_log_loss: float
    platt: tuple[float, float] | None
    reliability: Reliability

    def predict(self, X: np.ndarray) -> np.ndarray:
        p = self.pipeline.predict_proba(X)[:, 1]
        if self.platt is None:
            return p
        a, b = self.platt
        return 1.0 / (1.0 + np.exp(-(a + b * _logit(p))))


def base_rate(y: np.ndarray) -> float:
    """The share of outcomes, shrunk by one pseudo-observation each way so that it is never 0 or 1."""
    return float((np.sum(y) + 1.0) / (len(y) + 2.0))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p / (1 - p))


def _logistic(C: float, max_iter: int = 2000) -> Pipeline:
    return make_pipeline(VarianceThreshold(), StandardScaler(), LogisticRegression(C=C, max_iter=max_iter))


def _folds(n: int) -> TimeSeriesSplit:
    return TimeSeriesSplit(n_splits=min(SPLITS, max(2, n // 40)))


def _out_of_fold(X: np.ndarray, y: np.ndarray, C: float) -> tuple[np.ndarray, np.ndarray]:
    """Forecasts for each later block from a model fitted on the rows before it; and the block rows."""
    preds, rows = [], []
    for train, test in _folds(len(y)).split(X):
        if len(np.unique(y[train])) < 2:
            p = np.full(len(test), base_rate(y[train]))
        else:
            p = _logistic(C).fit(X[train], y[train]).predict_proba(X[test])[:, 1]
        preds.append(p)
        rows.append(test)
    return np.concatenate(preds), np.concatenate(rows)


def fit_regularised(X: np.ndarray, y: np.ndarray) -> BinaryModel:
    """Fit on rows **ordered by trigger date**; ``C`` by time-ordered cross-validation, then Platt if it helps."""
    oof = {C: _out_of_fold(X, y, C) for C in C_GRID}
    scores = {C: log_score(p, y[rows]) for C, (p, rows) in oof.items()}
    best = min(scores, key=scores.__getitem__)
    p, rows = oof[best]
    yo = y[rows]
    platt = _platt_if_it_helps(p, yo)
    return BinaryModel(_logistic(best).fit(X, y), best, scores[best], platt, reliability(p, yo))


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 5) -> Reliability:
    """Reliability table of forecasts ``p`` against outcomes ``y`` in equal-width bins (empty bins: None)."""
    table = calibration_table(p, y, bins=bins)
    return Reliability(
        [float(e) for e in table.edges],
        [None if np.isnan(x) else float(x) for x in table.mean_forecast],
        [None if np.isnan(x) else float(x) for x in table.observed_frequency],
        [int(c) for c in table.count],
    )


def _platt_fit(p: np.ndarray, y: np.ndarray) -> tuple[float, float] | None:
    if len(np.unique(y)) < 2:
        return None
    m = LogisticRegression(C=np.inf, max_iter=1000).fit(_logit(p)[:, None], y)
    return float(m.intercept_[0]), float(m.coef_[0, 0])


def _platt_if_it_helps(p: np.ndarray, y: np.ndarray) -> tuple[float, float] | None:
    half = len(p) // 2
    early = _platt_fit(p[:half], y[:half])
    if early is None:
        return None
    a, b = early
    recalibrated = 1.0 / (1.0 + np.exp(-(a + b * _logit(p[half:]))))
    if log_score(recalibrated, y[half:]) < log_score(p[half:], y[half:]):
        return _platt_fit(p, y)
    return None


def fit_plain(X: np.ndarray, y: np.ndarray) -> Pipeline:
    """Unpenalised logistic regression on the same standardised features."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _logistic(np.inf, max_iter=500).fit(X, y)
