"""Expected-utility engine: draws per second against problem size, peak memory, and share of peak FLOP rate.

Synthetic one-issue problems of n actors (positions, saliences, capabilities
uniform at random), a batch of draws each, a fixed number of rounds so that
every size does the same work per round. Floating-point operations are
counted from the kernel's array expressions (per draw and round: about
``FLOPS_PER_PAIR * n²``, see ``flops_per_round``) and compared with the
machine's peak measured in the same run as a large matrix product (and its
memory bandwidth, a large array copy). Rates are per CPU-second (the machine
may be shared). Last, the peak memory of one chunk at scale: ``--memory-draws``
draws of ``--memory-actors`` actors without detail, in a child process
(its maximum resident set, beside that of the same process after imports and
compilation, and the most memory its NumPy arrays held at once).

    python benchmarks/bench_eu_scaling.py [--draws 2000] [--rounds 5] [--sizes 10 20 50 100 200]
        [--memory-actors 1000] [--memory-draws 256] [--memory-rounds 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe, memory_gbps, peak_gflops  # noqa: E402

from standoff.core.problems import BargainingProblem  # noqa: E402
from standoff.engines.expected_utility import EUSettings, expected_utility  # noqa: E402

# Floating-point operations per ordered pair of actors and round, counted in the kernel
# (an exp or a log counted as one): distances and their three logarithms (shared by a pair
# and its mirror) 4; midpoint 2; third-party sums twice (r = 1 and r: prefix sums 2, the
# pair's difference and side 3, normalisation 1, Scholz denominator 2) 16, plus the powers
# exp(r log d) 2; risk-pass utilities 12 and danger 1; both expected utilities with exp(r log z)
# powers 24; offers and choice 10.
FLOPS_PER_PAIR = 4 + 2 + 16 + 2 + 12 + 1 + 24 + 10


def flops_per_round(n: int) -> float:
    return FLOPS_PER_PAIR * n * n


# One chunk without detail in a fresh process: its peak resident set (MB), after a warm-up.
MEMORY_CHILD = r"""
import resource, sys, tracemalloc
import numpy as np
from standoff.core.problems import BargainingProblem
from standoff.engines.expected_utility import EUSettings, expected_utility
n, draws, rounds = (int(a) for a in sys.argv[1:4])
warm = np.random.default_rng(0).uniform(0, 100, (2, 5))
expected_utility(BargainingProblem.from_points(warm, warm / 100, warm), detail=False)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
rng = np.random.default_rng(1)
pos, sal, cap = rng.uniform(0, 100, (draws, n)), rng.uniform(0.1, 1, (draws, n)), rng.uniform(1, 10, (draws, n))
cfg = EUSettings(max_rounds=rounds, patience=rounds + 1, tol=-1.0)
tracemalloc.start()
expected_utility(BargainingProblem.from_points(pos, sal, cap), detail=False, settings=cfg)
arrays = tracemalloc.get_traced_memory()[1] / 2**20
print(base / 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, arrays)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 50, 100, 200])
    ap.add_argument("--chunk", type=int, default=512)
    ap.add_argument("--memory-actors", type=int, default=1000)
    ap.add_argument("--memory-draws", type=int, default=256)
    ap.add_argument("--memory-rounds", type=int, default=2)
    args = ap.parse_args()
    peak = peak_gflops()
    cfg = EUSettings(max_rounds=args.rounds, patience=args.rounds + 1, tol=-1.0)  # tol < 0: never stops early
    print(f"peak (matrix product, same run): {peak:.1f} GFLOP/s per core; memory (copy): {memory_gbps():.1f} GB/s")
    warm = np.random.default_rng(0).uniform(0, 100, (4, 5))
    expected_utility(BargainingProblem.from_points(warm, warm / 100, warm), detail=False)  # compile the kernel
    print(f"{'actors':>6} {'draws/CPU-s':>11} {'MB peak':>8} {'GFLOP/s':>8} {'share':>6}")
    rng = np.random.default_rng(1)
    for n in args.sizes:
        draws = max(50, args.draws * 20 // n) if n > 20 else args.draws
        chunk = max(8, args.chunk * 20 // n)
        pos, sal, cap = rng.uniform(0, 100, (draws, n)), rng.uniform(0.1, 1, (draws, n)), rng.uniform(1, 10, (draws, n))
        tracemalloc.start()
        start = time.process_time()
        for lo in range(0, draws, chunk):
            sl = slice(lo, lo + chunk)
            expected_utility(BargainingProblem.from_points(pos[sl], sal[sl], cap[sl]), detail=False, settings=cfg)
        seconds = time.process_time() - start
        peak_mem = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        gflops = draws * args.rounds * flops_per_round(n) / seconds / 1e9
        print(f"{n:6d} {draws / seconds:11.1f} {peak_mem:8.1f} {gflops:8.2f} {gflops / peak:6.1%}")
    if args.memory_draws > 0:
        n, draws, rounds = args.memory_actors, args.memory_draws, args.memory_rounds
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", MEMORY_CHILD, str(n), str(draws), str(rounds)],
            capture_output=True,
            text=True,
            check=True,
        )
        base, most, arrays = (float(v) for v in done.stdout.split())
        print(
            f"one chunk of {draws} draws x {n} actors, {rounds} rounds, no detail: peak resident set "
            f"{most:.0f} MB ({base:.0f} MB after imports and compilation), NumPy arrays at most {arrays:.0f} MB "
            f"({time.perf_counter() - start:.0f} s wall)"
        )
    print(f"machine: {describe()}")


if __name__ == "__main__":
    main()
