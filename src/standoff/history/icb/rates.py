"""Base rates of the five questions in a class of past crisis actors filtered on ex ante features.

Filter syntax: ``feature=value`` (equal), ``feature!=value`` (not equal), and for counts, ordinal features and the
power discrepancy ``feature>=value`` / ``feature<=value`` (ordinal values compare by rank on the codebook's scale);
several filters all apply. Flags take yes/no. Shortcuts: ``nuclear=yes`` (the actor had or was near nuclear
weapons: any level above "none") and ``protracted=yes`` (any protracted setting). Each rate comes with its count
and a Wilson 95% interval.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from standoff.core.icb.schema import BY_NAME, QUESTIONS, Feature
from standoff.history.icb.fitted import rows
from standoff.history.icb.load import load_icb

_FILTER = re.compile(r"^\s*([a-z_]+)\s*(>=|<=|!=|=)\s*(.+?)\s*$")
_YES = {"yes": True, "true": True, "no": False, "false": False}


class FilterError(ValueError):
    """A filter that cannot be read."""


@dataclass(frozen=True)
class Rate:
    n: int
    events: int
    rate: float | None
    low: float | None
    high: float | None


def select(frame: pd.DataFrame, where: list[str]) -> np.ndarray:
    """Boolean mask of rows that meet every filter."""
    mask = np.ones(len(frame), dtype=bool)
    for text in where:
        m = _FILTER.match(text)
        if not m:
            raise FilterError(f"cannot read filter {text!r}: expected feature=value, !=, >= or <=")
        name, op, value = m.groups()
        if name not in BY_NAME:
            raise FilterError(f"unknown feature {name!r} in {text!r}; features: {', '.join(BY_NAME)}")
        mask &= _apply(frame[name], BY_NAME[name], op, value.strip().lower())
    return mask


def _apply(x: pd.Series, f: Feature, op: str, value: str) -> np.ndarray:
    if f.name in ("nuclear", "protracted") and value in _YES and op in ("=", "!="):
        base = f.categories[0]
        hit = (x != base) & x.notna() if _YES[value] else x == base
        return (hit if op == "=" else ~hit & x.notna()).to_numpy()
    if f.kind == "flag":
        if value not in _YES:
            raise FilterError(f"{f.name} takes yes or no, got {value!r}")
        num, target = x.astype(float), float(_YES[value])
    elif f.kind in ("nominal", "ordinal"):
        if value not in f.categories:
            raise FilterError(f"{f.name} takes one of: {', '.join(f.categories)} (got {value!r})")
        if f.kind == "nominal" and op in (">=", "<="):
            raise FilterError(f"{f.name} is nominal: use = or !=")
        num = x.map(lambda s: f.categories.index(s) if isinstance(s, str) else np.nan).astype(float)
        target = float(f.categories.index(value))
    else:
        try:
            target = float(value)
        except ValueError:
            raise FilterError(f"{f.name} takes a number, got {value!r}") from None
        num = x.astype(float)
    known = num.notna()
    hit = {"=": num == target, "!=": num != target, ">=": num >= target, "<=": num <= target}[op]
    return (hit & known).to_numpy()


def wilson(events: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion."""
    p = events / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def base_rates(where: list[str]) -> tuple[int, dict[str, Rate]]:
    """The number of crisis actors in the class and each question's rate in it (all shipped crises)."""
    r = rows(load_icb())
    mask = select(r.features, where)
    out = {}
    for q in QUESTIONS:
        y = r.outcomes[q].to_numpy()[mask]
        y = y[~np.isnan(y)]
        n, events = len(y), int(y.sum())
        if n == 0:
            out[q] = Rate(0, 0, None, None, None)
        else:
            low, high = wilson(events, n)
            out[q] = Rate(n, events, events / n, low, high)
    return int(mask.sum()), out
