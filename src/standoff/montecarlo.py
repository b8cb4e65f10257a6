"""Monte Carlo over a scenario's uncertain inputs, in seeded fixed-size chunks.

Draws are cut into chunks of ``CHUNK`` draws, fewer for a scenario so large
that a chunk's arrays would pass ``CHUNK_BYTES`` (:func:`chunk_size`: a
function of the numbers of actors and issues only, so a seed gives the same
draws on every machine); chunk ``i`` samples its inputs
from ``numpy.random.default_rng(SeedSequence(seed, spawn_key=(i,)))``, the
``i``-th child of ``SeedSequence(seed)``. A child depends only on the seed and
the chunk's index, so the same seed gives the same draws however the chunks
are scheduled (one process, in pieces, or on a Dask cluster), and the first
``N`` draws of a longer run equal a run of ``N``.

With a ``dask.distributed`` client the chunks run as tasks on the cluster;
without one they run in-process on a pool of threads, one per core (NumPy
releases the interpreter lock inside its array loops, so the threads run at
once), as many at once as available memory holds (:func:`workers_for`;
fewer threads change no result). Results are assembled in chunk order either
way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import numpy as np

from standoff.engines import get
from standoff.engines.base import FloatArray
from standoff.scenario.arrays import ScenarioArrays, compile_scenario
from standoff.scenario.model import Scenario

CHUNK = 256
#: Memory a chunk's per-draw arrays may take (bytes); sets the chunk size of large scenarios.
CHUNK_BYTES = 512 * 2**20
Forecasts = dict[str, dict[str, FloatArray]]


def local_workers() -> int:
    """Threads for in-process runs: the cores this process may use (``STANDOFF_WORKERS`` overrides)."""
    configured = os.environ.get("STANDOFF_WORKERS")
    if configured:
        return max(1, int(configured))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def draw_bytes(actors: int, issues: int) -> int:
    """Memory one draw of a chunk takes at most (bytes), from the engines' per-draw arrays:
    ``smp``'s states and turn records (101 states and 6 records of 100 turns per actor), the
    exchange model's positions and voting positions (21 per actor and issue, three copies),
    and the sampled inputs (float64 throughout)."""
    return 8 * ((101 + 6 * 100) * actors + 3 * 21 * actors * issues + 8 * actors * issues)


def scratch_bytes(actors: int, issues: int) -> int:
    """Memory a chunk takes whatever its size (bytes): per-draw scratch space reused by every
    draw; the exchange model's candidates (about ``m² n² / 8``, 40 values each) dominate."""
    return 8 * (12 * actors**2 + 5 * issues**2 * actors**2 + actors**2 * issues)


def chunk_size(actors: int, issues: int) -> int:
    """Draws per chunk: ``CHUNK``, or for scenarios whose chunk would pass ``CHUNK_BYTES`` the
    largest power of two below it that fits (at least 1)."""
    size = CHUNK
    while size > 1 and size * draw_bytes(actors, issues) > CHUNK_BYTES:
        size //= 2
    return size


def available_memory() -> int:
    """Memory available to new allocations (bytes; the kernel's estimate where it gives one)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 2**62  # unknown: no limit


def workers_for(job_bytes: int) -> int:
    """Threads for jobs of ``job_bytes`` each: :func:`local_workers`, fewer if available memory
    holds fewer such jobs at once (at least one)."""
    return max(1, min(local_workers(), available_memory() // max(1, job_bytes)))


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


def scenario_chunk(scenario: Scenario) -> int:
    """Draws per chunk for a scenario (:func:`chunk_size` of its actors and issues)."""
    return chunk_size(len(scenario.actors), len(scenario.issues))


def chunk_bytes(scenario: Scenario, size: int) -> int:
    """Memory a chunk of ``size`` draws of a scenario takes at most (bytes)."""
    n, m = len(scenario.actors), len(scenario.issues)
    return size * draw_bytes(n, m) + scratch_bytes(n, m)


def chunks(scenario: Scenario, draws: int, seed: int) -> Iterator[ScenarioArrays]:
    """Every chunk of a run of ``draws`` draws, in order."""
    for index, size in enumerate(chunk_sizes(draws, scenario_chunk(scenario))):
        yield sample_chunk(scenario, seed, index, size)


def run_engines(arrays: ScenarioArrays, engines: Sequence[str], issues: Sequence[str] | None = None) -> Forecasts:
    """Every engine's forecast on every draw of compiled arrays: ``{issue: {engine: (D,)}}``.

    One-issue engines run issue by issue; multi-issue engines once over all issues."""
    chosen = arrays.problems if issues is None else {i: arrays.problems[i] for i in issues}
    out: Forecasts = {i: {} for i in chosen}
    for e in engines:
        spec = get(e)
        if spec.kind == "multi-issue":
            for issue, result in spec.run(arrays.problems, detail=False).items():  # type: ignore[arg-type]
                if issue in out:
                    out[issue][e] = result.forecast
        else:
            for issue, p in chosen.items():
                out[issue][e] = spec.run(p, detail=False).forecast
    return out


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
    job_bytes: int,
) -> Forecasts:
    """Run ``(function, args, size)`` jobs in-process (as many at once as memory holds for jobs
    of ``job_bytes``) or on a Dask client; concatenate in job order."""
    if client is None:
        with ThreadPoolExecutor(max_workers=max(1, min(len(jobs), workers_for(job_bytes)))) as pool:
            futures = [pool.submit(fn, *args) for fn, args, _ in jobs]
            sizes = dict(zip(futures, (size for _, _, size in jobs), strict=True))
            done = 0
            for future in as_completed(futures):
                done += sizes[future]
                if progress is not None:
                    progress(done)
            results = [f.result() for f in futures]
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
    chunk = scenario_chunk(scenario)
    jobs = [
        (_sampled_job, (scenario, list(engines), seed, k, size), size)
        for k, size in enumerate(chunk_sizes(draws, chunk))
    ]
    return _gather(jobs, client, progress, chunk_bytes(scenario, chunk))


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
    chunk = scenario_chunk(scenario)
    jobs = []
    for start in range(0, rows, chunk):
        part = {k: np.asarray(v[start : start + chunk]) for k, v in fixed.items()}
        jobs.append((_fixed_job, (scenario, list(engines), part, list(issues)), min(chunk, rows - start)))
    return _gather(jobs, client, progress, chunk_bytes(scenario, chunk))
