"""Spatial model (smp): the compiled engine against the plain loop reference and, if present, KTAB itself.

Runs KTAB's two example scenarios (7 actors × 3 dimensions, 40 actors × 1
dimension) through both implementations in the same run, checks they agree,
and prints CPU times (best of ``--repeats``; the machine may be shared) and
ratios, the engine's throughput (turns per CPU-second and an estimate of its
floating-point rate: about ``FLOPS_PER_TRIPLE n³`` per turn) beside the
machine's measured peak FLOP rate and memory bandwidth. The engine's Numba
kernel is compiled (or loaded from Numba's cache) by a warm-up run on each
scenario before anything is timed, so compilation is not in the figures. KTAB's ``smpc`` program is timed too when the
environment variable ``KTAB_SMPC`` names its binary; otherwise that column is
skipped. KTAB is run as ``smpc --logmin --csv FILE --connstr
"Driver=QSQLITE;Database=NAME"`` in a scratch directory: ``--logmin`` is its
lightest recording (it still writes every turn's positions to its SQLite
database; full recording writes gigabytes for the 40-actor case), and its
database and log are deleted after each run. Its time is the CPU time of the
child process (``RUSAGE_CHILDREN``), start-up included, which dominates the
small case. ``smpc`` exits 0 even when it
cannot read a file, so the run is checked by the database it leaves.

    KTAB_SMPC=/path/to/smpc python benchmarks/bench_smp.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import describe, peak_gflops, roofline  # noqa: E402
from reference.smp_loop import smp_loop  # noqa: E402

from standoff.engines.smp import smp  # noqa: E402
from standoff.importers.ktab_csv import read_ktab_csv  # noqa: E402

CASES = ["dummyData_3Dim.csv", "dummyData-a040.csv"]
# Floating-point operations per (initiator, third party, target) and turn, counted in the
# kernel: the challenge's third-party vote 20 (one division), the risk election's vote 4
# (shared by an option pair and its mirror: 2), the value of the actors who stay 1.
FLOPS_PER_TRIPLE = 20 + 2 + 1


def _cpu() -> float:
    """CPU seconds of this process and of its finished children."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def best_of(repeats: int, fn) -> float:  # noqa: ANN001
    """Least CPU seconds of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = _cpu()
        fn()
        times.append(_cpu() - start)
    return min(times)


def run_ktab(binary: str, csv: Path) -> None:
    """One KTAB run of a scenario in a scratch directory (deleted after); raises if it wrote no database."""
    with tempfile.TemporaryDirectory(prefix="ktab-") as tmp:
        subprocess.run(
            [binary, "--logmin", "--csv", str(csv), "--connstr", "Driver=QSQLITE;Database=smpc"],
            check=True,
            capture_output=True,
            cwd=tmp,
        )
        if not (Path(tmp) / "smpc.db").exists():
            raise RuntimeError(f"KTAB wrote no database for {csv.name}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    ktab = os.environ.get("KTAB_SMPC")
    peak = peak_gflops()
    print("CPU seconds (best of the repeats)")
    print(
        f"{'scenario':24} {'smp (s)':>9} {'loop (s)':>9} {'ratio':>7} {'KTAB (s)':>9} {'ratio':>7} "
        f"{'turns/s':>9} {'GFLOP/s':>8} {'of peak':>7}"
    )
    for name in CASES:
        csv = ROOT / "tests" / "data" / "ktab" / name
        sc = read_ktab_csv(csv)
        inputs = (sc.capability[None], sc.unit_position()[None], sc.unit_salience()[None])
        fast_run = smp(*inputs)  # warm-up: compiles the kernel (or loads it from Numba's cache)
        fast = best_of(args.repeats, partial(smp, *inputs))
        start = time.process_time()  # the loop reference is pure Python: no warm-up, timed once
        loop_run = smp_loop(*(a[0].tolist() for a in inputs))
        slow = time.process_time() - start
        agree = np.max(np.abs(np.asarray(loop_run.trajectory) - fast_run.trajectory[0, : len(loop_run.trajectory)]))
        ktab_cell = "skipped"
        ratio_k = ""
        if ktab:
            t = best_of(args.repeats, partial(run_ktab, ktab, csv))
            ktab_cell, ratio_k = f"{t:9.3f}", f"{t / fast:6.0f}x"
        turns = int(fast_run.n_turns.sum())
        gflops = turns * FLOPS_PER_TRIPLE * sc.n_actors**3 / fast / 1e9
        print(
            f"{name:24} {fast:9.6f} {slow:9.3f} {slow / fast:6.0f}x {ktab_cell:>9} {ratio_k:>7} "
            f"{turns / fast:9.0f} {gflops:8.2f} {gflops / peak:7.1%}",
            f"  (max diff {agree:.1e})",
        )
    if not ktab:
        print("KTAB not available (set KTAB_SMPC to its smpc binary to time it here)")
    print(roofline())
    print(f"machine: {describe()}")


if __name__ == "__main__":
    main()
