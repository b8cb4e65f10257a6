r"""Pool weights estimated on resolved historical questions: every ICB crisis actor, every component, out of sample.

MODELS.md, "Reference classes and pooling forecasts" (Satopää et al. 2014; Baron et al. 2014). A resolved question
is one ICB crisis actor and one of the five questions of :mod:`~standoff.history.icb.outcomes`. Its components are
the forecasts of each *kind* of forecaster, made with models fitted on earlier crises only:

* ``base_rate``: the share of the outcome among earlier crisis actors;
* ``model``: the regularised logistic model on ex ante features (the ICB outside view's model);
* ``reference_class``: the nearest earlier crises (Gower distance, ``k`` by time-ordered cross-validation);
* ``time_to_event``: the Cox models, for ``violent_response_30d`` (30 days) and ``lasts_over_90d`` (90 days);
* ``crisis``: the crisis bargaining model through the fitted mapping of
  :mod:`~standoff.history.icb.crisis_mapping`: its P(war) for ``violence_serious`` and ``full_scale_war``, its
  P(deal) for ``agreement``. It does not speak to the timing questions.

Fit period (crises triggered up to 1990): the crises are cut into :data:`BLOCKS` consecutive blocks by crisis
number (chronological); every model is refitted on the blocks before each block and forecasts it, so each fit-period
forecast is out of sample (the first block, with nothing before it, has none). The log-pool weights and with them
the extremizing factor ``Σ w_k`` (:func:`~standoff.experiments.pooling.fit_log_pool`) and the linear pool's weights
are fitted by maximum likelihood on these forecasts; :func:`~standoff.experiments.pooling.time_ordered_validation`
checks, inside the fit period, that the fitted log pool beats the linear pool and equal weights on later questions.
Test period (1991–2007): the components refitted on the whole fit period forecast every test crisis actor, and each
component alone, the fitted log pool, the fitted linear pool and the equal-weight log pool are scored (Brier and
log score, lower is better). Nothing is set by hand.

For the net assessment the weights are also fitted for every subset of a question's kinds (a scenario question pools
only some kinds), each with its test scores. Actors of one crisis are never split between a fit and a forecast
block, since ``agreement`` is coded per crisis.

Departure: each question is scored per crisis actor (as in the backtest), so a crisis with many actors weighs more.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass

import numpy as np

from standoff.core.icb.schema import QUESTIONS
from standoff.experiments.pooling import (
    PoolWeights,
    equal_weights,
    fit_linear_pool,
    fit_log_pool,
    time_ordered_validation,
)
from standoff.history.icb.backtest import SPLIT_YEAR, Score, score, split_by_year
from standoff.history.icb.crisis_mapping import CrisisMapping, fit_mapping
from standoff.history.icb.fitted import Rows, cached, fit, predict, rows
from standoff.history.icb.load import IcbData, load_icb
from standoff.scenario.model import CrisisCoding

POOL_VERSION = "2"
BLOCKS = 5
KINDS = ("base_rate", "model", "reference_class", "time_to_event", "crisis")
#: Which crisis-model outcome answers each ICB question it speaks to.
CRISIS_OUTPUT = {"violence_serious": "war", "full_scale_war": "war", "agreement": "deal"}
LOG_POOL, LINEAR_POOL, EQUAL_POOL = "log pool", "linear pool", "equal log pool"


@dataclass(frozen=True)
class SubsetPool:
    """Log-pool weights fitted for some of a question's kinds, that pool's test scores, and its time-ordered
    validation inside the fit period (mean log loss of the fitted pool and of equal weights on later questions)."""

    weights: dict[str, float]
    test: Score
    validation_log_pool: float
    validation_equal: float

    @property
    def beats_equal(self) -> bool:
        """Whether the fitted weights beat equal weights inside the fit period (the test rows are not used)."""
        return self.validation_log_pool <= self.validation_equal


@dataclass(frozen=True)
class QuestionPool:
    """One question: the kinds pooled, fitted weights, validation inside the fit period and test scores.

    ``validation`` holds the mean log loss on later fit-period questions of pools fitted on earlier ones
    (``log pool``, ``linear pool``, ``equal log pool``). ``test`` scores each kind alone and the three pools.
    """

    kinds: tuple[str, ...]
    n_fit: int
    n_test: int
    weights: dict[str, float]
    extremizing: float
    linear_weights: dict[str, float]
    validation: dict[str, float]
    test: dict[str, Score]
    subsets: dict[str, SubsetPool]

    def beaten_by(self) -> dict[str, list[str]]:
        """Forecasters with a lower test score than the fitted log pool, per score (``brier``, ``log_score``)."""
        pool = self.test[LOG_POOL]
        return {
            "brier": [k for k, s in self.test.items() if k != LOG_POOL and s.brier < pool.brier],
            "log_score": [k for k, s in self.test.items() if k != LOG_POOL and s.log_score < pool.log_score],
        }


@dataclass(frozen=True)
class PoolReport:
    """Every question's pool, with the crisis mapping fitted on the whole fit period."""

    fit_rows: int
    test_rows: int
    fit_years: tuple[int, int]
    test_years: tuple[int, int]
    blocks: int
    mapping: CrisisMapping
    questions: dict[str, QuestionPool]
    sha256: str

    def to_json(self) -> dict:
        """A JSON-ready dict (non-finite numbers become None), with the words of :func:`verdicts`."""
        d = asdict(self)
        d["mapping"]["parameters"] = self.mapping.parameters
        for q, p in self.questions.items():
            d["questions"][q]["beaten_by"] = p.beaten_by()
        d["verdicts"] = verdicts(self)
        return _finite(d)  # type: ignore[return-value]


