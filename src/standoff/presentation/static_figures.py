"""Static figures (PNG, Matplotlib) for the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from standoff.engines.crisis import UniformCost, proposer_utility  # noqa: E402
from standoff.experiments.policy import Comparison  # noqa: E402
from standoff.experiments.sensitivity import IssueSensitivity  # noqa: E402
from standoff.history.episodes import Episode  # noqa: E402


def sensitivity_png(results: Sequence[IssueSensitivity], path: Path, top: int = 5) -> None:
    """Per issue and engine: total Sobol indices (left) and the tornado (right)."""
    fig, axes = plt.subplots(len(results), 2, figsize=(12, 2.2 * len(results) + 0.6), squeeze=False)
    for row, r in zip(axes, results, strict=True):
        effects = r.sobol[:top][::-1]
        row[0].barh(
            [f.factor for f in effects],
            [f.total for f in effects],
            xerr=[f.total_conf for f in effects],
            color="#4c78a8",
        )
        row[0].set_title(f"{r.issue} / {r.engine}: Sobol total index", fontsize=9)
        row[0].set_xlim(0, max([1.0] + [f.total for f in effects]))
        bars = r.tornado[:top][::-1]
        for k, b in enumerate(bars):
            lo, hi = sorted((b.low_forecast, b.high_forecast))
            row[1].barh(k, hi - lo, left=lo, color="#f58518")
        row[1].axvline(r.point, color="black", lw=1)
        row[1].set_yticks(range(len(bars)), [b.input.split(".", 1)[1] for b in bars], fontsize=7)
        row[1].set_title(f"{r.issue} / {r.engine}: forecast, input at 5th→95th pct", fontsize=9)
        row[0].tick_params(labelsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def paths_png(result: Comparison, episodes: Sequence[Episode], path: Path) -> None:
    """Capability and belief over time per option (median and 10–90% band), the historical
    episodes' observed months to the next test marked, and the preventive motive if computed."""
    panels = 3 if result.options and result.options[0].crisis else 2
    fig, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 4.2))
    months = np.arange(result.options[0].capability.shape[1])
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, o in enumerate(result.options):
        c = colours[k % len(colours)]
        for ax, series in ((axes[0], o.capability), (axes[1], o.belief)):
            lo, mid, hi = np.quantile(series, [0.1, 0.5, 0.9], axis=0)
            ax.plot(months, mid, color=c, label=o.name)
            ax.fill_between(months, lo, hi, color=c, alpha=0.12)
        if panels == 3 and o.crisis is not None:
            axes[2].plot(np.arange(1, len(o.crisis.motive) + 1), o.crisis.motive, color=c, label=o.name)
    for ep in episodes:
        if ep.event and ep.duration_months <= months[-1]:
            axes[0].axvline(ep.duration_months, color="grey", ls=":", lw=1)
            axes[0].text(ep.duration_months, 0.02, ep.episode_id, rotation=90, fontsize=7, color="grey")
    axes[0].axvline(result.elapsed_months, color="black", lw=1)
    axes[0].set(title="Challenger capability K (median, 10–90%)", xlabel="months since the shock", ylim=(0, 1.05))
    axes[1].axvline(result.elapsed_months, color="black", lw=1)
    axes[1].set(title="Believed chance the defender responds", xlabel="months since the shock", ylim=(0, 1))
    if panels == 3:
        axes[2].axhline(0, color="black", lw=0.8)
        axes[2].set(title="Defender's preventive motive (median; > 0: war now)", xlabel="months after the as-of date")
    axes[0].legend(fontsize=7, loc="lower right")
    fig.suptitle(
        f"{result.scenario}: simulated paths by policy option (vertical line: as of {result.as_of}; "
        "dotted: months to the next test after past Iranian shocks)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def crisis_png(p: float, proposer_cost: float, cost_low: float, cost_high: float, path: Path) -> None:
    """War probability and the proposer's expected utility against the size of its demand."""
    demand = np.linspace(0, 1, 401)
    cost = UniformCost(cost_low, cost_high)
    war = np.asarray(cost.cdf(demand - p))
    util = proposer_utility(demand[None, :], p, proposer_cost, cost)[0]
    best = demand[int(np.argmax(util))]
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    ax.plot(demand, war, label="P(war) given the demand")
    ax.plot(demand, util, label="proposer's expected utility")
    ax.axvline(best, color="black", ls="--", lw=1, label=f"optimal demand {best:.2f}")
    ax.axvline(p, color="grey", ls=":", lw=1, label=f"p = {p:.2f} (war's expected share)")
    ax.set(
        xlabel="demand (proposer's share of the good)",
        ylim=(-0.05, 1.05),
        title=f"Fearon screening: receiver's cost of war uniform on [{cost_low:g}, {cost_high:g}]",
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def reliability_png(scores: Sequence[object], path: Path) -> None:
    """Reliability diagram: observed frequency against mean forecast per bin, one line per engine."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="grey", ls=":", lw=1, label="perfect calibration")
    for s in scores:
        c = s.calibration  # type: ignore[attr-defined]
        used = np.asarray(c.count) > 0
        ax.plot(
            np.asarray(c.mean_forecast)[used],
            np.asarray(c.observed_frequency)[used],
            marker="o",
            label=f"{s.engine} (n={s.count}, Brier {s.brier:.3f})",
        )  # type: ignore[attr-defined]
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        xlabel="forecast probability",
        ylabel="observed frequency",
        title="Reliability of resolved forecasts",
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
