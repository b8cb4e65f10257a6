"""Dashboard panels: each is one function registered with :func:`panel`.

A panel turns a :class:`PanelContext` (the scenario, the chosen issue, the
request's settings) into a :class:`PanelView`: a list of blocks (Plotly
figures from :mod:`standoff.presentation.figures`, and partial templates with their data).
The page routes in :mod:`standoff.web.app` serve every registered panel at
``/s/{scenario}/{key}`` (or ``/s/{scenario}/{key}/{issue}`` when it is per
issue), and the tabs list the panels whose ``available`` says their data
exists. A new panel is therefore one function here and, if it needs a new
figure, one function in :mod:`standoff.presentation.figures`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from standoff.experiments.forecast import Forecast, IssueForecast
from standoff.presentation import figures as plots
from standoff.scenario import LoadedScenario
from standoff.scenario.model import Scenario
from standoff.web.state import Library, NotFound
from standoff.web.views import briefing_context, evidence


@dataclass(frozen=True)
class FigureBlock:
    """A Plotly figure dict to draw, with an optional caption under it."""

    key: str
    figure: dict[str, Any]
    caption: str = ""
    kind: str = "figure"
    summary: str = ""


@dataclass(frozen=True)
class Partial:
    """A partial template (under ``templates/partials/``) and its data."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    kind: str = "partial"


Block = FigureBlock | Partial


@dataclass(frozen=True)
class PanelView:
    """What a panel shows; ``refresh`` reloads the page after that many seconds (a run in progress)."""

    blocks: list[Block]
    refresh: int | None = None


@dataclass
class PanelContext:
    """Everything a panel may read."""

    library: Library
    name: str
    loaded: LoadedScenario
    issue: str | None
    base: str
    draws: int | None = None
    seed: int = 0
    query: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def forecast(self) -> Forecast:
        """The point forecast (cached by the library)."""
        return self.library.forecast(self.name)

    @property
    def issue_forecast(self) -> IssueForecast:
        return self.forecast.issue(self.issue or self.forecast.issues[0].issue)

    def href(self, key: str, issue: str | None = None, **query: Any) -> str:
        """Link to a panel of this scenario."""
        path = f"{self.base}/s/{self.name}/{key}" + (f"/{issue}" if issue else "")
        params = "&".join(f"{k}={v}" for k, v in query.items() if v is not None)
        return path + (f"?{params}" if params else "")


@dataclass(frozen=True)
class Panel:
    """A registered panel."""

    key: str
    title: str
    render: Callable[[PanelContext], PanelView]
    per_issue: bool
    available: Callable[[PanelContext], bool]


PANELS: dict[str, Panel] = {}
#: Monte Carlo draws behind the intervals of the briefing's overview.
OVERVIEW_DRAWS = 200
#: Moves listed (and, when the engines explain them, explained) on the advice panel.
ADVICE_TOP = 5


def panel(
    key: str, title: str, *, per_issue: bool = False, available: Callable[[PanelContext], bool] | None = None
) -> Callable[[Callable[[PanelContext], PanelView]], Callable[[PanelContext], PanelView]]:
    """Register a panel function under ``key`` (its tab reads ``title``)."""

    def register(fn: Callable[[PanelContext], PanelView]) -> Callable[[PanelContext], PanelView]:
        PANELS[key] = Panel(key, title, fn, per_issue, available or (lambda ctx: True))
        return fn

    return register


# --- the panels ----------------------------------------------------------------


@panel("briefing", "Briefing")
def briefing(ctx: PanelContext) -> PanelView:
    """Every issue at a glance, then the briefing issue by issue."""
    f = ctx.forecast
    job = ctx.library.monte_carlo(ctx.name, OVERVIEW_DRAWS, 0)  # intervals for the overview, in the background
    caption = "Hover a mark for its value and what it means on the scale."
    if job.status == "done":
        shown = job.future.result().forecast
        caption += f" Whiskers: {OVERVIEW_DRAWS} Monte Carlo draws (seed 0)."
    else:
        shown = f
        caption += " Monte Carlo intervals are being computed: reload the page in a minute to see them."
    return PanelView(
        [
            Partial("bottom_line.html", {"bottom": ctx.library.bottom_line(ctx.name)}),
            FigureBlock("overview", plots.overview(shown), caption),
            Partial(
                "briefing.html",
                briefing_context(ctx.loaded, f.issues, {i.issue: ctx.href("map", i.issue) for i in f.issues}),
            ),
        ]
    )


