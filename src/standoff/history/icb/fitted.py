"""Fit every model of every question on a set of crisis actors, predict, and cache the fit by data hash.

Rows are ordered by trigger date before fitting (time-ordered cross-validation needs it). For each question:
the base rate, the regularised logistic model (:mod:`~standoff.history.icb.models`), the plain logistic model, and
the reference class size ``k`` (:mod:`~standoff.history.icb.reference`); for the response and duration questions,
the cause-specific and duration Cox models (:mod:`~standoff.history.icb.survival`). A fit of the shipped data is
saved with joblib under the user data directory (``$STANDOFF_ICB_CACHE`` overrides it), keyed by the SHA-256 of the
data files and :data:`MODEL_VERSION`, and reused.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from standoff.core.icb.schema import QUESTIONS
from standoff.history.icb.features import design, distance_matrix, ex_ante_view, feature_frame
from standoff.history.icb.load import IcbData, load_icb, trigger_order
from standoff.history.icb.models import BinaryModel, base_rate, fit_plain, fit_regularised
from standoff.history.icb.outcomes import durations, outcomes, response_events
from standoff.history.icb.reference import choose_k
from standoff.history.icb.reference import forecasts as class_forecasts
from standoff.history.icb.survival import CompetingCox, DurationCox, choose_penalizer

T = TypeVar("T")

MODEL_VERSION = "1"
RESPONSE_DAYS = 30
DURATION_DAYS = 90
INFO = ("crisno", "crisname", "actor", "yrtrig", "trigger_date")


@dataclass
class QuestionModel:
    """One question's fitted forecasters."""

    base_rate: float
    regularised: BinaryModel
    plain: Pipeline
    k: int


@dataclass
class Fitted:
    """Every model, with the (trigger-ordered) training rows the reference class draws on."""

    features: pd.DataFrame
    outcomes: pd.DataFrame
    info: pd.DataFrame
    questions: dict[str, QuestionModel]
    response: CompetingCox
    duration: DurationCox
    sha256: str


@dataclass(frozen=True)
class Rows:
    """Crisis actors ready for fitting or scoring: features, their design matrix, outcomes and identities."""

    features: pd.DataFrame
    X: np.ndarray
    outcomes: pd.DataFrame
    info: pd.DataFrame
    response_time: np.ndarray
    response_kind: np.ndarray
    duration: np.ndarray

    def subset(self, mask: np.ndarray) -> Rows:
        """The rows where ``mask`` is true, in order."""
        idx = np.flatnonzero(mask)
        return Rows(
            self.features.iloc[idx].reset_index(drop=True),
            self.X[idx],
            self.outcomes.iloc[idx].reset_index(drop=True),
            self.info.iloc[idx].reset_index(drop=True),
            self.response_time[idx],
            self.response_kind[idx],
            self.duration[idx],
        )


def rows(data: IcbData) -> Rows:
    """All actor rows of ``data``, ordered by trigger date."""
    order = trigger_order(data.actors)
    actors = data.actors.iloc[order].reset_index(drop=True)
    frame = feature_frame(ex_ante_view(actors, data.crises))
    t, kind = response_events(actors)
    info = actors[list(INFO)].copy()
    return Rows(frame, design(frame)[0], outcomes(actors, data.crises), info, t, kind, durations(actors))


def fit(r: Rows, sha256: str) -> Fitted:
    """Fit all models on ``r`` (ordered by trigger date); one BLAS thread, since many small fits only contend."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _fit(r, sha256)


def _fit(r: Rows, sha256: str) -> Fitted:
    dist = distance_matrix(r.features, r.features)
    models = {}
    for q in QUESTIONS:
        y = r.outcomes[q].to_numpy()
        ok = ~np.isnan(y)
        models[q] = QuestionModel(
            base_rate(y[ok]), fit_regularised(r.X[ok], y[ok]), fit_plain(r.X[ok], y[ok]), choose_k(dist, y)
        )
    return Fitted(r.features, r.outcomes, r.info, models, _fit_response(r), _fit_duration(r), sha256)


def _fit_response(r: Rows) -> CompetingCox:
    ok = ~np.isnan(r.response_kind)
    X, t, kind = r.X[ok], r.response_time[ok], r.response_kind[ok]
    y = r.outcomes["violent_response_30d"].to_numpy()[ok]

    def trial(train: np.ndarray, test: np.ndarray, pen: float) -> np.ndarray:
        return CompetingCox.fit(X[train], t[train], kind[train], pen).within(X[test], RESPONSE_DAYS)

    return CompetingCox.fit(X, t, kind, choose_penalizer(trial, X, y))


def _fit_duration(r: Rows) -> DurationCox:
    ok = ~np.isnan(r.duration)
    X, t = r.X[ok], r.duration[ok]
    y = r.outcomes["lasts_over_90d"].to_numpy()[ok]

    def trial(train: np.ndarray, test: np.ndarray, pen: float) -> np.ndarray:
        return DurationCox.fit(X[train], t[train], pen).lasts_over(X[test], DURATION_DAYS)

    return DurationCox.fit(X, t, choose_penalizer(trial, X, y))


def predict(fitted: Fitted, features: pd.DataFrame, X: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Per question, each forecaster's probabilities for the rows: ``model``, ``plain``, ``base_rate``,
    ``reference_class`` and, for the response and duration questions, ``time_to_event``."""
    dist = distance_matrix(features, fitted.features)
    out: dict[str, dict[str, np.ndarray]] = {}
    for q, m in fitted.questions.items():
        out[q] = {
            "model": m.regularised.predict(X),
            "plain": m.plain.predict_proba(X)[:, 1],
            "base_rate": np.full(len(X), m.base_rate),
            "reference_class": class_forecasts(dist, fitted.outcomes[q].to_numpy(), m.k),
        }
    out["violent_response_30d"]["time_to_event"] = fitted.response.within(X, RESPONSE_DAYS)
    out["lasts_over_90d"]["time_to_event"] = fitted.duration.lasts_over(X, DURATION_DAYS)
    return out


def cache_dir() -> Path:
    """Where fitted models are kept."""
    from platformdirs import user_data_dir

    return Path(os.environ.get("STANDOFF_ICB_CACHE") or Path(user_data_dir("standoff")) / "icb-models")


def cached(name: str, kind: type[T], sha256: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept under :func:`cache_dir` as ``name`` and reused while its ``sha256`` matches.

    An unreadable or stale file is recomputed; the file is replaced atomically."""
    import joblib

    path = cache_dir() / name
    if path.exists():
        try:
            found = joblib.load(path)
            if isinstance(found, kind) and getattr(found, "sha256", None) == sha256:
                return found
        except Exception:  # noqa: BLE001 - an unreadable cache is recomputed
            pass
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    joblib.dump(value, tmp)
    tmp.replace(path)
    return value


def fitted_models(data: IcbData | None = None) -> Fitted:
    """The models fitted on all of ``data`` (the shipped files by default), from the cache when it has them."""
    icb = data or load_icb()
    return cached(
        f"fit-{MODEL_VERSION}-{icb.sha256[:16]}.joblib", Fitted, icb.sha256, lambda: fit(rows(icb), icb.sha256)
    )
