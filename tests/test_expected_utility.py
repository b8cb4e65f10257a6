"""The expected-utility engine: hand-computed case, published replication,
agreement with the independent loop reference, and invariants."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference.eu_loop import eu_loop
from reference.published import EMISSIONS_BDM1994
from strategies import bargaining_problems

from standoff.core.problems import BargainingProblem
from standoff.engines.expected_utility import CONFRONTATION, NONE, EUSettings, eu_round, expected_utility

A = math.sqrt(0.5)


def test_hand_computed_three_actors():
    """x = (0, .5, 1), c = (1, 3, 2), s = .5 each, Δ = 1, Q = T = 1, Scholz reading.

    Worked on paper in ``test_eu_loop_reference.test_hand_computed_three_actors``:
    first pass (r = 1) dangers S = (13/36, 3/36, 8/36) give R = (1, -1, 0) and
    r = (0.5, 2, 1). With those exponents P_01 = a/15, P_10 = 7/60, P_02 = 1/15,
    P_20 = 2/15, P_12 = (.875 - .5a)/7.5, P_21 = 1/15 (a = sqrt .5), and
    EU(0→1) = (1 - a/15)(1 - √3) - 2 + 4a ≈ 0.1309 < EU(1→0) ≈ 0.1818 (both with
    r_0): actor 0 faces confrontations from 1 and 2 and moves to 0.5 (smallest
    move); actor 1 gets no offer; actor 2 is confronted by 1 (1/15 < P_12) and
    moves to 0.5. Round 2: all at 0.5, nothing moves: "settled" after 2 rounds.
    """
    p = BargainingProblem.from_points([0.0, 0.5, 1.0], [0.5] * 3, [1.0, 3.0, 2.0], scale=(0, 1))
    r = expected_utility(p)
    d = r.details
    s3 = math.sqrt(3)
    p12 = (0.875 - 0.5 * A) / 7.5
    np.testing.assert_allclose(d["risk"][0, 0], [0.5, 2.0, 1.0], atol=1e-12)
    assert d["eu_own"][0, 0, 0, 1] == pytest.approx((1 - A / 15) * (1 - s3) - 2 + 4 * A, abs=1e-12)
    assert d["eu_other"][0, 0, 0, 1] == pytest.approx((53 / 60) * (1 - s3) - 2 + 4 * A, abs=1e-12)
    assert d["eu_own"][0, 0, 2, 1] == pytest.approx(1 / 15, abs=1e-12)
    assert d["eu_other"][0, 0, 2, 1] == pytest.approx(p12, abs=1e-12)
    assert d["eu_own"][0, 0, 1, 0] == pytest.approx(7 / 60 - 0.25, abs=1e-12)
    offers = d["offer"][0, 0]
    assert offers[0].tolist() == [NONE, CONFRONTATION, CONFRONTATION]
    assert offers[1].tolist() == [NONE, NONE, NONE]
    assert offers[2].tolist() == [NONE, CONFRONTATION, NONE]
    np.testing.assert_array_equal(r.trajectory[0, 1], [0.5, 0.5, 0.5])
    assert d["rounds"][0] == 2 and d["stop"][0] == 0
    assert r.forecast[0] == 0.5


EMISSIONS = EMISSIONS_BDM1994


def emissions() -> BargainingProblem:
    names, cap, pos, sal = zip(*EMISSIONS, strict=True)
    return BargainingProblem.from_points(pos, np.array(sal) / 100, cap, scale=(4, 10), status_quo=4, actors=names)


def test_published_emission_standards_replication():
    """Scholz et al. (2011), Q = 1: median 8.4 after round 1, 9.9 over rounds 2-5,
    the weighted mean near 7.3-7.6 (7.39 at the start). We get 8.416 after round 1
    and 9.61, 9.96, 10.0, 10.0 over rounds 2-5 (mean 9.89); the weighted mean
    7.39 → 7.46 → 7.55 → 7.59 → 7.60 → 7.61."""
    r = expected_utility(emissions(), settings=EUSettings(max_rounds=5, patience=10))
    med = r.details["median_by_round"][0]
    mean = r.details["mean_by_round"][0]
    assert mean[0] == pytest.approx(7.39, abs=0.005)
    assert med[1] == pytest.approx(8.4, abs=0.05)
    assert np.mean(med[2:6]) == pytest.approx(9.9, abs=0.05)
    assert np.all((mean >= 7.3) & (mean <= 7.65))
    assert r.details["stop"][0] == 2  # ran to the cap of 5 rounds


def random_problem(rng: np.random.Generator, n: int, draws: int = 1, grid: bool = False) -> BargainingProblem:
    """Random positions; ``grid`` puts them on multiples of 10, so that actors share positions."""
    pos = rng.choice(np.linspace(0, 100, 11), size=(draws, n)) if grid else rng.uniform(0, 100, (draws, n))
    return BargainingProblem.from_points(
        pos, rng.uniform(0.05, 1, (draws, n)), rng.uniform(0.1, 5, (draws, n)), scale=(0, 100), status_quo=50
    )


@pytest.mark.parametrize("reading", ["scholz", "pairwise"])
@pytest.mark.parametrize("q", [1.0, 0.5])
@pytest.mark.parametrize("rank", ["smallest_move", "scholz"])
def test_agrees_with_loop_reference(reading: str, q: float, rank: str):
    """The vectorised engine and the loop reference, written independently, agree
    on every round's positions, forecasts, risk exponents and offers."""
    rng = np.random.default_rng(7)
    cfg = EUSettings(q=q, t=0.5, p_reading=reading, offer_rank=rank, mu="median", max_rounds=6)
    for _ in range(12):
        p = random_problem(rng, int(rng.integers(3, 9)), grid=rng.random() < 0.3)
        r = expected_utility(p, settings=cfg)
        ref = eu_loop(
            p.position[0],
            p.salience[0],
            p.capability[0],
            p.span,
            q=q,
            t=0.5,
            p_reading=reading,
            offer_rank=rank,
            max_rounds=6,
        )
        rounds = int(r.details["rounds"][0])
        assert rounds == ref["rounds"]
        np.testing.assert_allclose(r.trajectory[0, : rounds + 1], ref["positions"], atol=1e-9)
        np.testing.assert_allclose(r.details["median_by_round"][0, : rounds + 1], ref["median"], atol=1e-9)
        np.testing.assert_allclose(r.details["risk"][0, :rounds], ref["risk"], atol=1e-9)
        names = np.array(["none", "confrontation", "compromise", "capitulation"])
        assert names[r.details["offer"][0, :rounds]].tolist() == ref["offers"]


