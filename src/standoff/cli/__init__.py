"""The ``standoff`` command line: parse, call, present. No model logic here.

Each module registers the commands of one subject on the shared Typer app;
heavy libraries (the engines, SciPy, Numba) load inside the commands that use
them, so ``standoff --help`` starts fast.
"""

from standoff.cli import evidence, forecasting, history, ledger, publish, scenarios  # noqa: F401 - registers commands
from standoff.cli.common import app


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
