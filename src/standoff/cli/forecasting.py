"""Commands that run the experiments over a scenario: forecast, explain, compare, crisis, advise."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

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


def _net(loaded, seed: int, *, paths: int = 2000, draws: int = 200):  # noqa: ANN001, ANN202
    from standoff.experiments.questions import scenario_net_assessment

    if not loaded.scenario.questions:
        err.print(f"{loaded.scenario.id} declares no questions")
        raise typer.Exit(2)
    return scenario_net_assessment(loaded, paths=paths, draws=draws, seed=seed)


def _anchor(loaded) -> dict | None:  # noqa: ANN001
    """The crisis inputs the ICB mapping implies for the scenario's coding, beside the typed ones (or None)."""
    from standoff.experiments.historical_pool import crisis_anchor, pool_report

    sc = loaded.scenario
    if sc.history is None or sc.crisis is None:
        return None
    report = pool_report()
    implied = crisis_anchor(report, sc.history)
    typed = {
        name: {"value": q.value, "range": None if q.range is None else list(q.range)}
        for name in ("p_win", "proposer_cost", "receiver_cost_low", "receiver_cost_high")
        + ("believed_cost_low", "believed_cost_high")
        if (q := getattr(sc.crisis, name)) is not None
    }
    return {
        "crisis_actor": sc.history.crisis_actor,
        "basis": f"mapping fitted on {report.mapping.n_war} ICB crisis actors (fit <= {report.fit_years[1]})",
        "implied": {
            "p_win": implied.p,
            "proposer_cost": implied.proposer_cost,
            "receiver_cost_low": implied.receiver_cost_low,
            "receiver_cost_high": implied.receiver_cost_high,
            "war": implied.war,
            "deal": implied.deal,
        },
        "typed": typed,
    }


def _print_anchor(a: dict) -> None:
    i, t = a["implied"], a["typed"]

    def typed(name: str) -> str:
        q = t.get(name)
        if q is None:
            return "-"
        return f"{q['value']:g}" + (f" [{q['range'][0]:g}, {q['range'][1]:g}]" if q["range"] else "")

    belief = ""
    if "believed_cost_low" in t:
        belief = f"; typed belief U[{typed('believed_cost_low')}, {typed('believed_cost_high')}] (no ICB anchor)"
    lines = [
        f"Crisis inputs anchored on ICB ({a['basis']}), {a['crisis_actor']} as proposer:",
        f"  p_win: ICB mapping {i['p_win']:.2f}; typed {typed('p_win')}",
        f"  proposer_cost: ICB mapping {i['proposer_cost']:.2f}; typed {typed('proposer_cost')}",
        f"  receiver cost: ICB mapping U[{i['receiver_cost_low']:.2f}, {i['receiver_cost_high']:.2f}]; "
        f"typed U[{typed('receiver_cost_low')}, {typed('receiver_cost_high')}]{belief}",
        f"  the mapped one-period game (status quo unknown): P(war) {_pct(i['war'])}, P(deal) {_pct(i['deal'])}",
    ]
    for line in lines:
        out.print(line, markup=False, highlight=False)


def _record(
    loaded,  # noqa: ANN001
    db: str | None,
    seed: int,
    *,
    quiet: bool,
    paths: int = 2000,
    draws: int = 200,
    nets=None,  # noqa: ANN001
    backtest_as_of=None,  # noqa: ANN001
) -> None:
    import datetime as dt

    from standoff.store import LedgerError
    from standoff.store.questions import record_net

    started = dt.datetime.now(dt.UTC)
    if nets is None:
        nets = _net(loaded, seed, paths=paths, draws=draws)
    with _store(db) as store:
        try:
            runs = record_net(
                loaded, nets, store, seed=seed, paths=paths, draws=draws, started=started, backtest_as_of=backtest_as_of
            )
        except LedgerError as exc:
            err.print(f"not recorded: {exc}", markup=False, highlight=False)
            raise typer.Exit(1) from None
        where = store.url
    count = sum(len(n.components) for n in nets) + sum(n.probability is not None for n in nets)
    kind = f"a backtest as of {backtest_as_of.isoformat()}: " if backtest_as_of is not None else ""
    (err if quiet else out).print(
        f"recorded {kind}{count} forecasts of {len(nets)} questions in {len(runs)} runs to {where}",
        markup=False,
        highlight=False,
    )


