"""Baseline engines: hand-computed cases and invariants."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import bargaining_problems

from standoff.engines import BargainingProblem, available, get
from standoff.engines.baselines import nash_solution, weighted_mean, weighted_median

BASELINES = ["compromise", "median", "nash"]


def test_hand_computed_four_actors():
    """x = (10, 40, 60, 90), c = (1, 2, 3, 4), s = (1, .5, 1, .25); w = c s = (1, 1, 3, 1), total 6.

    Compromise: (10 + 40 + 180 + 90) / 6 = 320 / 6 = 53.333...
    Median: cumulative weight by position 1, 2, 5, 6; half is 3; first reached at x = 60.
    Nash with SQ = 50: the actors at 10 and 40 gain only left of 50, those at 60 and 90
    only right of it, so no deal beats the status quo for all: the solution is 50.
    """
    p = BargainingProblem.from_points([10, 40, 60, 90], [1, 0.5, 1, 0.25], [1, 2, 3, 4], status_quo=50)
    assert get("compromise").run(p).forecast[0] == pytest.approx(320 / 6)
    assert get("median").run(p).forecast[0] == 60
    assert get("nash").run(p).forecast[0] == 50


def test_hand_computed_nash_interior():
    """x = (60, 80, 100), weights (1, 2, 1), SQ = 50. Everyone gains on (50, 70).
    On (60, 70): gains 70 - x, x - 50, x - 50; maximise log(70 - x) + 3 log(x - 50):
    -1/(70 - x) + 3/(x - 50) = 0 → x - 50 = 3(70 - x) → x = 65."""
    x = np.array([[60.0, 80.0, 100.0]])
    assert nash_solution(x, np.array([[1.0, 2.0, 1.0]]), np.array([50.0]))[0] == pytest.approx(65, abs=1e-9)


def test_veto_bounds_every_baseline():
    veto = np.array([[-np.inf, np.inf], [-np.inf, np.inf], [0, 45.0], [-np.inf, np.inf]])
    p = BargainingProblem.from_points([10, 40, 60, 90], [1, 0.5, 1, 0.25], [1, 2, 3, 4], status_quo=50, veto=veto)
    assert get("compromise").run(p).forecast[0] == 45
    assert get("median").run(p).forecast[0] == 45


def test_disjoint_vetoes_keep_the_status_quo():
    veto = np.array([[0, 20.0], [80, 100.0], [-np.inf, np.inf]])
    p = BargainingProblem.from_points([10, 90, 50], [1, 1, 1], [1, 1, 1], status_quo=30, veto=veto)
    for name in BASELINES + ["expected_utility"]:
        assert get(name).run(p).forecast[0] == 30


def test_registry_lists_every_engine_once():
    names = [s.name for s in available("bargaining")]
    assert names[:3] == BASELINES and "expected_utility" in names and len(set(names)) == len(names)
    with pytest.raises(KeyError, match="unknown engine 'nope'"):
        get("nope")


problems = bargaining_problems(2, 8)


@pytest.mark.parametrize("name", BASELINES)
@given(p=problems, data=st.data())
def test_permutation(name: str, p: BargainingProblem, data: st.DataObject):
    perm = np.array(data.draw(st.permutations(range(p.n_actors))))
    q = BargainingProblem(
        tuple(p.actors[k] for k in perm),
        p.position[:, perm],
        p.salience[:, perm],
        p.capability[:, perm],
        p.scale,
        p.status_quo,
        p.veto[perm],
    )
    assert get(name).run(q).forecast[0] == pytest.approx(get(name).run(p).forecast[0], abs=1e-8)


@pytest.mark.parametrize("name", BASELINES)
@given(p=problems, a=st.floats(0.01, 100), b=st.floats(-1000, 1000))
def test_affine_rescaling(name: str, p: BargainingProblem, a: float, b: float):
    q = BargainingProblem(
        p.actors, a * p.position + b, p.salience, p.capability, (b, 100 * a + b), a * p.status_quo + b, p.veto
    )
    expected = a * get(name).run(p).forecast[0] + b
    assert get(name).run(q).forecast[0] == pytest.approx(expected, rel=1e-7, abs=1e-6 * (1 + abs(b)))


@pytest.mark.parametrize("name", BASELINES)
@given(p=problems, x=st.floats(0, 100))
def test_unanimity(name: str, p: BargainingProblem, x: float):
    q = BargainingProblem(
        p.actors, np.full_like(p.position, x), p.salience, p.capability, p.scale, p.status_quo, p.veto
    )
    assert get(name).run(q).forecast[0] == pytest.approx(x, abs=1e-9)


@pytest.mark.parametrize("name", ["compromise", "median"])
@given(p=problems, k=st.integers(0, 7))
def test_actor_with_all_capability_gets_its_position(name: str, p: BargainingProblem, k: int):
    k %= p.n_actors
    cap = np.zeros_like(p.capability)
    cap[:, k] = 1.0
    q = BargainingProblem(p.actors, p.position, p.salience, cap, p.scale, p.status_quo, p.veto)
    assert get(name).run(q).forecast[0] == pytest.approx(p.position[0, k])


@given(p=problems)
def test_nash_with_one_actor_of_weight_is_its_position_when_it_gains(p: BargainingProblem):
    """The Nash solution is defined by who gains on the status quo; with all weight on one
    actor it is that actor's ideal point (the others, weightless, do not constrain it)."""
    w = np.zeros_like(p.position)
    w[:, 0] = 1.0
    assert nash_solution(p.position, w, p.status_quo)[0] == pytest.approx(p.position[0, 0], abs=1e-6)


def test_batched_equals_one_by_one():
    rng = np.random.default_rng(1)
    x, w = rng.uniform(0, 100, (50, 6)), rng.uniform(0, 1, (50, 6))
    sq = rng.uniform(0, 100, 50)
    for fn in (weighted_mean, weighted_median):
        batch = fn(x, w)
        assert all(batch[d] == fn(x[d : d + 1], w[d : d + 1])[0] for d in range(50))
    batch = nash_solution(x, w, sq)
    assert all(
        batch[d] == pytest.approx(nash_solution(x[d : d + 1], w[d : d + 1], sq[d : d + 1])[0]) for d in range(50)
    )
