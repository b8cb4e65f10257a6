"""Commands that publish results: the dashboard and the report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from standoff.cli.common import (
    ScenarioArg,
    _load,
    _writable,
    app,
    err,
    out,
)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port.")] = 8000,
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
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from None


@app.command()
def report(
    scenario: ScenarioArg = "iran-2026",
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML (or PDF) file to write.")] = Path(
        "report.html"
    ),
    draws: Annotated[int, typer.Option(min=0, help="Monte Carlo draws for the distributions (0: none).")] = 200,
    seed: Annotated[int, typer.Option(help="Seed of the random draws (the same seed gives the same numbers).")] = 0,
    pdf: Annotated[bool, typer.Option("--pdf", help="Write a PDF with Chromium (apt-get install chromium).")] = False,
    advice: Annotated[
        bool, typer.Option(help="Include advice for the two sides and an outside mediator (a few seconds each).")
    ] = True,
) -> None:
    """One self-contained HTML report (works offline) with the briefing and the figures; --pdf too."""
    from standoff.web.report import ReportError, write_report

    _writable(output, "--output")
    loaded = _load(scenario)
    try:
        with err.status("Writing the report…"):
            path = write_report(loaded, output, draws=draws or None, seed=seed, pdf=pdf, advice=advice)
    except ReportError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from None
    out.print(f"wrote {path}")


MECHANISM_LINES = 6