def _finite(x: object) -> object:
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def subset_key(kinds: tuple[str, ...] | list[str]) -> str:
    """The key of a subset of kinds, in :data:`KINDS` order (e.g. ``base_rate+crisis``)."""
    return "+".join(k for k in KINDS if k in kinds)


def components(train: Rows, test: Rows, sha256: str) -> tuple[dict[str, dict[str, np.ndarray]], CrisisMapping]:
    """Per question, each kind's forecasts of the ``test`` rows from models fitted on ``train`` only."""
    preds = predict(fit(train, sha256), test.features, test.X)
    mapping = fit_mapping(train.features, train.outcomes)
    war, deal = mapping.predict(test.features)
    out: dict[str, dict[str, np.ndarray]] = {}
    for q in QUESTIONS:
        out[q] = {k: preds[q][k] for k in KINDS if k in preds[q]}
        if q in CRISIS_OUTPUT:
            out[q]["crisis"] = war if CRISIS_OUTPUT[q] == "war" else deal
    return out, mapping


def _blocks(crisno: np.ndarray, blocks: int) -> np.ndarray:
    """Block index per row: crises (chronological numbers) cut into ``blocks`` groups of about equal size."""
    crises = np.unique(crisno)
    edges = np.array_split(crises, blocks)
    block_of = {c: b for b, group in enumerate(edges) for c in group}
    return np.array([block_of[c] for c in crisno])


def run(data: IcbData | None = None, year: int = SPLIT_YEAR, blocks: int = BLOCKS) -> PoolReport:
    """Estimate and score the pools: fit period up to ``year``, test period after it (module docstring)."""
    from threadpoolctl import threadpool_limits

    data = data or load_icb()
    fit_set, test_set = split_by_year(data, year)
    r = rows(data)
    in_fit = r.info["crisno"].isin(fit_set).to_numpy()
    in_test = r.info["crisno"].isin(test_set).to_numpy()
    fit_rows, test_rows = r.subset(in_fit), r.subset(in_test)
    block = _blocks(fit_rows.info["crisno"].to_numpy(), blocks)
    with threadpool_limits(1):
        oof: dict[str, dict[str, list[np.ndarray]]] = {q: {} for q in QUESTIONS}
        oof_rows = []
        for b in range(1, blocks):
            part, _ = components(fit_rows.subset(block < b), fit_rows.subset(block == b), data.sha256)
            oof_rows.append(np.flatnonzero(block == b))
            for q in QUESTIONS:
                for k, v in part[q].items():
                    oof[q].setdefault(k, []).append(v)
        held, mapping = components(fit_rows, test_rows, data.sha256)
    order = np.concatenate(oof_rows)
    questions = {}
    for q in QUESTIONS:
        kinds = tuple(k for k in KINDS if k in held[q])
        y_fit = fit_rows.outcomes[q].to_numpy()[order]
        p_fit = np.column_stack([np.concatenate(oof[q][k]) for k in kinds])
        ok = ~np.isnan(y_fit)
        y_test = test_rows.outcomes[q].to_numpy()
        p_test = np.column_stack([held[q][k] for k in kinds])
        okt = ~np.isnan(y_test)
        questions[q] = _question(kinds, p_fit[ok], y_fit[ok], p_test[okt], y_test[okt])
    years = r.info["yrtrig"]
    return PoolReport(
        int(in_fit.sum()),
        int(in_test.sum()),
        (int(years[in_fit].min()), int(years[in_fit].max())),
        (int(years[in_test].min()), int(years[in_test].max())),
        blocks,
        mapping,
        questions,
        data.sha256,
    )