def _pct(p: float | None) -> str:
    if p is None:
        return "—"
    return f"{100 * p:.1f}%" if p >= 0.001 else f"{100 * p:.2f}%"


def _print_net(nets) -> None:  # noqa: ANN001
    for n in nets:
        q = n.question
        out.print(
            f"{q.id}: {q.text} (by {q.resolve_by.isoformat()}, {n.window_months} mo)",
            style="bold",
            markup=False,
            highlight=False,
        )
        if n.probability is None:
            line = "  no pooled answer: no component answers this question as asked"
        else:
            line = f"  P = {_pct(n.probability)} [{_pct(n.low)}, {_pct(n.high)}]  log-odds pool; {n.weights.label}"
        out.print(line, markup=False, highlight=False)
        for c in n.components:
            head = f"w={c.weight:.2f}" if c.pooled else "not pooled"
            text = f"    {head:<10} {c.source}: {_pct(c.probability)} [{_pct(c.low)}, {_pct(c.high)}]"
            if c.note:
                text += f"; {c.note}"
            if not c.pooled:
                text += f" (why: {c.reason})"
            out.print(text, markup=False, highlight=False)
        if n.shares:
            shares = ", ".join(f"{k} {100 * v:.0f}%" for k, v in sorted(n.shares.items(), key=lambda kv: -kv[1]))
            out.print(f"    pathway shares of the strike risk: {shares}", markup=False, highlight=False)
        if n.disagreement:
            out.print(f"    {n.disagreement}", markup=False, highlight=False)


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
    file_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="Input format: 'scenario' (Standoff YAML), 'ktab' (a KTAB SMP CSV) or 'decide' "
            "(a decide-exchange-model input file), run by the engine that reproduces that tool.",
        ),
    ] = "scenario",
    questions: Annotated[
        bool,
        typer.Option(
            "--questions", help="One pooled probability per declared question, with its components and weights."
        ),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="With --record: record a backtest made as of this past date (YYYY-MM-DD)."),
    ] = None,
    bottom: Annotated[
        bool,
        typer.Option(
            "--bottom-line/--no-bottom-line",
            help="Open the briefing with the bottom line: the questions' probabilities, who wants what and "
            "what would change the outlook (runs the questions and a sensitivity analysis, a few seconds).",
        ),
    ] = True,
    advise_first: Annotated[
        bool,
        typer.Option(
            "--advise/--no-advise",
            help="Add the best advised move of the standoff's first side to the bottom line (slow: minutes).",
        ),
    ] = False,
) -> None:
    """Forecast every issue with every bargaining engine: a briefing, or --json; --questions: the net assessment."""
    import datetime as dt

    if file_format != "scenario":
        _forecast_peer_file(scenario, file_format, as_json=as_json)
        return
    loaded = _load(scenario)
    backtest = None
    if as_of is not None:
        if not record:
            err.print("--as-of records a backtest: use it with --record")
            raise typer.Exit(2)
        try:
            backtest = dt.date.fromisoformat(as_of)
        except ValueError:
            err.print(f"--as-of: expected YYYY-MM-DD, got {as_of!r}")
            raise typer.Exit(2) from None
        if backtest > dt.datetime.now(dt.UTC).date():
            err.print(f"--as-of {backtest.isoformat()} is in the future: a backtest is made as of a past date")
            raise typer.Exit(2)
        # computed as of the backtest date; recorded against the scenario file as it is
        computed = replace(loaded, scenario=loaded.scenario.model_copy(update={"as_of": backtest}))
    else:
        computed = loaded
    if questions:
        nets = _net(computed, seed, draws=draws or 200)
        anchor = _anchor(computed)
        if as_json:
            payload = {"questions": [n.to_dict() for n in nets], "crisis_anchor": anchor}
            sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        else:
            _print_net(nets)
            if anchor is not None:
                _print_anchor(anchor)
        if record:
            _record(loaded, db, seed, quiet=as_json, draws=draws or 200, nets=nets, backtest_as_of=backtest)
        return
    from standoff.experiments.forecast import forecast as run_forecast
    from standoff.experiments.montecarlo import MemoryBudgetError
    from standoff.presentation.briefing import render

    engine = _engine_names(engine)
    try:
        result = _forecast_run(run_forecast, loaded, engine, draws, seed, dask, quiet=as_json)
    except MemoryBudgetError as exc:
        err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        names = {a.id: a.name for a in loaded.scenario.actors}
        out.print(render(result, _bottom_line(loaded, result, seed, advise_first) if bottom else None, names))
    if record:
        nets = _net(computed, seed, draws=draws or 200) if backtest is not None else None
        _record(loaded, db, seed, quiet=as_json, draws=draws or 200, nets=nets, backtest_as_of=backtest)


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


