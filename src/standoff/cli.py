"""The ``standoff`` command line: parse, call, present. No model logic here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from standoff.briefing import render
from standoff.engines import available
from standoff.evidence import coverage
from standoff.forecast import forecast as run_forecast
from standoff.history_cli import app as history_app
from standoff.scenario import LoadedScenario, ScenarioError, builtin_scenarios, load_scenario

app = typer.Typer(
    help="Standoff: make a coercive standoff computable.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# Wide enough for the briefing's tables when the output is a file or a pipe.
out = Console(width=None if sys.stdout.isatty() else 130)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 130)

app.add_typer(history_app, name="history")

ScenarioArg = Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")]


DaskOpt = Annotated[
    str | None, typer.Option("--dask", help="Address of a Dask scheduler to run the draws on (default: in-process).")
]


def _client(address: str | None):  # noqa: ANN202 - a dask Client, imported lazily
    if address is None:
        return None
    try:
        from distributed import Client
    except ImportError:
        err.print("--dask needs dask.distributed: pip install 'standoff[dask]'")
        raise typer.Exit(2) from None
    return Client(address)


DbOpt = Annotated[str | None, typer.Option("--db", help="Ledger database URL (default: $STANDOFF_DB or a local file).")]


def _store(db: str | None):  # noqa: ANN202 - a standoff.store.Store
    from standoff.store import LedgerError, open_store

    try:
        return open_store(db)
    except (LedgerError, ValueError) as exc:
        err.print(f"cannot open the ledger: {exc}")
        raise typer.Exit(2) from None


def _record(loaded, db: str | None, seed: int, *, quiet: bool, paths: int = 2000, draws: int = 200) -> None:  # noqa: ANN001
    import datetime as dt

    from standoff.fits import default_fit
    from standoff.questions import question_forecasts
    from standoff.questions import record as record_runs

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


def _load(scenario: str) -> LoadedScenario:
    """The validated scenario, or every problem printed and exit code 1."""
    try:
        return load_scenario(scenario)
    except ScenarioError as exc:
        _fail(exc)
        raise  # unreachable: _fail exits


def _fail(exc: ScenarioError) -> None:
    err.print(f"[red]{len(exc.problems)} problem(s):[/red]")
    for p in exc.problems:
        err.print(str(p), markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@app.command()
def validate(files: Annotated[list[str], typer.Argument(help="Scenario files or built-in names.")]) -> None:
    """Check scenario files; report every problem at once and exit non-zero if any."""
    bad = 0
    for f in files:
        try:
            s = load_scenario(f).scenario
        except ScenarioError as exc:
            bad += 1
            err.print(f"[red]{f}: {len(exc.problems)} problem(s)[/red]")
            for p in exc.problems:
                err.print(str(p), markup=False, highlight=False, soft_wrap=True)
            continue
        out.print(
            f"{f}: valid ({len(s.actors)} actors, {len(s.issues)} issues, {len(s.stances)} stances; every quote found)"
        )
    if bad:
        raise typer.Exit(1)


@app.command()
def forecast(
    scenario: ScenarioArg = "iran-2026",
    engine: Annotated[list[str] | None, typer.Option("--engine", "-e", help="Engines to run (default: all).")] = None,
    draws: Annotated[int | None, typer.Option(help="Monte Carlo draws over uncertain inputs.")] = None,
    seed: Annotated[int, typer.Option(help="Seed for the draws.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    dask: DaskOpt = None,
    record: Annotated[
        bool, typer.Option("--record", help="Store the scenario's question forecasts in the ledger.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Forecast every issue with every bargaining engine: a briefing, or --json."""
    loaded = _load(scenario)
    if draws:
        total = draws
        with Progress(console=err, transient=True, disable=as_json or not err.is_terminal) as bar:
            task = bar.add_task("Monte Carlo", total=total)
            result = run_forecast(
                loaded,
                engines=engine,
                draws=draws,
                seed=seed,
                client=_client(dask),
                progress=lambda k: bar.update(task, completed=k),
            )
    else:
        result = run_forecast(loaded, engines=engine)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        out.print(render(result))
    if record:
        _record(loaded, db, seed, quiet=as_json, draws=draws or 200)


