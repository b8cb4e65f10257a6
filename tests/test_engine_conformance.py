"""Conformance: every registered engine keeps the interface's promises.

Parametrised over the registry (``standoff.engines.available()``), so a new
engine is checked as soon as it is registered. Problems are drawn as arrays
(``hypothesis.extra.numpy``), not from seeds, so a failure shrinks to a small
array. The properties, and the engines they apply to:

* same problem (and seed), same result — every engine;
* the problem's arrays are not mutated — every engine;
* non-contiguous, Fortran-ordered and read-only arrays are accepted and give
  the result of plain arrays — every engine;
* a run on draws ``[:2]`` and one on ``[2:]`` equal one run on all five —
  engines declared ``batched``;
* relabelling the actors permutes the outputs — issue engines;
* permuting the issues permutes the outputs — multi-issue engines;
* when every actor holds one position, the forecast is that position — issue engines;
* round-based issue engines say, per draw, how many rounds ran and why they stopped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from standoff.core.problems import STOP_NAMES, BargainingProblem, BargainingResult, IssuesProblem, IssuesResult
from standoff.engines import available, run_issues
from standoff.engines.adapters import (
    ScreeningProblem,
    SequentialDemandsProblem,
    ShiftingPowerProblem,
    StatusQuoProblem,
)
from standoff.engines.base import BARGAINING, CRISIS, DYNAMICS, MULTI_ISSUE, EngineSpec
from standoff.engines.deterrence import DeterrenceParams, DeterrenceProblem

ENGINES = available()
ISSUE_KINDS = (BARGAINING, MULTI_ISSUE)
#: Outcomes equal to 1e-3 of the scale (0-100 here) count as equal when only the order of
#: summation changes: the SMP rounds bargains to 4 decimals of [0, 1], as KTAB does.
TOL = 0.1
#: Derandomised and without the example database, so every run tries the same examples (a strict
#: xfail must fail every time, not only when a saved example happens to be replayed).
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
    report_multiple_bugs=False,
)


def _ids(specs: list[EngineSpec[Any, Any]]) -> list[Any]:
    return [pytest.param(s, id=s.name) for s in specs]


def test_every_kind_is_covered():
    """The suite knows how to draw a problem for every registered engine."""
    assert {s.kind for s in ENGINES} <= {BARGAINING, MULTI_ISSUE, DYNAMICS, CRISIS}
    assert all(s.name in _CRISIS or s.kind != CRISIS for s in ENGINES)
    assert {BARGAINING, MULTI_ISSUE, DYNAMICS, CRISIS} <= {s.kind for s in ENGINES}


# --- drawing problems ----------------------------------------------------------


def _floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)


def _array(shape: tuple[int, ...], lo: float, hi: float) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, shape, elements=_floats(lo, hi))


def _unique(shape: tuple[int, ...], lo: float, hi: float) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, shape, elements=_floats(lo, hi), unique=True)


@st.composite
def _bargaining(
    draw: st.DrawFn,
    d: int,
    n: int | None = None,
    salience: np.ndarray | None = None,
    capability: np.ndarray | None = None,
) -> BargainingProblem:
    """A generic problem: positions, saliences and capabilities all distinct, so no two actors
    tie exactly (engines may break exact ties by actor order, as their reference implementations do)."""
    n = draw(st.integers(2, 5)) if n is None else n
    grid = draw(hnp.arrays(np.int64, (d, n), elements=st.integers(0, 40)))
    offsets = draw(st.permutations(range(n)))
    position = (grid + 50 * np.asarray(offsets)[None, :]) / 3.0  # distinct within each draw
    return BargainingProblem(
        actors=tuple(f"a{i}" for i in range(n)),
        position=position,
        salience=draw(_unique((d, n), 0.1, 1.0)) if salience is None else salience,
        capability=draw(_unique((d, n), 0.5, 10.0)) if capability is None else capability,
        scale=(0.0, 100.0),
        status_quo=draw(_array((d,), 0.0, 100.0)),
        veto=np.tile([-np.inf, np.inf], (n, 1)),
    )


@st.composite
def _issues(draw: st.DrawFn, d: int, ties: bool = False) -> IssuesProblem:
    """Generic issues (``ties=False``), or issues whose saliences come from a few round values, so
    that exchanges of equal gain occur (``ties=True``)."""
    n, m = draw(st.integers(2, 4)), draw(st.integers(2, 3))
    if ties:
        salience = draw(hnp.arrays(np.float64, (m, d, n), elements=st.sampled_from([0.25, 0.5, 1.0])))
    else:
        salience = draw(_unique((m, d, n), 0.1, 1.0))  # distinct across issues too: no two issues alike
    capability = draw(_unique((d, n), 0.5, 10.0))  # an actor's power is the same on every issue
    return IssuesProblem({f"i{k}": draw(_bargaining(d, n, salience[k], capability)) for k in range(m)})


@st.composite
def _deterrence(draw: st.DrawFn, d: int) -> DeterrenceProblem:
    params = DeterrenceParams(
        horizon=12,
        severity=draw(_array((d, 4), 0.1, 0.9)),
        economy=draw(_array((d,), 0.1, 0.9)),
        response_probability=draw(_array((d,), 0.1, 0.9)),
    )
    return DeterrenceProblem(params, n_paths=d, seed=draw(st.integers(0, 2**32)), chunk_size=2)


@st.composite
def _screening(draw: st.DrawFn, d: int) -> ScreeningProblem:
    lo = draw(_array((d,), 0.0, 0.3))
    return ScreeningProblem(
        p=draw(_array((d,), 0.05, 0.95)),
        proposer_cost=draw(_array((d,), 0.0, 0.5)),
        cost_lo=lo,
        cost_hi=lo + draw(_array((d,), 0.0, 0.5)),
    )


@st.composite
def _shifting(draw: st.DrawFn, d: int) -> ShiftingPowerProblem:
    t = draw(st.integers(2, 6))
    return ShiftingPowerProblem(
        p=draw(_array((d, t + 1), 0.05, 0.95)),
        delta=draw(_array((d,), 0.5, 0.99)),
        rising_cost=draw(_array((d,), 0.0, 0.3)),
        declining_cost=draw(_array((d,), 0.0, 0.3)),
        bound=draw(st.sampled_from(["surplus", "flow"])),
    )


@st.composite
def _sequential(draw: st.DrawFn, d: int) -> SequentialDemandsProblem:
    k = draw(st.integers(1, 4))
    steps = draw(_array((d, k + 1), 0.0, 0.2))
    lo = draw(_array((d,), 0.0, 0.3))
    return SequentialDemandsProblem(
        demand=np.cumsum(steps, axis=1),
        p=draw(_array((d, k + 1), 0.05, 0.95)),
        proposer_cost=draw(_array((d,), 0.0, 0.3)),
        cost_lo=lo,
        cost_hi=lo + draw(_array((d,), 0.0, 0.5)),
        delta_proposer=draw(_array((d,), 0.5, 0.99)),
        delta_receiver=draw(_array((d,), 0.5, 0.99)),
    )


@st.composite
def _status_quo(draw: st.DrawFn, d: int) -> StatusQuoProblem:
    t = draw(st.integers(1, 5))
    lo = draw(_array((d,), 0.0, 0.3))
    believed = draw(st.booleans())
    b_lo = draw(_array((d,), 0.0, 0.3)) if believed else None
    return StatusQuoProblem(
        status_quo=draw(_array((d, t + 1), 0.0, 1.0)),
        p=draw(_array((d, t + 1), 0.05, 0.95)),
        proposer_cost=draw(_array((d,), 0.0, 0.5)),
        cost_lo=lo,
        cost_hi=lo + draw(_array((d,), 0.0, 0.5)),
        believed_lo=b_lo,
        believed_hi=None if b_lo is None else b_lo + draw(_array((d,), 0.0, 0.5)),
        period_months=draw(st.integers(1, 3)),
    )


_CRISIS: dict[str, Callable[[int], st.SearchStrategy[Any]]] = {
    "screening": _screening,
    "shifting-power": _shifting,
    "sequential-demands": _sequential,
    "status-quo": _status_quo,
}


def problems(spec: EngineSpec[Any, Any], d: int) -> st.SearchStrategy[Any]:
    """Small problems with ``d`` draws for ``spec``."""
    if spec.kind == BARGAINING:
        return _bargaining(d)
    if spec.kind == MULTI_ISSUE:
        return _issues(d)
    if spec.kind == DYNAMICS:
        return _deterrence(d)
    return _CRISIS[spec.name](d)


# --- looking at problems and results ---------------------------------------------


def _arrays(x: Any, prefix: str = "") -> dict[str, np.ndarray]:
    """Every array inside a problem or result, by path (dataclass fields, mappings)."""
    out: dict[str, np.ndarray] = {}
    if isinstance(x, np.ndarray):
        out[prefix] = x
    elif dataclasses.is_dataclass(x) and not isinstance(x, type):
        for f in dataclasses.fields(x):
            out.update(_arrays(getattr(x, f.name), f"{prefix}.{f.name}"))
    elif isinstance(x, Mapping):
        for k, v in x.items():
            out.update(_arrays(v, f"{prefix}[{k}]"))
    return out


def _assert_same(a: Any, b: Any, exact: bool = True) -> None:
    xa, xb = _arrays(a), _arrays(b)
    assert xa.keys() == xb.keys()
    for k in xa:
        if exact:
            np.testing.assert_array_equal(xa[k], xb[k], err_msg=k)
        else:
            np.testing.assert_allclose(xa[k], xb[k], rtol=1e-9, atol=1e-9, err_msg=k)


def _replace_arrays(x: Any, fn: Callable[[np.ndarray], np.ndarray]) -> Any:
    """``x`` rebuilt with ``fn`` applied to every array field (recursing into dataclasses and mappings)."""
    if isinstance(x, np.ndarray):
        return fn(x)
    if isinstance(x, Mapping):
        return {k: _replace_arrays(v, fn) for k, v in x.items()}
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        changes = {f.name: _replace_arrays(getattr(x, f.name), fn) for f in dataclasses.fields(x) if f.init}
        return type(x)(**changes)
    return x


def _take_draws(x: Any, rows: slice) -> Any:
    """The draws ``rows`` of a batched problem (veto intervals are per actor, not per draw)."""
    if isinstance(x, BargainingProblem):
        return dataclasses.replace(
            x,
            position=x.position[rows],
            salience=x.salience[rows],
            capability=x.capability[rows],
            status_quo=x.status_quo[rows],
        )
    if isinstance(x, IssuesProblem):
        return IssuesProblem({k: _take_draws(p, rows) for k, p in x.issues.items()})
    return _replace_arrays(x, lambda a: a[rows])


def _per_draw_outputs(spec: EngineSpec[Any, Any], result: Any) -> dict[str, np.ndarray]:
    """The outputs that must not depend on which other draws share the batch."""
    if isinstance(result, BargainingResult):
        return {"forecast": result.forecast}
    if isinstance(result, IssuesResult):
        return {f"{k}.forecast": r.forecast for k, r in result.issues.items()}
    return {k: v for k, v in _arrays(result).items() if v.ndim >= 1}


def _issue_results(spec: EngineSpec[Any, Any], problem: Any) -> dict[str, BargainingResult]:
    if isinstance(problem, BargainingProblem):
        return {"issue": spec(problem)}
    return run_issues(spec, problem.issues)


def _permute_actors(problem: Any, perm: list[int]) -> Any:
    if isinstance(problem, IssuesProblem):
        return IssuesProblem({k: _permute_actors(p, perm) for k, p in problem.issues.items()})
    return dataclasses.replace(
        problem,
        actors=tuple(problem.actors[k] for k in perm),
        position=problem.position[:, perm],
        salience=problem.salience[:, perm],
        capability=problem.capability[:, perm],
        veto=problem.veto[perm],
    )


# --- the properties ---------------------------------------------------------------


@pytest.mark.parametrize("spec", _ids(ENGINES))
@SETTINGS
@given(data=st.data())
def test_same_problem_same_result(spec, data):
    problem = data.draw(problems(spec, 3))
    _assert_same(spec(problem), spec(problem))


@pytest.mark.parametrize("spec", _ids(ENGINES))
@SETTINGS
@given(data=st.data())
def test_inputs_are_not_mutated(spec, data):
    problem = data.draw(problems(spec, 3))
    before = {k: v.copy() for k, v in _arrays(problem).items()}
    spec(problem)
    after = _arrays(problem)
    for k, v in before.items():
        np.testing.assert_array_equal(after[k], v, err_msg=k)


def _fortran(a: np.ndarray) -> np.ndarray:
    return np.asfortranarray(a)


def _strided(a: np.ndarray) -> np.ndarray:
    wide = np.repeat(a, 2, axis=-1) if a.ndim else a
    return wide[..., ::2] if a.ndim else wide


def _read_only(a: np.ndarray) -> np.ndarray:
    b = a.copy()
    b.setflags(write=False)
    return b


@pytest.mark.parametrize("layout", [_fortran, _strided, _read_only], ids=["fortran", "strided", "read-only"])
@pytest.mark.parametrize("spec", _ids(ENGINES))
@SETTINGS
@given(data=st.data())
def test_any_memory_layout_is_accepted(spec, layout, data):
    problem = data.draw(problems(spec, 3))
    odd = _replace_arrays(problem, layout)
    _assert_same(spec(odd), spec(problem))


def test_layouts_are_really_odd():
    """The layouts above do produce arrays a strict kernel would reject (or the test above proves nothing)."""
    a = np.arange(12.0).reshape(3, 4)
    assert not _fortran(a).flags.c_contiguous
    assert not _strided(a).flags.c_contiguous and np.array_equal(_strided(a), a)
    assert not _read_only(a).flags.writeable


@pytest.mark.parametrize("spec", _ids([s for s in ENGINES if s.batched]))
@SETTINGS
@given(data=st.data())
def test_chunks_equal_one_batch(spec, data):
    problem = data.draw(problems(spec, 5))
    whole = _per_draw_outputs(spec, spec(problem, detail=False))
    first = _per_draw_outputs(spec, spec(_take_draws(problem, slice(0, 2)), detail=False))
    rest = _per_draw_outputs(spec, spec(_take_draws(problem, slice(2, 5)), detail=False))
    assert whole.keys() == first.keys() == rest.keys()
    for k in whole:
        np.testing.assert_array_equal(np.concatenate([first[k], rest[k]]), whole[k], err_msg=k)


@pytest.mark.parametrize("spec", _ids([s for s in ENGINES if s.kind in ISSUE_KINDS]))
@SETTINGS
@given(data=st.data())
def test_relabelling_actors_permutes_outputs(spec, data):
    problem = data.draw(problems(spec, 2))
    n = len(problem.actors)
    perm = data.draw(st.permutations(range(n)))
    base, moved = _issue_results(spec, problem), _issue_results(spec, _permute_actors(problem, perm))
    for issue, r in base.items():
        q = moved[issue]
        np.testing.assert_allclose(q.forecast, r.forecast, rtol=0, atol=TOL)
        if r.trajectory is not None and q.trajectory is not None:
            np.testing.assert_allclose(q.trajectory, r.trajectory[..., perm], rtol=0, atol=TOL)


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(
            s,
            id=s.name,
            marks=[
                pytest.mark.xfail(
                    s.name == "exchange",
                    strict=True,
                    raises=AssertionError,
                    reason="known limit of the exchange engine: without ties its results follow the issues "
                    "(tests/test_exchange.py), but where salience products or gains tie, the order of the "
                    "issues decides which side or exchange goes first, as in decide-exchange-model",
                )
            ],
        )
        for s in ENGINES
        if s.kind == MULTI_ISSUE
    ],
)
@SETTINGS
@given(data=st.data())
def test_permuting_issues_permutes_outputs(spec, data):
    problem = data.draw(_issues(2, ties=True))
    order = data.draw(st.permutations(list(problem.issues)))
    base = _or_refusal(spec, problem)
    moved = _or_refusal(spec, IssuesProblem({k: problem.issues[k] for k in order}))
    assume(not (isinstance(base, str) and isinstance(moved, str)))  # refused in either order: not this property
    assert not isinstance(base, str) and not isinstance(moved, str), f"refused in one order only: {base}{moved}"
    assert list(moved.issues) == order
    for issue in order:
        np.testing.assert_allclose(moved.issues[issue].forecast, base.issues[issue].forecast, rtol=0, atol=TOL)


def _or_refusal(spec: EngineSpec[Any, Any], problem: IssuesProblem) -> IssuesResult | str:
    """The result, or the engine's message if it refuses the problem (a ``ValueError``)."""
    try:
        return spec(problem)
    except ValueError as e:
        return str(e)


