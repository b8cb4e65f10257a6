r"""Models of the time to the next crisis, fitted on ICB recurrence spells and scored out of sample.

Every model predicts, for a spell with features :math:`x` (``standoff.history.recurrence.SHARED_FEATURES``:
severity, outside help, economy, log of 1 + earlier crises), the survival :math:`S(t \mid x)` on whole months
:math:`t = 0 .. T` (:data:`GRID_MONTHS`). Scores use the monthly-interval likelihood of the deterrence engine's
calibration: a recurrence after :math:`d` months fell in month :math:`m = \max(1, \lceil d \rceil)` and has
probability :math:`S(m - 1) - S(m)`; a spell censored at :math:`d` has :math:`S(\lfloor d \rfloor)`.

Reference models
----------------
* **training median**: a constant monthly hazard whose median is the median of the training durations (censored
  ones included as they stand: the naive reading).
* **Kaplan–Meier** (Kaplan & Meier 1958, lifelines ``KaplanMeierFitter``), no covariates.
* **Weibull AFT** (lifelines ``WeibullAFTFitter``): :math:`S(t \mid x) = \exp(-(t / e^{\beta_0 + x\beta})^\rho)`.
* **Cox PH** (Cox 1972, lifelines ``CoxPHFitter``, Breslow baseline): :math:`S(t \mid x) = S_0(t)^{e^{x\beta}}`.

Departure for the step-function models (Kaplan–Meier, Cox): their baseline cumulative hazard is interpolated
linearly between jumps (a piecewise-constant hazard, so that every month has some probability) and continued
beyond the last training time at its average rate :math:`H_0(t_{last}) / t_{last}`.

The structural model
--------------------
The deterrence engine (``standoff.engines.deterrence``) gives the law of the first test after a shock
:math:`P(T = t + 1) = h_t \prod_{j<t}(1 - h_j)` with :math:`h_t = \operatorname{logit}^{-1}((V_t - \theta)/\tau)`,
:math:`V_t = G K_t - \bar\pi_t (c_R + w_W c_W)` and capability :math:`K_t` recovering from :math:`1 - s` at a rate
:math:`r_t` moved by the economy and outside help. Fitted on the spells in a reduced parameterisation (9 free
parameters instead of about 35; all others at the engine's defaults):

* the shock's effective severity
  :math:`s_i = \operatorname{logit}^{-1}(a_0 + 4 a_1 (\text{severity}_i - \tfrac12))`: the sign of :math:`a_1`
  is fitted, so the data decide whether a harsher crisis delays the next one;
* outside help :math:`H_i` and economy :math:`E_i` enter the recovery rate through the engine's
  :math:`\phi_H, \phi_E` (signs fitted);
* the value of a test :math:`G_i = \exp(g_1 (\log(1 + n_i) - \overline{\log(1 + n)}))` grows or shrinks with the
  number of earlier crises :math:`n_i` (a departure: the engine has no slot for a rivalry's history);
* free as well: :math:`r_0`, :math:`\theta`, :math:`\tau` and the dispersion :math:`\sigma_u` of the per-path
  recovery factor (unobserved heterogeneity; the hazard is averaged over :data:`ENGINE_STRATA` stratified values);
* the monthly noise of recovery, economy and cohesion is switched off, so the likelihood is exact given
  :math:`u`, and after :data:`ENGINE_MONTHS` months each path's hazard is held at its last value.

Estimation: maximum a posteriori with independent normal priors of standard deviation 2 on the optimiser's
coordinates (logs for :math:`r_0, \tau, \sigma_u`), centred at the engine's defaults (pooled over all spells:
"hierarchical" only through the shared priors); L-BFGS-B.

Scores
------
Mean log-likelihood per spell; Harrell's concordance (lifelines ``concordance_index``) of the restricted mean
survival to :data:`GRID_MONTHS`; the Brier score at 12 and 24 months with inverse-probability-of-censoring weights
(Graf, Schmoor, Sauerbrei & Schumacher, *Statistics in Medicine* 18, 1999), the censoring distribution estimated
by Kaplan–Meier on the test spells.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import expit, ndtri

from standoff.engines.deterrence import DeterrenceParams, StateNoise, _pretest_logit, _resolve
from standoff.history.recurrence import SHARED_FEATURES

FloatArray = NDArray[np.float64]

#: Months of the survival grid every model predicts on.
GRID_MONTHS = 1200
#: Months the structural engine is simulated before its hazard is held constant.
ENGINE_MONTHS = 240
#: Stratified values of the per-path recovery factor.
ENGINE_STRATA = 6
#: Horizons of the Brier score, months.
BRIER_MONTHS = (12, 24)
_LOG_FLOOR = 1e-12


class SurvivalModel(Protocol):
    name: str

    def survival(self, df: pd.DataFrame) -> FloatArray:
        """``(n, GRID_MONTHS + 1)`` survival at months 0..GRID_MONTHS."""
        ...


def _grid() -> FloatArray:
    return np.arange(GRID_MONTHS + 1, dtype=float)


def _cumhaz_smoothed(times: FloatArray, cumhaz: FloatArray) -> FloatArray:
    """Cumulative hazard on the month grid: linear between the jumps, the average rate beyond the last."""
    t = np.concatenate([[0.0], times[times > 0]])
    h = np.concatenate([[0.0], cumhaz[times > 0]])
    grid = _grid()
    inside = np.interp(grid, t, h)
    rate = h[-1] / t[-1] if t[-1] > 0 else 0.0
    return np.where(grid > t[-1], h[-1] + rate * (grid - t[-1]), inside)


@dataclass(frozen=True)
class TrainingMedian:
    median: float
    name: str = "training median"

    @classmethod
    def fit(cls, train: pd.DataFrame) -> TrainingMedian:
        return cls(float(np.median(np.maximum(train["months"], 0.5))))

    def survival(self, df: pd.DataFrame) -> FloatArray:
        s = np.exp(-math.log(2.0) / self.median * _grid())
        return np.broadcast_to(s, (len(df), GRID_MONTHS + 1)).copy()


@dataclass(frozen=True)
class KaplanMeier:
    cumhaz: FloatArray
    name: str = "Kaplan-Meier"

    @classmethod
    def fit(cls, train: pd.DataFrame) -> KaplanMeier:
        from lifelines import KaplanMeierFitter

        km = KaplanMeierFitter().fit(np.maximum(train["months"], 1e-3), train["event"].astype(bool))
        s = km.survival_function_.iloc[:, 0]
        keep = s.to_numpy() > 0
        return cls(_cumhaz_smoothed(s.index.to_numpy(float)[keep], -np.log(s.to_numpy()[keep])))

    def survival(self, df: pd.DataFrame) -> FloatArray:
        return np.broadcast_to(np.exp(-self.cumhaz), (len(df), GRID_MONTHS + 1)).copy()


def _survival_frame(train: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """The features as floats, with the spell length (``months``, at least 1e-3) and whether it ended (``event``)."""
    data = train[list(features)].astype(float).copy()
    data["months"] = np.maximum(train["months"].astype(float), 1e-3)
    data["event"] = train["event"].astype(bool)
    return data


@dataclass(frozen=True)
class WeibullAFT:
    """``log λ = β0 + xβ``, shape ρ; ``coef`` and ``ci`` are the lifelines summary of the λ parameters."""

    intercept: float
    beta: dict[str, float]
    rho: float
    summary: pd.DataFrame
    name: str = "Weibull AFT"

    @classmethod
    def fit(cls, train: pd.DataFrame, features: Sequence[str] = SHARED_FEATURES) -> WeibullAFT:
        from lifelines import WeibullAFTFitter

        data = _survival_frame(train, features)
        m = WeibullAFTFitter(penalizer=1e-4).fit(data, "months", "event")
        p = m.params_
        beta = {f: float(p[("lambda_", f)]) for f in features}
        return cls(float(p[("lambda_", "Intercept")]), beta, float(np.exp(p[("rho_", "Intercept")])), m.summary)

    def survival(self, df: pd.DataFrame) -> FloatArray:
        log_lam = self.intercept + sum(b * df[f].to_numpy(float) for f, b in self.beta.items())
        return np.exp(-((_grid()[None, :] / np.exp(log_lam)[:, None]) ** self.rho))


@dataclass(frozen=True)
class CoxPH:
    beta: dict[str, float]
    means: dict[str, float]
    baseline: FloatArray
    summary: pd.DataFrame
    name: str = "Cox PH"

    @classmethod
    def fit(cls, train: pd.DataFrame, features: Sequence[str] = SHARED_FEATURES) -> CoxPH:
        from lifelines import CoxPHFitter

        data = _survival_frame(train, features)
        m = CoxPHFitter(penalizer=1e-4).fit(data, "months", "event")
        base = m.baseline_cumulative_hazard_.iloc[:, 0]
        beta = {f: float(m.params_[f]) for f in features}
        means = {f: float(m._norm_mean[f]) for f in features}
        return cls(beta, means, _cumhaz_smoothed(base.index.to_numpy(float), base.to_numpy(float)), m.summary)

    def survival(self, df: pd.DataFrame) -> FloatArray:
        lp = sum(b * (df[f].to_numpy(float) - self.means[f]) for f, b in self.beta.items())
        return np.exp(-np.exp(lp)[:, None] * self.baseline[None, :])


# ---------------------------------------------------------------------------
# The structural model
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EngineParameter:
    name: str
    start: float
    transform: str  # "log" or "identity"

    def to_z(self, x: float) -> float:
        return math.log(x) if self.transform == "log" else x

    def from_z(self, z: float) -> float:
        return math.exp(min(z, 30.0)) if self.transform == "log" else z


ENGINE_FREE: tuple[EngineParameter, ...] = (
    EngineParameter("recovery_rate", 0.05, "log"),
    EngineParameter("test_threshold", 1.2, "identity"),
    EngineParameter("test_scale", 0.1, "log"),
    EngineParameter("recovery_dispersion", 0.5, "log"),
    EngineParameter("severity_intercept", 0.0, "identity"),
    EngineParameter("severity_slope", 0.0, "identity"),
    EngineParameter("help_effect", 0.5, "identity"),
    EngineParameter("economy_effect", 1.0, "identity"),
    EngineParameter("history_gain", 0.0, "identity"),
)
PRIOR_SD = 2.0
_FROM_PARAMS = ("recovery_rate", "test_threshold", "test_scale", "recovery_dispersion", "help_effect", "economy_effect")


def engine_base(horizon: int = ENGINE_MONTHS) -> DeterrenceParams:
    """The engine's defaults with the monthly state noise off (the spells' likelihood is then exact given ``u``)."""
    return DeterrenceParams(horizon=horizon, recovery_noise=0.0, economy_noise=0.0, cohesion_noise=0.0)


@dataclass(frozen=True)
class StructuralEngine:
    """The deterrence engine in its reduced parameterisation (module docstring); ``values`` are the fitted ones."""

    values: dict[str, float]
    history_mean: float
    loglik: float = float("nan")
    converged: bool = True
    name: str = "deterrence engine"
    base: DeterrenceParams | None = None

    @classmethod
    def from_params(cls, params: DeterrenceParams, name: str) -> StructuralEngine:
        """An engine calibrated elsewhere (e.g. on the episode files), read the same way: severity as coded, no
        history term, its monthly state noise off."""
        values = {k: float(getattr(params, k)) for k in _FROM_PARAMS}
        values.update(severity_intercept=float("nan"), severity_slope=float("nan"), history_gain=0.0)
        return cls(values, 0.0, name=name, base=params)

    def base_params(self, horizon: int = ENGINE_MONTHS) -> DeterrenceParams:
        """The engine's parameters for a case of average history (:math:`G = 1`), before its own conditions:
        the fitted values, the fitted severity map, the monthly state noise off (as fitted)."""
        v = self.values
        base = engine_base(horizon)
        if self.base is not None:
            base = replace(self.base, horizon=horizon, recovery_noise=0.0, economy_noise=0.0, cohesion_noise=0.0)
        severity_map = None if math.isnan(v["severity_slope"]) else (v["severity_intercept"], v["severity_slope"])
        return replace(
            base,
            severity_map=severity_map if self.base is None else base.severity_map,
            **{k: v[k] for k in _FROM_PARAMS},
        )

    def params(self, df: pd.DataFrame, horizon: int = ENGINE_MONTHS) -> DeterrenceParams:
        """Per-spell engine parameters, each spell repeated for the :data:`ENGINE_STRATA` strata
        (rows ``i * M + j``)."""
        m = ENGINE_STRATA
        rep: Callable[[Any], FloatArray] = lambda x: np.repeat(np.asarray(x, float), m)  # noqa: E731
        base = self.base_params(horizon)
        gain = np.exp(self.values["history_gain"] * (df["log_prior"].to_numpy(float) - self.history_mean))
        return replace(
            base,
            severity=rep(df["severity"])[:, None] * np.ones(base.n_components),
            outside_help=rep(df["help"]),
            economy=rep(df["economy"]),
            gain=rep(gain * float(np.asarray(base.gain))),
        )

    def hazard(self, df: pd.DataFrame, horizon: int = ENGINE_MONTHS) -> FloatArray:
        """``(n, M, horizon)`` monthly hazard of a first test along each stratum's path."""
        distinct, inverse = self._distinct_hazard(df, horizon)
        return distinct[inverse]

    def _distinct_hazard(self, df: pd.DataFrame, horizon: int) -> tuple[FloatArray, NDArray[np.int64]]:
        """The hazard of each distinct row of features, and each spell's row."""
        keys = df[list(SHARED_FEATURES)].to_numpy(float)
        distinct, inverse = np.unique(keys, axis=0, return_inverse=True)
        rows_df = pd.DataFrame(distinct, columns=list(SHARED_FEATURES))
        n, m = len(rows_df), ENGINE_STRATA
        p = self.params(rows_df, horizon)
        rows = n * m
        zeros = np.zeros((rows, horizon))
        u = np.tile(ndtri((np.arange(m) + 0.5) / m), n)
        logit = _pretest_logit(_resolve(p, slice(0, rows), rows), StateNoise(zeros, zeros, zeros, u))
        return np.clip(expit(logit), 0.0, 1.0 - 1e-12).reshape(n, m, horizon), inverse.ravel()

    def survival(self, df: pd.DataFrame) -> FloatArray:
        h = self.hazard(df)
        log_s = np.concatenate([np.zeros(h.shape[:2] + (1,)), np.cumsum(np.log1p(-h), axis=-1)], axis=-1)
        extra = np.arange(1, GRID_MONTHS - ENGINE_MONTHS + 1)
        tail = log_s[..., -1:] + np.log1p(-h[..., -1:]) * extra
        return np.exp(np.concatenate([log_s, tail], axis=-1)).mean(axis=1)

    def spell_loglik(self, df: pd.DataFrame) -> FloatArray:
        """Per-spell log-likelihood, computed at the observed months only (same value as :func:`loglik` on
        :meth:`survival`)."""
        h, row = self._distinct_hazard(df, ENGINE_MONTHS)
        idx, ev = observation_index(df)
        log_s = np.concatenate([np.zeros(h.shape[:2] + (1,)), np.cumsum(np.log1p(-h), axis=-1)], axis=-1)[row]
        last = np.log1p(-h[..., -1])[row]

        def log_surv(k: NDArray[np.int64]) -> FloatArray:
            inside = np.take_along_axis(log_s, np.minimum(k, ENGINE_MONTHS)[:, None, None], axis=-1)[..., 0]
            return inside + last * np.maximum(k - ENGINE_MONTHS, 0)[:, None]

        at = np.exp(log_surv(idx)).mean(axis=1)
        before = np.exp(log_surv(np.maximum(idx - 1, 0))).mean(axis=1)
        p = np.where(ev & (idx < GRID_MONTHS), before - at, at)
        return np.log(np.maximum(p, _LOG_FLOOR))

    @classmethod
    def fit(cls, train: pd.DataFrame, *, maxiter: int = 150) -> StructuralEngine:
        history_mean = float(train["log_prior"].mean())
        z0 = np.array([p.to_z(p.start) for p in ENGINE_FREE])

        def model(z: FloatArray) -> StructuralEngine:
            return cls({p.name: p.from_z(float(x)) for p, x in zip(ENGINE_FREE, z, strict=True)}, history_mean)

        def objective(z: FloatArray) -> float:
            ll = float(model(z).spell_loglik(train).sum())
            return -ll + 0.5 * float(np.sum(((z - z0) / PRIOR_SD) ** 2))

        res = minimize(objective, z0, method="L-BFGS-B", options={"maxiter": maxiter, "ftol": 1e-8})
        best = model(res.x)
        return replace(best, loglik=float(best.spell_loglik(train).sum()), converged=bool(res.success))


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------