@app.command()
def explain(
    scenario: ScenarioArg = "iran-2026",
    issue: Annotated[list[str] | None, typer.Argument(help="Issues to explain (default: all).")] = None,
    engine: Annotated[list[str] | None, typer.Option("--engine", "-e")] = None,
    n: Annotated[int, typer.Option(help="Base rows of the Sobol design (a power of two).")] = 32,
    seed: Annotated[int, typer.Option()] = 0,
    by: Annotated[str, typer.Option(help="Group inputs by 'actor' or keep each 'input'.")] = "actor",
    top: Annotated[int, typer.Option(help="Factors and tornado bars shown per issue.")] = 5,
    plot: Annotated[Path | None, typer.Option(help="Write a tornado and Sobol chart (PNG).")] = None,
    dask: DaskOpt = None,
) -> None:
    """Which inputs drive each forecast: Sobol indices (SALib) and a one-at-a-time tornado."""
    from standoff.sensitivity import explain as run_explain

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
        from standoff.figures import sensitivity_png

        sensitivity_png(results, plot, top=top)
        out.print(f"wrote {plot}")


@app.command()
def evidence(
    scenario: ScenarioArg = "iran-2026",
    actor: Annotated[str | None, typer.Option(help="Only this actor's stances.")] = None,
    candidates: Annotated[int, typer.Option(help="Candidate passages shown per stance (0: none).")] = 2,
) -> None:
    """Evidence coverage, the quotes used per actor, and candidate passages from the corpus per stance."""
    from standoff.evidence_search import candidates as find_candidates

    loaded = _load(scenario)
    sc = loaded.scenario
    cov = coverage(sc)
    out.print(f"[bold]{sc.title}[/bold]: {cov.total} numeric inputs")
    for support in ("quote", "quote+judgment", "judgment"):
        n = cov.count(support)
        out.print(f"  {support:15} {n:4d}  ({100 * n / max(cov.total, 1):.0f}%)")
    table = Table("actor", "inputs", "quoted", "quotes used", box=None)
    for a in sc.actors:
        if actor and a.id != actor:
            continue
        mine = [i for i in cov.inputs if i.actor == a.id]
        quotes = cov.quotes_by_actor[a.id]
        shown = "; ".join(f"[{d}] “{q[:70]}{'…' if len(q) > 70 else ''}”" for d, q in quotes[:3])
        more = f" (+{len(quotes) - 3} more)" if len(quotes) > 3 else ""
        table.add_row(a.id, str(len(mine)), str(sum(1 for i in mine if i.quotes)), shown + more)
    out.print(table)
    bare = [i for i in cov.judgment_only if not actor or i.actor == actor]
    out.print(
        f"\n[bold]Inputs with no quote[/bold] ({len(bare)}): "
        + ", ".join(i.path for i in bare[:12])
        + (" …" if len(bare) > 12 else "")
    )
    if candidates <= 0:
        return
    found = find_candidates(sc, loaded.corpus, per_stance=candidates)
    out.print("\n[bold]Candidate passages per stance[/bold] (✓ already cited; ★ a quote by the actor)")
    for st in sc.stances:
        if actor and st.actor != actor:
            continue
        for c in found.get((st.actor, st.issue), []):
            mark = ("✓" if c.cited else " ") + ("★" if c.quoted_actor else " ")
            text = c.sentence if len(c.sentence) <= 110 else c.sentence[:109] + "…"
            out.print(f"  {mark} {st.actor}/{st.issue} [{c.doc}, {c.score:g}] {text}", markup=False, highlight=False)


