"""Commands about the historical record: calibrating the defiance cycle and backtesting it."""

from __future__ import annotations

import json
import math
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from standoff.cli.common import (
    _months_text,
    app,
    err,
    history_app,
    out,
)

ICB_ENGINE = "deterrence engine (ICB fit)"


def _episodes(files: list[Path] | None):  # noqa: ANN202 - tuple of Episode
    from standoff.history.default_fit import default_episodes
    from standoff.history.episodes import EpisodeFileError, load_episodes

    if not files:
        return default_episodes()
    eps: list = []
    for f in files:
        try:
            # cases the data marks for sensitivity runs only (e.g. a non-state actor) are left out
            eps += [e for e in load_episodes(f) if not e.sensitivity_only]
        except EpisodeFileError as exc:
            err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or str(exc))
            err.print(f"{f}: cannot read the episode file ({reason})", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
    return tuple(eps)


def json_safe(value: Any, reason: str = "beyond the model's horizon") -> Any:
    """``value`` with every non-finite float replaced by ``null`` and a sibling ``<key>_reason`` saying why."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if isinstance(v, float) and not math.isfinite(v):
                out[k] = None
                out[f"{k}_reason"] = reason if v == float("inf") else "undefined (no comparable cases)"
            else:
                out[k] = json_safe(v, reason)
        return out
    if isinstance(value, (list, tuple)):
        return [json_safe(v, reason) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _say_losses(lines: list[str]) -> None:
    for line in lines:
        out.print(f"[bold red]{line}[/bold red]")
    if not lines:
        out.print("The model beats every baseline on the held-out log-likelihood.")


def _prediction_table(predictions) -> Table:  # noqa: ANN001
    table = Table("episode", "observed months", "predicted median", "interval", "log-lik", box=None)
    for p in predictions:
        obs = f"{p.observed_months:.1f}" + ("" if p.event else " (censored)")
        table.add_row(
            p.episode_id,
            obs,
            _months_text(p.median) if p.median == float("inf") else f"{p.median:.1f}",
            f"[{p.lower:.1f}, {p.upper:.1f}] ({100 * p.level:.0f}%)",
            f"{p.loglik:.2f}",
        )
    return table


def _score_table(report) -> Table:  # noqa: ANN001
    table = Table("predictor", "log-likelihood", "concordance", "median |error| in log-months", box=None)
    for row in report.table():
        table.add_row(row["predictor"], f"{row['loglik']:.2f}", f"{row['c_index']:.2f}", f"{row['mae_log_months']:.2f}")
    return table


@app.command()
def calibrate(
    episodes: Annotated[
        list[Path] | None,
        typer.Option("--episodes", help="Episode CSV files (default: those the shipped fit is calibrated on)."),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to save the fit.")] = None,
    loo: Annotated[bool, typer.Option("--loo/--no-loo", help="Also run the leave-one-episode-out check.")] = True,
) -> None:
    """Fit the deterrence engine to historical episodes (maximum likelihood with censoring) and save the fit."""
    from standoff.history.calibration import calibrate as run_calibrate
    from standoff.history.calibration import leave_one_out, save_fit
    from standoff.history.default_fit import default_fit_path, episode_fit

    eps = _episodes(episodes)
    with err.status("Calibrating…"):
        fit = episode_fit(output, refit=True) if not episodes else run_calibrate(eps)
    if episodes:
        save_fit(fit, output or default_fit_path())
    out.print(f"[bold]Fit on {len(eps)} episodes[/bold]: " + ", ".join(f"{k} = {v:.4g}" for k, v in fit.free.items()))
    out.print(
        f"log-likelihood {fit.loglik:.2f} (fresh noise {fit.loglik_fresh:.2f}); saved to {output or default_fit_path()}"
    )
    out.print(_prediction_table(fit.predictions))
    if loo and len(eps) > 2:
        with err.status("Leave-one-episode-out…"):
            report = leave_one_out(eps, full_fit=fit)
        out.print("[bold]Leave-one-episode-out[/bold] (each episode predicted by a fit without it):")
        out.print(_score_table(report))
        _say_losses(report.verdict())
    out.print(
        "This is the episode calibration. The scenarios use the default calibration, the engine fitted on the ICB "
        "recurrence spells, which wins out of sample: see `standoff history recurrence --backtest`."
    )


@app.command("backtest-episodes")
def backtest_episodes(
    fit_file: Annotated[Path, typer.Option("--fit", help="Training episodes (CSV).")],
    test_file: Annotated[Path, typer.Option("--test", help="Test episodes (CSV).")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output (JSON on stdout).")] = False,
) -> None:
    """Fit on one episode file, predict the other: per-episode predictions and scores beside naive baselines."""
    from standoff.history.calibration import out_of_sample
    from standoff.history.default_fit import icb_spells
    from standoff.history.recurrence import episode_frame
    from standoff.history.recurrence_models import backtest_table, fit_all, fitted_engine

    train, test = _episodes([fit_file]), _episodes([test_file])
    with err.status("Fitting and predicting…"):
        report = out_of_sample(train, test)
    with err.status("Scoring the models fitted on the ICB recurrence spells…"):
        spells = icb_spells()
        models = fit_all(spells, engine=replace(fitted_engine(spells), name=ICB_ENGINE))
        icb = backtest_table(test_file.name, "all ICB spells", models, episode_frame(test))
    if as_json:
        preds = [p.as_dict() for p in report.model.predictions]
        doc = {
            "train": report.train_ids,
            "test": report.test_ids,
            "scores": report.table(),
            "verdict": report.verdict(),
            "predictions": preds,
            "icb_models": icb.as_dict() | {"verdict": icb.verdict(ICB_ENGINE)},
        }
        sys.stdout.write(json.dumps(json_safe(doc), indent=2, allow_nan=False) + "\n")
        return
    out.print(f"The engine calibrated on {fit_file.name}: trained on {len(train)} episodes, tested on {len(test)}")
    out.print(_prediction_table(report.model.predictions))
    out.print(_score_table(report))
    _say_losses(report.verdict())
    out.print(f"\n[bold]Models fitted on the ICB recurrence spells[/bold], scored on {test_file.name}")
    out.print(_backtest_rich(icb))
    for line in icb.verdict(ICB_ENGINE):
        out.print(line)


def _effects_table(summary) -> Table:  # noqa: ANN001 - lifelines summary frame
    table = Table("covariate", "time ratio", "95% interval", "p", box=None)
    for (param, cov), row in summary.iterrows():
        if param != "lambda_" or cov == "Intercept":
            continue
        table.add_row(
            cov,
            f"{row['exp(coef)']:.2f}",
            f"[{row['exp(coef) lower 95%']:.2f}, {row['exp(coef) upper 95%']:.2f}]",
            f"{row['p']:.3f}",
        )
    return table


def _backtest_rich(table) -> Table:  # noqa: ANN001 - BacktestTable
    t = Table("model", "spells", "log-lik / spell", "concordance", "Brier 12 m", "Brier 24 m", box=None)
    for s in table.scores:
        c = "n/a" if s.c_index is None else f"{s.c_index:.3f}"
        t.add_row(s.model, str(s.n), f"{s.loglik_per_spell:.3f}", c, f"{s.brier[12]:.3f}", f"{s.brier[24]:.3f}")
    return t


@history_app.command("recurrence")
def recurrence(
    backtest: Annotated[
        bool, typer.Option("--backtest", help="Score every model out of sample: ICB 1991-2007 and the episode files.")
    ] = False,
    last_train_year: Annotated[int, typer.Option(help="Last year of the training spells.")] = 1990,
    refit: Annotated[bool, typer.Option("--refit", help="Fit the structural engine again (ignore the cache).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output (JSON on stdout).")] = False,
) -> None:
    """Recurrence spells between the same adversaries in ICB, what predicts the next crisis, and the backtest."""
    from standoff.history.icb.load import IcbDataError, load_icb
    from standoff.history.recurrence import FULL_FEATURES, build_spells, split_by_time, summary
    from standoff.history.recurrence_models import WeibullAFT

    try:
        spells = build_spells(load_icb().actors)
    except IcbDataError as exc:
        err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    counts = summary(spells)
    train, test = split_by_time(spells, last_train_year)
    doc: dict[str, Any] = {
        "spells": counts.__dict__,
        "train": summary(train).__dict__,
        "test": summary(test).__dict__,
    }
    with err.status("Fitting the Weibull model of all spells…"):
        effects = WeibullAFT.fit(spells, FULL_FEATURES)
    if not as_json:
        out.print(
            f"[bold]{counts.spells} spells[/bold] ({counts.events} recurrences, {counts.censored} censored at "
            f"2007-12-31) of {counts.actors} actors; training (crisis ended by {last_train_year}, censored at its "
            f"end): {len(train)}, test: {len(test)} ({int(test['event'].sum())} recurrences)."
        )
        out.print("Weibull AFT on all spells (time ratio > 1: the next crisis comes later; outcome vs stalemate):")
        out.print(_effects_table(effects.summary))
        out.print(_defeat_sentence(effects))
    doc["effects"] = {
        cov: {"time_ratio": float(row["exp(coef)"]), "p": float(row["p"])}
        for (param, cov), row in effects.summary.iterrows()
        if param == "lambda_" and cov != "Intercept"
    }
    if backtest:
        tables = _recurrence_backtest(train, test, spells, last_train_year, refit=refit)
        doc["backtest"] = [t.as_dict() | {"verdict": t.verdict(ICB_ENGINE)} for t in tables]
        if not as_json:
            for t in tables:
                out.print(f"\n[bold]{t.title}[/bold] (models fitted on {t.trained_on})")
                out.print(_backtest_rich(t))
                for line in t.verdict(ICB_ENGINE):
                    out.print(line)
    if as_json:
        sys.stdout.write(json.dumps(json_safe(doc), indent=2, allow_nan=False) + "\n")


def _defeat_sentence(effects) -> str:  # noqa: ANN001 - WeibullAFT
    tr = math.exp(effects.beta["defeat"])
    viol = math.exp(effects.beta["viol"])
    d = "later" if tr > 1 else "sooner"
    v = "later" if viol > 1 else "sooner"
    return (
        f"A defeat is followed by the next crisis {d} than a stalemate (time ratio {tr:.2f}); each step of violence "
        f"suffered brings it {v} (time ratio {viol:.2f} per step)."
    )


def _recurrence_backtest(train, test, spells, last_train_year: int, *, refit: bool) -> list:  # noqa: ANN001
    from standoff.history.default_fit import EPISODE_FIT_LABEL, EPISODES_LABEL, default_episodes, episode_fit
    from standoff.history.episodes import coercion_episodes
    from standoff.history.recurrence import episode_frame
    from standoff.history.recurrence_models import StructuralEngine, backtest_table, fit_all, fitted_engine

    with err.status("Fitting the structural engine (the shipped fits unless the data or the model changed)…"):
        engine_train = replace(fitted_engine(train, refit=refit), name=ICB_ENGINE)
        engine_all = replace(fitted_engine(spells, refit=refit), name=ICB_ENGINE)
    with err.status(f"Calibrating the engine on the {EPISODES_LABEL}…"):
        episode_params = episode_fit().params
    episode_engine = StructuralEngine.from_params(episode_params, EPISODE_FIT_LABEL)
    in_sample = StructuralEngine.from_params(episode_params, f"{EPISODE_FIT_LABEL[:-1]}, in sample)")
    with err.status("Fitting the reference models…"):
        early = fit_all(train, engine=engine_train)
        full = fit_all(spells, engine=engine_all)
    shipped = default_episodes()
    return [
        backtest_table(
            f"ICB spells starting {last_train_year + 1}-2007",
            f"spells to {last_train_year}",
            [*early, episode_engine],
            test,
        ),
        backtest_table(
            "coercion episodes", "all ICB spells", [*full, episode_engine], episode_frame(coercion_episodes())
        ),
        backtest_table(EPISODES_LABEL, "all ICB spells", [*full, in_sample], episode_frame(shipped)),
    ]
