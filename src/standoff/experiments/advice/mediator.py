"""The outside mediator: whom advice is for by default, and what a mediator can propose.

With package vetoes (:mod:`standoff.engines.winset`, Tsebelis 2002) a
mediator proposes packages over the package issues, not single-issue points:
each registered engine's point-run forecast moved onto the win-set, and their
mean (in the win-set too, which is convex); a package that does not leave
the status quo is no proposal. A proposal adds the mediator's
stance at the package's value on every package issue at once; the advice
ranks proposals by the change in P(deal) they bring and reports who gains
what at the package, veto player by veto player.
"""

from __future__ import annotations

import numpy as np

from standoff.core.problems import BargainingProblem
from standoff.engines import available
from standoff.engines.winset import WinSet, leaves_status_quo, win_set
from standoff.experiments.advice.results import MEDIATOR, Move, PackageGain
from standoff.experiments.montecarlo import run_engines
from standoff.scenario.arrays import ScenarioArrays
from standoff.scenario.model import Scenario

#: Packages closer than this (scale points, on every issue) are one proposal.
SAME_PACKAGE = 0.5


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


def package_moves(actor: str, point: ScenarioArrays) -> list[Move]:
    """A mediator's package proposals at the point values (empty without package vetoes)."""
    ws = win_set(point.problems, point.packages)
    if ws is None:
        return []
    names = [s.name for s in available("bargaining") + available("multi-issue")]
    forecasts = run_engines(point, names, issues=list(ws.issues))
    candidates = {e: {i: float(forecasts[i][e][0]) for i in ws.issues} for e in names}
    candidates["mean"] = {i: float(np.mean([c[i] for c in candidates.values()])) for i in ws.issues}
    out: list[Move] = []
    kept: list[dict[str, float]] = []
    for source, package in candidates.items():
        if not leaves_status_quo(ws, np.array([[package[i] for i in ws.issues]]))[0]:
            continue  # the status quo itself is no proposal
        if any(max(abs(package[i] - k[i]) for i in ws.issues) < SAME_PACKAGE for k in kept):
            continue
        kept.append(package)
        what = "the mean of the engines' packages" if source == "mean" else f"the {source} forecast in the win-set"
        body = ", ".join(f"{i} {v:.3g}" for i, v in package.items())
        out.append(Move(f"package:{source}", "package", actor, None, f"propose {body} ({what})", package=package))
    return out


def package_gains(ws: WinSet, package: dict[str, float]) -> list[PackageGain]:
    """Each veto player's gain at ``package`` over the status quo, issue by issue (the win-set's first draw)."""
    y = np.array([package[i] for i in ws.issues])
    sq = ws.status_quo[0]
    out = []
    for p, who in enumerate(ws.actors):
        s, x = ws.salience[0, p], ws.ideal[0, p]
        by = (s * (np.abs(sq - x) - np.abs(y - x)) / ws.span)[ws.member[p]]
        issues = [i for j, i in enumerate(ws.issues) if ws.member[p, j]]
        gain = float(by.sum())
        slack = float(ws.radius[0, p] - (s * np.abs(sq - x) / ws.span).sum())
        out.append(PackageGain(who, gain, dict(zip(issues, map(float, by), strict=True)), gain >= -slack - 1e-9))
    return out