@app.command()
def suggest(
    scenario: ScenarioArg = "iran-2026",
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the drafts (YAML).")] = Path(
        "suggested-stances.yaml"
    ),
) -> None:
    """Draft stance entries with their quotes into a separate file for review (never edits the scenario)."""
    import yaml

    from standoff.evidence_search import draft_stances

    loaded = _load(scenario)
    drafts = draft_stances(loaded.scenario, loaded.corpus)
    if output.resolve() == Path(loaded.source).resolve():
        err.print("refusing to overwrite the scenario itself; choose another --output")
        raise typer.Exit(2)
    header = (
        f"# Draft stances for {loaded.scenario.id}, from its corpus. Review every number before copying\n"
        "# an entry into the scenario's stances: values are placeholders, quotes are verbatim.\n"
    )
    output.write_text(
        header + yaml.safe_dump({"stances": drafts}, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8"
    )
    out.print(f"wrote {len(drafts)} draft stances to {output}")


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for standard input.")],
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory (default: the user's data directory).")] = None,
) -> None:
    """Read articles (text, Markdown, HTML) into a corpus, deduplicated by content."""
    from standoff.corpus.library import default_corpus_dir
    from standoff.corpus.library import ingest as run_ingest

    root = corpus or default_corpus_dir()
    results = run_ingest(paths, root)
    for r in results:
        colour = {"added": "green", "duplicate": "yellow", "skipped": "red"}[r.status]
        out.print(f"[{colour}]{r.status:9}[/{colour}] {r.source}: {r.doc_id or ''} {r.message}", highlight=False)
    out.print(f"corpus: {root / 'corpus.yaml'} (cite it from a scenario with corpus: [that path])")
    if any(r.status == "skipped" for r in results):
        raise typer.Exit(1)


@app.command()
def engines() -> None:
    """List the registered engines."""
    table = Table("name", "what", "rounds", "reference", box=None)
    for s in available():
        table.add_row(s.name, s.title, "yes" if s.rounds else "no", s.reference)
    out.print(table)


@app.command()
def scenarios() -> None:
    """List the built-in scenarios."""
    for name in builtin_scenarios():
        out.print(name)


def _months_text(x: float) -> str:
    return "—" if x != x else "beyond" if x == float("inf") else f"{x:.0f}"


def _rate(r) -> str:  # noqa: ANN001 - a policy.Rate
    return f"{100 * r.p:.0f}% [{100 * r.low:.0f}, {100 * r.high:.0f}]"


def _episodes(files: list[Path] | None):  # noqa: ANN202 - tuple of Episode
    from standoff.episodes import EpisodeFileError, load_episodes
    from standoff.fits import default_episodes

    if not files:
        return default_episodes()
    eps: list = []
    for f in files:
        try:
            # cases the data marks for sensitivity runs only (e.g. a non-state actor) are left out
            eps += [e for e in load_episodes(f) if not e.sensitivity_only]
        except EpisodeFileError as exc:
            err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
    return tuple(eps)


def _prediction_table(predictions) -> Table:  # noqa: ANN001
    table = Table("episode", "observed months", "predicted median", "interval", "log-lik", box=None)
    for p in predictions:
        obs = f"{p.observed_months:.1f}" + ("" if p.event else " (censored)")
        table.add_row(
            p.episode_id,
            obs,
            _months_text(p.median) if p.median == float("inf") else f"{p.median:.1f}",
            f"[{p.lower:.1f}, {p.upper:.1f}] ({100 * p.level:.0f}%)",
            f"{p.loglik:.2f}",
        )
    return table


def _score_table(report) -> Table:  # noqa: ANN001
    table = Table("predictor", "log-likelihood", "concordance", "median |error| in log-months", box=None)
    for row in report.table():
        table.add_row(row["predictor"], f"{row['loglik']:.2f}", f"{row['c_index']:.2f}", f"{row['mae_log_months']:.2f}")
    return table


@app.command()
def calibrate(
    episodes: Annotated[
        list[Path] | None,
        typer.Option("--episodes", help="Episode CSV files (default: Iran-US before 2025)."),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to save the fit.")] = None,
    loo: Annotated[bool, typer.Option("--loo/--no-loo", help="Also run the leave-one-episode-out check.")] = True,
) -> None:
    """Fit the deterrence engine to historical episodes (maximum likelihood with censoring) and save the fit."""
    from standoff.calibration import calibrate as run_calibrate
    from standoff.calibration import leave_one_out, save_fit
    from standoff.fits import default_fit, default_fit_path

    eps = _episodes(episodes)
    with err.status("Calibrating…"):
        fit = default_fit(output, refit=True) if not episodes else run_calibrate(eps)
    if episodes:
        save_fit(fit, output or default_fit_path())
    out.print(f"[bold]Fit on {len(eps)} episodes[/bold]: " + ", ".join(f"{k} = {v:.4g}" for k, v in fit.free.items()))
    out.print(
        f"log-likelihood {fit.loglik:.2f} (fresh noise {fit.loglik_fresh:.2f}); saved to {output or default_fit_path()}"
    )
    out.print(_prediction_table(fit.predictions))
    if loo and len(eps) > 2:
        with err.status("Leave-one-episode-out…"):
            report = leave_one_out(eps, full_fit=fit)
        out.print("[bold]Leave-one-episode-out[/bold] (each episode predicted by a fit without it):")
        out.print(_score_table(report))


@app.command("backtest-episodes")
def backtest_episodes(
    fit_file: Annotated[Path, typer.Option("--fit", help="Training episodes (CSV).")],
    test_file: Annotated[Path, typer.Option("--test", help="Test episodes (CSV).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Fit on one episode file, predict the other: per-episode predictions and scores beside naive baselines."""
    from standoff.calibration import out_of_sample

    train, test = _episodes([fit_file]), _episodes([test_file])
    with err.status("Fitting and predicting…"):
        report = out_of_sample(train, test)
    if as_json:
        preds = [p.__dict__ for p in report.model.predictions] if hasattr(report.model, "predictions") else []
        sys.stdout.write(
            json.dumps(
                {"train": report.train_ids, "test": report.test_ids, "scores": report.table(), "predictions": preds},
                indent=2,
                default=float,
            )
            + "\n"
        )
        return
    out.print(f"trained on {len(train)} episodes, tested on {len(test)}")
    if hasattr(report.model, "predictions"):
        out.print(_prediction_table(report.model.predictions))
    out.print(_score_table(report))


@app.command()
def compare(
    scenario: ScenarioArg = "iran-2026",
    paths: Annotated[int, typer.Option(help="Simulated paths per option.")] = 4000,
    seed: Annotated[int, typer.Option()] = 0,
    option: Annotated[list[str] | None, typer.Option("--option", help="Options to compare (default: all).")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write the simulated paths (PNG).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Policy options side by side: the defiance cycle and the crisis, with common random numbers."""
    from standoff.fits import default_fit
    from standoff.policy import compare as run_compare

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
        from standoff.episodes import iran_us_episodes
        from standoff.figures import paths_png

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
        from standoff.figures import crisis_png

        crisis_png(p, proposer_cost, cost_low, cost_high, plot)
        if not as_json:
            out.print(f"wrote {plot}")


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
    out.print(f"{len(questions)} questions, {len(forecasts)} forecasts, {len(resolutions)} resolved")
    out.print(table)


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
) -> None:
    """Brier and log scores per engine and scenario, the Brier decomposition and calibration."""
    with _store(db) as store:
        scores = store.scores(bins=bins)
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
        from standoff.figures import reliability_png

        reliability_png([s for s in scores if s.scenario is None], plot)
        out.print(f"wrote {plot}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    token: Annotated[
        str | None, typer.Option(help="Required to listen beyond loopback; checked on every request.")
    ] = None,
    scenario: Annotated[
        list[str] | None, typer.Option("--scenario", help="Scenarios to serve (default: built-in).")
    ] = None,
) -> None:
    """The dashboard and its JSON API (FastAPI; Plotly served locally)."""
    from standoff.web import serve as run_server

    try:
        run_server(host=host, port=port, token=token, scenarios=scenario)
    except ValueError as exc:
        err.print(str(exc))
        raise typer.Exit(2) from None


@app.command()
def report(
    scenario: ScenarioArg = "iran-2026",
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML (or PDF) file to write.")] = Path(
        "report.html"
    ),
    draws: Annotated[int, typer.Option(help="Monte Carlo draws for the distributions (0: none).")] = 200,
    seed: Annotated[int, typer.Option()] = 0,
    pdf: Annotated[bool, typer.Option("--pdf", help="Write a PDF with Chromium (apt-get install chromium).")] = False,
    advice: Annotated[
        bool, typer.Option(help="Include advice for the two sides and an outside mediator (a few seconds each).")
    ] = True,
) -> None:
    """One self-contained HTML report (works offline) with the briefing and the figures; --pdf too."""
    from standoff.report import ReportError, write_report

    loaded = _load(scenario)
    try:
        with err.status("Writing the report…"):
            path = write_report(loaded, output, draws=draws or None, seed=seed, pdf=pdf, advice=advice)
    except ReportError as exc:
        err.print(str(exc))
        raise typer.Exit(2) from None
    out.print(f"wrote {path}")


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
    draws: Annotated[int, typer.Option(help="Monte Carlo draws (common to every move).")] = 64,
    seed: Annotated[int, typer.Option()] = 0,
    top: Annotated[int, typer.Option(help="Moves shown.")] = 5,
    objective: Annotated[
        str | None,
        typer.Option(help="'utility' (the actor's) or 'deal' (P(deal)); default: utility, deal for a mediator."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """What the actor can do to move the outcome: its moves ranked by net gain in expected utility."""
    from standoff.advice import advise as run_advise

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


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
