"""Tests of the SMP engine (KTAB's spatial model of politics) and the KTAB CSV importer.

Known answers: KTAB's own reference runs (KAPSARC's KTAB toolkit, MIT
licence, its ``smpc`` program with default parameters), see
``tests/data/ktab/README.md``.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference.smp_loop import smp_loop

from standoff.core.problems import BargainingProblem
from standoff.engines.smp import (
    SPEC,
    SMPResult,
    _sum,
    expected_position,
    position_distribution,
    risk_attitudes,
    run,
    smp,
)
from standoff.importers.ktab_csv import KtabCsvError, KtabScenario, read_ktab_csv

DATA = Path(__file__).parent / "data" / "ktab"
SCENARIOS = {"dummyData_3Dim": (7, 3, 10), "dummyData-a040": (40, 1, 20)}  # actors, dimensions, turns

#: Positions are compared on KTAB's 0-100 scale (1e-3 there is 1e-5 on [0, 1]).
POSITION_TOL_0_100 = 1e-3


# ---------------------------------------------------------------------------
# Helpers


def _reference_positions(name: str, n: int, k: int) -> np.ndarray:
    """``(T + 1, n, K)`` KTAB's positions on 0-100."""
    with open(DATA / f"{name}_positions.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    turns = max(int(r["turn"]) for r in rows)
    out = np.full((turns + 1, n, k), np.nan)
    for r in rows:
        out[int(r["turn"]), int(r["actor_index"]), int(r["dim"])] = float(r["position"])
    assert not np.isnan(out).any()
    return out


def _log_table(name: str) -> list[dict[str, str]]:
    with open(DATA / f"dummyData_3Dim_log_{name}.csv", newline="") as f:
        return list(csv.DictReader(f))


def _unit(sc: KtabScenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-draw engine inputs from a scenario."""
    return sc.capability[None], sc.unit_position()[None], sc.unit_salience()[None]


def _random_scenario(rng: np.random.Generator, n: int, k: int, draws: int = 1) -> tuple[np.ndarray, ...]:
    """KTAB-like random scenarios: positions on a 0.01 grid of 0-100, saliences summing to 0.5-0.99."""
    cap = rng.uniform(10.0, 200.0, (draws, n))
    pos = np.round(rng.uniform(0.0, 1.0, (draws, n, k)), 4)
    raw = rng.uniform(0.1, 1.0, (draws, n, k))
    sal = raw / raw.sum(-1, keepdims=True) * rng.uniform(0.5, 0.99, (draws, n, 1))
    return cap, pos, sal


@pytest.fixture(scope="module")
def ktab_runs() -> dict[str, tuple[KtabScenario, SMPResult]]:
    out = {}
    for name in SCENARIOS:
        sc = read_ktab_csv(DATA / f"{name}.csv")
        out[name] = (sc, smp(*_unit(sc)))
    return out


# ---------------------------------------------------------------------------
# Reproduction of KTAB


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_reproduces_ktab_positions_every_actor_dimension_turn(name: str, ktab_runs) -> None:
    n, k, turns = SCENARIOS[name]
    _, res = ktab_runs[name]
    ref = _reference_positions(name, n, k)
    assert ref.shape[0] == turns + 1
    assert res.n_turns.tolist() == [turns]
    assert res.stop_reason.tolist() == ["converged"]
    ours = 100.0 * res.trajectory[0]
    assert ours.shape == ref.shape
    err = np.abs(ours - ref)
    worst = np.unravel_index(np.argmax(err), err.shape)
    assert err.max() <= POSITION_TOL_0_100, f"max error {err.max():.3g} at (turn, actor, dim) = {worst}"


def test_ktab_3dim_challenges_match_log(ktab_runs) -> None:
    _, res = ktab_runs["dummyData_3Dim"]
    rows = _log_table("challenges")
    assert len(rows) == 7 * 10
    for r in rows:
        t, i, j = int(r["turn"]), int(r["actor_index"]), int(r["target"])
        assert res.target[0, t, i] == j, f"turn {t} actor {i}"
        if j >= 0:  # logged to 4 decimals
            assert abs(res.target_prob[0, t, i] - float(r["prob"])) <= 5e-5 + 1e-12
            assert abs(res.target_gain[0, t, i] - float(r["gain"])) <= 5e-5 + 1e-12
        else:
            assert np.isnan(res.target_prob[0, t, i])


def test_ktab_3dim_risk_attitudes_match_log(ktab_runs) -> None:
    sc, res = ktab_runs["dummyData_3Dim"]
    logged = np.full((11, 7), np.nan)
    for r in _log_table("risk"):
        logged[int(r["turn"]), int(r["actor_index"])] = float(r["risk"])
    last, _ = risk_attitudes(sc.capability[None], res.trajectory[:, -1], sc.unit_salience()[None])
    ours = np.concatenate([res.risk[0], last])
    assert np.abs(ours - logged).max() <= 5e-4 + 1e-12  # logged to 3 decimals
    assert ours.min() >= -0.5 - 1e-12 and ours.max() <= 1.0 + 1e-12  # KTAB's mid range


def test_ktab_3dim_winning_probabilities_match_log(ktab_runs) -> None:
    sc, res = ktab_runs["dummyData_3Dim"]
    logged = np.full((11, 7), np.nan)
    for r in _log_table("winprob"):
        logged[int(r["turn"]), int(r["actor_index"])] = float(r["prob"])
    states = res.trajectory[0]
    ours = position_distribution(
        np.repeat(sc.capability[None], 11, 0), states, np.repeat(sc.unit_salience()[None], 11, 0)
    )
    assert np.abs(ours - logged).max() <= 5e-5 + 1e-12  # logged to 4 decimals


# ---------------------------------------------------------------------------
# Agreement with the plain-loop reference


def _assert_agrees(res: SMPResult, loop, draw: int = 0, *, adopted: bool = True) -> None:
    """Same turns, trajectory, targets and risk (and, unless ``adopted`` is false, the same bargains)."""
    t = loop.n_turns
    assert res.n_turns[draw] == t
    assert res.stop_reason[draw] == loop.stop_reason
    np.testing.assert_allclose(res.trajectory[draw, : t + 1], np.array(loop.trajectory), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(res.target[draw, :t], np.array(loop.target))
    if adopted:
        np.testing.assert_array_equal(res.adopted[draw, :t], np.array(loop.adopted))
    np.testing.assert_allclose(res.risk[draw, :t], np.array(loop.risk), rtol=0, atol=1e-9)


@pytest.mark.parametrize("name, turns", [("dummyData_3Dim", 100), ("dummyData-a040", 3)])
def test_loop_reference_agrees_on_ktab_scenarios(name: str, turns: int) -> None:
    sc = read_ktab_csv(DATA / f"{name}.csv")
    c, x, s = _unit(sc)
    res = smp(c, x, s, max_turns=turns)
    loop = smp_loop(c[0].tolist(), x[0].tolist(), s[0].tolist(), max_turns=turns)
    _assert_agrees(res, loop)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 6), k=st.integers(1, 3))
def test_loop_reference_agrees_on_random_scenarios(seed: int, n: int, k: int) -> None:
    c, x, s = _random_scenario(np.random.default_rng(seed), n, k)
    res = smp(c, x, s, max_turns=8)
    loop = smp_loop(c[0].tolist(), x[0].tolist(), s[0].tolist(), max_turns=8)
    # Actors that converge on one spot can offer identical (rounded) bargains:
    # which of them is "adopted" is then a tie; the positions must still agree.
    _assert_agrees(res, loop, adopted=False)


@pytest.mark.parametrize(("seed", "n", "k"), [(0, 5, 8), (1, 6, 9), (2, 4, 12)])
def test_loop_reference_agrees_with_eight_dimensions_or_more(seed: int, n: int, k: int) -> None:
    """From eight dimensions the kernel sums distances pairwise, one pair of actors at a time (another path)."""
    c, x, s = _random_scenario(np.random.default_rng(seed), n, k)
    res = smp(c, x, s, max_turns=8)
    loop = smp_loop(c[0].tolist(), x[0].tolist(), s[0].tolist(), max_turns=8)
    _assert_agrees(res, loop, adopted=False)


# ---------------------------------------------------------------------------
# Invariants


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 7), k=st.integers(1, 3))
def test_permuting_actors_permutes_the_trajectory(seed: int, n: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    c, x, s = _random_scenario(rng, n, k)
    perm = rng.permutation(n)
    inv = np.argsort(perm)
    a = smp(c, x, s, max_turns=10)
    b = smp(c[:, perm], x[:, perm], s[:, perm], max_turns=10)
    assert a.n_turns.tolist() == b.n_turns.tolist()
    np.testing.assert_allclose(b.trajectory, a.trajectory[:, :, perm], rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.risk, a.risk[:, :, perm], rtol=0, atol=1e-12)
    relabel = np.where(a.target >= 0, inv[np.maximum(a.target, 0)], -1)
    np.testing.assert_array_equal(b.target, relabel[:, :, perm])
    # (Which of two identical bargains an actor adopts is a tie broken by
    # actor order, so ``adopted`` is not compared; the positions are.)


def test_unanimity_stays_put() -> None:
    rng = np.random.default_rng(7)
    c, _, s = _random_scenario(rng, 5, 2)
    x = np.broadcast_to(np.array([0.3, 0.8]), (1, 5, 2)).copy()
    res = smp(c, x, s)
    assert np.array_equal(res.trajectory, np.broadcast_to(x[:, None], res.trajectory.shape))
    assert (res.target == -1).all()
    assert (res.adopted == -1).all()
    assert np.array_equal(res.risk, np.zeros_like(res.risk))
    assert res.n_turns.tolist() == [2] and res.stop_reason.tolist() == ["converged"]


def test_batch_of_draws_equals_per_draw_runs() -> None:
    rng = np.random.default_rng(2024)
    c, x, s = _random_scenario(rng, 7, 3, draws=4)
    sc = read_ktab_csv(DATA / "dummyData_3Dim.csv")
    c[1], x[1], s[1] = sc.capability, sc.unit_position(), sc.unit_salience()
    batch = smp(c, x, s)
    assert len(set(batch.n_turns.tolist())) > 1, "the batch should mix draws that stop at different turns"
    for d in range(4):
        one = smp(c[d : d + 1], x[d : d + 1], s[d : d + 1])
        t = one.n_turns[0]
        assert batch.n_turns[d] == t
        assert batch.stop_reason[d] == one.stop_reason[0]
        np.testing.assert_array_equal(batch.trajectory[d, : t + 1], one.trajectory[0])
        np.testing.assert_array_equal(batch.target[d, :t], one.target[0])
        np.testing.assert_array_equal(batch.adopted[d, :t], one.adopted[0])
        np.testing.assert_allclose(batch.risk[d, :t], one.risk[0], rtol=0, atol=1e-12)
        # padding after the draw stops
        assert np.array_equal(
            batch.trajectory[d, t:], np.broadcast_to(one.trajectory[0, -1], batch.trajectory[d, t:].shape)
        )
        assert (batch.target[d, t:] == -1).all() and (batch.adopted[d, t:] == -1).all()
        assert np.isnan(batch.risk[d, t:]).all() and np.isnan(batch.movement[d, t:]).all()


@pytest.mark.parametrize("n", [1, 7, 8, 9, 40, 128, 129, 300, 1000])
def test_kernel_sums_in_numpy_order(n: int) -> None:
    rng = np.random.default_rng(n)
    a = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n)
    assert _sum(a, 0, n) == np.sum(a)  # exactly: the same pairwise order


def test_kernel_risk_agrees_with_numpy_pieces_beyond_128_actors() -> None:
    c, x, s = _random_scenario(np.random.default_rng(11), 150, 2)
    res = smp(c, x, s, max_turns=1)
    risk, prob = risk_attitudes(c, x, s)
    np.testing.assert_allclose(res.position_prob[:, 0], prob, rtol=0, atol=1e-14)
    np.testing.assert_allclose(res.risk[:, 0], risk, rtol=0, atol=1e-12)


def test_compiled_kernel_reloads_in_a_fresh_process(tmp_path: Path) -> None:
    """Numba's on-disk cache must reload the kernel (a recursive function with inferred types crashed it).

    The cache lives in an empty directory of its own: the first process compiles from cold and writes
    it, the second loads it, whatever state the shared cache is in."""
    code = (
        "import numpy as np; from standoff.engines.smp import smp; "
        "r = smp(np.ones((1, 3)), np.array([[[0.1], [0.5], [0.9]]]), np.full((1, 3, 1), 0.5)); "
        "assert r.n_turns[0] >= 1"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    for attempt in range(2):  # the first run compiles and writes the cache, the second loads it
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, env=env)
        assert done.returncode == 0, done.stderr
        if attempt == 0:
            assert any(tmp_path.rglob("*.nbi")), "the first run wrote no cache"


def test_inputs_not_mutated_and_result_read_only() -> None:
    c, x, s = _random_scenario(np.random.default_rng(3), 5, 2)
    copies = [a.copy() for a in (c, x, s)]
    res = smp(c, x, s)
    for a, b in zip((c, x, s), copies, strict=True):
        assert np.array_equal(a, b)
    with pytest.raises(ValueError):
        res.trajectory[0, 0, 0, 0] = 0.5


def test_stopping_rule_and_max_turns() -> None:
    sc = read_ktab_csv(DATA / "dummyData_3Dim.csv")
    res = smp(*_unit(sc))
    ratio = res.movement[0] / (res.movement[0, 0] + 1e-4)
    assert ratio[-1] < 0.02 and (ratio[1:-1] >= 0.02).all()
    short = smp(*_unit(sc), max_turns=3)
    assert short.n_turns.tolist() == [3] and short.stop_reason.tolist() == ["max_turns"]
    np.testing.assert_array_equal(short.trajectory[0], res.trajectory[0, :4])


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c, x, s: (c, x, s * 1.5), "sum to at most 1"),
        (lambda c, x, s: (c, x, np.where(np.arange(3)[None, :, None] == 1, 0.0, s)), "actors \\[1\\]"),
        (lambda c, x, s: (c, x + 1.0, s), r"\[0, 1\]"),
        (lambda c, x, s: (-c, x, s), ">= 0"),
        (lambda c, x, s: (c[:, :2], x, s), "capability must be"),
        (lambda c, x, s: (c, x[..., 0], s[..., 0]), r"\(D, n, K\)"),
    ],
)
def test_engine_rejects_invalid_inputs(change, message: str) -> None:
    c = np.ones((1, 3))
    x = np.full((1, 3, 2), 0.5)
    s = np.full((1, 3, 2), 0.4)
    with pytest.raises(ValueError, match=message):
        smp(*change(c, x, s))


def test_one_issue_engine_interface() -> None:
    sc = read_ktab_csv(DATA / "dummyData-a040.csv")
    problem = BargainingProblem.from_points(sc.position[:, 0], sc.unit_salience()[:, 0], sc.capability)
    out = run(problem)
    direct = smp(*_unit(sc))
    np.testing.assert_allclose(out.trajectory, 100.0 * direct.trajectory[..., 0], rtol=0, atol=1e-9)
    expected = expected_position(sc.capability[None], direct.final, sc.unit_salience()[None])
    np.testing.assert_allclose(out.forecast, 100.0 * expected[:, 0], rtol=0, atol=1e-9)
    assert out.forecast_by_round.shape == out.trajectory.shape[:2]
    assert out.forecast_by_round[0, -1] == out.forecast[0]
    assert 0.0 <= out.forecast[0] <= 100.0
    assert out.details["rounds"].tolist() == [20] and out.details["stop"].tolist() == [0]
    lean = run(problem, detail=False)
    assert lean.forecast_by_round is None and "smp" not in lean.details
    np.testing.assert_array_equal(lean.forecast, out.forecast)
    assert SPEC.name == "smp" and SPEC.run is run


# ---------------------------------------------------------------------------
# The KTAB CSV importer


def test_importer_reads_both_reference_scenarios() -> None:
    sc = read_ktab_csv(DATA / "dummyData_3Dim.csv")
    assert sc.name == "DummyData_3Dim"
    assert sc.description == "Dummy scenario to test reading format"
    assert sc.actors[:2] == ("SActor-00", "SActor-01") and sc.n_actors == 7
    assert sc.actor_descriptions[0] == "Random Spatial Actor"
    assert sc.dimensions == ("Pstn1", "Pstn2", "Pstn3")
    assert sc.capability[2] == 129.643
    assert sc.position[0].tolist() == [75.79, 6.37, 70.45]
    assert sc.salience[6].tolist() == [31.75, 27.93, 26.03]
    big = read_ktab_csv(DATA / "dummyData-a040.csv")
    assert (big.n_actors, big.n_dimensions, big.name) == (40, 1, "XYZ")
    assert big.dimensions == ("XYZ Position",)
    assert big.actors[-1] == "Act-1040" and big.capability[-1] == 0.79
    np.testing.assert_allclose(big.unit_position()[0], [0.6303])


GOOD = "S,desc,2,1,\nActor,Description,Power,P1,S1,\nA,a,1.0,10,50,\nB,b,2.0,90,60,\n"


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("", None, "empty file"),
        ("S,desc,2\n", 1, "title line with at least 4 fields"),
        ("S,desc,two,1\n", 1, "integer actor count"),
        ("S,desc,2,0\n", 1, "at least 1 dimension"),
        ("S,desc,2,1\n", 2, "header line"),
        ("S,desc,2,1\nActor,Description,Power,P1\n", 2, "header with 5 fields"),
        ("S,desc,3,1,\nActor,Description,Power,P1,S1\nA,a,1,10,50\nB,b,2,90,60\n", 5, "expected 3 actor rows"),
        (GOOD + "C,c,1,50,50\n", 5, "expected 2 actor rows"),
        (GOOD.replace("A,a,1.0,10,50,", "A,a,1.0,10"), 3, "expected 5 fields"),
        (GOOD.replace("1.0", "strong"), 3, "field 3: expected a number, got 'strong'"),
        (GOOD.replace("1.0", "-1"), 3, "power >= 0"),
        (GOOD.replace(",90,", ",190,"), 4, "position on dimension 1 in \\[0, 100\\]"),
        (GOOD.replace(",60,", ",160,"), 4, "salience on dimension 1 in \\[0, 100\\]"),
        (GOOD.replace("A,a", ",a"), 3, "actor name"),
        (GOOD.replace("B,b", "A,b"), None, "distinct actor names"),
    ],
)
def test_importer_errors_name_file_line_and_expectation(tmp_path: Path, text: str, line, message: str) -> None:
    path = tmp_path / "scenario.csv"
    path.write_text(text)
    where = f"scenario.csv:{line}:" if line is not None else "scenario.csv"
    with pytest.raises(KtabCsvError, match=message) as info:
        read_ktab_csv(path)
    assert where in str(info.value)


def test_importer_salience_total_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text("S,d,2,2\nActor,Description,Power,P1,S1,P2,S2\nA,a,1,10,60,20,50\nB,b,1,10,10,20,10\n")
    with pytest.raises(KtabCsvError, match="two.csv:3: expected actor 'A''s saliences to sum to at most 100, got 110"):
        read_ktab_csv(path)
    with pytest.raises(FileNotFoundError):
        read_ktab_csv(tmp_path / "absent.csv")


def test_importer_ignores_extra_title_fields(tmp_path: Path) -> None:
    """KTAB's reader takes the first four fields of the title line and ignores the rest."""
    path = tmp_path / "extra.csv"
    path.write_text(GOOD.replace("S,desc,2,1,", "S,desc,2,1,  6 dims , 0.5,,"))
    sc = read_ktab_csv(path)
    assert (sc.name, sc.description, sc.n_actors, sc.n_dimensions) == ("S", "desc", 2, 1)
    np.testing.assert_array_equal(sc.position, [[10.0], [90.0]])


def test_importer_accepts_quotes_spaces_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        '"S, with comma" , "d" , 2 , 1\n\nActor,Description,Power,P1,S1\n "A" , "x, y" , 1 , 10 , 50\nB,b,2,90,60\n\n'
    )
    sc = read_ktab_csv(path)
    assert sc.name == "S, with comma" and sc.actors == ("A", "B") and sc.actor_descriptions[0] == "x, y"
    assert not sc.capability.flags.writeable


@settings(max_examples=40, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 4), st.integers(2, 20), st.integers(1, 12)),
    seed=st.integers(0, 2**32 - 1),
    zero_weights=st.booleans(),
)
def test_election_strengths_are_numpys_to_the_bit(shape: tuple[int, int, int], seed: int, zero_weights: bool) -> None:
    """The strengths kernel equals the NumPy expression it replaces (``np.maximum`` of the
    weighted utility differences summed over voters), bit for bit, with zero weights too."""
    from standoff.engines.smp import ELECTION_EPS, _strengths

    rng = np.random.default_rng(seed)
    util = rng.uniform(-1, 1, shape)
    weight = rng.uniform(0, 5, shape[:2])
    if zero_weights:
        weight[:, ::2] = 0.0
    vote = weight[:, :, None, None] * (util[:, :, :, None] - util[:, :, None, :])
    expected = ELECTION_EPS + np.sum(np.maximum(vote, 0.0), axis=1)
    assert _strengths(util, weight).tobytes() == expected.tobytes()
