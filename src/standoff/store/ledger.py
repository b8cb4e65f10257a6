"""The forecast ledger: record runs and their forecasts, resolve questions, keep score.

Forecasts are append-only: the API can add a forecast but has no way to
change or delete one (a correction is a new forecast), and the database
refuses ``UPDATE`` and ``DELETE`` on forecasts and resolutions with triggers.
Every method is one transaction; a method that raises has written nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa
from numpy.typing import ArrayLike
from sqlalchemy.orm import Session, sessionmaker

from standoff.core import scoring
from standoff.store.database import default_url, make_engine, upgrade
from standoff.store.models import ForecastRow, QuestionRow, ResolutionRow, RunRow, ScenarioRow
from standoff.store.records import (
    Forecast,
    LedgerError,
    Quantiles,
    Question,
    Resolution,
    Run,
    RunMeta,
    ScenarioMeta,
    Score,
    to_json,
)

ForecastValue = float | Quantiles | Mapping[float, float]
_QUESTION_FIELDS = ("text", "resolution_criteria", "resolve_by", "scenario", "kind", "derived_from")


def open_store(url: str | None = None) -> Store:
    """Open the ledger at ``url``, else ``$STANDOFF_DB``, else the user's SQLite file, at the latest schema."""
    engine = make_engine(url or default_url())
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


