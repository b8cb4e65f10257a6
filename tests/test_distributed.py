"""The same seed gives identical results in-process and on a Dask LocalCluster."""

from pathlib import Path

import numpy as np
import pytest

from standoff.experiments.montecarlo import CHUNK, engine_draws
from standoff.experiments.sensitivity import explain
from standoff.scenario import load_scenario

distributed = pytest.importorskip("distributed")

MINI = load_scenario(Path(__file__).parent / "data" / "mini.yaml").scenario


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


def test_monte_carlo_on_a_cluster_equals_in_process(client):
    engines = ["compromise", "median", "expected_utility"]
    local = engine_draws(MINI, engines, 3 * CHUNK + 17, seed=42)
    remote = engine_draws(MINI, engines, 3 * CHUNK + 17, seed=42, client=client)
    for e in engines:
        np.testing.assert_array_equal(local["enrichment"][e], remote["enrichment"][e])


def test_sensitivity_on_a_cluster_equals_in_process(client):
    local = explain(MINI, n=16, seed=3)
    remote = explain(MINI, n=16, seed=3, client=client)
    assert local == remote
