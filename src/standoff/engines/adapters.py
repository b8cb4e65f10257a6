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
  forward-looking receiver (Powell 1999, ch. 3);
* ``status-quo`` — periods in which failed talks leave the status quo, the
  defender strikes when it prefers war to it, and the challenger chooses under
  its belief about the defender's cost (Powell 1996; Fearon 1995).
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


@dataclass(frozen=True)
class StatusQuoProblem:
    """A crisis period by period in which failed talks leave the status quo.

    Attributes:
        status_quo: ``(D, T + 1)`` the proposer's share under the status quo, period by period.
        p: ``(D, T + 1)`` the proposer's probability of winning a war, period by period.
        proposer_cost: ``(D,)``.
        cost_lo, cost_hi: ``(D,)`` the receiver's true cost is uniform on ``[cost_lo, cost_hi]``.
        believed_lo, believed_hi: ``(D,)`` the proposer's belief about that cost (``None``: the truth).
        period_months: months per period.
    """

    status_quo: FloatArray
    p: FloatArray
    proposer_cost: FloatArray
    cost_lo: FloatArray
    cost_hi: FloatArray
    believed_lo: FloatArray | None = None
    believed_hi: FloatArray | None = None
    period_months: int = 1

    def __post_init__(self) -> None:
        normalise_arrays(self, "status_quo", "p")
        if self.status_quo.ndim != 2 or self.p.shape != self.status_quo.shape:
            raise ValueError(f"status_quo and p must be (D, T + 1), got {self.status_quo.shape}, {self.p.shape}")
        if (self.believed_lo is None) != (self.believed_hi is None):
            raise ValueError("give both ends of the believed cost, or neither")
        names = ["proposer_cost", "cost_lo", "cost_hi"]
        if self.believed_lo is not None:
            names += ["believed_lo", "believed_hi"]
        _per_draw(self, *names)
        if self.period_months < 1:
            raise ValueError(f"period_months must be >= 1, got {self.period_months}")


def run_status_quo(problem: StatusQuoProblem, detail: bool = True) -> crisis.StatusQuoGame:
    """:func:`~standoff.engines.crisis.status_quo_game` on a :class:`StatusQuoProblem`."""
    believed = (
        None
        if problem.believed_lo is None or problem.believed_hi is None
        else crisis.UniformCost(problem.believed_lo, problem.believed_hi)
    )
    return crisis.status_quo_game(
        problem.status_quo,
        problem.p,
        problem.proposer_cost,
        crisis.UniformCost(problem.cost_lo, problem.cost_hi),
        believed,
        period_months=problem.period_months,
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

STATUS_QUO: EngineSpec[StatusQuoProblem, crisis.StatusQuoGame] = EngineSpec(
    name="status-quo",
    title="Crisis bargaining: failed talks leave the status quo, under misperception",
    kind=CRISIS,
    run=run_status_quo,
    problem=StatusQuoProblem,
    result=crisis.StatusQuoGame,
    inputs=("status_quo", "p", "proposer_cost", "cost_lo", "cost_hi", "believed_lo", "believed_hi", "period_months"),
    outputs=("demand", "threshold", "war_by", "deal_by", "status_quo_by", "believed_war_by", "hazard"),
    reference="Powell 1996, Bargaining in the shadow of power, GEB 15; Fearon 1995, IO 49(3)",
    rounds=True,
)

#: The crisis games, in the order the registry lists them.
CRISIS_SPECS = (SCREENING, SHIFTING_POWER, SEQUENTIAL_DEMANDS, STATUS_QUO)