def _bottom_line(loaded, result, seed: int, advise_first: bool):  # noqa: ANN001, ANN202
    from standoff.experiments.outlook import outlook
    from standoff.presentation.bottom_line import bottom_line

    advice = None
    with err.status("Working out the bottom line…"):
        if advise_first:
            from standoff.experiments.advice import advice_subjects, advise

            advice = advise(loaded, advice_subjects(loaded.scenario)[0], seed=seed, draws=64)
        found = outlook(loaded, seed=seed, advice=advice)
    hint = "run 'standoff advise' (or add --advise here); it takes a few minutes."
    return bottom_line(result, loaded.scenario, found, advice_hint=hint)


def _forecast_peer_file(path: str, file_format: str, *, as_json: bool) -> None:
    from standoff.experiments.peer_files import run_peer_file
    from standoff.importers.decide_input import DecideInputError
    from standoff.importers.ktab_csv import KtabCsvError

    if file_format not in ("ktab", "decide"):
        err.print(f"--format: expected 'scenario', 'ktab' or 'decide', got {file_format!r}", markup=False)
        raise typer.Exit(2)
    try:
        run = run_peer_file(path, file_format)  # type: ignore[arg-type]  # checked just above
    except (KtabCsvError, DecideInputError, OSError) as exc:
        err.print(f"{path}: {exc}", markup=False)
        raise typer.Exit(1) from None
    if as_json:
        sys.stdout.write(json.dumps(run.to_dict(), indent=2, allow_nan=False) + "\n")
        return
    unit = "turns" if file_format == "ktab" else "rounds"
    table = Table(caption=f"{Path(path).name}: the {run.engine} engine, {run.steps} {unit} ({run.stop})")
    table.add_column("dimension")
    table.add_column("forecast", justify="right")
    for name, value in zip(run.dimensions, run.forecast, strict=True):
        table.add_row(name, f"{value:.1f}")
    out.print(table)


def _fold(table: Table) -> None:
    """Wrap long cells (option and move names) instead of cutting them with an ellipsis."""
    for column in table.columns:
        column.overflow = "fold"


