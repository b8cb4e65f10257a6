"""What the bottom line needs beyond the forecast: the questions' probabilities and what drives the issues.

:func:`outlook` runs the scenario's questions (:mod:`standoff.experiments.questions`)
and a small Sobol analysis of every issue (:mod:`standoff.experiments.sensitivity`),
and names each issue's main driver. The best advised move is expensive; the
caller passes an :class:`~standoff.experiments.advice.Advice` it already has,
or none. Presentation turns this into sentences
(:mod:`standoff.presentation.bottom_line`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from standoff.experiments.questions import QuestionLine, question_lines, scenario_net_assessment
from standoff.experiments.sensitivity import IssueSensitivity, explain
from standoff.scenario import LoadedScenario
from standoff.scenario.model import Scenario

#: Engines of the bottom line's sensitivity analysis (fast, and the two families of bargaining model).
OUTLOOK_ENGINES = ("compromise", "expected_utility")


@dataclass(frozen=True)
class Outlook:
    """The inputs of the bottom line besides the forecast.

    Attributes:
        questions: one line per declared question (see :class:`QuestionLine`).
        sensitivity: per issue and engine, the Sobol indices and tornado.
        drivers: issue id → the factor with the largest Sobol total index, in words.
        advice: the best moves of the standoff's first side, when computed.
    """

    questions: list[QuestionLine]
    sensitivity: list[IssueSensitivity]
    drivers: dict[str, str]
    advice: Any = None


def outlook(
    loaded: LoadedScenario,
    *,
    seed: int = 0,
    n: int = 64,
    paths: int = 2000,
    draws: int = 200,
    engines: tuple[str, ...] = OUTLOOK_ENGINES,
    advice: Any = None,
) -> Outlook:
    """The questions' pooled probabilities, each issue's sensitivity and main driver (``advice`` passed through)."""
    sc = loaded.scenario
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib's and NumPy's warnings on degenerate designs
        sens = explain(sc, engines=engines, n=n, seed=seed)
    drivers = issue_drivers(loaded, sens)
    questions: list[QuestionLine] = []
    if sc.questions:
        questions = question_lines(scenario_net_assessment(loaded, paths=paths, draws=draws, seed=seed), drivers)
    return Outlook(questions, sens, drivers, advice)


def factor_name(scenario: Scenario, factor: str) -> str:
    """A Sobol factor (an actor id, ``"status quo"`` or an input path) in words."""
    names = {a.id: a.name for a in scenario.actors}
    if factor in names:
        return f"{names[factor]}'s capability, position and salience"
    if factor == "status quo":
        return "where the status quo stands"
    parts = factor.split(".")
    if len(parts) >= 3 and parts[0] in ("actors", "stances"):
        field_ = parts[-1].replace("_", " ")
        return f"{names.get(parts[1], parts[1])}'s {field_}"
    if parts[0] == "issues":
        return "where the status quo stands"
    return factor


def issue_drivers(loaded: LoadedScenario, sens: list[IssueSensitivity]) -> dict[str, str]:
    """Issue id → its main driver in words: the factor with the largest Sobol total index over engines."""
    best: dict[str, tuple[float, str]] = {}
    for s in sens:
        if s.std <= 0 or not s.sobol:
            continue
        top = max(s.sobol, key=lambda f: f.total)
        if top.total > best.get(s.issue, (-1.0, ""))[0]:
            name = factor_name(loaded.scenario, top.factor)
            shaky = top.total_conf > top.total or top.total > 1 + top.total_conf
            note = "an unstable estimate: " if shaky else ""
            best[s.issue] = (top.total, f"{name} ({note}Sobol total index {top.total:.2f} ± {top.total_conf:.2f})")
    return {i: text for i, (_, text) in best.items()}
