"""The outside mediator: whom advice is for by default, and where a mediator can propose."""

from __future__ import annotations

import numpy as np

from standoff.engines.base import BargainingProblem
from standoff.experiments.advice.results import MEDIATOR
from standoff.scenario.model import Scenario


def _proposal_points(scenario: Scenario, p: BargainingProblem, issue: str) -> list[float]:
    """A mediator's candidate positions: the anchors and the middle of the veto players' common interval."""
    points = sorted(scenario.issue(issue).scale.anchors)
    low = max(p.scale[0], float(np.max(p.veto[:, 0])))
    high = min(p.scale[1], float(np.min(p.veto[:, 1])))
    if low <= high and p.has_veto.any():
        points.append(0.5 * (low + high))
    out: list[float] = []
    for x in sorted(points):
        if not out or abs(x - out[-1]) > 1e-9:
            out.append(float(x))
    return out


def advice_subjects(scenario: Scenario, mediator: str = MEDIATOR) -> list[str]:
    """Whom the report and dashboard advise by default: the standoff's two sides and a mediator.

    The sides are the deterrence section's defender and challenger, else the
    crisis section's proposer and receiver, else the two actors with the most
    capability; ``mediator`` (an id outside the scenario) is added last.
    """
    if scenario.deterrence is not None:
        sides = [scenario.deterrence.defender, scenario.deterrence.challenger]
    elif scenario.crisis is not None:
        sides = [scenario.crisis.proposer, scenario.crisis.receiver]
    else:
        strongest = sorted(scenario.actors, key=lambda a: -a.capability.value)
        sides = [a.id for a in strongest[:2]]
    if mediator in {a.id for a in scenario.actors}:
        raise ValueError(f"the mediator's id {mediator!r} is an actor of {scenario.id!r}; choose another")
    return [*dict.fromkeys(sides), mediator]
