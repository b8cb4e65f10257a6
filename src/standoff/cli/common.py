"""What every command shares: the app, the consoles, common options, loading a scenario, the ledger."""

from __future__ import annotations

import os
import sys
from pathlib import Path
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
    import sqlalchemy as sa

    from standoff.store import LedgerError, default_url, open_store

    try:
        return open_store(db)
    except (LedgerError, ValueError) as exc:
        problem = str(exc)
    except sa.exc.NoSuchModuleError:
        problem = "unknown database kind; use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
    except sa.exc.ArgumentError as exc:
        problem = f"not a database URL ({_first_line(exc)}); use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
    except ImportError as exc:
        problem = (
            f"the database driver {exc.name or ''} is not installed; use postgresql+psycopg:// "
            "with pip install 'standoff[postgres]'"
        )
    except sa.exc.DBAPIError as exc:
        problem = _first_line(exc.orig or exc)
        if "not a database" in problem or "malformed" in problem:
            problem += "; the file is not a Standoff ledger: give another --db"
        elif "unable to open" in problem or "readonly" in problem:
            problem += "; check that the file's directory exists and is writable"
        else:
            problem += "; check the server address, user and password in the URL"
    except sa.exc.SQLAlchemyError as exc:
        problem = _first_line(exc)
    except OSError as exc:
        problem = f"{exc.strerror or exc}"
    try:
        shown = sa.make_url(db or default_url()).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for the message
        shown = "the given URL"
    err.print(f"cannot open the ledger {shown}: {problem}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _first_line(exc: BaseException | str) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _writable(path: Path, option: str) -> None:
    """Exit with a message unless ``path`` can be written (its folder exists and is writable)."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        problem = "is a folder; give a file name"
    elif not folder.is_dir():
        problem = f"cannot be written: the folder {folder} does not exist; create it or choose another"
    elif not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        problem = "cannot be written: permission denied; choose another place"
    else:
        return
    err.print(f"{option} {path} {problem}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _engine_names(names: list[str] | None) -> list[str] | None:
    """The engines asked for, or exit with a message naming the unknown ones and the known."""
    if not names:
        return names
    from standoff.engines import available

    known = [s.name for s in available()]
    unknown = [n for n in names if n not in known]
    if unknown:
        err.print(f"unknown engine {', '.join(map(repr, unknown))}; known engines: {', '.join(known)}")
        raise typer.Exit(2)
    return names


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