def _question(
    kinds: tuple[str, ...], p_fit: np.ndarray, y_fit: np.ndarray, p_test: np.ndarray, y_test: np.ndarray
) -> QuestionPool:
    """Fit the pools on out-of-fold fit-period forecasts (rows in time order) and score them on the test rows."""
    log_w = fit_log_pool(p_fit, y_fit, kinds)
    lin_w = fit_linear_pool(p_fit, y_fit, kinds)
    check = time_ordered_validation(p_fit, y_fit, np.arange(len(y_fit)), min_train=len(y_fit) // 5)
    test = {k: score(p_test[:, j], y_test) for j, k in enumerate(kinds)}
    test[LOG_POOL] = score(log_w.pool(p_test), y_test)
    test[LINEAR_POOL] = score(lin_w.pool(p_test), y_test)
    test[EQUAL_POOL] = score(equal_weights(kinds).pool(p_test), y_test)
    subsets = {}
    for size in range(1, len(kinds) + 1):
        for sub in itertools.combinations(range(len(kinds)), size):
            names = tuple(kinds[j] for j in sub)
            w = fit_log_pool(p_fit[:, sub], y_fit, names)
            v = time_ordered_validation(p_fit[:, sub], y_fit, np.arange(len(y_fit)), min_train=len(y_fit) // 5)
            subsets[subset_key(names)] = SubsetPool(
                dict(zip(names, w.weights, strict=True)), score(w.pool(p_test[:, sub]), y_test), v.log_pool, v.equal
            )
    return QuestionPool(
        kinds,
        len(y_fit),
        len(y_test),
        dict(zip(kinds, log_w.weights, strict=True)),
        log_w.extremizing,
        dict(zip(kinds, lin_w.weights, strict=True)),
        {LOG_POOL: check.log_pool, LINEAR_POOL: check.linear_pool, EQUAL_POOL: check.equal},
        test,
        subsets,
    )


def verdicts(report: PoolReport) -> list[str]:
    """One sentence per question: where the fitted log pool loses out of sample, or that it loses nowhere."""
    out = []
    for q, p in report.questions.items():
        beaten = p.beaten_by()
        pool = p.test[LOG_POOL]
        parts = []
        for rule, label in (("brier", "Brier"), ("log_score", "log score")):
            if beaten[rule]:
                who = ", ".join(f"{k} ({getattr(p.test[k], rule):.4f})" for k in beaten[rule])
                parts.append(f"on {label} ({getattr(pool, rule):.4f}) it loses to {who}")
        if parts:
            out.append(f"{q}: the log pool does not win out of sample; " + "; ".join(parts) + ".")
        else:
            out.append(f"{q}: the log pool beats every component, the linear pool and equal weights on both scores.")
    return out


def pool_weights(report: PoolReport, question: str, kinds: list[str]) -> PoolWeights:
    """The estimated log-pool weights of ``kinds`` for an ICB question, labelled with their basis and test score;
    equal weights, labelled with the reason, where the estimated ones lose to them inside the fit period."""
    p = report.questions[question]
    sub = p.subsets[subset_key(kinds)]
    names = [k for k in KINDS if k in kinds]
    if not sub.beats_equal:
        return equal_weights(
            names,
            f"weights estimated for {subset_key(kinds)} on {question} lose to equal weights on later fit-period "
            f"questions (log loss {sub.validation_log_pool:.3f} vs {sub.validation_equal:.3f})",
        )
    basis = (
        f"estimated on {p.n_fit} ICB crisis actors (fit <= {report.fit_years[1]}, {question}), "
        f"out-of-sample Brier {sub.test.brier:.3f} on {p.n_test} (base rate {p.test['base_rate'].brier:.3f})"
    )
    return PoolWeights(tuple(names), tuple(sub.weights[k] for k in names), True, p.n_fit, "log", basis)


@dataclass(frozen=True)
class CrisisAnchor:
    """What the fitted mapping implies for a coded crisis: the crisis engine's inputs and its one-period forecasts."""

    p: float
    proposer_cost: float
    receiver_cost_low: float
    receiver_cost_high: float
    war: float
    deal: float


def crisis_anchor(report: PoolReport, coding: CrisisCoding) -> CrisisAnchor:
    """The crisis inputs the mapping fitted on the fit period gives a scenario's ICB coding (its crisis actor as
    the proposer), and the one-period game's P(war) and P(deal) with the status quo integrated out."""
    from standoff.history.icb.outside_view import case_frame

    frame = case_frame(coding)
    c = report.mapping.inputs(frame)
    war, deal = report.mapping.predict(frame)
    return CrisisAnchor(
        float(c.p[0]),
        float(c.proposer_cost[0]),
        float(c.receiver_cost_low[0]),
        float(c.receiver_cost_high[0]),
        float(war[0]),
        float(deal[0]),
    )


def pool_report(data: IcbData | None = None) -> PoolReport:
    """:func:`run` on the shipped data (or ``data``), cached beside the fitted ICB models by data hash."""
    icb = data or load_icb()
    return cached(f"pool-{POOL_VERSION}-{icb.sha256[:16]}.joblib", PoolReport, icb.sha256, lambda: run(icb))