@pytest.mark.parametrize("spec", _ids([s for s in ENGINES if s.kind in ISSUE_KINDS]))
@SETTINGS
@given(data=st.data())
def test_unanimity_gives_the_common_position(spec, data):
    problem = data.draw(problems(spec, 3))
    common = data.draw(_array((3,), 0.0, 100.0))

    def agree(p: BargainingProblem) -> BargainingProblem:
        return dataclasses.replace(p, position=np.repeat(common[:, None], p.n_actors, axis=1))

    agreed = (
        agree(problem)
        if isinstance(problem, BargainingProblem)
        else IssuesProblem({k: agree(p) for k, p in problem.issues.items()})
    )
    for r in _issue_results(spec, agreed).values():
        np.testing.assert_allclose(r.forecast, common, rtol=0, atol=1e-6)


@pytest.mark.parametrize("spec", _ids([s for s in ENGINES if s.kind in ISSUE_KINDS]))
@SETTINGS
@given(data=st.data())
def test_round_based_engines_say_how_each_draw_ended(spec, data):
    problem = data.draw(problems(spec, 3))
    for r in _issue_results(spec, problem).values():
        assert r.forecast.shape == (3,) and r.forecast.dtype == np.float64
        if not spec.rounds:
            assert r.rounds is None and r.stop is None and r.trajectory is None
            continue
        assert r.rounds is not None and r.stop is not None and r.trajectory is not None
        assert r.rounds.shape == r.stop.shape == (3,) and np.all(r.rounds >= 0)
        assert set(r.stop.tolist()) <= set(range(len(STOP_NAMES)))
        assert r.trajectory.shape[0] == 3 and r.trajectory.shape[1] >= int(r.rounds.max()) + 1


def test_the_stop_names_are_shared():
    from standoff.engines import expected_utility

    assert expected_utility.STOP_NAMES == STOP_NAMES
