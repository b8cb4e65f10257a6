"""Commands that run the experiments over a scenario: forecast, explain, compare, crisis, advise."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from standoff.cli.common import (
    DaskOpt,
    DbOpt,
    ScenarioArg,
    _client,
    _engine_names,
    _load,
    _months_text,
    _rate,
    _store,
    _writable,
    app,
    err,
    out,
)


def _record(loaded, db: str | None, seed: int, *, quiet: bool, paths: int = 2000, draws: int = 200) -> None:  # noqa: ANN001
    import datetime as dt

    from standoff.experiments.questions import question_forecasts
    from standoff.experiments.questions import record as record_runs
    from standoff.history.default_fit import default_fit

    if not loaded.scenario.questions:
        err.print(f"{loaded.scenario.id} declares no questions: nothing to record")
        raise typer.Exit(2)
    started = dt.datetime.now(dt.UTC)
    base = default_fit().params if loaded.scenario.deterrence is not None else None
    forecasts = question_forecasts(loaded, base, paths=paths, draws=draws, seed=seed)
    with _store(db) as store:
        runs = record_runs(loaded, forecasts, store, seed=seed, paths=paths, draws=draws, started=started)
        where = store.url
    (err if quiet else out).print(
        f"recorded {len(forecasts)} forecasts of {len(loaded.scenario.questions)} "
        f"questions in {len(runs)} runs to {where}"
    )


@app.command()
def forecast(
    scenario: ScenarioArg = "iran-2026",
    engine: Annotated[list[str] | None, typer.Option("--engine", "-e", help="Engines to run (default: all).")] = None,
    draws: Annotated[int | None, typer.Option(min=1, help="Monte Carlo draws over uncertain inputs.")] = None,
    seed: Annotated[int, typer.Option(help="Seed for the draws.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    dask: DaskOpt = None,
    record: Annotated[
        bool, typer.Option("--record", help="Store the scenario's question forecasts in the ledger.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Forecast every issue with every bargaining engine: a briefing, or --json."""
    from standoff.experiments.forecast import forecast as run_forecast
    from standoff.experiments.montecarlo import MemoryBudgetError
    from standoff.presentation.briefing import render

    engine = _engine_names(engine)
    loaded = _load(scenario)
    try:
        result = _forecast_run(run_forecast, loaded, engine, draws, seed, dask, quiet=as_json)
    except MemoryBudgetError as exc:
        err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        out.print(render(result))
    if record:
        _record(loaded, db, seed, quiet=as_json, draws=draws or 200)


def _forecast_run(run_forecast, loaded, engine, draws, seed, dask, *, quiet):  # noqa: ANN001, ANN202
    if draws:
        total = draws
        with Progress(console=err, transient=True, disable=quiet or not err.is_terminal) as bar:
            task = bar.add_task("Monte Carlo", total=total)
            result = run_forecast(
                loaded,
                engines=engine,
                draws=draws,
                seed=seed,
                client=_client(dask),
                progress=lambda k: bar.update(task, completed=k),
            )
        return result
    return run_forecast(loaded, engines=engine)


@app.command()
def explain(
    scenario: ScenarioArg = "iran-2026",
    issue: Annotated[list[str] | None, typer.Argument(help="Issues to explain (default: all).")] = None,
    engine: Annotated[list[str] | None, typer.Option("--engine", "-e")] = None,
    n: Annotated[int, typer.Option(min=1, help="Base rows of the Sobol design (a power of two).")] = 32,
    seed: Annotated[int, typer.Option()] = 0,
    by: Annotated[str, typer.Option(help="Group inputs by 'actor' or keep each 'input'.")] = "actor",
    top: Annotated[int, typer.Option(min=0, help="Factors and tornado bars shown per issue.")] = 5,
    plot: Annotated[Path | None, typer.Option(help="Write a tornado and Sobol chart (PNG).")] = None,
    dask: DaskOpt = None,
) -> None:
    """Which inputs drive each forecast: Sobol indices (SALib) and a one-at-a-time tornado."""
    from standoff.experiments.sensitivity import explain as run_explain

    engine = _engine_names(engine)
    if plot is not None:
        _writable(plot, "--plot")
    loaded = _load(scenario)
    engines_ = engine or ["compromise", "expected_utility"]
    with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("Sensitivity", total=None)
        results = run_explain(
            loaded.scenario,
            issues=issue,
            engines=engines_,
            n=n,
            seed=seed,
            by=by,  # type: ignore[arg-type]
            client=_client(dask),
            progress=lambda k: bar.update(task, completed=k),
        )
    for r in results:
        out.print(f"[bold]{r.issue}[/bold] / {r.engine}: point forecast {r.point:.1f}, std over the design {r.std:.1f}")
        table = Table("factor", "S1", "ST", "±", box=None)
        for f in r.sobol[:top]:
            table.add_row(f.factor, f"{f.first:.2f}", f"{f.total:.2f}", f"{f.total_conf:.2f}")
        out.print(table)
        bars = Table("input (5th → 95th percentile)", "forecast", "swing", box=None)
        for b in r.tornado[:top]:
            bars.add_row(
                f"{b.input} ({b.low_value:.3g} → {b.high_value:.3g})",
                f"{b.low_forecast:.1f} → {b.high_forecast:.1f}",
                f"{b.swing:.1f}",
            )
        out.print(bars)
    if plot is not None:
        from standoff.presentation.static_figures import sensitivity_png

        sensitivity_png(results, plot, top=top)
        out.print(f"wrote {plot}")


