r"""Calibrating the defiance cycle on historical episodes, and checking it out of sample.

What is fitted
--------------
A few free parameters of :class:`~standoff.engines.deterrence.DeterrenceParams`
(by default ``recovery_rate`` :math:`r_0`, ``severity_effect`` :math:`\gamma`,
``test_threshold`` :math:`\theta` and ``belief_decay`` :math:`\delta`; any of
:data:`FREE_PARAMETERS` can be freed) by maximum likelihood with censoring;
everything else stays at the base parameters. Each episode ``i`` supplies
its own conditions: severity :math:`s_i`, economy :math:`E_i`, sanctions
:math:`S_i` and outside support :math:`H_i` (unknown ones at the neutral 0.5;
see :func:`episode_conditions`).

The likelihood
--------------
Time is in whole months: a challenge observed after :math:`d_i` months fell
in month :math:`m_i = \max(1, \lceil d_i \rceil)`; an episode censored at
:math:`d_i` months had no test in months :math:`1..\lfloor d_i \rfloor`.
Before the first test the simulator's only randomness is the state noise
:math:`z` (monthly recovery, economy and cohesion noise, and each path's
persistent recovery factor :math:`u`), so given :math:`z` the first-test
month has the exact law :math:`P(T = m \mid z) = h_m \prod_{j<m} (1 - h_j)`
(:func:`~standoff.engines.deterrence.first_test_distribution`). The
likelihood averages it over ``n_paths`` noise paths drawn once from ``seed``
and shared by every evaluation and every episode (common random numbers);
the :math:`M` values of :math:`u` are stratified (the standard normal's
quantiles at :math:`(j + \tfrac12)/M`) to cut simulation error:

.. math::

    \ell(\vartheta) = \sum_i \log \frac{1}{M} \sum_{m=1}^{M}
        \begin{cases} P(T = m_i \mid z_m, \vartheta) & \text{challenge observed} \\
                      P(T > \lfloor d_i \rfloor \mid z_m, \vartheta) & \text{censored}
        \end{cases}

This is a simulated likelihood, but a smooth one (no accept/reject draws), so
``scipy.optimize.minimize`` (L-BFGS-B, finite-difference gradients) works on
it directly, in transformed coordinates (log for rates and scales, logit for
probabilities) within the bounds of :data:`FREE_PARAMETERS`. A challenge
beyond the horizon counts as censored at the horizon. With a handful of
episodes the likelihood can be flat along some directions; the bounds keep
the optimiser in a sensible region, and an optional ``penalty`` adds a
Gaussian log-prior (in transformed coordinates, centred at the base values)
for fits on very few episodes. The default is pure maximum likelihood.

Predictions and scores
----------------------
Per episode: the median months to the next challenge and a central interval
(default 80%) of :math:`T`, with the mass of a month spread uniformly over
it; the observed duration; the episode's log-likelihood. Validation
(:func:`leave_one_out`, :func:`out_of_sample`) reports, for the model and two
naive baselines fitted on the same training episodes:

* the total held-out log-likelihood (same monthly-interval likelihood);
* Harrell's concordance index with censoring (ranking by predicted median;
  a constant predictor scores 0.5 out of sample; in leave-one-out the
  baselines' predictions move against the held-out episode, since leaving
  out a long episode shortens the training median, so their C falls below
  0.5 by construction: read it as the floor it is);
* the median absolute error in log-months over observed challenges, times
  floored at half a month (the model's resolution), a median beyond the
  horizon counted as the horizon.

Baselines: **training median**, a constant monthly hazard whose median is the
median of the training durations (censored ones included as they stand, the
naive reading); **Kaplan–Meier**, the product-limit curve of the training
episodes, its survival interpolated log-linearly between steps (so every
month has some probability) and continued beyond the last training time at
the training set's overall rate (events / exposure).

Fits are saved as JSON with the package version, the data hash
(:func:`~standoff.history.episodes.episodes_hash`) and the date.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import logsumexp, ndtri

from standoff.core.version import __version__
from standoff.engines.deterrence import (
    NEUTRAL,
    DeterrenceParams,
    StateNoise,
    UnknownParameterError,
    _chunk_draws,
    _override,
    _pretest_capability,
    _pretest_logit_from_capability,
    _quantile_from_cdf,
    _resolve,
    _state_paths,
    apply_patch,
    resolve_seed,
    simulate,
)
from standoff.history.episodes import Episode, episodes_hash

__all__ = [
    "DEFAULT_FREE",
    "FIT_FORMAT",
    "FREE_PARAMETERS",
    "CalibrationResult",
    "EpisodePrediction",
    "FreeParameter",
    "Scores",
    "ValidationReport",
    "calibrate",
    "calibration_base",
    "concordance_index",
    "episode_conditions",
    "kaplan_meier",
    "leave_one_out",
    "load_fit",
    "out_of_sample",
    "params_for_episode",
    "predict_episodes",
    "save_fit",
    "synthetic_episodes",
]

FloatArray = NDArray[np.float64]

# Inputs of the economy, cohesion and recovery-rate paths other than recovery_rate.
_STATE_FIELDS = (
    "economy_effect",
    "sanctions_effect",
    "help_effect",
    "cohesion_effect",
    "recovery_noise",
    "recovery_dispersion",
    "economy_potential",
    "economy_reversion",
    "economy_sanctions_drag",
    "economy_help_lift",
    "economy_noise",
    "cohesion_target",
    "cohesion_reversion",
    "cohesion_economy_effect",
    "cohesion_noise",
)

# Further inputs of the no-test capability path.
_CAPABILITY_FIELDS = ("recovery_rate", "severity_effect", "capability_floor")

FIT_FORMAT = "standoff.deterrence-fit"
FIT_SCHEMA = 1
MIN_LOG_MONTHS = 0.5
TAIL_MONTHS = 1200


# ---------------------------------------------------------------------------
# Free parameters
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FreeParameter:
    """A parameter calibration may fit.

    Attributes:
        name: the :class:`DeterrenceParams` field.
        transform: ``"log"``, ``"logit"`` or ``"identity"``: the coordinates the optimiser works in.
        lower, upper: bounds on the natural scale.
    """

    name: str
    transform: Literal["log", "logit", "identity"]
    lower: float
    upper: float

    def to_z(self, x: float) -> float:
        x = min(max(float(x), self.lower), self.upper)
        if self.transform == "log":
            return math.log(x)
        if self.transform == "logit":
            return math.log(x / (1.0 - x))
        return x

    def from_z(self, z: float) -> float:
        if self.transform == "log":
            x = math.exp(z)
        elif self.transform == "logit":
            x = 1.0 / (1.0 + math.exp(-z))
        else:
            x = float(z)
        return min(max(x, self.lower), self.upper)

    def z_bounds(self) -> tuple[float, float]:
        return self.to_z(self.lower), self.to_z(self.upper)


FREE_PARAMETERS: Mapping[str, FreeParameter] = {
    p.name: p
    for p in (
        FreeParameter("recovery_rate", "log", 1e-3, 2.0),
        FreeParameter("severity_effect", "identity", 0.0, 5.0),
        FreeParameter("test_threshold", "identity", -2.0, 2.0),
        FreeParameter("test_scale", "log", 0.01, 2.0),
        FreeParameter("belief_decay", "logit", 0.5, 0.999),
        FreeParameter("lesson_weight", "log", 0.05, 50.0),
        FreeParameter("prior_mean", "logit", 0.02, 0.98),
        FreeParameter("economy_effect", "identity", -4.0, 4.0),
        FreeParameter("sanctions_effect", "identity", -4.0, 4.0),
        FreeParameter("help_effect", "identity", -4.0, 4.0),
        FreeParameter("recovery_dispersion", "identity", 0.0, 3.0),
    )
}
"""Parameters that can be freed, with their optimiser coordinates and bounds."""

DEFAULT_FREE: tuple[str, ...] = ("recovery_rate", "severity_effect", "test_threshold", "belief_decay")


def calibration_base() -> DeterrenceParams:
    """The base parameters calibration starts from: the defaults with a 240-month horizon."""
    return DeterrenceParams(horizon=240)


# ---------------------------------------------------------------------------
# Episodes → parameters
# ---------------------------------------------------------------------------


def episode_conditions(episode: Episode) -> dict[str, float]:
    """The conditions an episode sets: ``severity`` (all components),
    ``economy``, ``sanctions``, ``outside_help``; unknown ones are neutral (0.5)."""
    return {
        "severity": float(episode.severity),
        "economy": NEUTRAL if episode.economy is None else float(episode.economy),
        "sanctions": NEUTRAL if episode.sanctions is None else float(episode.sanctions),
        "outside_help": NEUTRAL if episode.support is None else float(episode.support),
    }


def params_for_episode(base: DeterrenceParams, episode: Episode) -> DeterrenceParams:
    """``base`` with an episode's conditions applied."""
    return apply_patch(base, episode_conditions(episode))


