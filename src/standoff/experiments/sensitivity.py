"""Which inputs drive each forecast: variance-based Sobol indices and a tornado.

* **Sobol indices** (Sobol' 2001; Saltelli et al. 2010, through SALib): for
  each issue, the uncertain inputs that bear on it are put on the unit cube
  through their inverse CDFs and grouped into factors: by default one factor
  per actor (its capability, position and salience on the issue) plus the
  status quo; ``by="input"`` keeps every input separate (as does an issue
  whose uncertain inputs all belong to one factor). A Saltelli design of
  ``n`` base rows (a power of two) costs ``n (g + 2)`` engine runs for ``g``
  factors. ``S1`` is the share of the forecast's variance a factor explains
  alone, ``ST`` the share including its interactions. A forecast that does not
  vary over the draws gets zeros.
* **Tornado** (one at a time): each uncertain input moved to its 5th and 95th
  percentile with every other input at its point value; the swing is the
  change in the forecast.

The engine runs go through :func:`standoff.experiments.montecarlo.design_forecasts`, so
they run in-process or on a Dask cluster alike.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

from standoff.experiments.montecarlo import design_forecasts
from standoff.scenario.arrays import InputSlot, input_slots
from standoff.scenario.model import Scenario


@dataclass(frozen=True)
class FactorEffect:
    """Sobol indices of one factor (a group of inputs)."""

    factor: str
    inputs: tuple[str, ...]
    first: float
    total: float
    total_conf: float
    first_conf: float = 0.0

    @property
    def warnings(self) -> list[str]:
        """What makes these estimates shaky: an interval wider than the estimate, first order above total."""
        out = []
        if self.total_conf > abs(self.total) and self.total_conf > 0.01:
            out.append("total-order interval wider than the estimate")
        if self.first_conf > abs(self.first) and self.first_conf > 0.01:
            out.append("first-order interval wider than the estimate")
        if self.first > self.total + max(self.total_conf, 0.01):
            out.append("first order exceeds total order")
        return out


@dataclass(frozen=True)
class TornadoBar:
    """One input at its 5th and 95th percentile, the others at their point values."""

    input: str
    low_value: float
    high_value: float
    low_forecast: float
    high_forecast: float

    @property
    def swing(self) -> float:
        return abs(self.high_forecast - self.low_forecast)


@dataclass(frozen=True)
class IssueSensitivity:
    """What drives one engine's forecast on one issue."""

    issue: str
    engine: str
    point: float
    std: float
    sobol: list[FactorEffect]
    tornado: list[TornadoBar]
    pinned: bool = False

    @property
    def unstable(self) -> bool:
        """Whether any reported factor's indices are shaky (see :attr:`FactorEffect.warnings`)."""
        return any(f.warnings for f in self.sobol)


def _slots_for(scenario: Scenario, issue: str) -> list[InputSlot]:
    actors = {s.actor for s in scenario.stances if s.issue == issue}
    keep = []
    for slot in input_slots(scenario):
        kind, who, *rest = slot.path.split(".")
        relevant = (
            (kind == "actors" and who in actors)
            or (kind == "issues" and who == issue)
            or (kind == "stances" and rest[0] == issue)
        )
        if relevant and slot.quantity.uncertain:
            keep.append(slot)
    return keep


def _factor(slot: InputSlot, by: str) -> str:
    kind, who, *_ = slot.path.split(".")
    if by == "input":
        return slot.path
    return "status quo" if kind == "issues" else who


