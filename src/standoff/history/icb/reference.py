"""A reference class of the most similar past crises: nearest neighbours under an explicable distance.

Distance: Gower's (1971) general similarity coefficient over the ex ante features of
:mod:`~standoff.history.icb.features`: per feature a distance in [0, 1] (mismatch for nominal features and flags,
rank difference over the scale for ordinal ones, capped differences of ``log1p`` counts and of the power
discrepancy; 0.5 when either side is missing), averaged with the weights declared on the features (the trigger,
the gravity of the threat, the powers, nuclear capability and the conflict's history weigh more). Departure from
Gower: fixed weights rather than equal ones, so that the class is built around what the crisis literature treats as
the drivers of escalation.

The class forecast is the neighbours' share of the outcome shrunk towards the base rate with ``prior`` pseudo-cases
(a beta-binomial posterior mean), so a class of ten never forecasts 0 or 1. ``k`` is chosen by time-ordered
cross-validation like the regularised model's penalty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import TimeSeriesSplit

from standoff.core.icb.schema import FEATURES
from standoff.core.scoring import log_score
from standoff.history.icb.features import distances, weighted_distance
from standoff.history.icb.models import base_rate

K_GRID = (10, 20, 40, 80)
PRIOR = 4.0


@dataclass(frozen=True)
class Neighbour:
    """A past crisis actor near the case: why it is near (shared features) and where it differs most."""

    row: int
    distance: float
    same: list[str]
    different: list[str]


def nearest(case: pd.Series, frame: pd.DataFrame, k: int) -> list[Neighbour]:
    """The ``k`` rows of ``frame`` nearest to ``case`` (ties broken by the later trigger, then row order)."""
    parts = distances(case, frame)
    total = weighted_distance(parts)
    order = np.lexsort((-np.arange(len(total)), total.to_numpy()))[:k]
    out = []
    for i in order:
        d = parts.iloc[i]
        same = [f.name for f in FEATURES if d[f.name] == 0 and not pd.isna(case[f.name])]
        heavy = sorted(((d[f.name] * f.weight, f.name) for f in FEATURES if d[f.name] > 0), reverse=True)
        out.append(Neighbour(int(frame.index[i]), float(total.iloc[i]), same, [n for _, n in heavy[:3]]))
    return out


def forecasts(dist: np.ndarray, y_train: np.ndarray, k: int) -> np.ndarray:
    """Reference-class forecasts from a test-by-train distance matrix: the ``k`` nearest rows with an outcome."""
    known = ~np.isnan(y_train)
    dist, y_train = dist[:, known], y_train[known]
    base = base_rate(y_train)
    nn = np.argsort(dist, axis=1, kind="stable")[:, :k]
    return (y_train[nn].sum(axis=1) + PRIOR * base) / (nn.shape[1] + PRIOR)


def choose_k(dist: np.ndarray, y: np.ndarray) -> int:
    """``k`` by time-ordered cross-validation over rows ordered by trigger date (``dist`` is all rows by all rows)."""
    scores = {}
    for k in K_GRID:
        losses = []
        for train, test in TimeSeriesSplit(n_splits=3).split(dist):
            ok = ~np.isnan(y[test])
            p = forecasts(dist[np.ix_(test[ok], train)], y[train], k)
            losses.append(log_score(p, y[test][ok]))
        scores[k] = float(np.mean(losses))
    return min(scores, key=scores.__getitem__)
