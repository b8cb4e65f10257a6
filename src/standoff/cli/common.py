"""What every command shares: the app, the consoles, common options, loading a scenario, the ledger."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from standoff.scenario import LoadedScenario, ScenarioError, load_scenario

app = typer.Typer(
    help="Standoff: make a coercive standoff computable.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
history_app = typer.Typer(
    help="The historical record: past international crises (ICB, 1918-2007) as the reference class, "
    "their recurrences and the models fitted on them.",
    no_args_is_help=True,
)
app.add_typer(history_app, name="history")
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


DbOpt = Annotated[str | None, typer.Option("--db", help="Ledger database URL (default: $STANDOFF_DB or a local file).")]


def _store(db: str | None):  # noqa: ANN202 - a standoff.store.Store
    from standoff.store import LedgerError, open_store

    try:
        return open_store(db)
    except (LedgerError, ValueError) as exc:
        err.print(f"cannot open the ledger: {exc}", markup=False)
        raise typer.Exit(2) from None


def _load(scenario: str) -> LoadedScenario:
    """The validated scenario, or every problem printed and exit code 1."""
    _warn_compile()
    try:
        return load_scenario(scenario)
    except ScenarioError as exc:
        _fail(exc)
        raise  # unreachable: _fail exits


def _warn_compile() -> None:
    """On the first run, say why it is slow: the engines' kernels are being compiled (once)."""
    from standoff.engines.kernels import kernels_cached

    if not kernels_cached():
        err.print(
            "First run: compiling the engines' numerical kernels; this takes a minute or two, once.",
            markup=False,
            highlight=False,
        )


def _fail(exc: ScenarioError) -> None:
    n = len(exc.problems)
    err.print(f"{n} problem{'' if n == 1 else 's'}:", style="red", markup=False)
    for p in exc.problems:
        err.print(str(p), markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _months_text(x: float) -> str:
    return "—" if x != x else "beyond" if x == float("inf") else f"{x:.0f}"


def _rate(r) -> str:  # noqa: ANN001 - a core.intervals.Interval of a proportion
    return f"{100 * r.p:.0f}% [{100 * r.low:.0f}, {100 * r.high:.0f}]"
