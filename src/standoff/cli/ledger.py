"""Commands about the forecast ledger: list, resolve, score."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from standoff.cli.common import (
    DbOpt,
    _store,
    app,
    err,
    out,
)


@app.command()
def ledger(
    db: DbOpt = None,
    scenario: Annotated[str | None, typer.Option(help="Only this scenario's questions.")] = None,
) -> None:
    """List the ledger's questions, each engine's latest forecast, and resolutions."""
    with _store(db) as store:
        questions = store.questions(scenario)
        forecasts = store.forecasts()
        resolutions = {r.question_id: r for r in store.resolutions()}
    table = Table("question", "resolve by", "engine", "P(yes)", "made", "forecasts", "resolution", box=None)
    for q in questions:
        mine = [f for f in forecasts if f.question_id == q.id]
        latest: dict[str, object] = {}
        for f in mine:
            latest[f.engine] = f
        res = resolutions.get(q.id)
        outcome = (
            ""
            if res is None
            else f"{'yes' if res.outcome is True else 'no' if res.outcome is False else res.outcome} ({res.date})"
        )
        for k, (engine, f) in enumerate(latest.items()):
            count = sum(1 for x in mine if x.engine == engine)
            table.add_row(
                q.id if k == 0 else "",
                str(q.resolve_by) if k == 0 else "",
                engine,
                f"{f.probability:.3f}" if f.probability is not None else "quantiles",  # type: ignore[attr-defined]
                f.made_at.strftime("%Y-%m-%d %H:%M"),
                str(count),
                outcome if k == 0 else "",
            )  # type: ignore[attr-defined]
    ids = {q.id for q in questions}
    n_forecasts = sum(1 for f in forecasts if f.question_id in ids)
    n_resolved = sum(1 for q in ids if q in resolutions)
    out.print(
        f"{_count(len(questions), 'question')}, {_count(n_forecasts, 'forecast')}, {n_resolved} resolved"
        + (f" (scenario {scenario})" if scenario else ""),
        markup=False,
    )
    out.print(table)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@app.command()
def resolve(
    question: Annotated[str, typer.Argument(help="The question id.")],
    outcome: Annotated[str, typer.Option(help="yes, no, or a number for a numeric question.")],
    date: Annotated[str, typer.Option(help="When reality answered (YYYY-MM-DD).")],
    source: Annotated[str, typer.Option(help="Where the answer comes from.")],
    db: DbOpt = None,
) -> None:
    """Record how a question resolved (once; resolutions cannot be changed)."""
    import datetime as dt

    from standoff.store import LedgerError

    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        err.print(f"--date: expected YYYY-MM-DD, got {date!r}")
        raise typer.Exit(2) from None
    value: bool | float
    if outcome.lower() in ("yes", "no"):
        value = outcome.lower() == "yes"
    else:
        try:
            value = float(outcome)
        except ValueError:
            err.print(f"--outcome: expected yes, no or a number, got {outcome!r}")
            raise typer.Exit(2) from None
    with _store(db) as store:
        try:
            res = store.resolve(question, value, day, source)
        except LedgerError as exc:
            err.print(str(exc), markup=False, highlight=False)
            raise typer.Exit(1) from None
    out.print(f"{res.question_id}: {outcome} on {res.date} ({res.source})")


@app.command()
def score(
    db: DbOpt = None,
    plot: Annotated[Path | None, typer.Option(help="Write a reliability diagram (PNG).")] = None,
    bins: Annotated[int, typer.Option(help="Probability bins of the calibration table.")] = 5,
    include_backtests: Annotated[
        bool, typer.Option("--include-backtests", help="Also score forecasts recorded as backtests.")
    ] = False,
) -> None:
    """Brier and log scores per engine and scenario, the Brier decomposition and calibration."""
    with _store(db) as store:
        scores = store.scores(bins=bins, include_backtests=include_backtests)
    if not scores:
        out.print("no resolved questions with a forecast made before their resolution yet")
        return
    table = Table("engine", "scenario", "n", "Brier", "log", "reliability", "resolution", "uncertainty", box=None)
    for s in scores:
        d = s.decomposition
        table.add_row(
            s.engine,
            s.scenario or "(all)",
            str(s.count),
            f"{s.brier:.3f}",
            f"{s.log:.3f}",
            f"{d.reliability:.3f}",
            f"{d.resolution:.3f}",
            f"{d.uncertainty:.3f}",
        )
    out.print(table)
    out.print("Brier on the 0-1 scale (double it to compare with the 0-2 scale); log: mean negative log-likelihood.")
    for s in (x for x in scores if x.scenario is None):
        cal = Table(f"{s.engine}: forecast bin", "mean forecast", "observed", "n", box=None)
        c = s.calibration
        for k in range(len(c.count)):
            if c.count[k]:
                cal.add_row(
                    f"[{c.edges[k]:.1f}, {c.edges[k + 1]:.1f})",
                    f"{c.mean_forecast[k]:.2f}",
                    f"{c.observed_frequency[k]:.2f}",
                    str(int(c.count[k])),
                )
        out.print(cal)
    if plot is not None:
        from standoff.presentation.static_figures import reliability_png

        reliability_png([s for s in scores if s.scenario is None], plot)
        out.print(f"wrote {plot}")
