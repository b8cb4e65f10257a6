"""Recording question forecasts in the ledger: the pooled forecast (forecaster ``standoff``) beside its components."""

from __future__ import annotations

import datetime as dt

from standoff.core.version import __version__
from standoff.experiments.questions import Component, NetForecast
from standoff.scenario.load import LoadedScenario
from standoff.scenario.model import Question
from standoff.store import Question as StoredQuestion
from standoff.store import RunMeta, ScenarioMeta


def record_net(
    loaded: LoadedScenario,
    nets: list[NetForecast],
    store,  # noqa: ANN001
    *,
    seed: int,
    paths: int,
    draws: int,
    started: dt.datetime,
    backtest_as_of: dt.date | None = None,
) -> list[str]:
    """Store each engine's components and the pooled forecast (forecaster ``standoff``); returns the run ids.

    With ``backtest_as_of`` the runs are flagged as backtests and the forecasts dated that day.
    """
    sc = loaded.scenario
    meta = ScenarioMeta(sc.id, loaded.sha256, sc.as_of, sc.title, __version__)
    finished = dt.datetime.now(dt.UTC)
    made = None if backtest_as_of is None else dt.datetime.combine(backtest_as_of, dt.time(0, 0), tzinfo=dt.UTC)

    def stored(q: Question) -> StoredQuestion:
        return StoredQuestion(
            q.id,
            q.text,
            q.resolution,
            q.resolve_by,
            sc.id,
            "binary",
            {"sources": [s.model_dump(mode="json") for s in q.sources]},
        )

    groups: dict[str, list[tuple[NetForecast, Component]]] = {}
    for n in nets:
        seen: set[str] = set()
        for c in n.components:
            engine = c.engine if c.engine not in seen else f"{c.engine}.{c.output}"
            seen.add(engine)
            groups.setdefault(engine, []).append((n, c))
    pooled = [n for n in nets if n.probability is not None]
    if pooled:
        groups["standoff"] = [(n, None) for n in pooled]  # type: ignore[misc]
    runs = []
    for engine, items in groups.items():
        forecasts = []
        summary = {}
        for n, c in items:
            p = n.probability if c is None else c.probability
            forecasts.append((stored(n.question), float(p)))  # type: ignore[arg-type]
            summary[n.question.id] = (
                {
                    "probability": p,
                    "low": n.low,
                    "high": n.high,
                    "weights": n.weights.label if n.weights else None,
                    "components": {x.source: x.weight for x in n.components if x.pooled},
                }
                if c is None
                else {"probability": p, "source": c.source, "pooled": c.pooled, "weight": c.weight, "reason": c.reason}
            )
        run = RunMeta(
            engine=engine,
            engine_version=__version__,
            code_version=__version__,
            started_at=started,
            finished_at=finished,
            parameters={"paths": paths, "draws": draws, "as_of": (backtest_as_of or sc.as_of).isoformat()},
            seed=seed,
            draws=draws if engine not in ("deterrence", "crisis", "pathways", "standoff") else paths,
            summary=summary,
            wall_seconds=(finished - started).total_seconds(),
            backtest=backtest_as_of is not None,
        )
        runs.append(store.record_run(meta, run, forecasts, made_at=made))
    return runs
