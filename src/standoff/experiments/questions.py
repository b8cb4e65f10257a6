"""Question probabilities read from engine outputs, pooled into one answer, and recorded in the ledger.

Every question a scenario declares names the engine outputs it is derived
from (:class:`standoff.scenario.model.QuestionSource`); each source yields that
engine's probability, so no probability is ever typed in. Deterrence and
crisis outputs come from the baseline option (:func:`standoff.experiments.policy.simulate_options`),
bargaining outputs from Monte Carlo draws (:func:`standoff.experiments.montecarlo.engine_draws`),
reference outputs from the ICB outside view (:mod:`standoff.history.icb.outside_view`, loaded on demand).

The net assessment (:func:`net_assessment`) gives one probability per question:
the log-odds pool (:mod:`standoff.experiments.pooling`) of the components that
answer the question as asked. A component is left out of the pool, with the
reason stated, when it answers another question: a time-free engine (where the
bargaining settles, not whether something happens by the date), a window other
than the question's, the special case in which every rejection means war, or
one pathway to a strike when the question's ``pathways`` component already
combines every pathway (:mod:`standoff.engines.pathways`).

Weights. Each pooled source is a *kind* of forecaster whose log-pool weight was
estimated on resolved ICB questions (:mod:`standoff.experiments.historical_pool`):
the ``reference`` outside view is the ICB ``model`` (or, with ``days`` on a timing
question, the ``time_to_event`` model), and the ``crisis`` and ``pathways`` sources
the ``crisis`` model (its war for a strike, its deal for ``deal_within``). When every
pooled source of a question has such a kind and they name one ICB question
(``reference`` sources by their output, war-like crisis outputs ``violence_serious``,
deals ``agreement``), the pool uses the weights fitted for that set of kinds on that
ICB question, labelled with the number of crisis actors and the out-of-sample Brier
score, provided those weights beat equal weights on later questions inside the fit
period. Otherwise the pool uses equal log-odds weights summing to one, labelled "not
yet estimated" with the reason (e.g. a deterrence component, a kind with no estimate,
estimated weights that lose to equal ones). A scenario's ``base_rate`` source is a
hand-coded annual rate over its own reference class, not the ICB base rate (the
unconditional share of all crisis actors), so it has no estimated kind.
Departure: the ICB questions are asked over a whole crisis, the scenario's by a date;
only the relative trust in each kind is carried over (the weights are scaled to sum to
one). The fitted extremizing factor is not: fitted on whole-crisis questions whose
outcomes are near even odds, a sum below one would shrink a rare dated event toward
1/2, which is not ignorance but a different question.
The interval pools the components' 90% intervals (the pool is increasing in every component).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from standoff.engines.deterrence import DeterrenceParams
from standoff.engines.pathways import CompetingHazards, competing_hazards, hazard_from_cumulative
from standoff.experiments.montecarlo import engine_draws
from standoff.experiments.policy import CrisisModel, Simulated, _months, crisis_model, simulate_options, wilson
from standoff.experiments.pooling import PoolWeights, Spread, disagreement, equal_weights, log_pool, spread
from standoff.scenario.load import LoadedScenario
from standoff.scenario.model import DYNAMIC, Question, QuestionSource, Scenario

if TYPE_CHECKING:
    from standoff.experiments.historical_pool import PoolReport


def unknown_engines(scenario: Scenario) -> list[tuple[str, str]]:
    """Question sources naming no registered engine, as ``(field path, message)``.

    The scenario's own checks (:mod:`standoff.scenario.checks`) run below the
    engines and cannot know their names; this completes them.
    """
    from standoff.engines import available

    known = {s.name for s in available()} | set(DYNAMIC)
    found = []
    for j, q in enumerate(scenario.questions):
        for k, s in enumerate(q.sources):
            if s.engine not in known:
                message = f"unknown engine id {s.engine!r}; known engines: {', '.join(sorted(known))}"
                found.append((f"questions[{j}]({q.id}).sources[{k}].engine", message))
    return found


def _dynamic(s: QuestionSource, run, quiet: np.ndarray, elapsed: int, model) -> float:  # noqa: ANN001
    if s.engine == "crisis":
        if model is None:
            raise ValueError("crisis questions need the scenario's crisis section")
        if s.output == "deal":
            return float(np.mean(model.talks.peace_probability))
        return float(np.mean(model.talks.war_by_round[:, min(s.months, model.rounds)]))
    n = max(int(quiet.sum()), 1)
    window = slice(elapsed, elapsed + s.months)  # months elapsed+1 .. elapsed+N (0-based columns)
    if s.output == "test_within":
        hit = run.tested & (run.first_test_month > elapsed) & (run.first_test_month <= elapsed + s.months)
    elif s.output == "war_within":
        hit = run.war & (run.war_month > elapsed) & (run.war_month <= elapsed + s.months)
    else:
        hit = run.responses[:, window].any(axis=1)
    return float((hit & quiet).sum() / n)


# --------------------------------------------------------------------------- #
# The net assessment: one pooled probability per question
# --------------------------------------------------------------------------- #

DAYS_PER_MONTH = 365.25 / 12
#: Outputs that are one pathway to a strike (counted inside a ``pathways`` component).
PATHWAY_PARTS = {
    ("deterrence", "response_within"): "response to a challenge",
    ("deterrence", "third_party_within"): "third party answers a challenge",
    ("crisis", "war_within"): "talks fail / ultimatum",
    ("crisis", "third_party_within"): "third party on its own threshold",
    ("crisis", "breakout_within"): "preventive strike on a breakout",
}
LEVEL = 0.9


@dataclass(frozen=True)
class Component:
    """One source's probability of a question, whether it is pooled, and why not."""

    source: str
    engine: str
    output: str
    probability: float
    low: float
    high: float
    weight: float | None
    reason: str | None = None
    note: str | None = None

    @property
    def pooled(self) -> bool:
        return self.weight is not None


