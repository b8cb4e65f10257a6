"""``standoff history similar|rates|backtest|pool``: the outside view from the ICB crises. Parse, call, present."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from standoff.cli import common
from standoff.scenario import ScenarioError, load_scenario

app = common.history_app
out = Console(width=None if sys.stdout.isatty() else 150)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 150)

SHORT = {
    "violence_serious": "serious violence",
    "full_scale_war": "war",
    "violent_response_30d": "violent resp. <=30d",
    "lasts_over_90d": ">90d",
    "agreement": "agreement",
}


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _fail(message: str) -> None:
    err.print(message, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@app.command()
def similar(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file with a history section.")],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many past crises to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The past crisis actors nearest to the scenario's coded crisis, their outcomes and why they are near."""
    from dataclasses import asdict

    from standoff.core.icb.schema import FEATURES
    from standoff.history.icb.outside_view import outside_view

    try:
        loaded = load_scenario(scenario)
    except ScenarioError as exc:
        _fail(str(exc))
    coding = loaded.scenario.history
    if coding is None:
        _fail(f"{scenario}: the scenario has no history section (its crisis coded on the ICB features)")
    view = outside_view(coding, k=k)
    n_features = len(FEATURES)
    if as_json:
        out.print_json(json.dumps(asdict(view), allow_nan=False))
        return
    table = Table(title=f"Past crises nearest to {loaded.scenario.id} ({coding.crisis_actor} as crisis actor)")
    for col in ("#", "crisis", "actor", "year", "dist", *SHORT.values(), "same", "differs most (its value)"):
        table.add_column(col, overflow="fold")
    for i, c in enumerate(view.neighbours, 1):
        marks = ["yes" if c.outcomes[q] == 1 else "-" if c.outcomes[q] is None else "no" for q in SHORT]
        table.add_row(
            str(i),
            f"{c.crisis} (#{c.crisno})",
            c.actor,
            str(c.year),
            f"{c.distance:.2f}",
            *marks,
            f"{len(c.same)}/{n_features}",
            ", ".join(c.different),
        )
    out.print(table)
    out.print("same: features identical to the scenario's coding; outcomes: yes/no for this crisis actor.")
    rates = Table(title="Outside view at the trigger")
    for col in ("question", "base rate", f"these {len(view.neighbours)}", "reference class", "model"):
        rates.add_column(col)
    for q, name in SHORT.items():
        rates.add_row(
            name,
            _pct(view.base_rate[q]),
            _pct(view.neighbour_rate[q]),
            _pct(view.reference_class[q]),
            _pct(view.model[q]),
        )
    out.print(rates)


