"""The ``standoff`` command line: parse, call, present. No model logic here.

Each module registers the commands of one subject on the shared Typer app;
heavy libraries (the engines, SciPy, Numba) load inside the commands that use
them, so ``standoff --help`` starts fast.

:func:`main` is the last resort for what no command reports itself: Ctrl-C
stops at once with exit code 130, and any other failure prints one line (no
traceback) and exits non-zero.
"""

from __future__ import annotations

import errno
import os
import sys

import click
import typer

from standoff.cli import (  # noqa: F401 - registers commands
    evidence,
    forecasting,
    history,
    ledger,
    outside_view,
    publish,
    scenarios,
)
from standoff.cli.common import app

INTERRUPTED = 130

# Typer raises its own exceptions, those of the copy of Click it ships (recent versions), or Click's.
_EXIT: tuple[type[BaseException], ...] = (typer.Exit, click.exceptions.Exit)
_USAGE: tuple[type[BaseException], ...] = (click.ClickException,)
_ABORT: tuple[type[BaseException], ...] = (click.Abort, KeyboardInterrupt)
try:
    from typer import _click as _vendored
    from typer import exceptions as _typer_exceptions
except ImportError:  # typer uses Click itself
    pass
else:
    _USAGE += (_vendored.exceptions.ClickException,)
    _ABORT += tuple(c for c in (getattr(_typer_exceptions, "Abort", None),) if c is not None)


def main() -> None:
    """Console-script entry point."""
    try:
        code = app(standalone_mode=False)
    except _EXIT as exc:
        code = exc.exit_code  # type: ignore[attr-defined]
    except _USAGE as exc:
        exc.show()  # type: ignore[attr-defined]
        code = exc.exit_code  # type: ignore[attr-defined]
    except _ABORT:
        _leave("\ninterrupted: stopped before writing anything more", INTERRUPTED)
    except MemoryError:
        _leave("error: out of memory; ask for less (fewer --draws, fewer engines or a smaller scenario)", 1)
    except OSError as exc:
        where = f" {exc.filename}:" if exc.filename else ""
        hint = {
            errno.ENOSPC: "; free some disk space",
            errno.EROFS: "; the file system is read-only: choose another place",
            errno.EACCES: "; choose a place you may write to",
        }.get(exc.errno or 0, "")
        _leave(f"error:{where} {exc.strerror or exc}{hint}", 1)
    except Exception as exc:  # noqa: BLE001 - the last resort: one line, never a traceback
        text = str(exc).strip().splitlines()
        _leave(f"error: {type(exc).__name__}: {text[0] if text else 'unexpected failure'}", 1)
    if code == INTERRUPTED:  # recent Typer turns Ctrl-C into exit code 130 itself
        _leave("\ninterrupted: stopped before writing anything more", INTERRUPTED)
    sys.exit(code if isinstance(code, int) else 0)


def _leave(message: str, code: int) -> None:
    """Print one line and exit; on Ctrl-C at once, without waiting for worker threads still finishing a chunk."""
    try:
        sys.stdout.flush()
    except Exception:  # noqa: BLE001, S110 - stdout may be a closed pipe or a full disk
        pass
    print(message, file=sys.stderr, flush=True)
    if code == INTERRUPTED:
        os._exit(code)
    sys.exit(code)


__all__ = ["app", "main"]
