"""The forecast ledger on SQLite and PostgreSQL: each test on a fresh database.

PostgreSQL runs when ``STANDOFF_TEST_PG_URL`` names a server where the user
may create databases (``eval "$(bash .ci/postgres.sh)"`` starts one and sets it).
"""

import contextlib
import datetime as dt
import math
import multiprocessing
import os
import queue
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from standoff.store import (
    Forecast,
    LedgerError,
    Quantiles,
    Question,
    Resolution,
    RunMeta,
    ScenarioMeta,
    Store,
    open_store,
)
from standoff.store.database import VERSION_TABLE
from standoff.store.models import Base, ForecastRow

PG_URL = os.environ.get("STANDOFF_TEST_PG_URL")
UTC = dt.UTC
ALPHA = ScenarioMeta("alpha", "a" * 64, dt.date(2026, 2, 1), "Alpha standoff", "1")
BETA = ScenarioMeta("beta", "b" * 64, dt.date(2026, 2, 1), "Beta standoff", "1")


def when(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def run_meta(engine: str = "expected_utility", at: dt.datetime | None = None, **kw: object) -> RunMeta:
    start = at or when("2026-02-01")
    return RunMeta(
        engine=engine,
        engine_version="0.1.0",
        code_version="0.1.0",
        started_at=start,
        finished_at=start + dt.timedelta(seconds=2),
        **kw,
    )  # type: ignore[arg-type]


def binary(qid: str, scenario: str = "alpha", **kw: object) -> Question:
    fields: dict[str, object] = {
        "text": f"Will {qid} happen?",
        "resolution_criteria": "Reported by two outlets.",
        "resolve_by": dt.date(2026, 6, 30),
        "scenario": scenario,
        "kind": "binary",
        "derived_from": {"issue": qid, "threshold": 50},
    }
    return Question(id=qid, **(fields | kw))  # type: ignore[arg-type]


def numeric(qid: str, scenario: str = "alpha") -> Question:
    return Question(
        qid, f"How far will {qid} go?", "The reported level.", dt.date(2026, 6, 30), scenario, "numeric", {"issue": qid}
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of a fresh, empty database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        return
    if not PG_URL:
        pytest.skip('STANDOFF_TEST_PG_URL is not set; eval "$(bash .ci/postgres.sh)" starts PostgreSQL and sets it')
    name = f"standoff_{uuid.uuid4().hex[:16]}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop(name)


def _drop(name: str, tries: int = 40) -> None:
    """Drop a test database. FORCE cannot end a server process of another role (an autovacuum worker
    that just connected to the new database): wait for it and try again."""
    for attempt in range(tries):
        try:
            _admin(f'DROP DATABASE "{name}" WITH (FORCE)')
            return
        except (sa.exc.ProgrammingError, sa.exc.OperationalError):
            if attempt == tries - 1:
                raise
            time.sleep(0.25)


def _admin(sql: str) -> None:
    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as c:
            c.exec_driver_sql(sql)
    finally:
        engine.dispose()


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with open_store(url) as s:
        yield s


def snapshot(store: Store) -> tuple[object, ...]:
    return store.runs(), store.questions(), store.forecasts(), store.resolutions()


# -- recording -------------------------------------------------------------------------------


def test_round_trip_of_a_run_and_its_forecasts(store: Store):
    start = dt.datetime(2026, 2, 1, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    meta = run_meta(
        at=start,
        parameters={"rounds": np.int64(12), "shares": np.array([0.5, 0.25])},
        seed=2**100 + 7,
        draws=1000,
        summary={"median": np.float64(41.5)},
        wall_seconds=1.25,
    )
    q, n = binary("deal"), numeric("enrichment")
    run_id = store.record_run(ALPHA, meta, [(q, 0.35), (n, {0.95: 80.0, 0.05: 10.0, 0.5: 40.0})])

    assert uuid.UUID(run_id).version == 4
    (run,) = store.runs()
    assert (run.id, run.scenario, run.scenario_sha256, run.engine) == (run_id, "alpha", "a" * 64, "expected_utility")
    assert (run.seed, run.draws, run.wall_seconds) == (2**100 + 7, 1000, 1.25)
    assert run.parameters == {"rounds": 12, "shares": [0.5, 0.25]} and run.summary == {"median": 41.5}
    assert run.started_at == start and run.started_at.tzinfo == UTC
    assert store.questions() == [q, n] and store.question("deal") == q
    made = start + dt.timedelta(seconds=2)
    assert store.forecasts() == [
        Forecast(1, "deal", run_id, "expected_utility", "alpha", made, probability=0.35),
        Forecast(
            2,
            "enrichment",
            run_id,
            "expected_utility",
            "alpha",
            made,
            quantiles=Quantiles((0.05, 0.5, 0.95), (10.0, 40.0, 80.0)),
        ),
    ]
    assert store.forecasts("enrichment") == store.forecasts()[1:]


def test_reopening_keeps_the_ledger_and_the_schema_matches_the_models(url: str):
    with open_store(url) as s:
        s.record_run(ALPHA, run_meta(), [(binary("deal"), 0.4)])
    with open_store(url) as s:
        assert [f.probability for f in s.forecasts()] == [0.4]
    engine = sa.create_engine(url)
    try:
        with engine.connect() as c:
            ctx = MigrationContext.configure(c, opts={"version_table": VERSION_TABLE})
            assert ctx.get_current_revision() == "0001"
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        engine.dispose()


def test_default_location_is_the_environment_then_the_user_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("STANDOFF_DB", raising=False)
    with open_store() as s:
        s.record_run(ALPHA, run_meta(), [])
    path = tmp_path / "data" / "standoff" / "ledger.sqlite"
    assert path.is_file()
    with contextlib.closing(sqlite3.connect(path)) as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    monkeypatch.setenv("STANDOFF_DB", f"sqlite:///{tmp_path / 'env.sqlite'}")
    with open_store() as s:
        assert s.runs() == [] and s.url.endswith("env.sqlite")


def test_an_exception_mid_record_leaves_no_half_written_run(store: Store):
    calls = []

    def crash(*_: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")

    sa.event.listen(ForecastRow, "before_insert", crash)
    try:
        with pytest.raises(RuntimeError, match="disk on fire"):
            store.record_run(ALPHA, run_meta(), [(binary("deal"), 0.3), (binary("strike"), 0.2)])
    finally:
        sa.event.remove(ForecastRow, "before_insert", crash)
    assert len(calls) == 2  # the run, one question and one forecast had been written before the crash
    assert snapshot(store) == ([], [], [], [])
    store.record_run(ALPHA, run_meta(), [(binary("deal"), 0.3)])
    assert len(store.forecasts()) == 1


def test_a_changed_question_midway_is_refused_and_nothing_is_written(store: Store):
    store.record_run(ALPHA, run_meta(), [(binary("strike"), 0.2)])
    before = snapshot(store)
    with pytest.raises(LedgerError) as err:
        store.record_run(ALPHA, run_meta(), [(binary("deal"), 0.3), (binary("strike", text="Will they strike?"), 0.2)])
    assert str(err.value) == (
        "question 'strike' is already recorded with a different text; a changed question needs a new id"
    )
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("forecasts", "message"),
    [
        ([(binary("deal"), 1.5)], "question 'deal' is binary: its forecast must be a probability in [0, 1], got 1.5"),
        ([(binary("deal"), True)], "question 'deal' is binary: its forecast must be a probability in [0, 1], got True"),
        ([(numeric("level"), 0.5)], "question 'level' is numeric: its forecast must be quantiles, got 0.5"),
        (
            [(numeric("level"), {0.5: 3.0, 0.9: 1.0})],
            "quantile values must be finite and non-decreasing, got [3.0, 1.0]",
        ),
        (
            [(binary("deal", scenario="beta"), 0.5)],
            "question 'deal' belongs to scenario 'beta', not to 'alpha' of this run",
        ),
        ([(binary("deal"), 0.5), (binary("deal"), 0.6)], "question 'deal' has two forecasts in one run"),
    ],
)
def test_bad_forecasts_are_refused(store: Store, forecasts: list, message: str):
    with pytest.raises(LedgerError) as err:
        store.record_run(ALPHA, run_meta(), forecasts)
    assert str(err.value) == message
    assert snapshot(store) == ([], [], [], [])


def test_bad_runs_are_refused(store: Store):
    store.record_run(ALPHA, run_meta(), [(binary("deal"), 0.3)])
    before = snapshot(store)
    renamed = ScenarioMeta("alpha", "a" * 64, dt.date(2026, 2, 1), "Another title", "1")
    with pytest.raises(LedgerError) as err:
        store.record_run(renamed, run_meta(), [(binary("deal"), 0.4)])
    assert str(err.value) == "scenario 'alpha' with sha256 aaaaaaaaaaaa… is already recorded with a different title"
    with pytest.raises(LedgerError) as err:
        store.record_run(ALPHA, run_meta(summary={"median": math.nan}), [(binary("deal"), 0.4)])
    assert str(err.value) == "run summary is not JSON data: it holds NaN or infinity"
    assert snapshot(store) == before


def _writer(url: str, name: str, runs: int, start: object, out: object) -> None:
    start.wait()  # type: ignore[attr-defined]
    with open_store(url) as s:
        ids = [
            s.record_run(ALPHA, run_meta(engine=name), [(binary("shared"), 0.5), (binary(f"own-{name}"), 0.25)])
            for _ in range(runs)
        ]
    out.put(ids)  # type: ignore[attr-defined]


def test_two_writer_processes_lose_nothing(url: str):
    # fork where there is one (fast: no re-import); each child opens its own connections
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    start, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(url, name, 8, start, out)) for name in ("one", "two")]
    for p in procs:
        p.start()
    ids: list[str] = []
    deadline = time.monotonic() + 60
    while len(ids) < 16:
        with contextlib.suppress(queue.Empty):
            ids += out.get(timeout=0.2)
        failed = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
        assert not failed and time.monotonic() < deadline, f"a writer failed or hung: exit codes {failed}"
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    with open_store(url) as s:
        assert sorted(r.id for r in s.runs()) == sorted(ids) and len(set(ids)) == 16
        assert len(s.forecasts("shared")) == 16
        assert [len(s.forecasts(f"own-{n}")) for n in ("one", "two")] == [8, 8]
        assert [q.id for q in s.questions()] == ["own-one", "own-two", "shared"]


# -- append-only -----------------------------------------------------------------------------


def test_forecasts_are_append_only(store: Store, url: str):
    store.record_run(ALPHA, run_meta(at=when("2026-02-01")), [(binary("deal"), 0.3)])
    first = store.forecasts("deal")
    store.record_run(ALPHA, run_meta(at=when("2026-02-05")), [(binary("deal"), 0.6)])
    second = store.forecasts("deal")
    assert second[0] == first[0] and [f.probability for f in second] == [0.3, 0.6]
    assert second[1].id != second[0].id
    public = {n for n in dir(Store) if not n.startswith("_")}
    assert public == {
        "close",
        "forecasts",
        "question",
        "questions",
        "record_run",
        "resolutions",
        "resolve",
        "runs",
        "scores",
        "url",
    }
    engine = sa.create_engine(url)
    try:
        for sql in ("UPDATE forecasts SET probability = 0.9", "DELETE FROM forecasts"):
            with pytest.raises(sa.exc.DBAPIError, match="forecasts are append-only"), engine.begin() as c:
                c.exec_driver_sql(sql)
    finally:
        engine.dispose()
    assert store.forecasts("deal") == second


# -- resolving -------------------------------------------------------------------------------


@pytest.fixture
def ledger(store: Store) -> Store:
    store.record_run(ALPHA, run_meta(at=when("2026-02-10")), [(binary("deal"), 0.3), (numeric("level"), {0.5: 40.0})])
    store.resolve("deal", True, dt.date(2026, 3, 1), "two outlets")
    return store


@pytest.mark.parametrize(
    ("question_id", "outcome", "date", "message"),
    [
        ("nope", True, dt.date(2026, 3, 1), "unknown question 'nope'"),
        (
            "level",
            True,
            dt.date(2026, 3, 1),
            "question 'level' is numeric: the outcome must be a finite number, got True",
        ),
        (
            "level",
            math.nan,
            dt.date(2026, 3, 1),
            "question 'level' is numeric: the outcome must be a finite number, got nan",
        ),
        (
            "level",
            "40",
            dt.date(2026, 3, 1),
            "question 'level' is numeric: the outcome must be a finite number, got '40'",
        ),
        (
            "level",
            41.0,
            dt.date(2026, 2, 9),
            "question 'level': resolution date 2026-02-09 is before its first forecast (2026-02-10)",
        ),
        (
            "deal",
            False,
            dt.date(2026, 3, 2),
            "question 'deal' is already resolved (yes on 2026-03-01); a resolution cannot be changed",
        ),
    ],
)
def test_resolve_errors_change_nothing(ledger: Store, question_id: str, outcome: object, date: dt.date, message: str):
    before = snapshot(ledger)
    with pytest.raises(LedgerError) as err:
        ledger.resolve(question_id, outcome, date, "a source")  # type: ignore[arg-type]
    assert str(err.value) == message
    assert snapshot(ledger) == before


def test_binary_outcomes_are_yes_or_no(store: Store):
    store.record_run(ALPHA, run_meta(), [(binary("deal"), 0.3)])
    for outcome in (1, 1.0, "yes"):
        with pytest.raises(LedgerError) as err:
            store.resolve("deal", outcome, dt.date(2026, 3, 1), "x")  # type: ignore[arg-type]
        assert (
            str(err.value)
            == f"question 'deal' is binary: the outcome must be yes or no (True or False), got {outcome!r}"
        )
    assert store.resolutions() == []


def test_resolve_records_the_outcome(ledger: Store):
    res = ledger.resolve("level", 41.5, dt.date(2026, 2, 10), "the agency's report")
    assert (res.question_id, res.outcome, res.date, res.source) == (
        "level",
        41.5,
        dt.date(2026, 2, 10),
        "the agency's report",
    )
    got = ledger.resolutions()
    assert [(r.question_id, r.outcome, r.date) for r in got] == [
        ("deal", True, dt.date(2026, 3, 1)),
        ("level", 41.5, dt.date(2026, 2, 10)),
    ]
    assert isinstance(got[0], Resolution) and got[0].outcome is True and got[0].recorded_at.tzinfo == UTC


# -- scores ----------------------------------------------------------------------------------


def test_scores_on_a_hand_computed_ledger(store: Store):
    day = when
    store.record_run(
        ALPHA,
        run_meta("eu", day("2026-02-01")),
        [(binary("a1"), 0.6), (binary("a2"), 0.3), (binary("a3"), 0.9), (numeric("n1"), {0.5: 3.0})],
    )
    store.record_run(ALPHA, run_meta("eu", day("2026-03-01")), [(binary("a1"), 0.8)])  # a correction: supersedes 0.6
    store.record_run(ALPHA, run_meta("eu", day("2026-03-10", 0)), [(binary("a1"), 0.1)])  # on the resolution day
    store.record_run(BETA, run_meta("eu", day("2026-02-01")), [(binary("b1", "beta"), 0.9)])
    store.record_run(ALPHA, run_meta("median", day("2026-02-01")), [(binary("a1"), 0.5), (binary("a2"), 0.5)])
    store.record_run(BETA, run_meta("median", day("2026-03-15")), [(binary("b1", "beta"), 0.4)])  # after it
    for qid, outcome in (("a1", True), ("a2", False), ("b1", True)):
        store.resolve(qid, outcome, dt.date(2026, 3, 10), "report")
    store.resolve("n1", 2.0, dt.date(2026, 3, 10), "report")  # numeric: not in the binary scores; a3 unresolved

    scores = store.scores(bins=2)
    assert [(s.engine, s.scenario, s.count) for s in scores] == [
        ("eu", None, 3),
        ("eu", "alpha", 2),
        ("eu", "beta", 1),
        ("median", None, 2),
        ("median", "alpha", 2),
    ]
    eu, eu_alpha, eu_beta, median, median_alpha = scores
    # eu scores a1 at 0.8 (yes), a2 at 0.3 (no), b1 at 0.9 (yes): squared errors 0.04, 0.09, 0.01
    assert eu.brier == pytest.approx(0.14 / 3)
    assert eu.log == pytest.approx(-(math.log(0.8) + math.log(0.7) + math.log(0.9)) / 3)
    assert eu.sharpness == pytest.approx((0.16 + 0.21 + 0.09) / 3)
    assert eu_alpha.brier == pytest.approx(0.065) and eu_beta.brier == pytest.approx(0.01)
    assert median.brier == pytest.approx(0.25) and median.log == pytest.approx(math.log(2))
    assert median_alpha.brier == median.brier
    # bins [0, .5): {0.3} frequency 0; [.5, 1]: {0.8, 0.9} mean 0.85, frequency 1; base rate 2/3
    d = eu.decomposition
    assert d.reliability == pytest.approx((0.3**2 + 2 * 0.15**2) / 3)  # 0.045
    assert d.resolution == pytest.approx(((2 / 3) ** 2 + 2 * (1 / 3) ** 2) / 3)  # 2/9
    assert d.uncertainty == pytest.approx(2 / 9)
    assert d.binned_brier == pytest.approx(0.045) and d.brier == pytest.approx(eu.brier)
    np.testing.assert_allclose(eu.calibration.mean_forecast, [0.3, 0.85])
    np.testing.assert_allclose(eu.calibration.observed_frequency, [0.0, 1.0])
    np.testing.assert_array_equal(eu.calibration.count, [1, 2])
