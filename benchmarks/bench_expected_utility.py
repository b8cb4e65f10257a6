"""Expected-utility engine: batched draws against the plain per-draw loop reference.

Both run the same equations on the same sampled draws of a scenario (every
issue); the loop reference (``tests/reference/eu_loop.py``) was written
independently from the model's equations. Prints draws per second for both,
their ratio, and the machine.

    python benchmarks/bench_expected_utility.py [--scenario iran-2026] [--draws 2000] [--loop-draws 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import describe  # noqa: E402
from reference.eu_loop import eu_loop  # noqa: E402

from standoff.engines.expected_utility import expected_utility  # noqa: E402
from standoff.scenario import load_scenario  # noqa: E402
from standoff.scenario.arrays import compile_scenario  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="iran-2026")
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--loop-draws", type=int, default=20)
    ap.add_argument("--chunk", type=int, default=256)
    args = ap.parse_args()

    scenario = load_scenario(args.scenario).scenario
    arrays = compile_scenario(scenario, args.draws, np.random.default_rng(0))
    sizes = {k: p.n_actors for k, p in arrays.problems.items()}

    start = time.perf_counter()
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
    fast = time.perf_counter() - start

    start = time.perf_counter()
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
    slow = time.perf_counter() - start

    fast_rate = args.draws / fast
    slow_rate = args.loop_draws / slow
    print(f"scenario {args.scenario}: {len(sizes)} issues, actors per issue {sorted(sizes.values())}")
    print(f"batched engine : {args.draws:6d} draws in {fast:8.3f} s = {fast_rate:10.1f} draws/s (all issues)")
    print(f"loop reference : {args.loop_draws:6d} draws in {slow:8.3f} s = {slow_rate:10.1f} draws/s (all issues)")
    print(f"ratio          : {fast_rate / slow_rate:.1f}x   (largest forecast difference on shared draws: {worst:.2e})")
    print(f"machine        : {describe()}")


if __name__ == "__main__":
    main()
