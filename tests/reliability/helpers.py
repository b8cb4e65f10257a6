"""Helpers of the reliability suite: running the command line in a subprocess, checking messages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"
BAD = HERE / "bad_scenarios"


def run_cli(args: list[str], *, timeout: float = 60, sigint_after: float | None = None, env: dict | None = None):
    """Run ``standoff ARGS`` in a subprocess (for signals and exit paths); ``(code, stdout, stderr, seconds)``.

    With ``sigint_after``, Ctrl-C is sent that many seconds after the start; the time returned is then the
    time from the signal to the exit."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "standoff.cli", *args],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        # a background process may start with SIGINT ignored; a terminal's Ctrl-C is not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    start = time.monotonic()
    if sigint_after is not None:
        time.sleep(sigint_after)
        proc.send_signal(signal.SIGINT)
        start = time.monotonic()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"standoff {' '.join(args)} hung (> {timeout} s)")
    return proc.returncode, out.decode(), err.decode(), time.monotonic() - start


def one_clear_line(text: str) -> None:
    """No traceback, and something said."""
    assert "Traceback" not in text, text
    assert text.strip(), "no message"
