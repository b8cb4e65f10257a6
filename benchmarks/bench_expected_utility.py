"""Expected-utility engine: batched draws against the plain per-draw loop reference.

Both run the same equations on the same sampled draws of a scenario (every
issue); the loop reference (``tests/reference/eu_loop.py``) was written
independently from the model's equations. Prints draws per second for both,
their ratio, and the machine. Then the product's own path: ``--mc-draws``
Monte Carlo draws (sampling included) on one thread and on every core. Rates
are per CPU-second (the machine may be shared); the machine's measured peak
FLOP rate and memory bandwidth are printed beside them.

    python benchmarks/bench_expected_utility.py [--scenario iran-2026] [--draws 2000] [--mc-draws 10000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import describe, roofline  # noqa: E402
from reference.eu_loop import eu_loop  # noqa: E402

from standoff.engines.expected_utility import expected_utility  # noqa: E402
from standoff.experiments.montecarlo import engine_draws, local_workers  # noqa: E402
from standoff.scenario import load_scenario  # noqa: E402
from standoff.scenario.arrays import compile_scenario  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="iran-2026")
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--loop-draws", type=int, default=20)
    ap.add_argument("--chunk", type=int, default=256)
    ap.add_argument("--mc-draws", type=int, default=10000)
    args = ap.parse_args()

    scenario = load_scenario(args.scenario).scenario
    arrays = compile_scenario(scenario, args.draws, np.random.default_rng(0))
    sizes = {k: p.n_actors for k, p in arrays.problems.items()}
    first = next(iter(arrays.problems.values()))
    expected_utility(
        type(first)(
            first.actors,
            first.position[:2],
            first.salience[:2],
            first.capability[:2],
            first.scale,
            first.status_quo[:2],
            first.veto,
        ),
        detail=False,
    )  # compile the kernel

    start = time.process_time()
    batched = {}
    for issue, p in arrays.problems.items():
        out = []
        for lo in range(0, p.n_draws, args.chunk):
            sl = slice(lo, lo + args.chunk)
            part = type(p)(
                p.actors, p.position[sl], p.salience[sl], p.capability[sl], p.scale, p.status_quo[sl], p.veto
            )
            out.append(expected_utility(part, detail=False).forecast)
        batched[issue] = np.concatenate(out)
    fast = time.process_time() - start

    start = time.process_time()
    worst = 0.0
    for issue, p in arrays.problems.items():
        for d in range(args.loop_draws):
            ref = eu_loop(
                p.position[d],
                p.salience[d],
                p.capability[d],
                p.span,
                veto=[tuple(v) for v in p.veto] if p.has_veto.any() else None,
            )
            vetoed = np.clip(ref["median"][-1], p.veto[:, 0].max(), p.veto[:, 1].min())
            worst = max(worst, abs(vetoed - batched[issue][d]))
    slow = time.process_time() - start

    fast_rate = args.draws / fast
    slow_rate = args.loop_draws / slow
    print(f"scenario {args.scenario}: {len(sizes)} issues, actors per issue {sorted(sizes.values())}")
    for label, count, took, rate in (
        ("batched engine", args.draws, fast, fast_rate),
        ("loop reference", args.loop_draws, slow, slow_rate),
    ):
        print(f"{label} : {count:6d} draws in {took:8.3f} CPU-s = {rate:10.1f} draws/CPU-s (all issues)")
    print(f"ratio          : {fast_rate / slow_rate:.1f}x   (largest forecast difference on shared draws: {worst:.2e})")
    for workers in (1, local_workers()):
        os.environ["STANDOFF_WORKERS"] = str(workers)
        start, cpu = time.perf_counter(), time.process_time()
        engine_draws(scenario, ["expected_utility"], args.mc_draws, seed=1)
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"monte carlo    : {args.mc_draws:6d} draws in {took:8.3f} s wall, {cpu:8.3f} CPU-s on {workers} "
            "thread(s), sampling included"
        )
    print(f"{roofline()}")
    print(f"machine        : {describe()}")


if __name__ == "__main__":
    main()