class Store:
    """A forecast ledger in one database. Use :func:`open_store` to get one; close it when done."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self._engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Release every connection."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # -- writing -----------------------------------------------------------------

    def record_run(
        self,
        scenario: ScenarioMeta,
        run: RunMeta,
        forecasts: Sequence[tuple[Question, ForecastValue]],
        *,
        made_at: dt.datetime | None = None,
    ) -> str:
        """Record a run and its forecasts in one transaction; return the run's id (a UUID).

        The scenario version is added if new. Each question is added if new; a
        question id already recorded with a different definition is an error
        (a changed question needs a new id). Each forecast is a new row, made
        at ``made_at`` (default: the run's ``finished_at``).

        Args:
            scenario: the scenario version the run used.
            run: how the run was made.
            forecasts: ``(question, forecast)`` pairs; a binary question takes a
                probability, a numeric one :class:`Quantiles` or ``{level: value}``.
            made_at: an aware time the forecasts were made.
        """
        made = run.finished_at if made_at is None else made_at
        if made.tzinfo is None:
            raise LedgerError(f"made_at must be timezone-aware, got {made.isoformat()}")
        entries = _check_forecasts(scenario, forecasts)
        parameters = to_json(dict(run.parameters), "run parameters")
        summary = to_json(dict(run.summary), "run summary")
        run_id = str(uuid.uuid4())
        with self._sessions() as s, s.begin():
            scenario_pk = _scenario_pk(s, scenario)
            s.add(
                RunRow(
                    id=run_id,
                    scenario_pk=scenario_pk,
                    engine=run.engine,
                    engine_version=run.engine_version,
                    parameters=parameters,
                    seed=None if run.seed is None else int(run.seed),
                    draws=None if run.draws is None else int(run.draws),
                    code_version=run.code_version,
                    started_at=run.started_at,
                    finished_at=run.finished_at,
                    wall_seconds=run.elapsed,
                    summary=summary,
                )
            )
            s.flush()
            for question, value in entries:
                quantiles = value if isinstance(value, Quantiles) else None
                s.add(
                    ForecastRow(
                        question_pk=_question_pk(s, question),
                        run_id=run_id,
                        probability=value if quantiles is None else None,
                        quantiles=None
                        if quantiles is None
                        else [[a, b] for a, b in zip(quantiles.levels, quantiles.values, strict=True)],
                        made_at=made,
                    )
                )
                s.flush()
        return run_id

    def resolve(self, question_id: str, outcome: bool | float, date: dt.date, source: str) -> Resolution:
        """Record how a question resolved.

        Raises:
            LedgerError: the question id is unknown; the outcome is of the wrong
                type (``True``/``False`` for a binary question, a finite number
                for a numeric one); ``date`` is before the question's first
                forecast; or the question is already resolved. Nothing is written.
        """
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            raise LedgerError(f"resolution date must be a date, got {date!r}")
        try:
            with self._sessions() as s, s.begin():
                q = _question_row(s, question_id)
                binary, value = _check_outcome(q, outcome)
                earlier = s.scalar(sa.select(ResolutionRow).where(ResolutionRow.question_pk == q.pk))
                if earlier is not None:
                    raise _already_resolved(q, earlier)
                first = s.scalar(sa.select(sa.func.min(ForecastRow.made_at)).where(ForecastRow.question_pk == q.pk))
                if first is not None and date < first.date():
                    raise LedgerError(
                        f"question {question_id!r}: resolution date {date.isoformat()} is before "
                        f"its first forecast ({first.date().isoformat()})"
                    )
                row = ResolutionRow(
                    question_pk=q.pk,
                    outcome_binary=binary,
                    outcome_value=value,
                    resolved_on=date,
                    source=source,
                    recorded_at=dt.datetime.now(dt.UTC),
                )
                s.add(row)
                s.flush()
                return _resolution(q.question_id, row)
        except sa.exc.IntegrityError:  # another process resolved it since we looked
            with self._sessions() as s, s.begin():
                q = _question_row(s, question_id)
                earlier = s.scalar(sa.select(ResolutionRow).where(ResolutionRow.question_pk == q.pk))
                if earlier is None:
                    raise
                raise _already_resolved(q, earlier) from None

    # -- reading -----------------------------------------------------------------

    def runs(self, scenario: str | None = None) -> list[Run]:
        """Recorded runs (of one scenario id), oldest first."""
        stmt = sa.select(RunRow, ScenarioRow).join(ScenarioRow).order_by(RunRow.started_at, RunRow.id)
        if scenario is not None:
            stmt = stmt.where(ScenarioRow.scenario_id == scenario)
        with self._sessions() as s, s.begin():
            return [_run(r, sc) for r, sc in s.execute(stmt)]

    def questions(self, scenario: str | None = None) -> list[Question]:
        """Recorded questions (of one scenario id), by id."""
        stmt = sa.select(QuestionRow).order_by(QuestionRow.question_id)
        if scenario is not None:
            stmt = stmt.where(QuestionRow.scenario_id == scenario)
        with self._sessions() as s, s.begin():
            return [_question(q) for q in s.scalars(stmt)]

    def question(self, question_id: str) -> Question:
        """One question; :class:`LedgerError` if the id is unknown."""
        with self._sessions() as s, s.begin():
            return _question(_question_row(s, question_id))

    def forecasts(self, question_id: str | None = None) -> list[Forecast]:
        """Every forecast (of one question), in the order made; corrections are later rows."""
        stmt = (
            sa.select(ForecastRow, QuestionRow.question_id, RunRow.engine, QuestionRow.scenario_id)
            .join(QuestionRow)
            .join(RunRow)
            .order_by(ForecastRow.made_at, ForecastRow.id)
        )
        with self._sessions() as s, s.begin():
            if question_id is not None:
                _question_row(s, question_id)
                stmt = stmt.where(QuestionRow.question_id == question_id)
            return [_forecast(f, qid, engine, sc) for f, qid, engine, sc in s.execute(stmt)]

    def resolutions(self) -> list[Resolution]:
        """Every resolution, by question id."""
        stmt = sa.select(ResolutionRow, QuestionRow.question_id).join(QuestionRow).order_by(QuestionRow.question_id)
        with self._sessions() as s, s.begin():
            return [_resolution(qid, r) for r, qid in s.execute(stmt)]

    def scores(self, bins: int | ArrayLike = 10, eps: float = scoring.LOG_EPS) -> list[Score]:
        """Scores of each engine on the resolved binary questions, per scenario and over all scenarios.

        For each resolved binary question and each engine, the forecast scored
        is the engine's latest one made *before* the resolution date (its UTC
        ``made_at`` date earlier than the resolution date; ties go to the later
        row). Forecasts made on or after that date are ignored: they may have
        seen the outcome. An engine with no such forecast for a question is
        not scored on it.

        Args:
            bins: probability bins for the decomposition and calibration table
                (a number of equal-width bins, or the edges from 0 to 1).
            eps: clipping of the log score (see :func:`standoff.core.scoring.log_score`).

        Returns:
            One :class:`Score` per engine over all scenarios (``scenario=None``)
            and one per engine and scenario, sorted by engine then scenario
            (the overall one first); engines with nothing scored are absent.
        """
        stmt = (
            sa.select(
                QuestionRow.question_id,
                QuestionRow.scenario_id,
                ResolutionRow.outcome_binary,
                ResolutionRow.resolved_on,
                RunRow.engine,
                ForecastRow.probability,
                ForecastRow.made_at,
                ForecastRow.id,
            )
            .join(ResolutionRow, ResolutionRow.question_pk == QuestionRow.pk)
            .join(ForecastRow, ForecastRow.question_pk == QuestionRow.pk)
            .join(RunRow, RunRow.id == ForecastRow.run_id)
            .where(QuestionRow.kind == "binary")
        )
        with self._sessions() as s, s.begin():
            rows = s.execute(stmt).all()
        latest: dict[tuple[str, str], tuple[dt.datetime, int, float | None, bool | None, str]] = {}
        for qid, scenario, outcome, resolved_on, engine, p, made_at, fid in rows:
            if made_at.date() >= resolved_on:
                continue
            key = (engine, qid)
            if key not in latest or (made_at, fid) > latest[key][:2]:
                latest[key] = (made_at, fid, p, outcome, scenario)
        groups: dict[tuple[str, str | None], list[tuple[float | None, bool | None]]] = defaultdict(list)
        for (engine, _), (_, _, p, outcome, scenario) in latest.items():
            groups[(engine, None)].append((p, outcome))
            groups[(engine, scenario)].append((p, outcome))
        return [
            _score(engine, scenario, pairs, bins, eps)
            for (engine, scenario), pairs in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] or ""))
        ]


def _score(
    engine: str, scenario: str | None, pairs: list[tuple[float | None, bool | None]], bins: int | ArrayLike, eps: float
) -> Score:
    p = np.array([x for x, _ in pairs], dtype=np.float64)
    y = np.array([o for _, o in pairs], dtype=np.float64)
    return Score(
        engine=engine,
        scenario=scenario,
        count=len(pairs),
        brier=scoring.brier_score(p, y),
        log=scoring.log_score(p, y, eps),
        sharpness=scoring.sharpness(p),
        decomposition=scoring.brier_decomposition(p, y, bins),
        calibration=scoring.calibration_table(p, y, bins),
    )


# -- checks --------------------------------------------------------------------------------


def _check_forecasts(
    scenario: ScenarioMeta, forecasts: Iterable[tuple[Question, ForecastValue]]
) -> list[tuple[Question, float | Quantiles]]:
    out: list[tuple[Question, float | Quantiles]] = []
    seen: set[str] = set()
    for question, value in forecasts:
        if question.id in seen:
            raise LedgerError(f"question {question.id!r} has two forecasts in one run")
        seen.add(question.id)
        if question.scenario != scenario.id:
            raise LedgerError(
                f"question {question.id!r} belongs to scenario {question.scenario!r}, "
                f"not to {scenario.id!r} of this run"
            )
        out.append((question, _check_value(question, value)))
    return out


def _check_value(question: Question, value: ForecastValue) -> float | Quantiles:
    if question.kind == "binary":
        if (
            isinstance(value, (bool, np.bool_))
            or not isinstance(value, (int, float, np.integer, np.floating))
            or not 0.0 <= float(value) <= 1.0
        ):
            raise LedgerError(
                f"question {question.id!r} is binary: its forecast must be a probability in [0, 1], got {value!r}"
            )
        return float(value)
    if isinstance(value, Quantiles):
        return value
    if isinstance(value, Mapping):
        return Quantiles.from_mapping(value)
    raise LedgerError(f"question {question.id!r} is numeric: its forecast must be quantiles, got {value!r}")


def _check_outcome(q: QuestionRow, outcome: object) -> tuple[bool | None, float | None]:
    if q.kind == "binary":
        if not isinstance(outcome, (bool, np.bool_)):
            raise LedgerError(
                f"question {q.question_id!r} is binary: the outcome must be yes or no (True or False), got {outcome!r}"
            )
        return bool(outcome), None
    if (
        isinstance(outcome, (bool, np.bool_))
        or not isinstance(outcome, (int, float, np.integer, np.floating))
        or not math.isfinite(float(outcome))
    ):
        raise LedgerError(
            f"question {q.question_id!r} is numeric: the outcome must be a finite number, got {outcome!r}"
        )
    return None, float(outcome)


def _already_resolved(q: QuestionRow, r: ResolutionRow) -> LedgerError:
    shown = ("yes" if r.outcome_binary else "no") if r.outcome_binary is not None else f"{r.outcome_value:g}"
    return LedgerError(
        f"question {q.question_id!r} is already resolved ({shown} on {r.resolved_on.isoformat()}); "
        "a resolution cannot be changed"
    )


# -- rows ----------------------------------------------------------------------------------


def _insert_ignore(s: Session, model: type[Any], values: dict[str, Any], keys: list[str]) -> None:
    """Insert a row unless one with the same unique ``keys`` exists (safe against concurrent writers)."""
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    else:
        where = [getattr(model, k) == values[k] for k in keys]
        if s.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) == 0:
            s.execute(sa.insert(model).values(**values))
        return
    s.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=keys))


def _scenario_pk(s: Session, meta: ScenarioMeta) -> int:
    _insert_ignore(
        s,
        ScenarioRow,
        {
            "scenario_id": meta.id,
            "sha256": meta.sha256,
            "as_of": meta.as_of,
            "title": meta.title,
            "version": meta.version,
        },
        ["scenario_id", "sha256"],
    )
    row = s.scalars(
        sa.select(ScenarioRow).where(ScenarioRow.scenario_id == meta.id, ScenarioRow.sha256 == meta.sha256)
    ).one()
    differ = [
        name
        for name, a, b in (
            ("as_of", row.as_of, meta.as_of),
            ("title", row.title, meta.title),
            ("version", row.version, meta.version),
        )
        if a != b
    ]
    if differ:
        raise LedgerError(
            f"scenario {meta.id!r} with sha256 {meta.sha256[:12]}… is already recorded with a "
            f"different {', '.join(differ)}"
        )
    return row.pk


def _question_pk(s: Session, q: Question) -> int:
    derived = to_json(dict(q.derived_from), f"question {q.id!r}: derived_from")
    _insert_ignore(
        s,
        QuestionRow,
        {
            "question_id": q.id,
            "text": q.text,
            "resolution_criteria": q.resolution_criteria,
            "resolve_by": q.resolve_by,
            "scenario_id": q.scenario,
            "derived_from": derived,
            "kind": q.kind,
        },
        ["question_id"],
    )
    row = s.scalars(sa.select(QuestionRow).where(QuestionRow.question_id == q.id)).one()
    stored = _question(row)
    wanted = Question(q.id, q.text, q.resolution_criteria, q.resolve_by, q.scenario, q.kind, derived)
    differ = [name for name in _QUESTION_FIELDS if getattr(stored, name) != getattr(wanted, name)]
    if differ:
        raise LedgerError(
            f"question {q.id!r} is already recorded with a different {', '.join(differ)}; "
            "a changed question needs a new id"
        )
    return row.pk


def _question_row(s: Session, question_id: str) -> QuestionRow:
    row = s.scalar(sa.select(QuestionRow).where(QuestionRow.question_id == question_id))
    if row is None:
        raise LedgerError(f"unknown question {question_id!r}")
    return row


def _question(q: QuestionRow) -> Question:
    return Question(q.question_id, q.text, q.resolution_criteria, q.resolve_by, q.scenario_id, q.kind, q.derived_from)  # type: ignore[arg-type]


def _run(r: RunRow, sc: ScenarioRow) -> Run:
    return Run(
        r.id,
        sc.scenario_id,
        sc.sha256,
        r.engine,
        r.engine_version,
        r.code_version,
        r.started_at,
        r.finished_at,
        r.wall_seconds,
        r.parameters,
        r.seed,
        r.draws,
        r.summary,
    )


def _forecast(f: ForecastRow, question_id: str, engine: str, scenario: str) -> Forecast:
    quantiles = None
    if f.quantiles is not None:
        quantiles = Quantiles(tuple(p[0] for p in f.quantiles), tuple(p[1] for p in f.quantiles))
    return Forecast(f.id, question_id, f.run_id, engine, scenario, f.made_at, f.probability, quantiles)


def _resolution(question_id: str, r: ResolutionRow) -> Resolution:
    outcome: bool | float = r.outcome_binary if r.outcome_binary is not None else float(r.outcome_value or 0.0)
    return Resolution(question_id, outcome, r.resolved_on, r.source, r.recorded_at)