@dataclass(frozen=True)
class NetForecast:
    """One question's pooled probability with its interval, components and their disagreement."""

    question: Question
    window_months: int
    probability: float | None
    low: float | None
    high: float | None
    components: tuple[Component, ...]
    weights: PoolWeights | None
    spread: Spread | None
    disagreement: str | None
    shares: dict[str, float] | None = None

    def to_dict(self) -> dict:
        q = self.question
        return {
            "id": q.id,
            "text": q.text,
            "resolve_by": q.resolve_by.isoformat(),
            "window_months": self.window_months,
            "probability": self.probability,
            "interval": None if self.low is None else {"low": self.low, "high": self.high, "level": LEVEL},
            "weights": None if self.weights is None else self.weights.label,
            "weights_estimated": None if self.weights is None else self.weights.estimated,
            "spread_log_odds": None if self.spread is None else self.spread.range,
            "disagreement": self.disagreement,
            "pathway_shares": self.shares,
            "components": [
                {
                    "source": c.source,
                    "probability": c.probability,
                    "weight": c.weight,
                    "interval": {"low": c.low, "high": c.high},
                    "pooled": c.pooled,
                    "reason": c.reason,
                    "note": c.note,
                }
                for c in self.components
            ],
        }


def window(as_of: dt.date, resolve_by: dt.date) -> int:
    """Whole months from ``as_of`` to ``resolve_by`` (at least one)."""
    return max(1, _months(resolve_by, as_of))


def source_label(s: QuestionSource) -> str:
    if s.label:
        return s.label
    if s.engine in DYNAMIC:
        what = s.output.replace("_", " ")
        return f"{s.engine}: {what}" + (f" {s.months} mo" if s.months else "")
    op = "≤" if s.output == "issue_at_most" else "≥"
    return f"{s.engine}: {s.issue} {op} {s.threshold:g}"


