"""Commands about scenario files: validate them, list the built-in ones and the engines."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from standoff.cli.common import (
    app,
    err,
    out,
)
from standoff.scenario import ScenarioError, builtin_scenarios, load_scenario


@app.command()
def validate(files: Annotated[list[str], typer.Argument(help="Scenario files or built-in names.")]) -> None:
    """Check scenario files; report every problem at once and exit non-zero if any."""
    bad = 0
    for f in files:
        try:
            s = load_scenario(f).scenario
            from standoff.experiments.questions import unknown_engines  # the engines check the questions' sources

            problems = [f"{f}: {path}: {message}" for path, message in (unknown_engines(s) if s.questions else [])]
        except ScenarioError as exc:
            problems = [str(p) for p in exc.problems]
        if problems:
            bad += 1
            n = len(problems)
            err.print(f"{f}: {n} problem{'' if n == 1 else 's'}", style="red", markup=False)
            for p in problems:
                err.print(p, markup=False, highlight=False, soft_wrap=True)
            continue
        out.print(
            f"{f}: valid ({len(s.actors)} actors, {len(s.issues)} issues, {len(s.stances)} stances; every quote found)"
        )
    if bad:
        raise typer.Exit(1)


@app.command()
def engines() -> None:
    """List the registered engines: name, kind, what it is and the paper it implements."""
    from standoff.engines import available

    table = Table("name", "kind", "what", "rounds", "reference", box=None)
    for s in available():
        table.add_row(s.name, s.kind, s.title, "yes" if s.rounds else "no", s.reference)
    out.print(table)


@app.command()
def scenarios() -> None:
    """List the built-in scenarios."""
    for name in builtin_scenarios():
        out.print(name)
