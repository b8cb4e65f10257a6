"""Hypothesis strategies that draw the engines' input arrays themselves (not seeds), so failures shrink."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from standoff.core.problems import BargainingProblem
from standoff.engines.exchange import ExchangeProblem


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def vectors(n: int, low: float, high: float, *, unique: bool = False) -> st.SearchStrategy[np.ndarray]:
    """``(n,)`` float64 arrays with elements in ``[low, high]``."""
    return hnp.arrays(np.float64, n, elements=floats(low, high), unique=unique)


@st.composite
def bargaining_problems(
    draw: st.DrawFn,
    min_actors: int = 2,
    max_actors: int = 8,
    *,
    status_quo: float | None = None,
    distinct_positions: bool = False,
) -> BargainingProblem:
    """One-draw problems on ``[0, 100]``: positions, saliences in ``[0.05, 1]``, capabilities in ``[0.1, 5]``."""
    n = draw(st.integers(min_actors, max_actors))
    position = draw(vectors(n, 0.0, 100.0, unique=distinct_positions))
    salience = draw(vectors(n, 0.05, 1.0))
    capability = draw(vectors(n, 0.1, 5.0))
    sq = draw(floats(0.0, 100.0)) if status_quo is None else status_quo
    return BargainingProblem.from_points(position, salience, capability, scale=(0.0, 100.0), status_quo=sq)


@st.composite
def exchange_problems(draw: st.DrawFn, actors: tuple[int, int], issues: tuple[int, int]) -> ExchangeProblem:
    """One-draw exchange problems: positions in ``[0, 100]``, saliences in ``[0.05, 1]``, power in ``[0.1, 1]``.

    Every number is distinct, so that exact ties between exchanges (which the engine breaks by coin
    draws, tested separately) are rare; tests that need none ``assume`` it.
    """
    n, m = draw(st.integers(*actors)), draw(st.integers(*issues))
    shape = (1, n, m)
    return ExchangeProblem.from_arrays(
        draw(hnp.arrays(np.float64, shape, elements=floats(0.0, 100.0), unique=True)),
        draw(hnp.arrays(np.float64, shape, elements=floats(0.05, 1.0), unique=True)),
        draw(hnp.arrays(np.float64, shape, elements=floats(0.1, 1.0), unique=True)),
    )
