"""Recording question forecasts in the ledger: one run per engine with its questions' probabilities."""

from __future__ import annotations

import datetime as dt

from standoff.core.version import __version__
from standoff.experiments.questions import QuestionForecast
from standoff.scenario.load import LoadedScenario
from standoff.store import Question as StoredQuestion
from standoff.store import RunMeta, ScenarioMeta


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
