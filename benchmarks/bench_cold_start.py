"""Cold start: CPU and wall time of a first ``standoff forecast``, with Numba's cache empty, and of a warm one.

Runs ``python -m standoff.cli forecast SCENARIO`` in a subprocess with
``NUMBA_CACHE_DIR`` pointing at a fresh temporary directory (so every kernel
the command uses is compiled), then the same command again with that cache
filled (the warm run). CPU time is the children's user + system time
(``resource.getrusage(RUSAGE_CHILDREN)``), so it counts every thread the
command ran. The command's stderr (where first-run compilation is announced)
is shown for the cold run.

    python benchmarks/bench_cold_start.py [SCENARIO] [--engine NAME ...] [--repeats 1]

``--engine`` passes engines to the command (default: all of them), to see
that a command compiles only the kernels of the engines it runs.

The package is imported the way the child interpreter finds it (set
``PYTHONPATH`` to measure a checkout that is not installed).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(command: list[str], cache: str) -> tuple[float, float, str]:
    """CPU seconds, wall seconds and stderr of one ``standoff`` command with Numba's cache in ``cache``."""
    env = {**os.environ, "NUMBA_CACHE_DIR": cache}
    cpu, wall = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "standoff.cli", *command],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall, cpu = time.perf_counter() - wall, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"standoff {' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return cpu, wall, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="iran-2026")
    parser.add_argument("--engine", action="append", default=[], help="engines to run (default: all)")
    parser.add_argument("--repeats", type=int, default=1, help="cold/warm pairs (each with a fresh cache)")
    args = parser.parse_args()
    command = ["forecast", args.scenario, *(f"--engine={e}" for e in args.engine)]
    print(f"machine: {describe()}")
    print(f"command: standoff {' '.join(command)}")
    for k in range(args.repeats):
        with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
            cold_cpu, cold_wall, stderr = run(command, cache)
            warm_cpu, warm_wall, _ = run(command, cache)
        if k == 0 and stderr.strip():
            print("cold run's stderr:")
            print("".join(f"  | {line}\n" for line in stderr.strip().splitlines()), end="")
        print(f"cold (empty Numba cache): {cold_cpu:6.1f} CPU-s {cold_wall:6.1f} s wall")
        print(f"warm (cache filled):      {warm_cpu:6.1f} CPU-s {warm_wall:6.1f} s wall")


if __name__ == "__main__":
    main()
