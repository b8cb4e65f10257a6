"""A scenario's outside view: its coded crisis against the ICB crises (all of them fitted, 1918–2007).

For the crisis coded in a scenario's ``history`` section (:class:`standoff.scenario.model.CrisisCoding`):
the nearest past crisis actors with their outcomes and why they are near (:mod:`~standoff.history.icb.reference`);
per question the base rate, the reference-class rate and the regularised model's probability; and, for a question
of the ledger, the probability its source asks for (:func:`question_probability`). A source with ``days`` on the
response or duration question conditions on the time already elapsed since the trigger (as-of date minus trigger
date): no major response (or no termination) by then, event within ``days`` more days (cumulative incidence from
the cause-specific Cox models, survival from the duration Cox model).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from standoff.core.icb.schema import FEATURES, QUESTIONS
from standoff.history.icb.features import design
from standoff.history.icb.fitted import Fitted, fitted_models, predict
from standoff.history.icb.reference import nearest
from standoff.scenario.model import CrisisCoding


@dataclass(frozen=True)
class PastCase:
    """A past crisis actor near the scenario's crisis: features it shares, and the (up to three) that weigh most
    in its distance, with the past case's value."""

    crisno: int
    crisis: str
    actor: str
    year: int
    distance: float
    same: list[str]
    different: list[str]
    outcomes: dict[str, float | None]


@dataclass(frozen=True)
class OutsideView:
    """Nearest past cases and per question: their raw rate, the base rate, the (shrunk, ``k`` by cross-validation)
    reference-class rate and the regularised model."""

    neighbours: list[PastCase]
    neighbour_rate: dict[str, float | None]
    base_rate: dict[str, float]
    reference_class: dict[str, float]
    model: dict[str, float]


def case_frame(coding: CrisisCoding) -> pd.DataFrame:
    """The coded crisis as a one-row feature frame (derived features computed as from the data)."""
    values = coding.values()
    powers = [values.get("actor_power"), values.get("adversary_power")]
    ranks = [("small", "middle", "great", "superpower").index(p) + 1 for p in powers if isinstance(p, str)]
    values["great_power_at_trigger"] = float(max(ranks) >= 3) if ranks else None
    return pd.DataFrame([{f.name: values[f.name] for f in FEATURES}])


def outside_view(coding: CrisisCoding, k: int = 10, fitted: Fitted | None = None) -> OutsideView:
    """The outside view of a coded crisis from the models fitted on all shipped crises."""
    fitted = fitted or fitted_models()
    frame = case_frame(coding)
    X, _ = design(frame)
    preds = predict(fitted, frame, X)
    cases = []
    for n in nearest(frame.iloc[0], fitted.features, k):
        info = fitted.info.iloc[n.row]
        ys = fitted.outcomes.iloc[n.row]
        cases.append(
            PastCase(
                int(info["crisno"]),
                str(info["crisname"]).title(),
                str(info["actor"]),
                int(info["yrtrig"]),
                n.distance,
                n.same,
                [f"{name}={_shown(fitted.features.iloc[n.row][name])}" for name in n.different],
                {q: None if np.isnan(ys[q]) else float(ys[q]) for q in QUESTIONS},
            )
        )
    known = {q: [c.outcomes[q] for c in cases if c.outcomes[q] is not None] for q in QUESTIONS}
    return OutsideView(
        cases,
        {q: sum(v) / len(v) if v else None for q, v in known.items()},
        {q: float(preds[q]["base_rate"][0]) for q in QUESTIONS},
        {q: float(preds[q]["reference_class"][0]) for q in QUESTIONS},
        {q: float(preds[q]["model"][0]) for q in QUESTIONS},
    )


def _shown(x: object) -> str:
    if isinstance(x, str):
        return x
    if x is None or x != x:
        return "missing"
    return f"{x:g}"


def question_probability(
    coding: CrisisCoding, as_of: dt.date, output: str, days: int | None, fitted: Fitted | None = None
) -> float:
    """The outside view's probability for one ledger question source."""
    fitted = fitted or fitted_models()
    frame = case_frame(coding)
    X, _ = design(frame)
    elapsed = max((as_of - coding.trigger_date.value).days, 0)
    if days is not None and output == "violent_response_30d":
        return float(fitted.response.within(X, days, elapsed)[0])
    if days is not None and output == "lasts_over_90d":
        return float(fitted.duration.lasts_over(X, days, elapsed)[0])
    return float(fitted.questions[output].regularised.predict(X)[0])