@panel("map", "Actor map", per_issue=True)
def actor_map(ctx: PanelContext) -> PanelView:
    """Position against salience per actor, the forecasts on the same scale, and the issue's briefing."""
    i = ctx.issue_forecast
    return PanelView(
        [
            FigureBlock("map", plots.actor_map(ctx.loaded.scenario, i), "Bubble area: capability. Colour: group."),
            FigureBlock("summary", plots.forecast_summary(i)),
            Partial("briefing.html", briefing_context(ctx.loaded, [i])),
        ]
    )


@panel(
    "rounds",
    "Rounds",
    per_issue=True,
    available=lambda ctx: any(e.positions_by_round for i in ctx.forecast.issues for e in i.engines.values()),
)
def rounds(ctx: PanelContext) -> PanelView:
    """The expected-utility model round by round: positions, forecast, who took whose offer."""
    i = ctx.issue_forecast
    engine = ctx.query.get("engine", "expected_utility")
    with_rounds = [n for n in plots.engine_names(i) if i.engines[n].positions_by_round]
    if engine not in with_rounds and with_rounds:
        engine = with_rounds[0]
    figure = plots.trajectories(ctx.loaded.scenario, i, engine)
    blocks: list[Block] = [Partial("engine_pick.html", {"ctx": ctx, "engines": with_rounds, "engine": engine, "i": i})]
    if figure is None:
        blocks.append(Partial("notice.html", {"text": "No engine with rounds ran on this issue."}))
        return PanelView(blocks)
    blocks.append(FigureBlock("rounds", figure, "Dashed black: the forecast after each round. Star: the final one."))
    names = {a.id: a.name for a in ctx.loaded.scenario.actors}
    if engine == "expected_utility":
        blocks.append(Partial("moves.html", {"issue": i, "names": names}))
    return PanelView(blocks)


@panel("sensitivity", "Sensitivity", per_issue=True)
def sensitivity(ctx: PanelContext) -> PanelView:
    """What drives the issue's forecast: Sobol indices with their intervals, and a tornado."""
    i = ctx.issue_forecast
    found = ctx.library.outlook(ctx.name)
    engine = ctx.query.get("engine")
    s = plots.most_telling(found.sensitivity, i.issue, engine)
    if s is None:
        return PanelView([Partial("notice.html", {"text": "No sensitivity analysis for this issue."})])
    title = i.engines[s.engine].title if s.engine in i.engines else s.engine
    engines = sorted({x.engine for x in found.sensitivity if x.issue == i.issue})
    pick = Partial(
        "engine_pick.html", {"ctx": ctx, "engines": engines, "engine": s.engine, "i": i, "panel": "sensitivity"}
    )
    if s.pinned:
        text = f"A veto pins the {title} forecast at {plots.fmt(s.point)}: no uncertain input moves it."
        return PanelView([pick, Partial("notice.html", {"text": text})])
    if s.std == 0:
        text = f"The {title} forecast does not vary with the uncertain inputs."
        return PanelView([pick, Partial("notice.html", {"text": text})])
    sc = ctx.loaded.scenario
    return PanelView(
        [
            pick,
            FigureBlock("sobol", plots.sobol_indices(sc, s, title), "Bars: Sobol indices; whiskers: 95% intervals."),
            FigureBlock(
                "tornado", plots.tornado(sc, s, title), "Dotted line: the forecast with every input at its value."
            ),
        ]
    )


@panel("distributions", "Monte Carlo", per_issue=True)
def distributions(ctx: PanelContext) -> PanelView:
    """Forecast distributions over the uncertain inputs (the run goes on in the background)."""
    draws = ctx.draws or 200
    job = ctx.library.monte_carlo(ctx.name, draws, ctx.seed)
    form = Partial("mc_form.html", {"ctx": ctx, "draws": draws, "seed": ctx.seed, "job": job.progress()})
    if job.status in {"queued", "running"}:
        return PanelView([form], refresh=2)
    if job.status == "failed":
        return PanelView([form, Partial("notice.html", {"text": f"The run failed: {job.error}"})])
    mc = job.future.result()
    i = mc.forecast.issue(ctx.issue_forecast.issue)
    return PanelView(
        [
            form,
            FigureBlock("distribution", plots.distributions(i, mc.values[i.issue])),
            FigureBlock("summary", plots.forecast_summary(i)),
        ]
    )


@panel("evidence", "Evidence")
def evidence_panel(ctx: PanelContext) -> PanelView:
    """Every input with its quotes, document and judgment; coverage per actor."""
    data = evidence(ctx.loaded)
    support = ctx.query.get("support")
    rows = [r for r in data["inputs"] if support in {None, "", r["support"]}]
    names = {a.id: a.name for a in ctx.loaded.scenario.actors}
    return PanelView(
        [
            FigureBlock("coverage", plots.evidence_coverage(ctx.loaded.scenario)),
            Partial("evidence.html", {"ctx": ctx, "data": data, "rows": rows, "support": support, "names": names}),
        ]
    )


