"""Expected-utility engine: draws per second against problem size, peak memory, and share of peak FLOP rate.

Synthetic one-issue problems of n actors (positions, saliences, capabilities
uniform at random), a batch of draws each, a fixed number of rounds so that
every size does the same work per round. Floating-point operations are
counted from the kernel's array expressions (per draw and round: about
``FLOPS_PER_PAIR * n²``, see ``flops_per_round``) and compared with the
machine's peak measured in the same run as a large matrix product.

    python benchmarks/bench_eu_scaling.py [--draws 2000] [--rounds 5] [--sizes 10 20 50 100 200]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402

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


def peak_gflops() -> float:
    a = np.random.default_rng(0).random((1500, 1500))
    a @ a
    start = time.perf_counter()
    reps = 5
    for _ in range(reps):
        a @ a
    return reps * 2 * 1500**3 / (time.perf_counter() - start) / 1e9


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 50, 100, 200])
    ap.add_argument("--chunk", type=int, default=512)
    args = ap.parse_args()
    peak = peak_gflops()
    cfg = EUSettings(max_rounds=args.rounds, patience=args.rounds + 1, tol=-1.0)  # tol < 0: never stops early
    print(f"peak (matrix product, same run): {peak:.1f} GFLOP/s")
    warm = np.random.default_rng(0).uniform(0, 100, (4, 5))
    expected_utility(BargainingProblem.from_points(warm, warm / 100, warm), detail=False)  # compile the kernel
    print(f"{'actors':>6} {'draws/s':>10} {'MB peak':>8} {'GFLOP/s':>8} {'share':>6}")
    rng = np.random.default_rng(1)
    for n in args.sizes:
        draws = max(50, args.draws * 20 // n) if n > 20 else args.draws
        chunk = max(8, args.chunk * 20 // n)
        pos, sal, cap = rng.uniform(0, 100, (draws, n)), rng.uniform(0.1, 1, (draws, n)), rng.uniform(1, 10, (draws, n))
        tracemalloc.start()
        start = time.perf_counter()
        for lo in range(0, draws, chunk):
            sl = slice(lo, lo + chunk)
            expected_utility(BargainingProblem.from_points(pos[sl], sal[sl], cap[sl]), detail=False, settings=cfg)
        seconds = time.perf_counter() - start
        peak_mem = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        gflops = draws * args.rounds * flops_per_round(n) / seconds / 1e9
        print(f"{n:6d} {draws / seconds:10.1f} {peak_mem:8.1f} {gflops:8.2f} {gflops / peak:6.1%}")
    print(f"machine: {describe()}")


if __name__ == "__main__":
    main()