def exclusion(q: Question, s: QuestionSource, months: int) -> str | None:
    """Why ``s`` does not answer ``q`` as asked (``None``: it does and is pooled)."""
    if s.engine not in DYNAMIC:
        return f"time-free: where the bargaining settles, not whether it happens by {q.resolve_by.isoformat()}"
    if s.engine == "reference":
        if s.days is None:
            return f"the outside view at the trigger: whether it happens in the crisis at all, not by {q.resolve_by}"
        if abs(s.days / DAYS_PER_MONTH - months) > 0.5:
            return f"answers within {s.days} days; the question asks within {months} months"
        return None
    if s.engine == "crisis" and s.output in ("war_by", "deal"):
        return "the special case in which every rejected demand means war (talks rounds, not the dated question)"
    if s.months != months:
        return f"answers within {s.months} months; the question asks within {months}"
    if (s.engine, s.output) in PATHWAY_PARTS and any(
        o.engine == "pathways" and o.months == s.months for o in q.sources
    ):
        return f"one pathway to a strike ({PATHWAY_PARTS[(s.engine, s.output)]}); counted in the pathways component"
    return None


@dataclass(frozen=True)
class _Value:
    mean: float
    low: float
    high: float
    note: str | None = None


def _spread_of(x: np.ndarray, note: str | None = None) -> _Value:
    """Mean over input draws with the central 90% of the per-draw probabilities, widened to hold the mean
    (a long tail can put the mean above the 95th percentile)."""
    x = np.asarray(x, dtype=float)
    lo, hi = np.quantile(x, [(1 - LEVEL) / 2, (1 + LEVEL) / 2]) if x.size else (np.nan, np.nan)
    m = float(x.mean())
    return _Value(m, min(float(lo), m), max(float(hi), m), note)


def _monthly(hazard_by_period: np.ndarray, period: int, months: int) -> np.ndarray:
    """Per-period hazards ``(D, P)`` spread evenly over their months, ``(D, months)``."""
    h = 1.0 - (1.0 - np.clip(hazard_by_period, 0.0, 1.0)) ** (1.0 / period)
    out = np.repeat(h, period, axis=1)
    if out.shape[1] < months:
        out = np.concatenate([out, np.repeat(out[:, -1:], months - out.shape[1], axis=1)], axis=1)
    return out[:, :months]


class _Dynamic:
    """The deterrence run and the crisis models of the baseline, read for every dynamic output."""

    def __init__(self, loaded: LoadedScenario, sim: Simulated, model: CrisisModel | None, seed: int) -> None:
        self.sc = loaded.scenario
        self.sim = sim
        self.model = model
        run, quiet, elapsed = sim.run, sim.quiet, sim.elapsed
        self.n = max(int(quiet.sum()), 1)
        horizon = run.responses.shape[1] - elapsed
        self.horizon = horizon
        window_ = run.responses[quiet][:, elapsed:]
        self.response_by = np.maximum.accumulate(window_, axis=1).mean(axis=0) if window_.size else np.zeros(1)
        months = np.arange(1, horizon + 1)
        first = run.first_test_month[quiet]
        tested = run.tested[quiet]
        self.test_by = np.array([np.mean(tested & (first > elapsed) & (first <= elapsed + m)) for m in months])
        det = self.sc.deterrence
        self.third_response = None
        if det is not None and det.third_party_response is not None:
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(4,)))
            q = det.third_party_response
            self.third_response = q.sample(rng, self.n, (0.0, 1.0)) if q.uncertain else np.full(self.n, q.value)

    def _crisis(self) -> CrisisModel:
        if self.model is None:
            raise ValueError("crisis questions need the scenario's crisis section")
        return self.model

    def hazards(self, months: int) -> dict[str, np.ndarray]:
        """Every available strike pathway's monthly hazard, ``(D, months)`` or ``(months,)`` broadcast."""
        d = self.n
        h = {
            "response to a challenge": np.broadcast_to(
                hazard_from_cumulative(self.response_by[None, :months]), (d, months)
            )
        }
        if self.third_response is not None:
            test_h = hazard_from_cumulative(self.test_by[None, :months])
            h["third party answers a challenge"] = self.third_response[:, None] * test_h
        m = self.model
        if m is not None and m.status_quo is not None:
            g = m.status_quo
            h["talks fail / ultimatum"] = _monthly(g.hazard, g.period_months, months)
            if m.third_party is not None:
                t = m.third_party
                h["third party on its own threshold"] = _monthly(t.hazard, t.period_months, months)
            if m.breakout is not None:
                h["preventive strike on a breakout"] = np.repeat(m.breakout[:, None], months, axis=1)
        return h

    def pathways(self, months: int) -> CompetingHazards:
        return competing_hazards(self.hazards(months), months)

    def value(self, s: QuestionSource) -> _Value:
        run, quiet, elapsed = self.sim.run, self.sim.quiet, self.sim.elapsed
        if s.engine == "pathways":
            months = int(s.months or 1)
            c = self.pathways(months)
            shares = c.shares(months)
            top = max(shares, key=shares.get)  # type: ignore[arg-type]
            return _spread_of(c.within(months), f"largest pathway: {top} ({100 * shares[top]:.0f}% of the risk)")
        if s.engine == "crisis":
            model = self._crisis()
            if s.output == "deal":
                return _spread_of(model.talks.peace_probability)
            if s.output == "war_by":
                return _spread_of(model.talks.war_by_round[:, min(int(s.months or 1), model.rounds)])
            g = model.status_quo
            if g is None:
                raise ValueError("the crisis status-quo game needs the crisis issue's status quo")
            months = int(s.months or 1)
            if s.output == "war_within":
                credible = float(g.credible[:, 0].mean())
                note = (
                    f"threat credible in {100 * credible:.0f}% of draws; otherwise a strike only where "
                    "the defender prefers war to the status quo"
                )
                return _spread_of(g.war_within(months), note)
            if s.output == "deal_within":
                return _spread_of(g.deal_within(months))
            if s.output == "third_party_within":
                if model.third_party is None:
                    raise ValueError("the crisis section names no third party")
                return _spread_of(model.third_party.war_within(months))
            if model.breakout is None:
                raise ValueError("the crisis section has no breakout rate")
            return _spread_of(1.0 - (1.0 - model.breakout) ** months)
        # deterrence
        if s.output == "third_party_within":
            if self.third_response is None:
                raise ValueError("the deterrence section names no third party")
            months = int(s.months or 1)
            test_h = hazard_from_cumulative(self.test_by[None, :months])
            return _spread_of(1.0 - np.prod(1.0 - self.third_response[:, None] * test_h, axis=1))
        p = _dynamic(s, run, quiet, elapsed, self.model)
        rate = wilson(int(round(p * self.n)), self.n, LEVEL)
        note = "a new test is needed first" if s.output == "response_within" else None
        return _Value(p, rate.low, rate.high, note)


