"""Monte Carlo over a scenario's uncertain inputs, in seeded fixed-size chunks.

Draws are cut into chunks of ``CHUNK`` draws; chunk ``i`` samples its inputs
from ``numpy.random.default_rng(SeedSequence(seed).spawn(...)[i])``. A child
seed depends only on the seed and the chunk's index, so the same seed gives
the same draws however the chunks are scheduled (one process, in pieces, or on
a cluster), and the first ``N`` draws of a longer run equal a run of ``N``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from standoff.engines import get
from standoff.engines.base import FloatArray
from standoff.scenario.arrays import ScenarioArrays, compile_scenario
from standoff.scenario.model import Scenario

CHUNK = 256


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


def engine_draws(
    scenario: Scenario,
    engines: list[str],
    draws: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> dict[str, dict[str, FloatArray]]:
    """Per issue and engine, the forecast on every draw: ``{issue: {engine: (draws,)}}``."""
    out: dict[str, dict[str, list[FloatArray]]] = {}
    done = 0
    for part in chunks(scenario, draws, seed):
        for issue, problem in part.problems.items():
            per_engine = out.setdefault(issue, {})
            for name in engines:
                per_engine.setdefault(name, []).append(get(name).run(problem, detail=False).forecast)
        done += part.n_draws
        if progress is not None:
            progress(done)
    return {i: {e: np.concatenate(v) for e, v in per.items()} for i, per in out.items()}
