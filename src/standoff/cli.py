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
from standoff.scenario import ScenarioError, builtin_scenarios, load_scenario

app = typer.Typer(
    help="Standoff: make a coercive standoff computable.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# Wide enough for the briefing's tables when the output is a file or a pipe.
out = Console(width=None if sys.stdout.isatty() else 130)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 130)

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
) -> None:
    """Forecast every issue with every bargaining engine: a briefing, or --json."""
    try:
        loaded = load_scenario(scenario)
    except ScenarioError as exc:
        _fail(exc)
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

    try:
        loaded = load_scenario(scenario)
    except ScenarioError as exc:
        _fail(exc)
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

    try:
        loaded = load_scenario(scenario)
    except ScenarioError as exc:
        _fail(exc)
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

    try:
        loaded = load_scenario(scenario)
    except ScenarioError as exc:
        _fail(exc)
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


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