def _base_rate(s: QuestionSource) -> _Value:
    a = s.annual_probability
    assert a is not None and s.months is not None
    lo, hi = a.bounds

    def within(x: float) -> float:
        return float(1.0 - (1.0 - x) ** (s.months / 12.0))  # type: ignore[operator]

    return _Value(within(a.value), within(lo), within(hi), f"annual probability {a.value:.3g} [{lo:.3g}, {hi:.3g}]")


def _reference(sc: Scenario, s: QuestionSource) -> _Value:
    """The ICB outside view for the crisis the scenario's ``history`` section codes (a point forecast)."""
    from standoff.history.icb.outside_view import question_probability

    if sc.history is None:
        raise ValueError("reference questions need the scenario's history section")
    p = question_probability(sc.history, sc.as_of, s.output, s.days)
    return _Value(p, p, p, "ICB outside view: a fitted model's point forecast, no interval")


#: Timing questions the ICB time-to-event models answer when a ``reference`` source gives ``days``.
TIMING = ("violent_response_30d", "lasts_over_90d")
DEALS = ("deal", "deal_within")


def estimated_kind(s: QuestionSource) -> tuple[str, str] | None:
    """The kind of historical forecaster ``s`` is and the ICB question it answers (``None``: no such kind)."""
    if s.engine == "reference":
        return ("time_to_event" if s.days is not None and s.output in TIMING else "model"), s.output
    if s.engine == "pathways":
        return "crisis", "violence_serious"
    if s.engine == "crisis":
        return "crisis", "agreement" if s.output in DEALS else "violence_serious"
    return None


