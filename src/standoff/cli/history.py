"""Commands about the historical record: calibrating the defiance cycle and backtesting it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from standoff.cli.common import (
    _months_text,
    app,
    err,
    out,
)


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
        except OSError as exc:
            err.print(f"{f}: cannot read the episode file: {exc.strerror or exc}", markup=False, highlight=False)
            raise typer.Exit(1) from None
    return tuple(eps)


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
        typer.Option("--episodes", help="Episode CSV files (default: Iran-US before 2025)."),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to save the fit.")] = None,
    loo: Annotated[bool, typer.Option("--loo/--no-loo", help="Also run the leave-one-episode-out check.")] = True,
) -> None:
    """Fit the deterrence engine to historical episodes (maximum likelihood with censoring) and save the fit."""
    from standoff.history.calibration import calibrate as run_calibrate
    from standoff.history.calibration import leave_one_out, save_fit
    from standoff.history.default_fit import default_fit, default_fit_path

    eps = _episodes(episodes)
    with err.status("Calibrating…"):
        fit = default_fit(output, refit=True) if not episodes else run_calibrate(eps)
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


@app.command("backtest-episodes")
def backtest_episodes(
    fit_file: Annotated[Path, typer.Option("--fit", help="Training episodes (CSV).")],
    test_file: Annotated[Path, typer.Option("--test", help="Test episodes (CSV).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Fit on one episode file, predict the other: per-episode predictions and scores beside naive baselines."""
    from standoff.history.calibration import out_of_sample

    train, test = _episodes([fit_file]), _episodes([test_file])
    with err.status("Fitting and predicting…"):
        report = out_of_sample(train, test)
    if as_json:
        preds = [p.__dict__ for p in report.model.predictions] if hasattr(report.model, "predictions") else []
        sys.stdout.write(
            json.dumps(
                {"train": report.train_ids, "test": report.test_ids, "scores": report.table(), "predictions": preds},
                indent=2,
                default=float,
            )
            + "\n"
        )
        return
    out.print(f"trained on {len(train)} episodes, tested on {len(test)}")
    if hasattr(report.model, "predictions"):
        out.print(_prediction_table(report.model.predictions))
    out.print(_score_table(report))
