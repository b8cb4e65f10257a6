"""Question probabilities read from engine outputs (:mod:`standoff.store.questions` records them in the ledger).

Every question a scenario declares names the engine outputs it is derived
from (:class:`standoff.scenario.model.QuestionSource`); each source yields that
engine's probability, so no probability is ever typed in. Deterrence and
crisis outputs come from the baseline option (:func:`standoff.experiments.policy.simulate_options`),
bargaining outputs from Monte Carlo draws (:func:`standoff.experiments.montecarlo.engine_draws`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from standoff.engines.deterrence import DeterrenceParams
from standoff.experiments.montecarlo import engine_draws
from standoff.experiments.policy import crisis_model, simulate_options
from standoff.scenario.load import LoadedScenario
from standoff.scenario.model import Question, QuestionSource, Scenario


@dataclass(frozen=True)
class QuestionForecast:
    """One engine's probability for one question."""

    question: Question
    source: QuestionSource
    probability: float


def unknown_engines(scenario: Scenario) -> list[tuple[str, str]]:
    """Question sources naming no registered engine, as ``(field path, message)``.

    The scenario's own checks (:mod:`standoff.scenario.checks`) run below the
    engines and cannot know their names; this completes them.
    """
    from standoff.engines import available

    known = {s.name for s in available()} | {"deterrence", "crisis"}
    found = []
    for j, q in enumerate(scenario.questions):
        for k, s in enumerate(q.sources):
            if s.engine not in known:
                message = f"unknown engine id {s.engine!r}; known engines: {', '.join(sorted(known))}"
                found.append((f"questions[{j}]({q.id}).sources[{k}].engine", message))
    return found


def question_forecasts(
    loaded: LoadedScenario, base: DeterrenceParams | None, *, paths: int = 2000, draws: int = 200, seed: int = 0
) -> list[QuestionForecast]:
    """The probability of every declared question, from every source it names."""
    sc = loaded.scenario
    unknown = unknown_engines(sc)
    if unknown:
        raise ValueError("; ".join(f"{path}: {message}" for path, message in unknown))
    sources = [(q, s) for q in sc.questions for s in q.sources]
    out: list[QuestionForecast] = []
    dynamic = [(q, s) for q, s in sources if s.engine in ("deterrence", "crisis")]
    if dynamic:
        if base is None:
            raise ValueError("deterrence and crisis questions need the calibrated deterrence parameters")
        sim = simulate_options(loaded, base, paths=paths, seed=seed, options=["baseline"])[0]
        run, quiet, elapsed = sim.run, sim.quiet, sim.elapsed
        model = crisis_model(sc.crisis, sim) if sc.crisis is not None and sim.crisis is not None else None
        for q, s in dynamic:
            out.append(QuestionForecast(q, s, _dynamic(s, run, quiet, elapsed, model)))
    static = [(q, s) for q, s in sources if s.engine not in ("deterrence", "crisis")]
    if static:
        engines = sorted({s.engine for _, s in static})
        values = engine_draws(sc, engines, draws, seed)
        for q, s in static:
            x = values[s.issue][s.engine]  # type: ignore[index]
            hit = x <= s.threshold if s.output == "issue_at_most" else x >= s.threshold  # type: ignore[operator]
            out.append(QuestionForecast(q, s, float(np.mean(hit))))
    order = {id(q): k for k, q in enumerate(sc.questions)}
    return sorted(out, key=lambda f: order[id(f.question)])


def _dynamic(s: QuestionSource, run, quiet: np.ndarray, elapsed: int, model) -> float:  # noqa: ANN001
    if s.engine == "crisis":
        if model is None:
            raise ValueError("crisis questions need the scenario's crisis section")
        if s.output == "deal":
            return float(np.mean(model.talks.peace_probability))
        return float(np.mean(model.talks.war_by_round[:, min(s.months, model.rounds)]))
    n = max(int(quiet.sum()), 1)
    window = slice(elapsed, elapsed + s.months)  # months elapsed+1 .. elapsed+N (0-based columns)
    if s.output == "test_within":
        hit = run.tested & (run.first_test_month > elapsed) & (run.first_test_month <= elapsed + s.months)
    elif s.output == "war_within":
        hit = run.war & (run.war_month > elapsed) & (run.war_month <= elapsed + s.months)
    else:
        hit = run.responses[:, window].any(axis=1)
    return float((hit & quiet).sum() / n)


@dataclass(frozen=True)
class QuestionLine:
    """One question as the bottom line shows it: one probability, an interval, what drives it.

    This is the small typed input of the bottom line
    (:mod:`standoff.presentation.bottom_line`); :func:`question_lines` fills it
    from the per-source forecasts, and a pooled probability per question can
    replace it without touching the presentation.

    Attributes:
        text: the question as the scenario asks it.
        probability: the probability shown (here: the median over the sources).
        low, high: the interval shown around it (here: the lowest and highest source).
        interval: what the interval is, in words (e.g. "range over 3 models").
        driver: what moves the probability most, in words.
    """

    text: str
    probability: float
    low: float
    high: float
    interval: str
    driver: str


#: How each source's model reads in a sentence.
SOURCE_MODELS = {
    "deterrence": "the defiance-cycle model",
    "crisis": "the crisis-bargaining model",
}


def question_lines(forecasts: list[QuestionForecast], drivers: dict[str, str] | None = None) -> list[QuestionLine]:
    """One line per question from its sources: the median source, the range over the sources.

    ``drivers`` maps an issue id to what drives its forecast most (e.g. the
    largest Sobol factor); a question read from an issue takes that issue's
    driver, a question from the deterrence or crisis model names that model.
    """
    drivers = drivers or {}
    by_question: dict[str, list[QuestionForecast]] = {}
    for f in forecasts:
        by_question.setdefault(f.question.id, []).append(f)
    lines = []
    for group in by_question.values():
        p = np.array([f.probability for f in group])
        issues = [f.source.issue for f in group if f.source.issue]
        if issues and issues[0] in drivers:
            driver = drivers[issues[0]]
        else:
            models = dict.fromkeys(SOURCE_MODELS.get(f.source.engine, f"the {f.source.engine} model") for f in group)
            driver = " and ".join(models)
        n = len(group)
        lines.append(
            QuestionLine(
                text=group[0].question.text,
                probability=float(np.median(p)),
                low=float(p.min()),
                high=float(p.max()),
                interval=(f"range over {n} models" if p.max() > p.min() else f"{n} models agree")
                if n > 1
                else "one model",
                driver=driver,
            )
        )
    return lines