def historical_weights(pooled: list[QuestionSource], labels: list[str], report: PoolReport | None) -> PoolWeights:
    """The estimated weights for these pooled sources, or the labelled fallback saying why not."""
    from standoff.experiments.historical_pool import pool_weights

    kinds = [estimated_kind(s) for s in pooled]
    missing = [label for label, k in zip(labels, kinds, strict=True) if k is None]
    if missing:
        return equal_weights(labels, f"no historical estimate for {'; '.join(missing)}")
    names = [k[0] for k in kinds if k is not None]
    questions = {k[1] for k in kinds if k is not None}
    if len(questions) != 1:
        return equal_weights(labels, "components answer different ICB questions")
    if len(set(names)) < len(names):
        return equal_weights(labels, "two components of one kind")
    (icb,) = questions
    if report is None:
        return equal_weights(labels, "no historical estimates given")
    absent = [n for n in names if n not in report.questions[icb].kinds]
    if absent:
        return equal_weights(labels, f"no estimate of {', '.join(absent)} on {icb}")
    w = pool_weights(report, icb, names)
    if not w.estimated:
        return PoolWeights(tuple(labels), w.weights, False, w.n, "log", w.basis)
    by_kind = dict(zip(w.sources, w.weights, strict=True))
    total = sum(by_kind[n] for n in names)
    if total <= 0:
        return equal_weights(labels, f"the weights estimated on {icb} are all zero")
    basis = (
        f"relative weights {w.basis}; their extremizing factor {w.extremizing:.2f}, fitted on whole-crisis "
        "questions near even odds, is not carried to a dated question"
    )
    return PoolWeights(tuple(labels), tuple(by_kind[n] / total for n in names), True, w.n, "log", basis)


def needs_history(scenario: Scenario) -> bool:
    """Whether any source maps onto a kind estimated on ICB questions (so the estimates are worth loading)."""
    return any(estimated_kind(s) is not None for q in scenario.questions for s in q.sources)


def net_assessment(
    loaded: LoadedScenario,
    base: DeterrenceParams | None,
    *,
    paths: int = 2000,
    draws: int = 200,
    seed: int = 0,
    weights: dict[str, PoolWeights] | None = None,
    history: PoolReport | None = None,
) -> list[NetForecast]:
    """One pooled probability per declared question, with its components (module docstring).

    ``weights`` maps a question id to weights that override the rest; ``history`` holds the weights
    estimated on ICB questions (:func:`standoff.experiments.historical_pool.pool_report`); without it,
    every pool uses the labelled fallback.
    """
    sc = loaded.scenario
    sources = [(q, s) for q in sc.questions for s in q.sources]
    values: dict[tuple[int, int], _Value] = {}
    needs_sim = any(s.engine in ("deterrence", "crisis", "pathways") for _, s in sources)
    dyn = None
    if needs_sim:
        if base is None:
            raise ValueError("deterrence, crisis and pathways questions need the calibrated deterrence parameters")
        sim = simulate_options(loaded, base, paths=paths, seed=seed, options=["baseline"])[0]
        model = crisis_model(sc.crisis, sim) if sc.crisis is not None and sim.crisis is not None else None
        dyn = _Dynamic(loaded, sim, model, seed)
    static = [(q, s) for q, s in sources if s.engine not in DYNAMIC]
    bargaining = {}
    if static:
        bargaining = engine_draws(sc, sorted({s.engine for _, s in static}), draws, seed)
    for q, s in sources:
        key = (id(q), id(s))
        if s.engine == "base_rate":
            values[key] = _base_rate(s)
        elif s.engine == "reference":
            values[key] = _reference(sc, s)
        elif s.engine in DYNAMIC:
            assert dyn is not None
            values[key] = dyn.value(s)
        else:
            x = bargaining[s.issue][s.engine]  # type: ignore[index]
            hit = x <= s.threshold if s.output == "issue_at_most" else x >= s.threshold  # type: ignore[operator]
            r = wilson(int(np.sum(hit)), int(np.size(hit)), LEVEL)
            values[key] = _Value(float(np.mean(hit)), r.low, r.high)
    out = []
    for q in sc.questions:
        months = window(sc.as_of, q.resolve_by)
        reasons = {id(s): exclusion(q, s, months) for s in q.sources}
        pooled = [s for s in q.sources if reasons[id(s)] is None]
        labels = [source_label(s) for s in pooled]
        w = None
        if pooled:
            w = (weights or {}).get(q.id) or historical_weights(pooled, labels, history)
        by_label = dict(zip(labels, w.weights, strict=True)) if w is not None else {}
        comps = []
        for s in q.sources:
            v = values[(id(q), id(s))]
            label = source_label(s)
            comps.append(
                Component(label, s.engine, s.output, v.mean, v.low, v.high, by_label.get(label), reasons[id(s)], v.note)
            )
        prob = low = high = None
        sp = note = None
        shares = None
        if w is not None:
            ps = [c for c in comps if c.pooled]
            prob = float(log_pool([c.probability for c in ps], w.weights))
            low = float(log_pool([c.low for c in ps], w.weights))
            high = float(log_pool([c.high for c in ps], w.weights))
            if len(ps) > 1:
                sp = spread({c.source: c.probability for c in ps})
                note = disagreement({c.source: c.probability for c in ps}, {c.source: c.note for c in ps if c.note})
        path_src = next((s for s in q.sources if s.engine == "pathways"), None)
        if path_src is not None and dyn is not None:
            shares = dyn.pathways(int(path_src.months or 1)).shares(int(path_src.months or 1))
        out.append(NetForecast(q, months, prob, low, high, tuple(comps), w, sp, note, shares))
    return out