@app.command()
def compare(
    scenario: ScenarioArg = "iran-2026",
    paths: Annotated[int, typer.Option(min=1, help="Simulated paths per option.")] = 4000,
    seed: Annotated[int, typer.Option()] = 0,
    option: Annotated[list[str] | None, typer.Option("--option", help="Options to compare (default: all).")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write the simulated paths (PNG).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Policy options side by side: the defiance cycle and the crisis, with common random numbers."""
    from standoff.experiments.policy import compare as run_compare
    from standoff.history.default_fit import default_fit

    if plot is not None:
        _writable(plot, "--plot")
    loaded = _load(scenario)
    with err.status("Simulating…"):
        fit = default_fit()
        try:
            result = run_compare(loaded, fit.params, paths=paths, seed=seed, options=option)
        except ValueError as exc:
            err.print(str(exc))
            raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
        return
    det = loaded.scenario.deterrence
    out.print(
        f"[bold]{loaded.scenario.title}[/bold]: {paths} paths per option, seed {seed}; "
        f"{result.elapsed_months} months since the shock ({det.shock if det else ''}), paths with no test since"
    )
    table = Table(
        "option",
        "months to next test\nmedian [10–90%]",
        "P(test ≤ 12 mo)",
        "P(test ≤ 24 mo)",
        "P(war ≤ 24 mo)",
        box=None,
    )
    for o in result.options:
        d = o.deterrence
        m = d.months_to_test
        table.add_row(
            o.name,
            f"{_months_text(m.median)} [{_months_text(m.low)}, {_months_text(m.high)}]",
            _rate(d.p_test_12),
            _rate(d.p_test_24),
            _rate(d.p_war_24),
        )
    out.print(table)
    if all(o.crisis for o in result.options):
        crisis = loaded.scenario.crisis
        assert crisis is not None
        out.print(
            f"\n[bold]Crisis[/bold]: {crisis.proposer} demands, {crisis.receiver} accepts or fights; "
            f"shares read on the {crisis.issue} scale"
        )
        h = crisis.horizons
        ctable = Table(
            "option", "demand*", "P(war)*", "outcome*", *[f"war ≤{k}mo" for k in h], "deal", "preventive", box=None
        )
        for o in result.options:
            c = o.crisis
            assert c is not None
            peak = f", peak mo {c.preventive_peak:.0f}" if c.preventive_peak is not None else ""
            ctable.add_row(
                o.id,
                f"{c.demand_now:.0f}",
                _rate(c.war_now),
                f"{c.settlement:.0f}",
                *[_rate(c.p_war_by[k]) for k in h],
                _rate(c.p_deal),
                f"{100 * c.preventive_share:.0f}%{peak}",
            )
        out.print(ctable)
        out.print(
            "  * at Tehran's optimal demand today (Fearon screening); war ≤k mo and deal: if it holds its "
            "preconditions and adds one more thing a month; preventive: share of draws where the "
            "defender's motive to fight now is positive within 24 months",
            style="dim",
        )
    if plot is not None:
        from standoff.history.episodes import iran_us_episodes
        from standoff.presentation.static_figures import paths_png

        paths_png(result, iran_us_episodes(), plot)
        out.print(f"wrote {plot}")


@app.command()
def crisis(
    p: Annotated[float, typer.Option(help="Proposer's probability of winning a war, in [0, 1].")] = 0.25,
    proposer_cost: Annotated[float, typer.Option(help="Proposer's cost of war.")] = 0.3,
    cost_low: Annotated[float, typer.Option(help="Lowest possible receiver cost of war.")] = 0.05,
    cost_high: Annotated[float, typer.Option(help="Highest possible receiver cost of war.")] = 0.5,
    precondition: Annotated[float, typer.Option(help="Opening demand (share).")] = 0.55,
    increment: Annotated[float, typer.Option(help="Demand added each round.")] = 0.02,
    rounds: Annotated[int, typer.Option(help="Rounds of talks.")] = 6,
    discount_proposer: Annotated[float, typer.Option()] = 0.97,
    discount_receiver: Annotated[float, typer.Option()] = 0.95,
    plot: Annotated[Path | None, typer.Option(help="Write war probability against demand (PNG).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Solve the crisis model for parameters given here: optimal demand, war risk, talks round by round."""
    from standoff.engines.crisis import UniformCost, demand_path, screening_uniform, sequential_demands

    try:
        best = screening_uniform(p, proposer_cost, cost_low, cost_high)
        seq = sequential_demands(
            demand_path(precondition, increment, rounds),
            p,
            proposer_cost,
            UniformCost(cost_low, cost_high),
            discount_proposer,
            discount_receiver,
        )
    except ValueError as exc:
        err.print(f"invalid parameters: {exc}")
        raise typer.Exit(2) from None
    data = {
        "optimal_demand": float(best.demand[0]),
        "war_probability_at_optimum": float(best.war_probability[0]),
        "expected_share": float(best.expected_share[0]),
        "proposer_utility": float(best.proposer_utility[0]),
        "receiver_utility": float(best.receiver_utility[0]),
        "talks": {
            "demand": seq.demand[0].tolist(),
            "war_by_round": seq.war_by_round[0].tolist(),
            "peace_probability": float(seq.peace_probability[0]),
        },
    }
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        out.print(
            f"optimal demand {data['optimal_demand']:.3f}; P(war) at it {data['war_probability_at_optimum']:.3f}; "
            f"expected share {data['expected_share']:.3f}"
        )
        table = Table("round", "demand", "P(war by round)", box=None)
        for k, (d, w) in enumerate(zip(seq.demand[0], seq.war_by_round[0], strict=True)):
            table.add_row(str(k), f"{d:.3f}", f"{w:.3f}")
        out.print(table)
        out.print(f"P(no war through the talks) {data['talks']['peace_probability']:.3f}")
    if plot is not None:
        from standoff.presentation.static_figures import crisis_png

        crisis_png(p, proposer_cost, cost_low, cost_high, plot)
        if not as_json:
            out.print(f"wrote {plot}")


MECHANISM_LINES = 6


@app.command()
def advise(
    scenario: ScenarioArg = "iran-2026",
    actor: Annotated[
        str,
        typer.Option(
            help="The actor to advise: an actor id, or any other name for a mediator from outside the scenario "
            "(whose objective is a deal)."
        ),
    ] = "us-administration",
    issue: Annotated[list[str] | None, typer.Option("--issue", help="Only moves on these issues.")] = None,
    draws: Annotated[int, typer.Option(min=1, help="Monte Carlo draws (common to every move).")] = 64,
    seed: Annotated[int, typer.Option()] = 0,
    top: Annotated[int, typer.Option(min=0, help="Moves shown.")] = 5,
    objective: Annotated[
        str | None,
        typer.Option(help="'utility' (the actor's) or 'deal' (P(deal)); default: utility, deal for a mediator."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """What the actor can do to move the outcome: its moves ranked by net gain in expected utility."""
    from standoff.experiments.advice import advise as run_advise

    loaded = _load(scenario)
    try:
        with err.status("Weighing moves…"):
            result = run_advise(loaded, actor, issues=issue, draws=draws, seed=seed, objective=objective)  # type: ignore[arg-type]
    except ValueError as exc:
        err.print(str(exc))
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
        return
    unit = (
        "gain in P(deal) (share of draws and engines)"
        if result.objective == "deal"
        else "gain in utility units (salience × share of the scale)"
    )
    who = f"{actor} (a mediator from outside the scenario)" if result.mediator else actor
    out.print(
        f"[bold]{who}[/bold]: {len(result.moves)} moves weighed over {draws} draws (seed {seed}), "
        f"engines {', '.join(result.engines)}; {unit}; baseline {result.baseline.objective:+.4f}"
    )
    table = Table(
        "#",
        "issue",
        "move",
        "net gain ± se [5–95%]",
        "forecast before → after",
        "who moves in response",
        "advised",
        box=None,
    )
    for r in result.moves[:top]:
        change = "; ".join(f"{e} {r.before[e]:.1f}→{r.after[e]:.1f}" for e in r.before)
        moved = ", ".join(f"{a} {d:+.1f}" for a, d in r.responders)
        table.add_row(
            str(r.rank),
            r.move.issue or "",
            r.move.description,
            f"{r.gain:+.4f} ± {r.se:.4f} [{r.low:+.3f}, {r.high:+.3f}]",
            change,
            moved,
            "yes" if r.recommended else r.reason,
        )
    out.print(table)
    for r in result.moves[:top]:
        if r.explanation is not None and r.explanation.mechanism:
            out.print(f"[bold]#{r.rank}[/bold] {r.move.description}: why")
            for line in r.explanation.mechanism[:MECHANISM_LINES]:
                out.print(f"  - {line}")
    if not result.recommended:
        out.print("No move is advised: none gains more than twice its Monte Carlo error (with a willing partner).")
    for note in result.notes:
        out.print(f"[dim]{note}[/dim]")
