"""Monte Carlo over a scenario's uncertain inputs, in seeded fixed-size chunks.

Draws are cut into chunks of ``CHUNK`` draws; chunk ``i`` samples its inputs
from ``numpy.random.default_rng(SeedSequence(seed, spawn_key=(i,)))``, the
``i``-th child of ``SeedSequence(seed)``. A child depends only on the seed and
the chunk's index, so the same seed gives the same draws however the chunks
are scheduled (one process, in pieces, or on a Dask cluster), and the first
``N`` draws of a longer run equal a run of ``N``.

With a ``dask.distributed`` client the chunks run as tasks on the cluster;
without one they run in-process on a pool of threads, one per core (NumPy
releases the interpreter lock inside its array loops, so the threads run at
once). Results are assembled in chunk order either way.

Before allocating, a run's memory is estimated (:func:`memory_needed`) and
refused with :class:`MemoryBudgetError` if it cannot fit in the memory
available; a scenario so large that ``CHUNK`` draws would take more than
``CHUNK_BYTES`` runs in smaller chunks (a size fixed by the scenario and
engines, so the same seed still gives the same draws), on fewer threads if
memory is short.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import numpy as np

from standoff.core.problems import FloatArray
from standoff.engines import get, run_issues
from standoff.engines.base import MULTI_ISSUE
from standoff.engines.winset import project_issues, realised_forecasts, win_set
from standoff.scenario.arrays import ScenarioArrays, compile_scenario
from standoff.scenario.model import Scenario

CHUNK = 256
Forecasts = dict[str, dict[str, FloatArray]]

#: Most memory one chunk of draws may take; larger scenarios run in smaller chunks.
CHUNK_BYTES = 256 * 2**20
#: Bytes an engine holds per draw and actor pair: the expected-utility engine's expected utilities
#: and offers (8 + 8 + 1) per round kept; the spatial model's pairwise tables.
PAIR_BYTES = {"expected_utility": 17, "smp": 48}
#: Bytes every engine holds per draw and actor (positions, weights, work vectors).
ACTOR_BYTES = 256
#: Rounds of state a point run keeps for its explanation (the expected-utility engine's cap, plus the start).
DETAIL_ROUNDS = 11
#: Bytes per draw, issue and engine of the results (the forecasts, their concatenation and summaries).
RESULT_BYTES = 8 * 4


#: Share of the available memory a run may plan to use (the estimate is rough; others need memory too).
HEADROOM = 0.75


class MemoryBudgetError(ValueError):
    """A run that would need more memory than is available; the message says what to lower."""


def available_memory() -> int | None:
    """Bytes this process can still allocate: ``MemAvailable``, capped by a cgroup limit (None: unknown).

    ``STANDOFF_MEMORY`` (bytes) overrides it."""
    configured = os.environ.get("STANDOFF_MEMORY")
    if configured:
        try:
            return max(0, int(float(configured)))
        except ValueError:
            pass  # not a number of bytes: ignored
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError):
        pass
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as f:
            limit = f.read().strip()
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as f:
            used = int(f.read().strip())
        if limit != "max":
            found.append(max(0, int(limit) - used))
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def draw_bytes(scenario: Scenario, engines: Sequence[str], *, detail: bool = False) -> int:
    """Estimated bytes the engines hold for one draw of the scenario (``detail``: a point run's explanation)."""
    actors = Counter(st.issue for st in scenario.stances)
    rounds = DETAIL_ROUNDS if detail else 2
    pair = sum(PAIR_BYTES.get(e, 0) for e in engines) * rounds
    return sum(len(engines) * ACTOR_BYTES * n + pair * n * n for n in actors.values())


def chunk_for(scenario: Scenario, engines: Sequence[str]) -> int:
    """Draws per chunk: ``CHUNK``, or fewer if ``CHUNK`` draws of this scenario would exceed ``CHUNK_BYTES``."""
    return max(1, min(CHUNK, CHUNK_BYTES // max(1, draw_bytes(scenario, engines))))


def _gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.1f} MiB"


def memory_needed(scenario: Scenario, engines: Sequence[str], draws: int | None, workers: int | None = None) -> int:
    """Estimated peak bytes of a forecast: the point run, the chunks running at once, and the results."""
    point = draw_bytes(scenario, engines, detail=True)
    if not draws:
        return point
    chunk = chunk_for(scenario, engines)
    running = min(workers or local_workers(), math.ceil(draws / chunk))
    results = draws * len(scenario.issues) * len(engines) * RESULT_BYTES
    return max(point, running * chunk * draw_bytes(scenario, engines) + results)


def check_memory(scenario: Scenario, engines: Sequence[str], draws: int | None) -> None:
    """Refuse, before allocating anything, a run whose estimated memory exceeds what is available."""
    free = available_memory()
    if free is None:
        return
    free = int(free * HEADROOM)
    needed = memory_needed(scenario, engines, draws, workers=1)
    if needed <= free:
        return
    largest = max(Counter(st.issue for st in scenario.stances).values(), default=0)
    if draw_bytes(scenario, engines, detail=True) > free:
        heavy = [e for e in engines if e in PAIR_BYTES]
        hint = (
            f"leave out {', '.join(heavy)} (choose engines with --engine), whose memory grows with actors squared, "
            "or use fewer actors"
            if heavy
            else "use fewer actors or issues"
        )
        raise MemoryBudgetError(
            f"one run of this scenario ({largest} actors on an issue) needs about {_gib(needed)} of memory "
            f"but {_gib(free)} is available; {hint}"
        )
    per_draw = max(1, len(scenario.issues) * len(engines) * RESULT_BYTES)
    fits = max(1, (free - chunk_for(scenario, engines) * draw_bytes(scenario, engines)) // per_draw)
    raise MemoryBudgetError(
        f"{draws:,} draws need about {_gib(needed)} of memory but {_gib(free)} is available; "
        f"lower the number of draws (--draws; about {fits:,} fit)"
    )


def local_workers() -> int:
    """Threads for in-process runs: the cores this process may use (``STANDOFF_WORKERS`` overrides)."""
    configured = os.environ.get("STANDOFF_WORKERS")
    if configured:
        return max(1, int(configured))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def chunk_sizes(draws: int, chunk: int = CHUNK) -> list[int]:
    """Sizes of the chunks that make up ``draws`` draws."""
    if draws < 1:
        raise ValueError(f"draws must be >= 1, got {draws}")
    return [min(chunk, draws - start) for start in range(0, draws, chunk)]


def chunk_rng(seed: int, index: int) -> np.random.Generator:
    """The generator of chunk ``index`` (independent of how many chunks there are)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


def sample_chunk(scenario: Scenario, seed: int, index: int, size: int) -> ScenarioArrays:
    """Chunk ``index`` of the draws: ``size`` samples of every uncertain input."""
    return compile_scenario(scenario, size, chunk_rng(seed, index))


def chunks(scenario: Scenario, draws: int, seed: int) -> Iterator[ScenarioArrays]:
    """Every chunk of a run of ``draws`` draws, in order."""
    for index, size in enumerate(chunk_sizes(draws)):
        yield sample_chunk(scenario, seed, index, size)


def run_engines(arrays: ScenarioArrays, engines: Sequence[str], issues: Sequence[str] | None = None) -> Forecasts:
    """Every engine's forecast on every draw of compiled arrays: ``{issue: {engine: (D,)}}``.

    One-issue engines run issue by issue; multi-issue engines once over all issues.
    With package vetoes a multi-issue engine stops before its first round of exchanges
    that a veto player blocks (:func:`standoff.engines.winset.stop_round`), and every
    engine's forecasts are projected onto the win-set
    (:func:`standoff.engines.winset.project_issues`), which needs every issue of
    a package whichever are asked for."""
    wanted = list(arrays.problems) if issues is None else [i for i in issues if i in arrays.problems]
    packaged = {i for pv in arrays.packages for i in pv.issues}
    chosen = [i for i in arrays.problems if i in wanted or i in packaged]
    out: Forecasts = {i: {} for i in chosen}
    ws = win_set(arrays.problems, arrays.packages)  # shared: which draws' win-sets are empty is solved once
    for e in engines:
        spec = get(e)
        rounds_needed = spec.kind == MULTI_ISSUE and bool(arrays.packages)
        results = run_issues(spec, arrays.problems, detail=rounds_needed, only=chosen)
        if rounds_needed:
            forecasts = realised_forecasts(arrays.problems, arrays.packages, results, ws)
        else:
            forecasts = {i: r.forecast for i, r in results.items()}
        if arrays.packages:
            forecasts = project_issues({i: arrays.problems[i] for i in chosen}, arrays.packages, forecasts, ws)
        for i in chosen:
            out[i][e] = forecasts[i]
    return {i: out[i] for i in wanted}


def _sampled_job(scenario: Scenario, engines: Sequence[str], seed: int, index: int, size: int) -> Forecasts:
    return run_engines(sample_chunk(scenario, seed, index, size), engines)


def _fixed_job(
    scenario: Scenario, engines: Sequence[str], fixed: Mapping[str, FloatArray], issues: Sequence[str]
) -> Forecasts:
    return run_engines(compile_scenario(scenario, fixed=fixed), engines, issues)


def _gather(
    jobs: list[tuple[Callable[..., Forecasts], tuple[Any, ...], int]],
    client: Any,
    progress: Callable[[int], None] | None,
    chunk_bytes: int = 0,
) -> Forecasts:
    """Run ``(function, args, size)`` jobs in-process or on a Dask client; concatenate in job order.

    ``chunk_bytes``: estimated memory of one job, to run fewer at once when memory is short."""
    if client is None:
        workers = max(1, min(len(jobs), local_workers()))
        free = available_memory() if chunk_bytes else None
        if free is not None:
            workers = max(1, min(workers, free // 2 // max(1, chunk_bytes)))
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            futures = [pool.submit(fn, *args) for fn, args, _ in jobs]
            sizes = dict(zip(futures, (size for _, _, size in jobs), strict=True))
            done = 0
            for future in as_completed(futures):
                future.result()  # a failed chunk stops the run at once
                done += sizes[future]
                if progress is not None:
                    progress(done)
            results = [f.result() for f in futures]
        except BaseException:
            # Ctrl-C or a failed chunk: drop the chunks not started instead of running them all first.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    else:
        from distributed import as_completed as finished

        futures = [client.submit(fn, *args, pure=False) for fn, args, _ in jobs]
        sizes = {f.key: size for f, (_, _, size) in zip(futures, jobs, strict=True)}
        done = 0
        for future in finished(futures):
            done += sizes[future.key]
            if progress is not None:
                progress(done)
        results = client.gather(futures)
    out: dict[str, dict[str, list[FloatArray]]] = {}
    for part in results:
        for issue, per in part.items():
            for engine, values in per.items():
                out.setdefault(issue, {}).setdefault(engine, []).append(values)
    return {i: {e: np.concatenate(v) for e, v in per.items()} for i, per in out.items()}


def engine_draws(
    scenario: Scenario,
    engines: Sequence[str],
    draws: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    client: Any = None,
) -> Forecasts:
    """Per issue and engine, the forecast on every Monte Carlo draw: ``{issue: {engine: (draws,)}}``.

    ``client``: a ``dask.distributed.Client`` to run the chunks on (default: in-process).
    """
    check_memory(scenario, engines, draws)
    chunk = chunk_for(scenario, engines)
    jobs = [
        (_sampled_job, (scenario, list(engines), seed, k, size), size)
        for k, size in enumerate(chunk_sizes(draws, chunk))
    ]
    return _gather(jobs, client, progress, chunk * draw_bytes(scenario, engines))


def design_forecasts(
    scenario: Scenario,
    engines: Sequence[str],
    fixed: Mapping[str, FloatArray],
    issues: Sequence[str],
    progress: Callable[[int], None] | None = None,
    client: Any = None,
) -> Forecasts:
    """Forecasts for a design of chosen input values (rows of ``fixed``), in chunks, in-process or on Dask."""
    rows = len(next(iter(fixed.values())))
    jobs = []
    for start in range(0, rows, CHUNK):
        part = {k: np.asarray(v[start : start + CHUNK]) for k, v in fixed.items()}
        jobs.append((_fixed_job, (scenario, list(engines), part, list(issues)), min(CHUNK, rows - start)))
    return _gather(jobs, client, progress)
