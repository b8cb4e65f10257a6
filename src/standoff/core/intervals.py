"""One interval type for the whole package: an estimate with a central interval.

Every summary of a quantity over Monte Carlo draws or paths — a forecast's
median over draws, a gain's mean, a probability with its Wilson interval,
months to an event — is an :class:`Interval`. ``statistic`` says what the
estimate is (``"median"``, ``"mean"`` or ``"proportion"``), and the matching
name reads it (``i.median``, ``i.mean``, ``i.p``); reading it under another
name is an error, so a mean is never shown as a median.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

Statistic = Literal["median", "mean", "proportion"]


@dataclass(frozen=True)
class Interval:
    """An estimate and the central interval holding ``level`` of the draws (or of the probability).

    Attributes:
        estimate: the point estimate (see ``statistic``).
        low, high: the interval's bounds (``inf`` allowed, e.g. beyond a horizon).
        level: the interval's probability, e.g. ``0.9``.
        statistic: ``"median"``, ``"mean"`` or ``"proportion"``.
    """

    estimate: float
    low: float
    high: float
    level: float
    statistic: Statistic = "median"

    def _as(self, statistic: Statistic) -> float:
        if self.statistic != statistic:
            raise AttributeError(f"this interval's estimate is a {self.statistic}, not a {statistic}")
        return self.estimate

    @property
    def median(self) -> float:
        return self._as("median")

    @property
    def mean(self) -> float:
        return self._as("mean")

    @property
    def p(self) -> float:
        """The estimated probability (``statistic == "proportion"``)."""
        return self._as("proportion")

    @property
    def width(self) -> float:
        return self.high - self.low

    def __contains__(self, x: float) -> bool:
        return self.low <= x <= self.high

    @classmethod
    def of_draws(
        cls, values: Any, level: float = 0.9, statistic: Statistic = "median", *, method: str = "linear"
    ) -> Interval:
        """The ``statistic`` (median or mean) of ``values`` and their central ``level`` quantiles.

        ``method`` is NumPy's quantile method (``"inverted_cdf"`` keeps censored ``inf`` values
        from being interpolated). No values: ``nan`` estimate and bounds.
        """
        x = np.asarray(values, dtype=float).ravel()
        if x.size == 0:
            return cls(math.nan, math.nan, math.nan, level, statistic)
        lo, hi = np.quantile(x, [(1 - level) / 2, (1 + level) / 2], method=method)  # type: ignore[call-overload]
        if statistic == "median":
            estimate = float(np.quantile(x, 0.5, method=method))  # type: ignore[call-overload]
        elif statistic == "mean":
            estimate = float(np.mean(x))
        else:
            raise ValueError("of_draws summarises draws by their median or mean; use wilson() for a proportion")
        return cls(estimate, float(lo), float(hi), level, statistic)

    @classmethod
    def wilson(cls, successes: int, n: int, level: float = 0.9) -> Interval:
        """A proportion ``successes / n`` with its Wilson score interval (``n = 0``: ``nan`` in ``[0, 1]``)."""
        if n <= 0:
            return cls(math.nan, 0.0, 1.0, level, "proportion")
        from scipy import stats

        z = float(stats.norm.ppf(0.5 + level / 2))
        phat = successes / n
        centre = (phat + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return cls(float(phat), float(max(0.0, centre - half)), float(min(1.0, centre + half)), level, "proportion")