def explain(
    scenario: Scenario,
    *,
    issues: Sequence[str] | None = None,
    engines: Sequence[str] | None = None,
    n: int = 128,
    seed: int = 0,
    by: Literal["actor", "input"] = "actor",
    client: Any = None,
    progress: Callable[[int], None] | None = None,
) -> list[IssueSensitivity]:
    """Sobol indices and tornado per issue and engine (see the module docstring).

    ``engines``: default every bargaining engine, one-issue and multi-issue. A
    forecast that does not vary over the design while a veto binds the issue is
    reported as ``pinned`` (the veto holds it in place, whatever the inputs).
    Warnings of SALib and NumPy on degenerate designs are not passed on; the
    indices carry their own (:attr:`FactorEffect.warnings`).
    """
    if n < 2 or n & (n - 1):
        raise ValueError(f"n must be a power of two >= 2 (Sobol sequences), got {n}")
    if engines is None:
        from standoff.engines import available

        engines = [s.name for s in available("bargaining") + available("multi-issue")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _explain(scenario, issues, list(engines), n, seed, by, client, progress)


def _explain(
    scenario: Scenario,
    issues: Sequence[str] | None,
    engines: list[str],
    n: int,
    seed: int,
    by: str,
    client: Any,
    progress: Callable[[int], None] | None,
) -> list[IssueSensitivity]:
    vetoed = {v.issue for a in scenario.actors for v in a.veto} | {
        i for a in scenario.actors for pv in a.package_veto for i in pv.issues
    }
    out = []
    done = 0
    for issue in issues or [i.id for i in scenario.issues]:
        slots = _slots_for(scenario, issue)
        point = design_forecasts(scenario, engines, {"_": np.zeros(1)}, [issue])[issue]
        if not slots:
            out += [IssueSensitivity(issue, e, float(point[e][0]), 0.0, [], [], issue in vetoed) for e in engines]
            continue
        groups = [_factor(s, by) for s in slots]
        if len(set(groups)) == 1:  # SALib ignores a single group; report its inputs one by one
            groups = [s.path for s in slots]
        problem = {
            "num_vars": len(slots),
            "names": [s.path for s in slots],
            "bounds": [[0.0, 1.0]] * len(slots),
            "groups": groups,
        }
        u = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
        design = {s.path: s.quantity.ppf(u[:, k], s.clip) for k, s in enumerate(slots)}
        tornado_design = _tornado_design(slots)

        def tick(k: int, base: int = done) -> None:
            if progress is not None:
                progress(base + k)

        y = design_forecasts(scenario, engines, design, [issue], tick, client)[issue]
        done += len(u)
        t = design_forecasts(scenario, engines, tornado_design, [issue], None, client)[issue]
        names = list(dict.fromkeys(groups))
        for e in engines:
            std = float(np.std(y[e]))
            out.append(
                IssueSensitivity(
                    issue,
                    e,
                    float(point[e][0]),
                    std,
                    _sobol(problem, y[e], names, seed),
                    _bars(slots, tornado_design, t[e]),
                    pinned=std == 0 and issue in vetoed,
                )
            )
    return out


def _sobol(problem: dict[str, Any], y: np.ndarray, names: list[str], seed: int) -> list[FactorEffect]:
    members = {g: tuple(p for p, pg in zip(problem["names"], problem["groups"], strict=True) if pg == g) for g in names}
    if np.ptp(y) == 0:
        return [FactorEffect(g, members[g], 0.0, 0.0, 0.0) for g in names]
    res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    effects = [
        FactorEffect(
            g,
            members[g],
            float(res["S1"][k]),
            float(res["ST"][k]),
            float(res["ST_conf"][k]),
            float(res["S1_conf"][k]),
        )
        for k, g in enumerate(names)
    ]
    return sorted(effects, key=lambda f: -f.total)


def _tornado_design(slots: list[InputSlot]) -> dict[str, np.ndarray]:
    rows = 2 * len(slots)
    design = {}
    for k, s in enumerate(slots):
        col = np.full(rows, s.quantity.value)
        col[2 * k], col[2 * k + 1] = s.quantity.ppf(np.array([0.05, 0.95]), s.clip)
        design[s.path] = col
    return design


def _bars(slots: list[InputSlot], design: dict[str, np.ndarray], y: np.ndarray) -> list[TornadoBar]:
    bars = [
        TornadoBar(
            s.path, float(design[s.path][2 * k]), float(design[s.path][2 * k + 1]), float(y[2 * k]), float(y[2 * k + 1])
        )
        for k, s in enumerate(slots)
    ]
    return sorted(bars, key=lambda b: -b.swing)
