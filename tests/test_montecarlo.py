"""Monte Carlo: same seed, same numbers, however the draws are split."""

from pathlib import Path

import numpy as np
import pytest

from standoff import montecarlo
from standoff.montecarlo import (
    CHUNK,
    CHUNK_BYTES,
    available_memory,
    chunk_size,
    chunk_sizes,
    design_forecasts,
    draw_bytes,
    engine_draws,
    local_workers,
    sample_chunk,
    workers_for,
)
from standoff.scenario import load_scenario

MINI = load_scenario(Path(__file__).parent / "data" / "mini.yaml").scenario
ENGINES = ["compromise", "expected_utility"]


def test_chunk_sizes():
    assert chunk_sizes(1) == [1]
    assert chunk_sizes(2 * CHUNK + 5) == [CHUNK, CHUNK, 5]
    with pytest.raises(ValueError, match="draws must be >= 1"):
        chunk_sizes(0)


def test_same_seed_same_draws_and_prefix_property():
    a = engine_draws(MINI, ENGINES, 3 * CHUNK, seed=11)
    b = engine_draws(MINI, ENGINES, 3 * CHUNK, seed=11)
    longer = engine_draws(MINI, ENGINES, 5 * CHUNK, seed=11)
    for e in ENGINES:
        np.testing.assert_array_equal(a["enrichment"][e], b["enrichment"][e])
        np.testing.assert_array_equal(a["enrichment"][e], longer["enrichment"][e][: 3 * CHUNK])
    other = engine_draws(MINI, ENGINES, 3 * CHUNK, seed=12)
    assert not np.array_equal(a["enrichment"]["compromise"], other["enrichment"]["compromise"])


def test_one_thread_and_several_give_identical_draws(monkeypatch):
    """Chunks run on a pool of threads; the pool's size changes nothing but the time."""
    runs = {}
    for workers in ("1", "3"):
        monkeypatch.setenv("STANDOFF_WORKERS", workers)
        runs[workers] = engine_draws(MINI, ENGINES, 4 * CHUNK + 7, seed=3)
    for issue, per in runs["1"].items():
        for e in ENGINES:
            np.testing.assert_array_equal(per[e], runs["3"][issue][e])


def test_an_empty_design_runs_nothing():
    assert design_forecasts(MINI, ["compromise"], {"_": np.zeros(0)}, ["enrichment"]) == {}
    assert design_forecasts(MINI, ["compromise"], {"_": np.zeros(3)}, ["enrichment"])["enrichment"][
        "compromise"
    ].shape == (3,)


def test_local_workers_follows_the_environment(monkeypatch):
    monkeypatch.setenv("STANDOFF_WORKERS", "3")
    assert local_workers() == 3
    monkeypatch.delenv("STANDOFF_WORKERS")
    assert local_workers() >= 1


def test_chunks_sampled_out_of_order_equal_the_sequential_run():
    """A worker handed chunk 2 alone samples exactly what the sequential run sampled there."""
    whole = engine_draws(MINI, ["compromise"], 3 * CHUNK, seed=5)["enrichment"]["compromise"]
    alone = sample_chunk(MINI, 5, 2, CHUNK).problems["enrichment"]
    from standoff.engines import get

    np.testing.assert_array_equal(get("compromise").run(alone).forecast, whole[2 * CHUNK :])


def test_uncertain_inputs_are_sampled_within_their_support():
    part = sample_chunk(MINI, 0, 0, CHUNK)
    cap = part.inputs["actors.usa.capability"]
    sal = part.inputs["stances.usa.enrichment.salience"]
    assert cap.min() >= 50 and cap.max() <= 70 and cap.std() > 0
    assert sal.min() >= 0.6 and sal.max() <= 1.0
    assert set(part.inputs) == {"actors.usa.capability", "stances.usa.enrichment.salience"}


def test_chunk_size_keeps_a_chunk_within_its_memory_budget():
    assert chunk_size(18, 8) == CHUNK  # the flagship's draws are unchanged
    for actors, issues in ((1000, 1), (1000, 8), (20000, 1)):
        size = chunk_size(actors, issues)
        assert 1 <= size < CHUNK and size & (size - 1) == 0
        assert size == 1 or size * draw_bytes(actors, issues) <= CHUNK_BYTES
        assert size == CHUNK or 2 * size * draw_bytes(actors, issues) > CHUNK_BYTES


def test_workers_are_limited_by_available_memory(monkeypatch):
    assert available_memory() > 0
    monkeypatch.setenv("STANDOFF_WORKERS", "4")
    monkeypatch.setattr(montecarlo, "available_memory", lambda: 1000)
    assert workers_for(1) == 4
    assert workers_for(500) == 2
    assert workers_for(10_000) == 1
