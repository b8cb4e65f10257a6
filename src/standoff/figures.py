"""Static figures (PNG, Matplotlib) for the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from standoff.sensitivity import IssueSensitivity  # noqa: E402


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
