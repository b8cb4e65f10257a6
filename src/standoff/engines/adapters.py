"""Typed entry points for the crisis-bargaining games (:mod:`standoff.engines.crisis`).

The crisis module is a set of vectorised functions of per-draw parameters;
this module gives each game a problem type (a frozen dataclass of ``(D,)`` or
``(D, T)`` arrays, normalised at the boundary to C-contiguous ``float64``), a
``run`` and an :class:`~standoff.engines.base.EngineSpec`, so the registry
can list and run them like every other engine:

* ``screening`` — Fearon (1995): the proposer's optimal demand against a
  receiver with a private, uniformly distributed cost of war;
* ``shifting-power`` — Powell (2006): the declining side's preventive motive
  along a path of power;
* ``sequential-demands`` — rising demands, round by round, against a
  forward-looking receiver (Powell 1999, ch. 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from standoff.core.problems import FloatArray, as_float_array, normalise_arrays
from standoff.engines import crisis
from standoff.engines.base import CRISIS, EngineSpec


def _per_draw(obj: object, *names: str) -> None:
    """Normalise the named fields to ``(D,)`` float arrays (scalars broadcast to the longest)."""
    normalise_arrays(obj, *names)
    draws = max(int(np.size(getattr(obj, n))) for n in names)
    for n in names:
        a = getattr(obj, n)
        if a.ndim > 1 or a.size not in (1, draws):
            raise ValueError(f"{n} must be a scalar or ({draws},), got shape {a.shape}")
        object.__setattr__(obj, n, as_float_array(np.broadcast_to(a.reshape(-1), (draws,))))


@dataclass(frozen=True)
class ScreeningProblem:
    """Screening with private information: all ``(D,)``.

    Attributes:
        p: the proposer's probability of winning a war.
        proposer_cost: the proposer's cost of war ``c_P``.
        cost_lo, cost_hi: the receiver's cost of war is uniform on ``[cost_lo, cost_hi]``.
    """

    p: FloatArray
    proposer_cost: FloatArray
    cost_lo: FloatArray
    cost_hi: FloatArray

    def __post_init__(self) -> None:
        _per_draw(self, "p", "proposer_cost", "cost_lo", "cost_hi")


def run_screening(problem: ScreeningProblem, detail: bool = True) -> crisis.ScreeningOutcome:
    """:func:`~standoff.engines.crisis.screening_uniform` on a :class:`ScreeningProblem`."""
    return crisis.screening_uniform(problem.p, problem.proposer_cost, problem.cost_lo, problem.cost_hi)


@dataclass(frozen=True)
class ShiftingPowerProblem:
    """A path of power and the two sides' costs.

    Attributes:
        p: ``(D, T + 1)`` the rising side's probability of winning, month by month.
        delta: ``(D,)`` the discount factor.
        rising_cost, declining_cost: ``(D,)`` costs of war.
        bound: ``"surplus"`` or ``"flow"`` (see :func:`~standoff.engines.crisis.shifting_power`).
    """

    p: FloatArray
    delta: FloatArray
    rising_cost: FloatArray
    declining_cost: FloatArray
    bound: Literal["surplus", "flow"] = "surplus"

    def __post_init__(self) -> None:
        normalise_arrays(self, "p")
        if self.p.ndim != 2 or self.p.shape[1] < 2:
            raise ValueError(f"p must be (D, T + 1) with T >= 1, got {self.p.shape}")
        _per_draw(self, "delta", "rising_cost", "declining_cost")
        if self.delta.shape[0] not in (1, self.p.shape[0]):
            raise ValueError("delta and the costs must have one value per draw of p")
        if self.bound not in ("surplus", "flow"):
            raise ValueError(f"bound must be 'surplus' or 'flow', got {self.bound!r}")


def run_shifting_power(problem: ShiftingPowerProblem, detail: bool = True) -> crisis.ShiftingPower:
    """:func:`~standoff.engines.crisis.shifting_power` on a :class:`ShiftingPowerProblem`."""
    return crisis.shifting_power(
        problem.p, problem.delta, problem.rising_cost, problem.declining_cost, bound=problem.bound
    )


@dataclass(frozen=True)
class SequentialDemandsProblem:
    """Rising demands against a receiver with a private, uniform cost of war.

    Attributes:
        demand: ``(D, K + 1)`` cumulative demand by round.
        p: ``(D, K + 1)`` the proposer's probability of winning by round.
        proposer_cost: ``(D,)``.
        cost_lo, cost_hi: ``(D,)`` the receiver's cost is uniform on ``[cost_lo, cost_hi]``.
        delta_proposer, delta_receiver: ``(D,)`` discount factors.
    """

    demand: FloatArray
    p: FloatArray
    proposer_cost: FloatArray
    cost_lo: FloatArray
    cost_hi: FloatArray
    delta_proposer: FloatArray
    delta_receiver: FloatArray

    def __post_init__(self) -> None:
        normalise_arrays(self, "demand", "p")
        if self.demand.ndim != 2 or self.p.shape != self.demand.shape:
            raise ValueError(f"demand and p must be (D, K + 1), got {self.demand.shape}, {self.p.shape}")
        _per_draw(self, "proposer_cost", "cost_lo", "cost_hi", "delta_proposer", "delta_receiver")


def run_sequential_demands(problem: SequentialDemandsProblem, detail: bool = True) -> crisis.SequentialDemands:
    """:func:`~standoff.engines.crisis.sequential_demands` on a :class:`SequentialDemandsProblem`."""
    return crisis.sequential_demands(
        problem.demand,
        problem.p,
        problem.proposer_cost,
        crisis.UniformCost(problem.cost_lo, problem.cost_hi),
        problem.delta_proposer,
        problem.delta_receiver,
    )


SCREENING: EngineSpec[ScreeningProblem, crisis.ScreeningOutcome] = EngineSpec(
    name="screening",
    title="Crisis bargaining: screening a receiver with a private cost of war",
    kind=CRISIS,
    run=run_screening,
    problem=ScreeningProblem,
    result=crisis.ScreeningOutcome,
    inputs=("p", "proposer_cost", "cost_lo", "cost_hi"),
    outputs=("demand", "war_probability", "proposer_utility", "receiver_utility"),
    reference="Fearon 1995, Rationalist explanations for war, IO 49(3)",
)
SHIFTING_POWER: EngineSpec[ShiftingPowerProblem, crisis.ShiftingPower] = EngineSpec(
    name="shifting-power",
    title="Crisis bargaining: the preventive motive under shifting power",
    kind=CRISIS,
    run=run_shifting_power,
    problem=ShiftingPowerProblem,
    result=crisis.ShiftingPower,
    inputs=("p", "delta", "rising_cost", "declining_cost", "bound"),
    outputs=("motive", "window", "first_month", "peak_month", "peak_motive"),
    reference="Powell 2006, War as a commitment problem, IO 60(1)",
    rounds=True,
)
SEQUENTIAL_DEMANDS: EngineSpec[SequentialDemandsProblem, crisis.SequentialDemands] = EngineSpec(
    name="sequential-demands",
    title="Crisis bargaining: rising demands against a forward-looking receiver",
    kind=CRISIS,
    run=run_sequential_demands,
    problem=SequentialDemandsProblem,
    result=crisis.SequentialDemands,
    inputs=("demand", "p", "proposer_cost", "cost_lo", "cost_hi", "delta_proposer", "delta_receiver"),
    outputs=("threshold", "war_by_round", "peace_probability", "expected_proposer_value"),
    reference="Powell 1999, In the Shadow of Power, ch. 3; Fearon 1995",
    rounds=True,
)

#: The crisis games, in the order the registry lists them.
CRISIS_SPECS = (SCREENING, SHIFTING_POWER, SEQUENTIAL_DEMANDS)
