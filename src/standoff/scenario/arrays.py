"""A validated scenario compiled to arrays: the engines' input.

Scenario → :class:`ScenarioArrays`: per issue a
:class:`~standoff.engines.base.BargainingProblem` with a leading draw axis.
``draws=None`` gives the point run (``D = 1``, every number at its ``value``);
``draws=N`` samples every uncertain number ``N`` times. Inputs are sampled in
file order (actors' capabilities, issues' status quo, stances' position then
salience), so the same generator state gives the same draws.

Veto intervals come from the point values: a declared ``range``, or else the
outcomes the veto player likes at least as well as the status quo.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from standoff.engines.base import BargainingProblem, FloatArray
from standoff.scenario.model import Quantity, Scenario


@dataclass(frozen=True)
class ScenarioArrays:
    """Engine inputs for every issue, and the sampled inputs by field path.

    Attributes:
        problems: issue id → its bargaining problem (actors with a stance).
        inputs: field path (as in the scenario file) → ``(D,)`` sampled values,
            for every uncertain input; used by sensitivity analysis.
    """

    scenario_id: str
    problems: dict[str, BargainingProblem]
    inputs: dict[str, FloatArray]

    @property
    def n_draws(self) -> int:
        return next(iter(self.problems.values())).n_draws


def compile_scenario(
    scenario: Scenario, draws: int | None = None, rng: np.random.Generator | None = None
) -> ScenarioArrays:
    """Compile to arrays; ``draws`` needs ``rng`` (see the module docstring)."""
    if draws is not None and rng is None:
        raise ValueError("sampling draws needs a numpy Generator (rng)")
    n = 1 if draws is None else draws
    inputs: dict[str, FloatArray] = {}

    def value(q: Quantity, path: str, clip: tuple[float, float]) -> FloatArray:
        if draws is None or not q.uncertain:
            return np.full(n, q.value)
        inputs[path] = x = q.sample(rng, n, clip)  # type: ignore[arg-type]
        return x

    unbounded = (-np.inf, np.inf)
    capability = {a.id: value(a.capability, f"actors.{a.id}.capability", (0.0, np.inf)) for a in scenario.actors}
    problems = {}
    sq = {i.id: value(i.status_quo, f"issues.{i.id}.status_quo", (i.scale.low, i.scale.high)) for i in scenario.issues}
    stances: dict[str, list[tuple[str, FloatArray, FloatArray, float]]] = {i.id: [] for i in scenario.issues}
    for s in scenario.stances:
        scale = scenario.issue(s.issue).scale
        pos = value(s.position, f"stances.{s.actor}.{s.issue}.position", (scale.low, scale.high))
        sal = value(s.salience, f"stances.{s.actor}.{s.issue}.salience", (0.0, 1.0))
        stances[s.issue].append((s.actor, pos, sal, s.position.value))
    for issue in scenario.issues:
        rows = stances[issue.id]
        if not rows:
            continue
        ids = tuple(r[0] for r in rows)
        veto = np.tile(unbounded, (len(ids), 1))
        for k, (actor_id, _, _, point) in enumerate(rows):
            for v in scenario.actor(actor_id).veto:
                if v.issue == issue.id:
                    reach = abs(point - issue.status_quo.value)
                    veto[k] = v.range if v.range is not None else (point - reach, point + reach)
        problems[issue.id] = BargainingProblem(
            actors=ids,
            position=np.stack([r[1] for r in rows], axis=1),
            salience=np.stack([r[2] for r in rows], axis=1),
            capability=np.stack([capability[a] for a in ids], axis=1),
            scale=(issue.scale.low, issue.scale.high),
            status_quo=sq[issue.id],
            veto=veto,
        )
    return ScenarioArrays(scenario.id, problems, inputs)