# --- panels that land later ----------------------------------------------------
# Registered now so that their tab and route exist: each tab appears only once
# ``available`` finds the panel's data. To land one, make ``available`` check for
# the data (e.g. the scenario's policy options, a defiance-cycle run, ledger
# entries for this scenario), build the view here from its plot functions in
# standoff.presentation.figures, and nothing else changes.


def _has_policies(ctx: PanelContext) -> bool:
    return ctx.loaded.scenario.deterrence is not None


@panel("policies", "Policy comparison", available=_has_policies)
def policies(ctx: PanelContext) -> PanelView:
    """Each policy option: the defiance cycle's next test and war, and the crisis's deal and war."""
    comparison = ctx.library.comparison(ctx.name)
    return PanelView(
        [
            FigureBlock("policies", plots.policy_rates(comparison), "Bars: 90% Wilson intervals over paths."),
            Partial("policies.html", {"comparison": comparison, "crisis": ctx.loaded.scenario.crisis}),
        ]
    )


@panel("defiance", "Defiance cycle", available=_has_policies)
def defiance(ctx: PanelContext) -> PanelView:
    """Simulated recovery paths per option, with the as-of date and the historical episodes."""
    from standoff.history.episodes import scenario_episodes

    comparison = ctx.library.comparison(ctx.name)
    episodes = scenario_episodes(ctx.loaded.scenario)
    return PanelView([FigureBlock("defiance", plots.defiance_paths(comparison, episodes))])


def advice_actor(scenario: Scenario, actor: str | None) -> str:
    """The actor to advise: ``actor`` (an actor of the scenario, or the outside mediator), else the first side."""
    from standoff.experiments.advice import MEDIATOR, advice_subjects

    chosen = actor or advice_subjects(scenario)[0]
    if chosen != MEDIATOR and chosen not in {a.id for a in scenario.actors}:
        raise NotFound(f"actor {chosen!r}")
    return chosen


@panel("advice", "Advice")
def advice(ctx: PanelContext) -> PanelView:
    """An actor's (or an outside mediator's) moves ranked by net gain, with why the best ones work."""
    from standoff.experiments.advice import advice_subjects

    actor = advice_actor(ctx.loaded.scenario, ctx.query.get("actor"))
    result = ctx.library.advice(ctx.name, actor)
    return PanelView(
        [
            Partial(
                "advice.html",
                {
                    "ctx": ctx,
                    "advice": result,
                    "subjects": advice_subjects(ctx.loaded.scenario),
                    "actors": [a.id for a in ctx.loaded.scenario.actors],
                    "top": ADVICE_TOP,
                },
            ),
            FigureBlock("advice", plots.advice_gains(result)),
        ]
    )


def _ledger_rows(ctx: PanelContext) -> list[dict[str, Any]] | None:
    """The ledger's questions of this scenario, each engine's latest forecast and the resolution;
    ``None`` when there is no ledger (viewing the dashboard never creates one)."""
    import sqlalchemy as sa

    from standoff.store import default_url, open_store

    url = default_url()
    target = sa.make_url(url)
    if target.get_backend_name() == "sqlite" and not (target.database and Path(target.database).exists()):
        return None
    with open_store(url) as store:
        questions = store.questions(ctx.loaded.scenario.id)
        if not questions:
            return None
        forecasts = store.forecasts()
        resolved = {r.question_id: r for r in store.resolutions()}
    rows = []
    for q in questions:
        latest = {f.engine: f for f in forecasts if f.question_id == q.id}
        res = resolved.get(q.id)
        rows.append(
            {
                "id": q.id,
                "text": q.text,
                "resolve_by": q.resolve_by,
                "forecasts": {e: f.probability for e, f in latest.items()},
                "resolution": None if res is None else f"{_outcome(res.outcome)} on {res.date} ({res.source})",
            }
        )
    return rows


def _outcome(value: bool | float) -> str:
    return ("yes" if value else "no") if isinstance(value, bool) else f"{value:g}"


@panel("ledger", "Ledger", available=lambda ctx: _ledger_rows(ctx) is not None)
def ledger(ctx: PanelContext) -> PanelView:
    """The scenario's questions in the forecast ledger: each engine's latest probability and the resolution."""
    return PanelView([Partial("ledger.html", {"rows": _ledger_rows(ctx) or []})])