def test_batch_equals_single_draws():
    rng = np.random.default_rng(3)
    batch = random_problem(rng, 6, draws=20)
    r = expected_utility(batch)
    for d in range(20):
        one = BargainingProblem(
            batch.actors,
            batch.position[d : d + 1],
            batch.salience[d : d + 1],
            batch.capability[d : d + 1],
            batch.scale,
            batch.status_quo[d : d + 1],
            batch.veto,
        )
        single = expected_utility(one)
        k = int(single.details["rounds"][0])
        np.testing.assert_allclose(r.trajectory[d, : k + 1], single.trajectory[0], atol=1e-12)
        assert r.forecast[d] == single.forecast[0]


def test_pairwise_arrays_are_only_kept_when_recorded():
    """Without detail the per-draw (n, n) arrays are computed in one draw's space: same results."""
    rng = np.random.default_rng(5)
    batch = random_problem(rng, 7, draws=12)
    full, lean = expected_utility(batch), expected_utility(batch, detail=False)
    assert "eu_own" in full.details and "eu_own" not in lean.details
    np.testing.assert_array_equal(full.trajectory, lean.trajectory)
    np.testing.assert_array_equal(full.forecast, lean.forecast)
    x, s, c = batch.position, batch.salience, batch.capability
    kept, scratch = (
        eu_round(x, s, c, batch.span, EUSettings()),
        eu_round(x, s, c, batch.span, EUSettings(), pairs=False),
    )
    assert set(kept) - set(scratch) == {"eu_own", "eu_other", "offer"}
    for name, values in scratch.items():
        np.testing.assert_array_equal(values, kept[name])