@app.command()
def explain(
    scenario: ScenarioArg = "iran-2026",
    issue: Annotated[list[str] | None, typer.Argument(help="Issues to explain (default: all).")] = None,
    engine: Annotated[
        list[str] | None, typer.Option("--engine", "-e", help="Engines to explain (default: every bargaining engine).")
    ] = None,
    n: Annotated[
        int, typer.Option(min=1, help="Base rows of the Sobol design (a power of two; more rows, narrower intervals).")
    ] = 128,
    seed: Annotated[int, typer.Option(help="Seed of the random draws (the same seed gives the same numbers).")] = 0,
    by: Annotated[str, typer.Option(help="Group inputs by 'actor' or keep each 'input'.")] = "actor",
    top: Annotated[int, typer.Option(min=0, help="Factors and tornado bars shown per issue.")] = 5,
    plot: Annotated[Path | None, typer.Option(help="Write a tornado and Sobol chart (PNG).")] = None,
    dask: DaskOpt = None,
) -> None:
    """Which inputs drive each forecast: Sobol indices (SALib) and a one-at-a-time tornado."""
    from standoff.engines import available
    from standoff.experiments.outlook import factor_name
    from standoff.experiments.sensitivity import explain as run_explain

    engine = _engine_names(engine)
    if plot is not None:
        _writable(plot, "--plot")
    loaded = _load(scenario)
    engines_ = engine or None
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
    sc = loaded.scenario
    titles = {s.name: s.title for s in available()}
    for r in results:
        head = Text.assemble(
            (f"{sc.issue(r.issue).name}", "bold"),
            f" / {titles.get(r.engine, r.engine)}: point forecast {r.point:.1f}; "
            f"standard deviation over the Sobol design {r.std:.1f} points",
        )
        out.print(head)
        if r.pinned:
            out.print(
                f"  a veto pins this forecast at {r.point:.1f}: no uncertain input moves it, so there is nothing "
                "to attribute",
                markup=False,
            )
            continue
        if r.std == 0:
            out.print("  the forecast does not vary with the uncertain inputs", markup=False)
            continue
        table = Table(
            "factor", "first order S1 ± 95% CI", "total order ST ± 95% CI", "warning", box=None, show_edge=False
        )
        for f in r.sobol[:top]:
            table.add_row(
                factor_name(sc, f.factor),
                f"{f.first:.2f} ± {f.first_conf:.2f}",
                f"{f.total:.2f} ± {f.total_conf:.2f}",
                "; ".join(f.warnings),
            )
        _fold(table)
        out.print(table)
        moving = [b for b in r.tornado if b.swing > 0][:top]
        if not moving:
            out.print("  no single input moves it from its 5th to its 95th percentile (tornado)", markup=False)
            continue
        bars = Table("input (5th → 95th percentile)", "forecast", "swing (points)", box=None)
        for b in moving:
            bars.add_row(
                f"{factor_name(sc, b.input)} ({b.low_value:.3g} → {b.high_value:.3g})",
                f"{b.low_forecast:.1f} → {b.high_forecast:.1f}",
                f"{b.swing:.1f}",
            )
        _fold(bars)
        out.print(bars)
    if any(r.unstable for r in results):
        out.print(
            f"Some indices are unstable (see 'warning'): raise --n (now {n}) for narrower intervals.",
            markup=False,
        )
    if plot is not None:
        from standoff.presentation.static_figures import sensitivity_png

        sensitivity_png(results, plot, top=top)
        out.print(f"wrote {plot}")


