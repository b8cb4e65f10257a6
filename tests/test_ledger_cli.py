"""The ledger from the command line: record, list, resolve (with its refusals), score."""

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from standoff.cli import app
from standoff.store import open_store

MINI = str(Path(__file__).parent / "data" / "mini.yaml")
runner = CliRunner()
TODAY = dt.datetime.now(dt.UTC).date()  # resolutions may not be dated in the future


@pytest.fixture()
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    res = runner.invoke(app, ["forecast", MINI, "--record", "--db", url])
    assert res.exit_code == 0, res.stderr
    assert "recorded 3 forecasts of 2 questions in 2 runs" in res.stdout
    return url


def test_record_and_list(db: str):
    with open_store(db) as store:
        forecasts = store.forecasts()
        assert {(f.question_id, f.engine) for f in forecasts} == {
            ("enrichment-above-45", "compromise"),
            ("enrichment-above-45", "expected_utility"),
            ("enrichment-below-20", "compromise"),
        }
        assert all(0 <= f.probability <= 1 for f in forecasts)
        assert len(store.runs()) == 2
    res = runner.invoke(app, ["ledger", "--db", db])
    assert res.exit_code == 0 and "2 questions, 3 forecasts, 0 resolved" in res.stdout


def test_resolve_refusals_change_nothing(db: str):
    cases = [
        (["nope", "--outcome", "yes"], 1, "unknown question 'nope'"),
        (["enrichment-above-45", "--outcome", "maybe"], 2, "--outcome: expected yes, no or a number, got 'maybe'"),
        (["enrichment-above-45", "--outcome", "yes", "--date", "2020-01-01"], 1, "before"),
        (["enrichment-above-45", "--outcome", "yes", "--date", "2999-01-01"], 1, "is in the future"),
    ]
    for args, code, message in cases:
        full = ["resolve", *args, "--source", "test", "--db", db]
        if "--date" not in args:
            full += ["--date", TODAY.isoformat()]
        res = runner.invoke(app, full)
        assert res.exit_code == code and message in res.stderr, (args, res.stderr)
    with open_store(db) as store:
        assert store.resolutions() == []
    ok = runner.invoke(
        app,
        [
            "resolve",
            "enrichment-above-45",
            "--outcome",
            "yes",
            "--date",
            TODAY.isoformat(),
            "--source",
            "synthetic",
            "--db",
            db,
        ],
    )
    assert ok.exit_code == 0
    again = runner.invoke(
        app,
        [
            "resolve",
            "enrichment-above-45",
            "--outcome",
            "no",
            "--date",
            TODAY.isoformat(),
            "--source",
            "synthetic",
            "--db",
            db,
        ],
    )
    assert again.exit_code == 1 and "already resolved" in again.stderr
    with open_store(db) as store:
        assert [r.outcome for r in store.resolutions()] == [True]


def test_score_after_resolutions(db: str, tmp_path: Path):
    # a backtest made as of a past date, then resolved today: scored only when asked for
    as_of = (TODAY - dt.timedelta(days=60)).isoformat()
    res = runner.invoke(app, ["forecast", MINI, "--record", "--as-of", as_of, "--db", db])
    assert res.exit_code == 0 and f"recorded a backtest as of {as_of}" in res.stdout, res.stderr
    for q, outcome in (("enrichment-above-45", "yes"), ("enrichment-below-20", "no")):
        res = runner.invoke(
            app, ["resolve", q, "--outcome", outcome, "--date", TODAY.isoformat(), "--source", "synthetic", "--db", db]
        )
        assert res.exit_code == 0
    live = runner.invoke(app, ["score", "--db", db])
    assert live.exit_code == 0 and "no resolved questions" in live.stdout
    with open_store(db) as store:
        assert store.scores() == []
        assert [r.backtest for r in store.runs()] == [False, False, True, True]
    res = runner.invoke(app, ["score", "--include-backtests", "--db", db, "--plot", str(tmp_path / "rel.png")])
    assert res.exit_code == 0, res.stderr
    assert "compromise" in res.stdout and "expected_utility" in res.stdout and "reliability" in res.stdout
    assert (tmp_path / "rel.png").stat().st_size > 1000
    with open_store(db) as store:
        scores = {(s.engine, s.scenario): s for s in store.scores(include_backtests=True)}
    # compromise forecast P(>= 45) and P(<= 20); both resolved; its Brier is the mean squared error
    with open_store(db) as store:
        backtests = {r.id for r in store.runs() if r.backtest}
        p = {(f.question_id, f.engine): f.probability for f in store.forecasts() if f.run_id in backtests}
    expected = ((p[("enrichment-above-45", "compromise")] - 1) ** 2 + p[("enrichment-below-20", "compromise")] ** 2) / 2
    assert scores[("compromise", None)].brier == pytest.approx(expected)


def test_backtest_refusals(db: str):
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    res = runner.invoke(app, ["forecast", MINI, "--record", "--as-of", future, "--db", db])
    assert res.exit_code == 2 and "in the future" in res.stderr
    res = runner.invoke(app, ["forecast", MINI, "--as-of", "2026-01-01", "--db", db])
    assert res.exit_code == 2 and "use it with --record" in res.stderr


def test_live_forecast_after_resolve_by_is_refused(tmp_path: Path):
    # a copy of the mini scenario whose questions were to resolve yesterday
    text = (
        Path(MINI)
        .read_text(encoding="utf-8")
        .replace("resolve_by: 2099-12-31", f"resolve_by: {(TODAY - dt.timedelta(days=1)).isoformat()}")
    )
    late = tmp_path / "late.yaml"
    late.write_text(text, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'l.db'}"
    res = runner.invoke(app, ["forecast", str(late), "--record", "--db", url])
    assert res.exit_code == 1 and "comes after it" in res.stderr, res.stderr
    with open_store(url) as store:
        assert store.forecasts() == []
    # the same forecast as a backtest made before the resolve-by date is accepted
    as_of = (TODAY - dt.timedelta(days=30)).isoformat()
    res = runner.invoke(app, ["forecast", str(late), "--record", "--as-of", as_of, "--db", url])
    assert res.exit_code == 0, res.stderr


def test_ledger_scenario_counts_only_that_scenario(db: str):
    res = runner.invoke(app, ["ledger", "--db", db, "--scenario", "elsewhere"])
    assert res.exit_code == 0 and "0 questions, 0 forecasts, 0 resolved (scenario elsewhere)" in res.stdout
    res = runner.invoke(app, ["ledger", "--db", db, "--scenario", "mini"])
    assert "2 questions, 3 forecasts, 0 resolved (scenario mini)" in res.stdout