actors = st.integers(min_value=3, max_value=7)


@given(p=bargaining_problems(3, 7, status_quo=50.0, distinct_positions=True), data=st.data())
def test_permuting_actors_permutes_results(p: BargainingProblem, data: st.DataObject):
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
    # Continuous positions: exact ties (equal moves in opposite directions, exactly half the
    # weight on each side), which the model breaks by actor order, have probability zero.
    a, b = expected_utility(p), expected_utility(q)
    assert a.forecast[0] == pytest.approx(b.forecast[0], abs=1e-9)
    np.testing.assert_allclose(a.trajectory[0][:, perm], b.trajectory[0], atol=1e-9)


@given(p=bargaining_problems(3, 7, status_quo=50.0), scale=st.floats(0.01, 100), shift=st.floats(-1000, 1000))
def test_affine_change_of_scale(p: BargainingProblem, scale: float, shift: float):
    """Positions, scale and status quo mapped by x → a x + b: the forecast maps the same way."""
    q = BargainingProblem(
        p.actors,
        scale * p.position + shift,
        p.salience,
        p.capability,
        (shift, 100 * scale + shift),
        scale * p.status_quo + shift,
        p.veto,
    )
    a, b = expected_utility(p), expected_utility(q)
    assert b.forecast[0] == pytest.approx(scale * a.forecast[0] + shift, rel=1e-7, abs=1e-7 * (1 + abs(shift)))


@given(p=bargaining_problems(3, 7), x=st.floats(0, 100))
def test_unanimity_stays_put(p: BargainingProblem, x: float):
    n = p.n_actors
    p = BargainingProblem.from_points(np.full(n, x), p.salience[0], p.capability[0])
    r = expected_utility(p)
    assert r.forecast[0] == x
    assert np.all(r.trajectory == x)


@given(problem=bargaining_problems(3, 7), k=st.integers(0, 6))
def test_actor_with_all_capability_gets_its_position(problem: BargainingProblem, k: int):
    """Only k has capability, so every third-party vote favours k (P_jk = 0) and, with
    s_k = 1 (k surely resists), EU(j→k) = U^f - U^sq < 0: nobody can move k, and the
    weighted median sits on k. (With s_k < 1 the model lets k yield to uncontested
    demands, since salience is read as the probability of resisting; the forecast
    then follows k wherever it goes.)"""
    n = problem.n_actors
    k = k % n
    cap = np.zeros(n)
    cap[k] = 1.0
    sal = problem.salience[0].copy()
    sal[k] = 1.0
    p = BargainingProblem.from_points(problem.position[0], sal, cap)
    r = expected_utility(p)
    assert r.forecast[0] == p.position[0, k]
    assert np.all(r.trajectory[0, :, k] == p.position[0, k])


def test_veto_player_is_never_moved_out_of_its_range():
    p = emissions()
    veto = np.tile([-np.inf, np.inf], (10, 1))
    veto[3] = (4.0, 6.0)  # Germany accepts at most six years' delay
    q = BargainingProblem(p.actors, p.position, p.salience, p.capability, p.scale, p.status_quo, veto)
    r = expected_utility(q, settings=EUSettings(max_rounds=5))
    assert np.all(r.trajectory[0, :, 3] <= 6.0)
    assert r.forecast[0] <= 6.0
    assert expected_utility(p, settings=EUSettings(max_rounds=5)).forecast[0] > 6.0