@dataclass(frozen=True)
class QuestionLine:
    """One question as the bottom line shows it: one probability, an interval, what drives it.

    The small typed input of the bottom line (:mod:`standoff.presentation.bottom_line`),
    filled by :func:`question_lines` from the net assessment.

    Attributes:
        text: the question as the scenario asks it.
        probability: the pooled probability (``None``: no component answers the question as asked).
        low, high: its interval (``None`` with it).
        interval: what the interval is, in words (or why there is no answer).
        driver: what moves the probability most, in words.
    """

    text: str
    probability: float | None
    low: float | None
    high: float | None
    interval: str
    driver: str


def question_lines(nets: list[NetForecast], drivers: dict[str, str] | None = None) -> list[QuestionLine]:
    """One line per question: its pooled probability, 90% interval and main driver.

    The driver is the largest pathway's share of the strike risk when the question has a
    pathways component; otherwise the pooled component with the largest weight, or, for a
    component read from an issue, that issue's driver in ``drivers`` (e.g. its largest Sobol
    factor). A question no component answers as asked gets no probability, and says so.
    """
    drivers = drivers or {}
    lines = []
    for n in nets:
        if n.probability is None or n.low is None or n.high is None:
            reasons = sorted({c.reason for c in n.components if c.reason})
            why = "no component answers it as asked" + (f" ({reasons[0]})" if len(reasons) == 1 else "")
            lines.append(QuestionLine(n.question.text, None, None, None, why, "—"))
            continue
        pooled = [c for c in n.components if c.pooled]
        if n.shares:
            path, share = max(n.shares.items(), key=lambda kv: kv[1])
            driver = f"{path} ({100 * share:.0f}% of the strike risk)"
        else:
            top = max(pooled, key=lambda c: c.weight or 0.0)
            source = next((s for s in n.question.sources if source_label(s) == top.source), None)
            issue_driver = drivers.get(source.issue) if source is not None and source.issue else None
            driver = issue_driver or top.source
        basis = "estimated weights" if n.weights is not None and n.weights.estimated else "equal weights"
        lines.append(
            QuestionLine(
                text=n.question.text,
                probability=n.probability,
                low=n.low,
                high=n.high,
                interval=f"90% interval, pool of {len(pooled)} component{'s' if len(pooled) != 1 else ''} ({basis})",
                driver=driver,
            )
        )
    return lines


def scenario_net_assessment(
    loaded: LoadedScenario, *, paths: int = 2000, draws: int = 200, seed: int = 0
) -> list[NetForecast]:
    """:func:`net_assessment` with the shipped deterrence fit and, where a source needs them, the ICB pool weights."""
    from standoff.experiments.historical_pool import pool_report
    from standoff.history.default_fit import default_fit

    base = default_fit().params if loaded.scenario.deterrence is not None else None
    history = pool_report() if needs_history(loaded.scenario) else None
    return net_assessment(loaded, base, paths=paths, draws=draws, seed=seed, history=history)