@app.command()
def rates(
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            help="A filter on an ex ante feature, e.g. nuclear=yes, gravity=existence, "
            "prior_crises_in_conflict>=3 (repeat to combine).",
        ),  # fmt: skip
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Base rates of every question in a filtered class of past crisis actors."""
    from dataclasses import asdict

    from standoff.history.icb.rates import FilterError, base_rates

    try:
        n, found = base_rates(where or [])
    except FilterError as exc:
        _fail(str(exc))
    if as_json:
        payload = {"where": where or [], "n": n, "questions": {q: asdict(r) for q, r in found.items()}}
        out.print_json(json.dumps(payload, allow_nan=False))
        return
    title = " and ".join(where) if where else "all crisis actors 1918-2007"
    table = Table(title=f"Base rates: {title} ({n} crisis actors)")
    for col in ("question", "rate", "95% interval", "events / n"):
        table.add_column(col)
    for q, r in found.items():
        interval = "-" if r.low is None else f"{_pct(r.low)}-{_pct(r.high)}"
        table.add_row(q, _pct(r.rate), interval, f"{r.events} / {r.n}")
    out.print(table)


@app.command()
def backtest(
    fit_actors: Annotated[Path | None, typer.Option("--fit-actors", help="Actor-level CSV to fit on.")] = None,
    fit_crises: Annotated[Path | None, typer.Option("--fit-crises", help="System-level CSV to fit on.")] = None,
    test_actors: Annotated[Path | None, typer.Option("--test-actors", help="Actor-level CSV to score.")] = None,
    test_crises: Annotated[Path | None, typer.Option("--test-crises", help="System-level CSV to score.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Fit on earlier crises, score on later ones (default: fit to 1990, test 1991-2007)."""
    from standoff.history.icb.backtest import run
    from standoff.history.icb.load import IcbDataError

    files = (fit_actors, fit_crises, test_actors, test_crises)
    if any(f is not None for f in files) and not all(f is not None for f in files):
        _fail("give all four of --fit-actors, --fit-crises, --test-actors and --test-crises, or none")
    try:
        result = run((fit_actors, fit_crises), (test_actors, test_crises)) if fit_actors else run()  # type: ignore[arg-type]
    except (IcbDataError, ValueError) as exc:
        _fail(str(exc).splitlines()[0])
    if as_json:
        out.print(json.dumps(result.to_json(), allow_nan=False, indent=2), markup=False, highlight=False)
        return
    table = Table(
        title=f"Out of sample: fit {result.fit_years[0]}-{result.fit_years[1]} ({result.fit_rows} crisis actors), "
        f"test {result.test_years[0]}-{result.test_years[1]} ({result.test_rows}); lower is better"
    )
    for col in ("question", "n", "model Brier", "model log", "base Brier", "base log", "plain LR Brier",
                "plain LR log", "ref. class Brier", "ref. class log"):  # fmt: skip
        table.add_column(col, justify="right" if col != "question" else "left")
    for q, s in result.questions.items():
        table.add_row(
            q,
            str(s.n),
            *(f"{x:.3f}" for x in (s.brier, s.log_score, s.base_rate_brier, s.base_rate_log_score)),
            *(f"{x:.3f}" for x in (s.plain_logistic.brier, s.plain_logistic.log_score)),
            *(f"{x:.3f}" for x in (s.reference_class.brier, s.reference_class.log_score)),
        )
    out.print(table)
    for q, s in result.questions.items():
        if not s.beats_base_rate and not s.beats_plain_logistic:
            verdict = "beats neither the base rate nor the plain logistic regression"
        elif not s.beats_base_rate:
            verdict = "beats the plain logistic regression but not the base rate"
        elif not s.beats_plain_logistic:
            verdict = "beats the base rate but not the plain logistic regression"
        else:
            verdict = "beats both the base rate and the plain logistic regression"
        tte = "" if s.time_to_event is None else f"; time-to-event model Brier {s.time_to_event.brier:.3f}"
        out.print(f"{q}: the regularised model {verdict} (on Brier and log score){tte}.")


@app.command()
def pool(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Pool weights estimated on past crises (fit to 1990), scored on 1991-2007 against each component alone."""
    from standoff.experiments.historical_pool import EQUAL_POOL, LINEAR_POOL, LOG_POOL, pool_report, verdicts

    report = pool_report()
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), allow_nan=False, indent=2) + "\n")
        return
    table = Table(
        title=f"Pools out of sample: weights fitted on out-of-fold forecasts {report.fit_years[0]}-"
        f"{report.fit_years[1]} ({report.fit_rows} crisis actors, {report.blocks} time-ordered blocks), "
        f"test {report.test_years[0]}-{report.test_years[1]} ({report.test_rows}); Brier / log score, lower is better"
    )
    for col in ("question (n fit/test)", "forecaster", "log-pool weight", "Brier", "log score"):
        table.add_column(col, justify="left" if col in ("question (n fit/test)", "forecaster") else "right")
    for q, p in report.questions.items():
        for i, (k, s) in enumerate(p.test.items()):
            weight = f"{p.weights[k]:.2f}" if k in p.weights else f"sum {p.extremizing:.2f}" if k == LOG_POOL else ""
            head = f"{q} ({p.n_fit}/{p.n_test})" if i == 0 else ""
            table.add_row(head, k, weight, f"{s.brier:.3f}", f"{s.log_score:.3f}", end_section=i == len(p.test) - 1)
    out.print(table)
    m = report.mapping.parameters
    out.print(
        "crisis model through the mapping fitted on the fit period: p = expit({alpha0:.2f} {alpha1:+.2f} powdis/179), "
        "c = exp({gamma0:.2f} {gamma_nuclear:+.2f} nuclear {gamma_gravity:+.2f} gravity), "
        "adversary cost ~ U[c (1 - w), c (1 + w)], w = {w:.2f}".format(**m, w=math.exp(m["log_spread"])),
        markup=False,
        highlight=False,
    )
    for q, p in report.questions.items():
        v = p.validation
        out.print(
            f"{q}: inside the fit period (time-ordered) mean log loss: log pool {v[LOG_POOL]:.3f}, "
            f"linear pool {v[LINEAR_POOL]:.3f}, equal weights {v[EQUAL_POOL]:.3f}"
            + ("; the log pool does not beat the linear pool" if v[LOG_POOL] >= v[LINEAR_POOL] else ""),
            markup=False,
            highlight=False,
        )
    for line in verdicts(report):
        out.print(line, markup=False, highlight=False)
