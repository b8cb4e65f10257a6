"""A validated scenario compiled to arrays: the engines' input.

Scenario → :class:`ScenarioArrays`: per issue a
:class:`~standoff.core.problems.BargainingProblem` with a leading draw axis.
``draws=None`` gives the point run (``D = 1``, every number at its ``value``);
``draws=N`` samples every uncertain number ``N`` times; ``fixed`` gives chosen
values for named inputs (sensitivity designs), the others at their point value
unless sampled. Inputs are visited in file order (actors' capabilities,
issues' status quo, stances' position then salience), so the same generator
state gives the same draws.

Red-line veto intervals come from the point values: a declared ``range``, or
else the outcomes the veto player likes at least as well as the status quo.
Package vetoes are compiled to :class:`~standoff.core.problems.PackageVeto`
records; their win-set is built from each draw's values
(:func:`~standoff.engines.winset.win_set`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from standoff.core.problems import BargainingProblem, FloatArray, PackageVeto
from standoff.scenario.model import Quantity, Scenario


@dataclass(frozen=True)
class ScenarioArrays:
    """Engine inputs for every issue, and the sampled inputs by field path.

    Attributes:
        problems: issue id → its bargaining problem (actors with a stance).
        inputs: input path → ``(D,)`` values, for every input that was sampled or fixed.
        packages: the package vetoes, over the issues of ``problems``.
    """

    scenario_id: str
    problems: dict[str, BargainingProblem]
    inputs: dict[str, FloatArray]
    packages: tuple[PackageVeto, ...] = ()

    @property
    def n_draws(self) -> int:
        return next(iter(self.problems.values())).n_draws


@dataclass(frozen=True)
class InputSlot:
    """One numeric input: its path, its quantity and the bounds its meaning allows."""

    path: str
    quantity: Quantity
    clip: tuple[float, float]


def input_slots(scenario: Scenario) -> Iterator[InputSlot]:
    """Every numeric input the bargaining engines read, in file order."""
    for a in scenario.actors:
        yield InputSlot(f"actors.{a.id}.capability", a.capability, (0.0, np.inf))
    for i in scenario.issues:
        yield InputSlot(f"issues.{i.id}.status_quo", i.status_quo, (i.scale.low, i.scale.high))
    for s in scenario.stances:
        scale = scenario.issue(s.issue).scale
        yield InputSlot(f"stances.{s.actor}.{s.issue}.position", s.position, (scale.low, scale.high))
        yield InputSlot(f"stances.{s.actor}.{s.issue}.salience", s.salience, (0.0, 1.0))


def compile_scenario(
    scenario: Scenario,
    draws: int | None = None,
    rng: np.random.Generator | None = None,
    fixed: Mapping[str, FloatArray] | None = None,
) -> ScenarioArrays:
    """Compile to arrays (see the module docstring); sampling needs ``rng``."""
    if draws is not None and rng is None and not fixed:
        raise ValueError("sampling draws needs a numpy Generator (rng)")
    fixed = fixed or {}
    n = draws if draws is not None else len(next(iter(fixed.values()))) if fixed else 1
    values: dict[str, FloatArray] = {}
    inputs: dict[str, FloatArray] = {}
    for slot in input_slots(scenario):
        if slot.path in fixed:
            values[slot.path] = inputs[slot.path] = np.asarray(fixed[slot.path], dtype=float)
        elif rng is not None and slot.quantity.uncertain:
            values[slot.path] = inputs[slot.path] = slot.quantity.sample(rng, n, slot.clip)
        else:
            values[slot.path] = np.full(n, slot.quantity.value)
    problems = {}
    for issue in scenario.issues:
        stances = [s for s in scenario.stances if s.issue == issue.id]
        if not stances:
            continue
        ids = tuple(s.actor for s in stances)
        veto = np.tile((-np.inf, np.inf), (len(ids), 1))
        for k, s in enumerate(stances):
            for v in scenario.actor(s.actor).veto:
                if v.issue == issue.id:
                    reach = abs(s.position.value - issue.status_quo.value)
                    veto[k] = v.range if v.range is not None else (s.position.value - reach, s.position.value + reach)
        problems[issue.id] = BargainingProblem(
            actors=ids,
            position=np.stack([values[f"stances.{a}.{issue.id}.position"] for a in ids], axis=1),
            salience=np.stack([values[f"stances.{a}.{issue.id}.salience"] for a in ids], axis=1),
            capability=np.stack([values[f"actors.{a}.capability"] for a in ids], axis=1),
            scale=(issue.scale.low, issue.scale.high),
            status_quo=values[f"issues.{issue.id}.status_quo"],
            veto=veto,
        )
    packages = tuple(
        PackageVeto(a.id, tuple(i for i in pv.issues if i in problems), pv.tolerance)
        for a in scenario.actors
        for pv in a.package_veto
    )
    return ScenarioArrays(scenario.id, problems, inputs, tuple(pv for pv in packages if pv.issues))