def _check_base(base: DeterrenceParams) -> None:
    for f in dataclasses.fields(base):
        v = getattr(base, f.name)
        if f.name in ("components", "weights", "recovery_scale", "severity", "response_severity"):
            continue
        if v is not None and np.ndim(v) > 0:
            raise ValueError(f"calibration needs scalar base parameters; {f.name} is an array")


@dataclass(frozen=True)
class _Likelihood:
    """The CRN likelihood of a set of episodes: noise drawn once, ``M`` paths per episode."""

    base: DeterrenceParams
    episodes: tuple[Episode, ...]
    n_paths: int
    seed: int
    conditions: Mapping[str, FloatArray]  # each (E*M,), severity (E*M, C)
    z: StateNoise  # (E*M, H) and (E*M,)
    month: NDArray[np.int64]  # (E,) event month m_i, or survival index for censored
    event: NDArray[np.bool_]  # (E,) treated as observed within the horizon
    state_cache: dict[tuple[float, ...], tuple[FloatArray, FloatArray, FloatArray]] = field(default_factory=dict)
    capability_cache: dict[tuple[float, ...], FloatArray] = field(default_factory=dict)
    base_arrays: list[Any] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        base: DeterrenceParams,
        episodes: Sequence[Episode],
        n_paths: int,
        seed: int,
        *,
        full_horizon: bool = False,
    ) -> _Likelihood:
        eps = tuple(episodes)
        if not eps:
            raise ValueError("no episodes to calibrate on")
        H = int(base.horizon)
        E, M, C = len(eps), n_paths, base.n_components
        conds = [episode_conditions(e) for e in eps]
        arrays: dict[str, FloatArray] = {
            name: np.repeat(np.array([c[name] for c in conds]), M) for name in ("economy", "sanctions", "outside_help")
        }
        sev = np.repeat(np.array([c["severity"] for c in conds]), M)
        arrays["severity"] = np.repeat(sev[:, None], C, axis=1)
        # The same M noise paths for every episode (common random numbers across episodes too).
        d = _chunk_draws(seed, 0, 1, M, M, H)
        month = np.empty(E, dtype=np.int64)
        event = np.empty(E, dtype=bool)
        for i, e in enumerate(eps):
            m, ev = _observation_index(e)
            if ev and m <= H:
                month[i], event[i] = m, True
            else:
                month[i], event[i] = min(m if not ev else H, H), False
        # The likelihood needs months up to the last observation only; predictions need all H.
        H_used = H if full_horizon else max(1, int(month.max()))
        noise = d.state_noise().take(slice(0, M), H_used)
        # Stratify the persistent recovery factor: its M values are the normal
        # quantiles at (j + 1/2) / M, in the order of the random draws.
        ranks = np.argsort(np.argsort(noise.z_regime))
        strat = ndtri((ranks + 0.5) / M)
        z = dataclasses.replace(noise, z_regime=strat).tile(E)
        return cls(base, eps, M, seed, arrays, z, month, event)

    def params(self, values: Mapping[str, float]) -> DeterrenceParams:
        return dataclasses.replace(self.base, **dict(values), **self.conditions)

    def _state(self, a: Any) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Economy, cohesion and recovery rate, cached: calibration usually moves
        none of their inputs but ``recovery_rate``, which only scales the rate."""
        key = tuple(float(a.values[name][0]) for name in _STATE_FIELDS)
        hit = self.state_cache.get(key)
        if hit is None:
            hit = _state_paths(_override(a, {"recovery_rate": 1.0}), self.z)
            self.state_cache.clear()
            self.state_cache[key] = hit
        E, Q, rate1 = hit
        return E, Q, rate1 * a.recovery_rate[:, None]

    def _capability(self, a: Any) -> FloatArray:
        """The no-test capability path, cached on its inputs (moving the test
        threshold or the belief decay does not recompute it)."""
        key = tuple(float(a.values[name][0]) for name in (*_STATE_FIELDS, *_CAPABILITY_FIELDS))
        hit = self.capability_cache.get(key)
        if hit is None:
            hit = _pretest_capability(a, self.z, state=self._state(a))
            if len(self.capability_cache) > 16:
                self.capability_cache.clear()
            self.capability_cache[key] = hit
        return hit

    def arrays(self, values: Mapping[str, float]) -> Any:
        """The resolved arrays with ``values`` in place (base resolved once, then overridden)."""
        if not self.base_arrays:
            E, M = len(self.episodes), self.n_paths
            self.base_arrays.append(_resolve(self.params({}), slice(0, E * M), E * M))
        return _override(self.base_arrays[0], values)

    def log_probs(self, values: Mapping[str, float]) -> tuple[FloatArray, FloatArray]:
        """``(E, M, H)`` log P(T = t+1 | z) and ``(E, M, H+1)`` log P(T > t | z)."""
        E, M = len(self.episodes), self.n_paths
        a = self.arrays(values)
        x = _pretest_logit_from_capability(a, self._capability(a))
        # log h = -softplus(-x), log(1 - h) = log h - x, with one softplus.
        log_h = -(np.maximum(-x, 0.0) + np.log1p(np.exp(-np.abs(x))))
        log_1mh = log_h - x
        log_surv = np.concatenate([np.zeros((E * M, 1)), np.cumsum(log_1mh, axis=1)], axis=1)
        log_pmf = log_surv[:, :-1] + log_h
        H = x.shape[1]
        return log_pmf.reshape(E, M, H), log_surv.reshape(E, M, H + 1)

    def per_episode(self, values: Mapping[str, float]) -> FloatArray:
        """``(E,)`` log-likelihood of each episode."""
        log_pmf, log_surv = self.log_probs(values)
        idx = np.arange(len(self.episodes))
        ev = log_pmf[idx, :, np.maximum(self.month - 1, 0)]
        ce = log_surv[idx, :, self.month]
        per_path = np.where(self.event[:, None], ev, ce)
        return logsumexp(per_path, axis=1) - math.log(self.n_paths)


# ---------------------------------------------------------------------------
# Predictions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodePrediction:
    """A predicted time to the next challenge beside what happened.

    Attributes:
        episode_id: the episode.
        observed_months: months to the challenge, or to censoring.
        event: whether the challenge was observed.
        median: predicted median months (``inf``: beyond the horizon).
        lower, upper: the central interval holding ``level`` of the probability.
        level: the interval's probability.
        loglik: log-probability of what was observed (monthly-interval likelihood).
    """

    episode_id: str
    observed_months: float
    event: bool
    median: float
    lower: float
    upper: float
    level: float
    loglik: float

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _observation_index(e: Episode) -> tuple[int, bool]:
    if e.event:
        return max(1, math.ceil(e.duration_months - 1e-9)), True
    return int(math.floor(e.duration_months + 1e-9)), False


def _loglik_from_cdf(cdf: FloatArray, e: Episode) -> float:
    """Monthly-interval log-likelihood from a CDF at month ends 0..N; mass beyond N lumped."""
    N = cdf.shape[0] - 1
    m, ev = _observation_index(e)
    if ev and m <= N:
        p = cdf[m] - cdf[m - 1]
    else:
        p = 1.0 - cdf[min(m if not ev else N, N)]
    return float(math.log(p)) if p > 0 else float("-inf")


def _prediction(e: Episode, cdf: FloatArray, level: float, loglik: float | None = None) -> EpisodePrediction:
    lo_q = (1.0 - level) / 2.0
    return EpisodePrediction(
        episode_id=e.episode_id,
        observed_months=float(e.duration_months),
        event=bool(e.event),
        median=_quantile_from_cdf(cdf, 0.5),
        lower=_quantile_from_cdf(cdf, lo_q),
        upper=_quantile_from_cdf(cdf, 1.0 - lo_q),
        level=level,
        loglik=_loglik_from_cdf(cdf, e) if loglik is None else float(loglik),
    )


def predict_episodes(
    params: DeterrenceParams,
    episodes: Sequence[Episode],
    *,
    n_paths: int = 256,
    seed: int = 0,
    level: float = 0.8,
) -> tuple[EpisodePrediction, ...]:
    """Per-episode predictions under ``params`` (each episode's conditions applied).

    Uses :func:`first_test_distribution`'s exact law given noise, averaged over
    ``n_paths`` common noise paths.
    """
    if not episodes:
        return ()
    lik = _Likelihood.build(params, episodes, n_paths, seed, full_horizon=True)
    log_pmf, _ = lik.log_probs({})
    pmf = np.exp(log_pmf).mean(axis=1)  # (E, H)
    cdfs = np.concatenate([np.zeros((pmf.shape[0], 1)), np.cumsum(pmf, axis=1)], axis=1)
    ll = lik.per_episode({})  # in log space: exact even for tiny probabilities
    return tuple(_prediction(e, np.minimum(cdfs[i], 1.0), level, ll[i]) for i, e in enumerate(episodes))


# ---------------------------------------------------------------------------
# Calibration
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationResult:
    """A fit of the free parameters to episodes.

    Attributes:
        params: the base parameters with the fitted values in place.
        free: the fitted values, by name.
        loglik: total log-likelihood at the fit, on the noise it was fitted on.
        loglik_fresh: the same on fresh noise (``seed + 1``, ``predict_paths`` paths):
            the sum of the predictions' log-likelihoods; free of the optimiser's
            slight overfitting to its own noise.
        penalty: the penalty weight used (0: pure maximum likelihood).
        predictions: per-episode predictions (on fresh noise, ``seed + 1``).
        episode_ids: the episodes fitted, in order.
        data_hash: :func:`~standoff.history.episodes.episodes_hash` of them.
        n_paths: noise paths per episode in the likelihood.
        seed: the root seed of the likelihood's noise.
        converged: the optimiser's success flag.
        message: the optimiser's message.
        n_evaluations: likelihood evaluations used.
        version: the package version that produced it.
        created: when (UTC, ISO 8601).
    """

    params: DeterrenceParams
    free: Mapping[str, float]
    loglik: float
    loglik_fresh: float
    penalty: float
    predictions: tuple[EpisodePrediction, ...]
    episode_ids: tuple[str, ...]
    data_hash: str
    n_paths: int
    seed: int
    converged: bool
    message: str
    n_evaluations: int
    version: str = __version__
    created: str = ""

    def prediction(self, episode_id: str) -> EpisodePrediction:
        for p in self.predictions:
            if p.episode_id == episode_id:
                return p
        raise KeyError(f"no prediction for episode {episode_id!r}")


def calibrate(
    episodes: Sequence[Episode],
    *,
    base: DeterrenceParams | None = None,
    free: Sequence[str] = DEFAULT_FREE,
    n_paths: int = 16,
    seed: int = 0,
    start: Mapping[str, float] | None = None,
    n_starts: int = 3,
    penalty: float = 0.0,
    level: float = 0.8,
    predict_paths: int = 256,
    maxiter: int = 200,
) -> CalibrationResult:
    """Fit ``free`` parameters to ``episodes`` by maximum likelihood with censoring.

    Args:
        episodes: the training episodes.
        base: everything not fitted (default :func:`calibration_base`); its
            horizon bounds the likelihood (later challenges count as censored).
        free: names from :data:`FREE_PARAMETERS`.
        n_paths: noise paths per episode ``M`` (common random numbers).
        seed: root seed of the noise.
        start: starting values (default: the base values); the first start.
        n_starts: number of starts; the others are spread over the bounds by a
            generator seeded from ``seed`` (reproducible). The best fit wins.
        penalty: weight of a Gaussian log-prior in optimiser coordinates,
            centred at the base values: ``-penalty * sum(z - z_base)**2 / 2``.
        level: probability of the predicted intervals.
        predict_paths: noise paths per episode for the reported predictions.
        maxiter: optimiser iterations per start.

    Returns:
        A :class:`CalibrationResult`.
    """
    base = calibration_base() if base is None else base
    _check_base(base)
    unknown = [n for n in free if n not in FREE_PARAMETERS]
    if unknown:
        raise UnknownParameterError(
            f"cannot fit {', '.join(map(repr, unknown))}; free parameters: {', '.join(FREE_PARAMETERS)}"
        )
    if len(set(free)) != len(free) or not free:
        raise ValueError("free must name at least one parameter, each once")
    specs = [FREE_PARAMETERS[n] for n in free]
    lik = _Likelihood.build(base, episodes, n_paths, seed)
    z_base = np.array([s.to_z(float(getattr(base, s.name))) for s in specs])
    bounds = [s.z_bounds() for s in specs]
    n_eval = 0

    def values_of(z: FloatArray) -> dict[str, float]:
        return {s.name: s.from_z(zi) for s, zi in zip(specs, z, strict=True)}

    def objective(z: FloatArray) -> float:
        nonlocal n_eval
        n_eval += 1
        ll = float(np.sum(lik.per_episode(values_of(z))))
        if not np.isfinite(ll):
            return 1e12
        return -ll + 0.5 * penalty * float(np.sum((z - z_base) ** 2))

    starts = []
    first = dict(start or {})
    starts.append(np.array([s.to_z(first.get(s.name, getattr(base, s.name))) for s in specs]))
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[1])
    for _ in range(max(0, n_starts - 1)):
        lo = np.array([b[0] for b in bounds])
        hi = np.array([b[1] for b in bounds])
        u = rng.random(len(specs))
        starts.append(lo + (hi - lo) * (0.2 + 0.6 * u))

    best = None
    for z0 in starts:
        res = minimize(
            objective,
            z0,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": maxiter, "eps": 1e-6, "ftol": 1e-8, "gtol": 1e-5},
        )
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    fitted = values_of(best.x)
    params = dataclasses.replace(base, **fitted)
    loglik = float(np.sum(lik.per_episode(fitted)))
    preds = predict_episodes(params, episodes, n_paths=predict_paths, seed=seed + 1, level=level)
    return CalibrationResult(
        params=params,
        free=fitted,
        loglik=loglik,
        loglik_fresh=float(sum(p.loglik for p in preds)),
        penalty=float(penalty),
        predictions=preds,
        episode_ids=tuple(e.episode_id for e in episodes),
        data_hash=episodes_hash(episodes),
        n_paths=n_paths,
        seed=seed,
        converged=bool(best.success),
        message=str(best.message),
        n_evaluations=n_eval,
        created=datetime.now(UTC).replace(microsecond=0).isoformat(),
    )


# ---------------------------------------------------------------------------
# Baselines
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Baseline:
    """A baseline's predictive law: CDF at month ends ``0..N`` and its exact quantile function."""

    cdf: FloatArray
    quantile: Callable[[float], float]


def _exponential(median: float, n_months: int = TAIL_MONTHS) -> _Baseline:
    rate = math.log(2.0) / max(median, 1e-9)
    t = np.arange(n_months + 1, dtype=float)
    return _Baseline(1.0 - np.exp(-rate * t), lambda q: -math.log(1.0 - q) / rate)


def kaplan_meier(episodes: Sequence[Episode]) -> tuple[FloatArray, FloatArray]:
    """Product-limit estimate: ``(times (J,), survival just after each (J,))`` at distinct event times."""
    d = np.array([e.duration_months for e in episodes], dtype=float)
    ev = np.array([e.event for e in episodes], dtype=bool)
    times = np.unique(d[ev])
    surv = np.empty(times.shape[0])
    s = 1.0
    for j, t in enumerate(times):
        at_risk = np.sum(d >= t)
        deaths = np.sum((d == t) & ev)
        s *= 1.0 - deaths / at_risk
        surv[j] = s
    return times, surv


def _kaplan_meier_smoothed(episodes: Sequence[Episode], n_months: int = TAIL_MONTHS) -> _Baseline:
    """The Kaplan–Meier curve with log-linear interpolation between its steps
    (from S(0) = 1), flat to the last training time if that is censored, then
    the training set's overall rate (events / exposure); survival floored at
    ``0.5 / (n + 1)`` so that no month has zero probability."""
    d = np.array([e.duration_months for e in episodes], dtype=float)
    ev = np.array([e.event for e in episodes], dtype=bool)
    times, surv = kaplan_meier(episodes)
    surv = np.maximum(surv, 0.5 / (len(episodes) + 1))
    knots_t = np.concatenate([[0.0], times])
    knots_log = np.concatenate([[0.0], np.log(surv)])
    last = float(d.max())
    if last > knots_t[-1]:
        knots_t = np.append(knots_t, last)
        knots_log = np.append(knots_log, knots_log[-1])
    rate = max(float(ev.sum()), 0.5) / max(float(d.sum()), 1e-9)
    end_t, end_log = float(knots_t[-1]), float(knots_log[-1])

    def log_surv(t: FloatArray) -> FloatArray:
        out = np.interp(t, knots_t, knots_log)
        beyond = t > end_t
        out[beyond] = end_log - rate * (t[beyond] - end_t)
        return out

    def quantile(q: float) -> float:
        target = math.log(1.0 - q)
        if target < end_log:
            return end_t + (end_log - target) / rate
        # First knot interval where log S falls to the target (log S is non-increasing).
        j = int(np.argmax(knots_log <= target))
        if knots_log[j] == knots_log[j - 1]:
            return float(knots_t[j - 1])
        frac = (knots_log[j - 1] - target) / (knots_log[j - 1] - knots_log[j])
        return float(knots_t[j - 1] + frac * (knots_t[j] - knots_t[j - 1]))

    t = np.arange(n_months + 1, dtype=float)
    return _Baseline(1.0 - np.exp(log_surv(t)), quantile)


def _baselines(train: Sequence[Episode]) -> dict[str, _Baseline]:
    med = float(np.median([e.duration_months for e in train]))
    return {"training_median": _exponential(med), "kaplan_meier": _kaplan_meier_smoothed(train)}


def _baseline_prediction(e: Episode, b: _Baseline, level: float) -> EpisodePrediction:
    lo_q = (1.0 - level) / 2.0
    return dataclasses.replace(
        _prediction(e, b.cdf, level), median=b.quantile(0.5), lower=b.quantile(lo_q), upper=b.quantile(1.0 - lo_q)
    )


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------


def concordance_index(observed: Sequence[float], event: Sequence[bool], predicted: Sequence[float]) -> float:
    """Harrell's C with right censoring.

    A pair is comparable when the shorter observed time ends in a challenge
    (or both times are equal and only one is a challenge). It is concordant
    when that episode also has the shorter predicted time; ties in prediction
    count one half. Returns ``nan`` when no pair is comparable.
    """
    t = np.asarray(observed, dtype=float)
    e = np.asarray(event, dtype=bool)
    p = np.asarray(predicted, dtype=float)
    ti, tj = t[:, None], t[None, :]
    comparable = e[:, None] & ((ti < tj) | ((ti == tj) & ~e[None, :]))
    np.fill_diagonal(comparable, False)
    if not comparable.any():
        return float("nan")
    pi, pj = p[:, None], p[None, :]
    score = np.where(pi < pj, 1.0, np.where(pi == pj, 0.5, 0.0))
    return float(np.sum(score[comparable]) / np.sum(comparable))


def _mae_log(preds: Sequence[EpisodePrediction], horizon: float) -> float:
    errs = []
    for p in preds:
        if not p.event:
            continue
        med = p.median if math.isfinite(p.median) else horizon
        errs.append(abs(math.log(max(med, MIN_LOG_MONTHS)) - math.log(max(p.observed_months, MIN_LOG_MONTHS))))
    return float(np.median(errs)) if errs else float("nan")


@dataclass(frozen=True)
class Scores:
    """A predictor's held-out scores.

    Attributes:
        name: ``"model"``, ``"training_median"`` or ``"kaplan_meier"``.
        loglik: total held-out log-likelihood (higher is better).
        c_index: Harrell's C (0.5 = no better than chance; higher is better).
        mae_log_months: median absolute error of the predicted median in log-months over
            observed challenges (lower is better).
        predictions: per held-out episode.
    """

    name: str
    loglik: float
    c_index: float
    mae_log_months: float
    predictions: tuple[EpisodePrediction, ...]

    @classmethod
    def of(cls, name: str, preds: Sequence[EpisodePrediction], horizon: float) -> Scores:
        preds = tuple(preds)
        return cls(
            name=name,
            loglik=float(sum(p.loglik for p in preds)),
            c_index=concordance_index(
                [p.observed_months for p in preds], [p.event for p in preds], [p.median for p in preds]
            ),
            mae_log_months=_mae_log(preds, horizon),
            predictions=preds,
        )


@dataclass(frozen=True)
class ValidationReport:
    """Held-out scores of the model beside the baselines.

    Attributes:
        kind: ``"leave-one-out"`` or ``"out-of-sample"``.
        train_ids: training episodes (for leave-one-out: all of them).
        test_ids: held-out episodes.
        model: the model's scores.
        baselines: ``{"training_median": Scores, "kaplan_meier": Scores}``.
        fits: the calibration(s) behind the model's predictions (one per held-out
            episode for leave-one-out).
    """

    kind: str
    train_ids: tuple[str, ...]
    test_ids: tuple[str, ...]
    model: Scores
    baselines: Mapping[str, Scores]
    fits: tuple[CalibrationResult, ...] = field(default=(), repr=False)

    def verdict(self) -> list[str]:
        """In words, each baseline the model does not beat on the held-out log-likelihood (empty if none)."""
        return [
            f"The model loses to the {name.replace('_', ' ')} baseline out of sample: held-out log-likelihood "
            f"{self.model.loglik:.2f} against {b.loglik:.2f} (higher is better)."
            for name, b in self.baselines.items()
            if not self.model.loglik > b.loglik
        ]

    def table(self) -> list[dict[str, Any]]:
        """One row per predictor: name, loglik, c_index, mae_log_months."""
        rows = [self.model, *self.baselines.values()]
        return [
            {"predictor": s.name, "loglik": s.loglik, "c_index": s.c_index, "mae_log_months": s.mae_log_months}
            for s in rows
        ]


def out_of_sample(
    train: Sequence[Episode],
    test: Sequence[Episode],
    *,
    fit: CalibrationResult | None = None,
    level: float = 0.8,
    predict_paths: int = 256,
    **calibrate_kwargs: Any,
) -> ValidationReport:
    """Fit on ``train`` (unless ``fit`` is given), predict ``test``, score beside the baselines."""
    if not train or not test:
        raise ValueError("out_of_sample needs training and test episodes")
    if fit is None:
        fit = calibrate(train, level=level, predict_paths=predict_paths, **calibrate_kwargs)
    preds = predict_episodes(fit.params, test, n_paths=predict_paths, seed=fit.seed + 1, level=level)
    horizon = float(fit.params.horizon)
    baselines = {
        name: Scores.of(name, [_baseline_prediction(e, b, level) for e in test], horizon)
        for name, b in _baselines(train).items()
    }
    return ValidationReport(
        kind="out-of-sample",
        train_ids=tuple(e.episode_id for e in train),
        test_ids=tuple(e.episode_id for e in test),
        model=Scores.of("model", preds, horizon),
        baselines=baselines,
        fits=(fit,),
    )


def leave_one_out(
    episodes: Sequence[Episode],
    *,
    level: float = 0.8,
    predict_paths: int = 256,
    n_starts: int = 1,
    full_fit: CalibrationResult | None = None,
    **calibrate_kwargs: Any,
) -> ValidationReport:
    """Refit without each episode in turn and predict it; baselines likewise.

    Each refit starts from the fit on all episodes (``full_fit``, computed if
    not given) with ``n_starts`` starts.
    """
    eps = tuple(episodes)
    if len(eps) < 2:
        raise ValueError("leave-one-out needs at least two episodes")
    if full_fit is None:
        full_fit = calibrate(eps, level=level, predict_paths=predict_paths, **calibrate_kwargs)
    model_preds, fits = [], []
    base_preds: dict[str, list[EpisodePrediction]] = {"training_median": [], "kaplan_meier": []}
    for i, held in enumerate(eps):
        train = eps[:i] + eps[i + 1 :]
        fit_i = calibrate(
            train,
            start=full_fit.free,
            n_starts=n_starts,
            level=level,
            predict_paths=predict_paths,
            **calibrate_kwargs,
        )
        fits.append(fit_i)
        model_preds.extend(
            predict_episodes(fit_i.params, [held], n_paths=predict_paths, seed=fit_i.seed + 1, level=level)
        )
        for name, b in _baselines(train).items():
            base_preds[name].append(_baseline_prediction(held, b, level))
    horizon = float(full_fit.params.horizon)
    ids = tuple(e.episode_id for e in eps)
    return ValidationReport(
        kind="leave-one-out",
        train_ids=ids,
        test_ids=ids,
        model=Scores.of("model", model_preds, horizon),
        baselines={name: Scores.of(name, p, horizon) for name, p in base_preds.items()},
        fits=tuple(fits),
    )


# ---------------------------------------------------------------------------
# Saving and loading fits
# ---------------------------------------------------------------------------


def _jsonable(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if isinstance(v, (np.floating, np.integer)):
        return _jsonable(v.item())
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return [_jsonable(x) for x in v.tolist()]
    return v


def _unjson_float(v: Any) -> float:
    return float(v)


def save_fit(fit: CalibrationResult, path: str | Path) -> None:
    """Write a fit as JSON: format, schema, package version, date, data hash, values, predictions."""
    params = {f.name: _jsonable(getattr(fit.params, f.name)) for f in dataclasses.fields(fit.params)}
    doc = {
        "format": FIT_FORMAT,
        "schema": FIT_SCHEMA,
        "version": fit.version,
        "created": fit.created,
        "data_hash": fit.data_hash,
        "episodes": list(fit.episode_ids),
        "free": {k: float(v) for k, v in fit.free.items()},
        "params": params,
        "loglik": fit.loglik,
        "loglik_fresh": fit.loglik_fresh,
        "penalty": fit.penalty,
        "n_paths": fit.n_paths,
        "seed": fit.seed,
        "converged": fit.converged,
        "message": fit.message,
        "n_evaluations": fit.n_evaluations,
        "predictions": [{k: _jsonable(v) for k, v in p.as_dict().items()} for p in fit.predictions],
    }
    Path(path).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def load_fit(path: str | Path, *, episodes: Sequence[Episode] | None = None) -> CalibrationResult:
    """Read a fit written by :func:`save_fit`.

    Args:
        path: the JSON file.
        episodes: if given, their data hash must match the fit's.

    Raises:
        ValueError: not a fit file, an unknown schema, or a data-hash mismatch.
    """
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{p.name}: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(doc, dict) or doc.get("format") != FIT_FORMAT:
        raise ValueError(f"{p.name}: not a deterrence fit (expected format {FIT_FORMAT!r})")
    if doc.get("schema") != FIT_SCHEMA:
        raise ValueError(f"{p.name}: fit schema {doc.get('schema')!r}; this version reads schema {FIT_SCHEMA}")
    if episodes is not None and episodes_hash(episodes) != doc["data_hash"]:
        raise ValueError(
            f"{p.name}: fitted on different episodes (data hash {doc['data_hash']}, given {episodes_hash(episodes)})"
        )
    raw = dict(doc["params"])
    for key in ("components", "weights"):
        raw[key] = tuple(raw[key])
    if isinstance(raw.get("recovery_scale"), list):
        raw["recovery_scale"] = tuple(raw["recovery_scale"])
    for key in ("severity", "response_severity"):
        if isinstance(raw.get(key), list):
            raw[key] = tuple(raw[key])
    params = DeterrenceParams(**raw)
    preds = tuple(
        EpisodePrediction(
            episode_id=d["episode_id"],
            observed_months=float(d["observed_months"]),
            event=bool(d["event"]),
            median=_unjson_float(d["median"]),
            lower=_unjson_float(d["lower"]),
            upper=_unjson_float(d["upper"]),
            level=float(d["level"]),
            loglik=_unjson_float(d["loglik"]),
        )
        for d in doc["predictions"]
    )
    return CalibrationResult(
        params=params,
        free={k: float(v) for k, v in doc["free"].items()},
        loglik=float(doc["loglik"]),
        loglik_fresh=float(doc["loglik_fresh"]),
        penalty=float(doc["penalty"]),
        predictions=preds,
        episode_ids=tuple(doc["episodes"]),
        data_hash=str(doc["data_hash"]),
        n_paths=int(doc["n_paths"]),
        seed=int(doc["seed"]),
        converged=bool(doc["converged"]),
        message=str(doc["message"]),
        n_evaluations=int(doc["n_evaluations"]),
        version=str(doc["version"]),
        created=str(doc["created"]),
    )


# ---------------------------------------------------------------------------
# Synthetic episodes (for checking that calibration recovers known parameters)
# ---------------------------------------------------------------------------


def synthetic_episodes(
    params: DeterrenceParams,
    n: int,
    *,
    rng: int | np.random.Generator | None = 0,
    severity: tuple[float, float] = (0.0, 0.95),
    censor_at: int | None = None,
) -> tuple[Episode, ...]:
    """``n`` episodes simulated from ``params`` with the full simulator.

    Conditions are drawn uniformly: severity in ``severity``, economy,
    sanctions and support in [0, 1]. Each episode is one simulated path; a
    first test in month ``m`` is recorded at ``m - 0.5`` months, an untested
    path as censored at the horizon (or at ``censor_at``).
    """
    seed = resolve_seed(rng)
    gen = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[0])
    sev = np.round(gen.uniform(severity[0], severity[1], n), 6)
    econ, sanc, help_ = gen.random(n), gen.random(n), gen.random(n)
    C = params.n_components
    p = dataclasses.replace(
        params, severity=np.repeat(sev[:, None], C, axis=1), economy=econ, sanctions=sanc, outside_help=help_
    )
    res = simulate(p, n, rng=int(np.random.SeedSequence(seed).spawn(2)[1].generate_state(1)[0]), keep_paths=False)
    H = int(params.horizon) if censor_at is None else int(censor_at)
    out = []
    start = date(2000, 1, 1)
    for i in range(n):
        tested = bool(res.tested[i]) and res.first_test_month[i] <= H
        months = float(res.first_test_month[i]) - 0.5 if tested else float(H)
        out.append(
            Episode(
                episode_id=f"SIM-{i:04d}",
                source="synthetic",
                challenger="challenger",
                defender="defender",
                shock="simulated shock",
                shock_date=start,
                severity=float(sev[i]),
                severity_label=f"{sev[i]:.3f}",
                support=float(help_[i]),
                economy=float(econ[i]),
                sanctions=float(sanc[i]),
                next_challenge="simulated test" if tested else "",
                next_challenge_date=start + timedelta(days=round(months * 30.4375)) if tested else None,
                test_kind="challenge" if tested else None,
                event=tested,
                duration_months=months,
                confidence="high",
            )
        )
    return tuple(out)
