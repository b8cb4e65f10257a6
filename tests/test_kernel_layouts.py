"""Every compiled engine accepts arrays of any memory layout (Fortran order, strided views,
read-only) and gives the same results as on C-contiguous arrays."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

from standoff.engines import exchange, smp
from standoff.engines.base import BargainingProblem, kernel_array
from standoff.engines.expected_utility import expected_utility


def _fortran(a: np.ndarray) -> np.ndarray:
    return np.asfortranarray(a)


def _read_only(a: np.ndarray) -> np.ndarray:
    b = a.copy()
    b.setflags(write=False)
    return b


def _strided(a: np.ndarray) -> np.ndarray:
    return np.repeat(a, 2, axis=-1)[..., ::2]


LAYOUTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "fortran": _fortran,
    "read-only": _read_only,
    "strided": _strided,
}


def _problem(rng: np.random.Generator, draws: int = 3, n: int = 6) -> BargainingProblem:
    return BargainingProblem.from_points(
        rng.uniform(0, 100, (draws, n)), rng.uniform(0.1, 1, (draws, n)), rng.uniform(1, 10, (draws, n))
    )


def _relayout(p: BargainingProblem, f: Callable[[np.ndarray], np.ndarray]) -> BargainingProblem:
    return dataclasses.replace(p, position=f(p.position), salience=f(p.salience), capability=f(p.capability))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_layouts_are_not_contiguous(layout: str) -> None:
    a = LAYOUTS[layout](np.arange(12.0).reshape(3, 4))
    assert not (a.flags.c_contiguous and a.flags.writeable)
    b = kernel_array(a)
    assert b.flags.c_contiguous and b.flags.writeable
    np.testing.assert_array_equal(a, b)


def test_contiguous_arrays_are_not_copied() -> None:
    a = np.arange(12.0).reshape(3, 4)
    assert kernel_array(a) is a


@pytest.mark.parametrize("layout", LAYOUTS)
def test_smp_accepts_any_layout(layout: str) -> None:
    rng = np.random.default_rng(1)
    c, x = rng.uniform(1, 10, (2, 5)), rng.uniform(0, 1, (2, 5, 3))
    s = rng.uniform(0.1, 1, (2, 5, 3))
    s /= s.sum(-1, keepdims=True)
    f = LAYOUTS[layout]
    want, got = smp.smp(c, x, s), smp.smp(f(c), f(x), f(s))
    np.testing.assert_array_equal(got.trajectory, want.trajectory)
    p = _problem(rng)
    np.testing.assert_array_equal(smp.run(_relayout(p, f)).forecast, smp.run(p).forecast)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_expected_utility_accepts_any_layout(layout: str) -> None:
    p = _problem(np.random.default_rng(2))
    want, got = expected_utility(p), expected_utility(_relayout(p, LAYOUTS[layout]))
    np.testing.assert_array_equal(got.trajectory, want.trajectory)
    np.testing.assert_array_equal(got.details["eu_own"], want.details["eu_own"])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_exchange_accepts_any_layout(layout: str) -> None:
    rng = np.random.default_rng(3)
    f = LAYOUTS[layout]
    pos, sal, pwr = rng.uniform(0, 100, (2, 6, 3)), rng.uniform(0.1, 1, (2, 6, 3)), rng.uniform(0.1, 1, (2, 6, 3))
    base = exchange.ExchangeProblem.from_arrays(pos, sal, pwr)
    other = dataclasses.replace(
        base, position=f(base.position), salience=f(base.salience), power=f(base.power), present=f(base.present)
    )
    coins = exchange.random_tie_draws(np.random.default_rng(4), 2, 500)
    want = exchange.run_exchange(base, 3, tie_draws=coins)
    got = exchange.run_exchange(other, 3, tie_draws=f(coins))
    np.testing.assert_array_equal(got.position, want.position)
    np.testing.assert_array_equal(got.exchanges.gain, want.exchanges.gain)
