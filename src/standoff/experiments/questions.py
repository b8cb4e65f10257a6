"""Question probabilities read from engine outputs, and recording them in the ledger.

Every question a scenario declares names the engine outputs it is derived
from (:class:`standoff.scenario.model.QuestionSource`); each source yields that
engine's probability, so no probability is ever typed in. Deterrence and
crisis outputs come from the baseline option (:func:`standoff.experiments.policy.simulate_options`),
bargaining outputs from Monte Carlo draws (:func:`standoff.experiments.montecarlo.engine_draws`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from standoff import __version__
from standoff.engines.deterrence import DeterrenceParams
from standoff.experiments.montecarlo import engine_draws
from standoff.experiments.policy import crisis_model, simulate_options
from standoff.scenario.load import LoadedScenario
from standoff.scenario.model import Question, QuestionSource


@dataclass(frozen=True)
class QuestionForecast:
    """One engine's probability for one question."""

    question: Question
    source: QuestionSource
    probability: float


def question_forecasts(
    loaded: LoadedScenario, base: DeterrenceParams | None, *, paths: int = 2000, draws: int = 200, seed: int = 0
) -> list[QuestionForecast]:
    """The probability of every declared question, from every source it names."""
    sc = loaded.scenario
    sources = [(q, s) for q in sc.questions for s in q.sources]
    out: list[QuestionForecast] = []
    dynamic = [(q, s) for q, s in sources if s.engine in ("deterrence", "crisis")]
    if dynamic:
        if base is None:
            raise ValueError("deterrence and crisis questions need the calibrated deterrence parameters")
        sim = simulate_options(loaded, base, paths=paths, seed=seed, options=["baseline"])[0]
        run, quiet, elapsed = sim.run, sim.quiet, sim.elapsed
        model = crisis_model(sc.crisis, sim) if sc.crisis is not None and sim.crisis is not None else None
        for q, s in dynamic:
            out.append(QuestionForecast(q, s, _dynamic(s, run, quiet, elapsed, model)))
    static = [(q, s) for q, s in sources if s.engine not in ("deterrence", "crisis")]
    if static:
        engines = sorted({s.engine for _, s in static})
        values = engine_draws(sc, engines, draws, seed)
        for q, s in static:
            if s.issue is None or s.threshold is None:  # the scenario's validation rules this out
                raise ValueError(f"question source {s.engine}/{s.output} needs an issue and a threshold")
            x = values[s.issue][s.engine]
            hit = x <= s.threshold if s.output == "issue_at_most" else x >= s.threshold
            out.append(QuestionForecast(q, s, float(np.mean(hit))))
    order = {id(q): k for k, q in enumerate(sc.questions)}
    return sorted(out, key=lambda f: order[id(f.question)])


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


def record(
    loaded: LoadedScenario,
    forecasts: list[QuestionForecast],
    store,
    *,
    seed: int,
    paths: int,  # noqa: ANN001
    draws: int,
    started: dt.datetime,
) -> list[str]:
    """Store one run per engine with its questions' probabilities; returns the run ids."""
    from standoff.store import Question as StoredQuestion
    from standoff.store import RunMeta, ScenarioMeta

    sc = loaded.scenario
    meta = ScenarioMeta(sc.id, loaded.sha256, sc.as_of, sc.title, __version__)
    finished = dt.datetime.now(dt.UTC)
    runs = []
    for engine in dict.fromkeys(f.source.engine for f in forecasts):
        mine = [f for f in forecasts if f.source.engine == engine]
        items = []
        for f in mine:
            q = f.question
            stored = StoredQuestion(
                q.id,
                q.text,
                q.resolution,
                q.resolve_by,
                sc.id,
                "binary",
                {"sources": [s.model_dump() for s in q.sources]},
            )
            items.append((stored, f.probability))
        run = RunMeta(
            engine=engine,
            engine_version=__version__,
            code_version=__version__,
            started_at=started,
            finished_at=finished,
            parameters={"paths": paths, "draws": draws},
            seed=seed,
            draws=draws if engine not in ("deterrence", "crisis") else paths,
            summary={f.question.id: f.probability for f in mine},
            wall_seconds=(finished - started).total_seconds(),
        )
        runs.append(store.record_run(meta, run, items))
    return runs
