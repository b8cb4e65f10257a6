"""Out-of-sample scores: fit on earlier crises only, score every forecaster on later ones.

Default split: crises triggered up to 1990 (system-level trigger year) are fitted, 1991–2007 are scored; with files,
the fit files are fitted and the test files scored. Features of the test rows are computed on the union of both
sets, so that counts of earlier crises see the fitted past (they read only earlier rows: no outcome leaks).
Scores: Brier (mean squared error) and log score (mean negative log probability), lower is better, of the
regularised model (with reliability tables: out-of-fold on the fitted rows, and on the test rows), the base rate of
the fitted rows, a plain logistic regression on the same features, the reference class, and (response and duration
questions) the time-to-event model at 30 and 90 days.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from standoff.core.icb.schema import FEATURES, QUESTIONS
from standoff.core.scoring import brier_score, log_score
from standoff.history.icb.fitted import fit, predict, rows
from standoff.history.icb.load import IcbData, load_icb
from standoff.history.icb.models import Reliability, reliability

SPLIT_YEAR = 1990


@dataclass(frozen=True)
class Score:
    brier: float
    log_score: float


@dataclass(frozen=True)
class QuestionScore:
    """One question's test scores; ``brier``/``log_score`` are the regularised model's."""

    n: int
    brier: float
    log_score: float
    base_rate_brier: float
    base_rate_log_score: float
    base_rate: float
    outcome_rate: float
    plain_logistic: Score
    reference_class: Score
    time_to_event: Score | None
    penalty_C: float
    recalibrated: bool
    reliability_fit: Reliability
    reliability_test: Reliability
    reference_k: int
    beats_base_rate: bool
    beats_plain_logistic: bool


@dataclass(frozen=True)
class Backtest:
    fit_rows: int
    test_rows: int
    fit_years: tuple[int, int]
    test_years: tuple[int, int]
    features: list[str]
    questions: dict[str, QuestionScore]

    def to_json(self) -> dict:
        """A JSON-ready dict; non-finite numbers become None (JSON has no NaN or Infinity)."""
        return _finite(asdict(self))


def _finite(x: object) -> object:
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def split_by_year(data: IcbData, year: int = SPLIT_YEAR) -> tuple[set[float], set[float]]:
    """Crisis numbers triggered up to ``year`` and after it."""
    early = data.crises["yrtrig"] <= year
    return set(data.crises.loc[early, "crisno"]), set(data.crises.loc[~early, "crisno"])


def union(a: IcbData, b: IcbData) -> IcbData:
    """Both data sets as one (a crisis in both keeps the first's rows)."""
    crises = pd.concat([a.crises, b.crises[~b.crises["crisno"].isin(a.crises["crisno"])]], ignore_index=True)
    actors = pd.concat([a.actors, b.actors[~b.actors["crisno"].isin(a.actors["crisno"])]], ignore_index=True)
    return IcbData(actors, crises, a.sha256 + b.sha256)


def run(fit_files: tuple[Path, Path] | None = None, test_files: tuple[Path, Path] | None = None) -> Backtest:
    """Fit on ``fit_files`` (actors, crises) and score on ``test_files``; default: the shipped data split at 1990."""
    if fit_files is None or test_files is None:
        data = load_icb()
        fit_set, test_set = split_by_year(data)
    else:
        first, second = load_icb(*fit_files), load_icb(*test_files)
        data = union(first, second)
        fit_set, test_set = set(first.crises["crisno"]), set(second.crises["crisno"]) - set(first.crises["crisno"])
    r = rows(data)
    in_fit = r.info["crisno"].isin(fit_set).to_numpy()
    in_test = r.info["crisno"].isin(test_set).to_numpy()
    if not in_fit.any() or not in_test.any():
        raise ValueError("the fit and test sets must each hold at least one crisis actor")
    fitted = fit(r.subset(in_fit), data.sha256)
    test = r.subset(in_test)
    preds = predict(fitted, test.features, test.X)
    scores = {}
    for q in QUESTIONS:
        y = test.outcomes[q].to_numpy()
        ok = ~np.isnan(y)
        p = {name: v[ok] for name, v in preds[q].items()}
        yq = y[ok]
        m = fitted.questions[q]
        model, base, plain = (score(p[k], yq) for k in ("model", "base_rate", "plain"))
        scores[q] = QuestionScore(
            n=int(ok.sum()),
            brier=model.brier,
            log_score=model.log_score,
            base_rate_brier=base.brier,
            base_rate_log_score=base.log_score,
            base_rate=m.base_rate,
            outcome_rate=float(yq.mean()) if len(yq) else float("nan"),
            plain_logistic=plain,
            reference_class=score(p["reference_class"], yq),
            time_to_event=score(p["time_to_event"], yq) if "time_to_event" in p else None,
            penalty_C=m.regularised.C,
            recalibrated=m.regularised.platt is not None,
            reliability_fit=m.regularised.reliability,
            reliability_test=reliability(p["model"], yq),
            reference_k=m.k,
            beats_base_rate=model.brier < base.brier and model.log_score < base.log_score,
            beats_plain_logistic=model.brier < plain.brier and model.log_score < plain.log_score,
        )
    years = r.info["yrtrig"]
    return Backtest(
        int(in_fit.sum()),
        int(in_test.sum()),
        (int(years[in_fit].min()), int(years[in_fit].max())),
        (int(years[in_test].min()), int(years[in_test].max())),
        [f.name for f in FEATURES],
        scores,
    )


def score(p: np.ndarray, y: np.ndarray) -> Score:
    """Brier and log score of forecasts ``p`` of outcomes ``y`` (NaN for no outcomes)."""
    if len(y) == 0:
        return Score(float("nan"), float("nan"))
    return Score(brier_score(p, y), log_score(p, y))
