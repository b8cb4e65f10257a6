"""The whole flagship forecast: every engine on ``--draws`` Monte Carlo draws, wall and CPU time.

Runs ``standoff.forecast(SCENARIO, draws=N, seed=S)`` (the point run, the
runs without vetoes and the draws of every registered engine, in-process on
a thread per core) after a warm-up forecast that compiles every kernel (or
loads it from Numba's cache), and prints wall seconds, CPU seconds (all
threads) and the earlier figure of issue 18 (55 s wall, 104 CPU-s for
10,000 draws on a 2-core machine, warm cache). Then a profile: each engine
alone on one chunk of draws, in CPU seconds, without and with the package
vetoes applied (their win-set projection is solved with HiGHS), and the
machine's measured limits (peak FLOP rate, memory bandwidth). The machine may be shared: the
load average is printed before and after.

``--save FILE`` writes every engine's draws (``.npz``); ``--compare FILE``
checks this run's draws against such a file bit for bit.

    python benchmarks/bench_forecast.py [--draws 10000] [--seed 2026] [--save F | --compare F]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe, roofline  # noqa: E402

import standoff  # noqa: E402
from standoff.engines import available, get, run_issues  # noqa: E402
from standoff.engines.base import MULTI_ISSUE  # noqa: E402
from standoff.experiments.montecarlo import CHUNK, engine_draws, local_workers, run_engines, sample_chunk  # noqa: E402
from standoff.scenario import load_scenario  # noqa: E402

EARLIER = "55 s wall, 104 CPU-s (issue 18, before the kernels were reworked)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="iran-2026")
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--save", type=Path, help="write every engine's draws to this .npz file")
    ap.add_argument("--compare", type=Path, help="check every engine's draws against this .npz file")
    args = ap.parse_args()

    print(f"machine: {describe()}")
    standoff.forecast(args.scenario, draws=CHUNK, seed=0)  # warm-up: compile or load every kernel
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    wall, cpu = time.perf_counter(), time.process_time()
    standoff.forecast(args.scenario, draws=args.draws, seed=args.seed)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"forecast {args.scenario}, {args.draws} draws, every engine, {local_workers()} threads: "
        f"{wall:.2f} s wall, {cpu:.2f} CPU-s; earlier: {EARLIER}"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")

    scenario = load_scenario(args.scenario).scenario
    engines = [s.name for s in available("bargaining") + available("multi-issue")]
    if args.save or args.compare:
        draws = engine_draws(scenario, engines, args.draws, args.seed)
        flat = {f"{issue}/{engine}": v for issue, per in draws.items() for engine, v in per.items()}
        if args.save:
            np.savez(args.save, **flat)
            print(f"saved {len(flat)} arrays of draws to {args.save}")
        if args.compare:
            with np.load(args.compare) as old:
                differ = sorted(k for k in old.files if k not in flat or not np.array_equal(old[k], flat[k]))
                differ += sorted(set(flat) - set(old.files))
            print(f"compared with {args.compare}: " + ("identical" if not differ else f"DIFFERENT: {differ}"))

    arrays = sample_chunk(scenario, args.seed, 0, CHUNK)
    run_engines(arrays, engines)  # the chunk's win-set (which draws' are empty) is cached per chunk: warm it
    times = {}
    for engine in engines:
        spec = get(engine)
        start = time.process_time()
        run_issues(spec, arrays.problems, detail=spec.kind == MULTI_ISSUE and bool(arrays.packages))
        kernel = time.process_time() - start
        start = time.process_time()
        run_engines(arrays, [engine])
        times[engine] = (kernel, time.process_time() - start)
    total = sum(t for _, t in times.values())
    print(
        f"profile: each engine alone on one chunk of {CHUNK} draws, one thread, CPU-s: the engine, "
        "and with the package vetoes applied (rounds stopped, projection onto the win-set; share of the sum)"
    )
    for engine, (kernel, t) in sorted(times.items(), key=lambda kv: -kv[1][1]):
        print(f"  {engine:18} {kernel:8.3f} {t:8.3f} {t / total:7.1%}")
    print(roofline())
    return 0


if __name__ == "__main__":
    sys.exit(main())