@app.command()
def compare(
    scenario: ScenarioArg = "iran-2026",
    paths: Annotated[int, typer.Option(min=1, help="Simulated paths per option.")] = 4000,
    seed: Annotated[int, typer.Option(help="Seed of the random draws (the same seed gives the same numbers).")] = 0,
    option: Annotated[list[str] | None, typer.Option("--option", help="Options to compare (default: all).")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write the simulated paths (PNG).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output (JSON on stdout).")] = False,
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
            err.print(str(exc), markup=False)
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
    _fold(table)
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
        _fold(ctable)
        out.print(ctable)
        proposer = loaded.scenario.actor(crisis.proposer).name
        out.print(
            f"  * at the proposer's ({proposer}) optimal demand today (Fearon screening); war ≤k mo and deal: "
            "if it holds its preconditions, adds one more thing a month and every rejected demand meant war "
            "(the special case); preventive: share of draws where the defender's motive to fight now is "
            "positive within 24 months",
            style="dim",
        )
        if all(o.crisis and o.crisis.status_quo_war_by for o in result.options):
            stable = Table("option", *[f"strike ≤{k}mo" for k in h], *[f"deal ≤{k}mo" for k in h], box=None)
            for o in result.options:
                c = o.crisis
                assert c is not None and c.status_quo_war_by and c.status_quo_deal_by
                stable.add_row(
                    o.id, *[_rate(c.status_quo_war_by[k]) for k in h], *[_rate(c.status_quo_deal_by[k]) for k in h]
                )
            out.print(
                f"\n[bold]Crisis, status-quo game[/bold] (Powell 1996): failed talks leave the status quo; "
                f"{loaded.scenario.actor(crisis.receiver).name} strikes when it prefers war to it; "
                f"{proposer} acts on its belief"
            )
            out.print(stable)
            out.print(
                "  the crisis route only; every route to a strike, pooled: standoff forecast SCENARIO --questions",
                style="dim",
            )
    if plot is not None:
        from standoff.history.episodes import scenario_episodes
        from standoff.presentation.static_figures import paths_png

        paths_png(result, scenario_episodes(loaded.scenario), plot)
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
    discount_proposer: Annotated[float, typer.Option(help="Proposer's discount factor per round of talks.")] = 0.97,
    discount_receiver: Annotated[float, typer.Option(help="Receiver's discount factor per round of talks.")] = 0.95,
    plot: Annotated[Path | None, typer.Option(help="Write war probability against demand (PNG).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output (JSON on stdout).")] = False,
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
        err.print(f"invalid parameters: {exc}", markup=False)
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
        str | None,
        typer.Option(
            help="The actor to advise: an actor id, or any other name for a mediator from outside the scenario "
            "(whose objective is a deal). Default: the scenario's advice subjects (its two sides and a mediator)."
        ),
    ] = None,
    issue: Annotated[list[str] | None, typer.Option("--issue", help="Only moves on these issues.")] = None,
    draws: Annotated[int, typer.Option(min=1, help="Monte Carlo draws (common to every move).")] = 64,
    seed: Annotated[int, typer.Option(help="Seed of the random draws (the same seed gives the same numbers).")] = 0,
    top: Annotated[int, typer.Option(min=0, help="Moves shown.")] = 5,
    objective: Annotated[
        str | None,
        typer.Option(help="'utility' (the actor's) or 'deal' (P(deal)); default: utility, deal for a mediator."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output (JSON on stdout).")] = False,
) -> None:
    """What an actor can do to move the outcome: its moves ranked by net gain in expected utility.

    Without ``--actor``, every advice subject of the scenario is advised in turn
    (with ``--json``: a list, one result per subject).
    """
    from standoff.experiments.advice import advice_subjects
    from standoff.experiments.advice import advise as run_advise

    loaded = _load(scenario)
    ids = [a.id for a in loaded.scenario.actors]
    if objective not in (None, "utility", "deal"):
        err.print(f"--objective must be 'utility' or 'deal', got {objective!r}")
        raise typer.Exit(2)
    goal: Literal["utility", "deal"] | None = "deal" if objective == "deal" else "utility" if objective else None
    try:
        actors = [actor] if actor is not None else advice_subjects(loaded.scenario)
    except ValueError as exc:
        err.print(f"{exc}. Pass --actor, one of: {', '.join(ids)} (or any other name for a mediator).")
        raise typer.Exit(2) from None
    results = []
    try:
        for who in actors:
            with err.status(f"Weighing {who}'s moves…"):
                results.append(run_advise(loaded, who, issues=issue, draws=draws, seed=seed, objective=goal))
    except ValueError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from None
    if as_json:
        data = [r.to_dict() for r in results]
        sys.stdout.write(json.dumps(data[0] if actor is not None else data, indent=2) + "\n")
        return
    for who, result in zip(actors, results, strict=True):
        _print_advice(who, result, draws, seed, top)


def _print_advice(actor: str, result: Any, draws: int, seed: int, top: int) -> None:
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
        "mean net gain ± standard error [5–95% of draws]",
        "forecast before → after (Monte Carlo mean)",
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
    _fold(table)
    out.print(table)
    for r in result.moves[:top]:
        if r.explanation is not None and r.explanation.mechanism:
            out.print(f"[bold]#{r.rank}[/bold] {r.move.description}: why")
            for line in r.explanation.mechanism[:MECHANISM_LINES]:
                out.print(f"  - {line}")
    for r in result.moves[:top]:
        if r.gains:
            p_deal = f"P(deal) {result.baseline.objective:.2f} → {result.baseline.objective + r.gain:.2f}; "
            who = "; ".join(
                f"{g.actor} {g.gain:+.3f} ("
                + ", ".join(f"{i} {v:+.3f}" for i, v in g.by_issue.items())
                + ("" if g.accepts else ", rejects")
                + ")"
                for g in r.gains
            )
            out.print(f"[bold]#{r.rank}[/bold] {p_deal}who gains what at the package (utility vs status quo): {who}")
    if not result.recommended:
        out.print("No move is advised: none gains more than twice its Monte Carlo error (with a willing partner).")
    for note in result.notes:
        out.print(f"[dim]{note}[/dim]")