def observation_index(df: pd.DataFrame) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Month index of each observation: the month of the recurrence, or the last whole month survived."""
    d = df["months"].to_numpy(float)
    ev = df["event"].to_numpy(bool)
    idx = np.where(ev, np.maximum(1, np.ceil(d - 1e-9)), np.floor(d)).astype(np.int64)
    return np.minimum(idx, GRID_MONTHS), ev


def loglik(surv: FloatArray, idx: NDArray[np.int64], event: NDArray[np.bool_]) -> FloatArray:
    """Per-spell log-likelihood of monthly survival curves (events beyond the grid count as censored there)."""
    rows = np.arange(len(idx))
    at = surv[rows, idx]
    before = surv[rows, np.maximum(idx - 1, 0)]
    p = np.where(event & (idx < GRID_MONTHS), before - at, at)
    return np.log(np.maximum(p, _LOG_FLOOR))


def brier(surv: FloatArray, df: pd.DataFrame, month: int) -> float:
    """IPCW Brier score of the survival at ``month`` (Graf et al. 1999)."""
    from lifelines import KaplanMeierFitter

    d = df["months"].to_numpy(float)
    ev = df["event"].to_numpy(bool)
    g = KaplanMeierFitter().fit(d, ~ev)

    def g_at(t: FloatArray) -> FloatArray:
        return np.maximum(g.survival_function_at_times(t).to_numpy(float), 1e-3)

    s = surv[:, month]
    died = (d <= month) & ev
    alive = d > month
    g_before = g_at(np.maximum(d - 1e-9, 0.0))
    terms = np.where(died, s**2 / g_before, 0.0) + np.where(alive, (1.0 - s) ** 2 / g_at(np.array([month]))[0], 0.0)
    return float(terms.mean())


@dataclass(frozen=True)
class ModelScore:
    model: str
    n: int
    loglik_per_spell: float
    c_index: float | None
    brier: dict[int, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "n": self.n,
            "loglik_per_spell": self.loglik_per_spell,
            "c_index": self.c_index,
            "c_index_reason": None if self.c_index is not None else "no comparable pair of spells",
            **{f"brier_{m}": b for m, b in self.brier.items()},
        }


def score(model: SurvivalModel, test: pd.DataFrame) -> ModelScore:
    from lifelines.utils import concordance_index

    surv = model.survival(test)
    idx, ev = observation_index(test)
    ll = loglik(surv, idx, ev)
    rmst = surv[:, :-1].sum(axis=1)
    try:
        c: float | None = float(concordance_index(test["months"].to_numpy(float), rmst, ev))
    except ZeroDivisionError:
        c = None
    return ModelScore(model.name, len(test), float(ll.mean()), c, {m: brier(surv, test, m) for m in BRIER_MONTHS})


def fit_all(train: pd.DataFrame, *, engine: StructuralEngine | None = None) -> list[SurvivalModel]:
    """The baselines, the reference models and the structural engine (fitted unless given), fitted on ``train``."""
    return [
        TrainingMedian.fit(train),
        KaplanMeier.fit(train),
        WeibullAFT.fit(train),
        CoxPH.fit(train),
        engine or StructuralEngine.fit(train),
    ]


# ---------------------------------------------------------------------------
# Fitted engines, cached; backtest tables
# ---------------------------------------------------------------------------


def _engine_key(train: pd.DataFrame) -> str:
    cols = ["months", "event", *SHARED_FEATURES]
    spec = repr(([(p.name, p.start, p.transform) for p in ENGINE_FREE], PRIOR_SD, ENGINE_MONTHS, ENGINE_STRATA))
    data = train[cols].round(6).to_csv(index=False) + spec
    return hashlib.sha256(data.encode()).hexdigest()[:20]


def cache_dir() -> Path:
    """Where fitted structural engines are kept (``STANDOFF_CACHE`` overrides)."""
    from platformdirs import user_cache_dir

    return Path(os.environ.get("STANDOFF_CACHE") or user_cache_dir("standoff"))


def shipped_fits_dir() -> Path:
    """The fits shipped with the package (the default calibration and the time-split backtest)."""
    return Path(str(resources.files("standoff") / "data" / "fits"))


def fitted_engine(train: pd.DataFrame, *, refit: bool = False) -> StructuralEngine:
    """The structural engine fitted on ``train``: the shipped fit or the cached one when the same spells were fitted
    with the same specification, otherwise a new fit (cached)."""
    name = f"recurrence-engine-{_engine_key(train)}.json"
    path = cache_dir() / name
    for candidate in () if refit else (shipped_fits_dir() / name, path):
        if not candidate.exists():
            continue
        try:
            doc = json.loads(candidate.read_text(encoding="utf-8"))
            return StructuralEngine(
                {k: float(v) for k, v in doc["values"].items()},
                float(doc["history_mean"]),
                float(doc["loglik"]),
                bool(doc["converged"]),
            )
        except (OSError, ValueError, KeyError):
            continue  # unreadable: try the next, or fit again
    engine = StructuralEngine.fit(train)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "model": "deterrence engine, reduced parameterisation (standoff.history.recurrence_models)",
        "spells": len(train),
        "recurrences": int(train["event"].sum()),
        "values": engine.values,
        "history_mean": engine.history_mean,
        "loglik": engine.loglik,
        "converged": engine.converged,
    }
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return engine


@dataclass(frozen=True)
class BacktestTable:
    """Out-of-sample scores of several models on one test set."""

    title: str
    trained_on: str
    scores: tuple[ModelScore, ...]

    def verdict(self, model: str) -> list[str]:
        """In words, how ``model`` fares against the training median and Kaplan–Meier on log-likelihood per spell."""
        by_name = {s.model: s for s in self.scores}
        mine = by_name[model]
        lines = []
        for other in ("training median", "Kaplan-Meier"):
            ref = by_name[other]
            word = "beats" if mine.loglik_per_spell > ref.loglik_per_spell else "LOSES TO"
            lines.append(
                f"{model} {word} the {other} on {self.title}: log-likelihood per spell "
                f"{mine.loglik_per_spell:.3f} against {ref.loglik_per_spell:.3f}."
            )
        best = max(self.scores, key=lambda s: s.loglik_per_spell)
        lines.append(f"Best on {self.title}: {best.model} ({best.loglik_per_spell:.3f} per spell).")
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "trained_on": self.trained_on, "scores": [s.as_dict() for s in self.scores]}


def backtest_table(title: str, trained_on: str, models: Sequence[SurvivalModel], test: pd.DataFrame) -> BacktestTable:
    return BacktestTable(title, trained_on, tuple(score(m, test) for m in models))
