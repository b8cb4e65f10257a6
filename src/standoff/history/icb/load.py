"""Typed loader of the ICB files: codes to named categories, partial dates to dates, missing kept apart from n/a.

Conventions (``data/icb/CODEBOOK.md``, "Missing-value and special-code conventions"):

* a blank cell is missing; undocumented sentinels (``-99``, ``9``, ``10``, ``99`` in the columns listed in
  :data:`SENTINELS`) and documented "missing" codes are set to missing in the raw columns too;
* structural not-applicable codes (e.g. 4 = newly independent state) stay as codes and get their own label;
* partial dates: day 66 = early in the month (day 1), 77 = mid-month (day 15), 88 = late (last day of the month),
  blank day with a known month = mid-month; ``*_precision`` says which ("day", "early", "mid", "late", "month");
* the empty placeholder rows (crisis 474, no trigger year) are dropped.

Each labelled variable of :data:`~standoff.history.icb.codebook.VARIABLES` gets a categorical ``<column>_label``
column beside its raw code. The loader checks that every required column is present and names the file and the
column otherwise (:class:`IcbDataError`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from standoff.history.icb.codebook import (
    ACTOR_FILE,
    CRISIS_FILE,
    EX_ANTE,
    EX_POST,
    IDENTIFIER,
    PARTIAL_DAY,
    VARIABLES,
    Level,
)

#: Codes that mean "missing" although they are not blank (documented or undocumented sentinels).
SENTINELS: dict[Level, dict[str, frozenset[int]]] = {
    "actor": {
        "sizedu": frozenset({-99, 9}),
        "strcdu": frozenset({-99}),
        "outcom": frozenset({9}),
        "outevl": frozenset({9}),
        "outfor": frozenset({99}),
    },
    "crisis": {
        "momedst": frozenset({-99}),
        "damedst": frozenset({-99}),
        "damedend": frozenset({-99}),
        "yrmedend": frozenset({99}),
        "globorg": frozenset({10}),
        **{c: frozenset({9}) for c in ("chacts", "chall", "powch", "rugach")},
        **{
            c: frozenset({9})
            for c in ("mediate", "mednum", "medwho", "medtime", "medgoal", "medfacl", "medform")
            + ("medmanip", "medstyle", "medstefc", "medefct", "medpace")
        },
    },
}

#: Outcome columns the questions need beyond the ex ante ones.
OUTCOME_COLUMNS: dict[Level, tuple[str, ...]] = {
    "actor": ("viol", "majres", "trgresra", "trgterra"),
    "crisis": ("forout",),
}

_DATES: dict[Level, dict[str, tuple[str, str, str]]] = {
    "actor": {
        "trigger": ("yrtrig", "motrig", "datrig"),
        "system_trigger": ("systrgyr", "systrgmo", "systrgda"),
        "response": ("yerres", "monres", "dayres"),
        "termination": ("yrterm", "moterm", "daterm"),
    },
    "crisis": {"trigger": ("yrtrig", "motrig", "datrig"), "termination": ("yrterm", "moterm", "daterm")},
}


class IcbDataError(ValueError):
    """An ICB file that cannot be used: one line naming the file and what is wrong."""


@dataclass(frozen=True)
class IcbData:
    """Both ICB levels, typed; ``sha256`` identifies the bytes they were read from."""

    actors: pd.DataFrame
    crises: pd.DataFrame
    sha256: str


def required_columns(level: Level) -> list[str]:
    """The columns a file of this level must have: every ex ante column, the outcome columns and the dates."""
    dates = {c for cols in _DATES[level].values() for c in cols}
    return sorted(EX_ANTE[level] | set(OUTCOME_COLUMNS[level]) | dates | {"crisname"})


def shipped_paths() -> tuple[Path, Path]:
    """The shipped actor-level and system-level files."""
    root = resources.files("standoff") / "data" / "icb"
    return Path(str(root / ACTOR_FILE)), Path(str(root / CRISIS_FILE))


def load_icb(actors: Path | None = None, crises: Path | None = None) -> IcbData:
    """Load the actor-level and system-level files (the shipped ones by default)."""
    default_actors, default_crises = shipped_paths()
    actors, crises = actors or default_actors, crises or default_crises
    digest = hashlib.sha256()
    frames = []
    for path, level in ((actors, "actor"), (crises, "crisis")):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise IcbDataError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
        digest.update(raw)
        frames.append(_typed(_read(path), str(path), level))  # type: ignore[arg-type]
    return IcbData(frames[0], frames[1], digest.hexdigest())


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, encoding="utf-8-sig", low_memory=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise IcbDataError(f"{path}: not a readable CSV file ({str(exc).splitlines()[0]})") from None


def _typed(df: pd.DataFrame, name: str, level: Level) -> pd.DataFrame:
    df = df.rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in required_columns(level) if c not in df.columns]
    if missing:
        raise IcbDataError(f"{name}: missing column {missing[0]!r}" + (f" (and {len(missing) - 1} more)" * bool(missing[1:])))
    known = IDENTIFIER[level] | EX_ANTE[level] | EX_POST[level]
    df = df[[c for c in df.columns if c in known]].copy()
    for col in df.columns:
        if col in ("crisname", "actor", "icb1", "icb2"):
            continue
        values = pd.to_numeric(df[col], errors="coerce")
        bad = df[col].notna() & values.isna()
        if bad.any():
            raise IcbDataError(f"{name}: column {col!r} holds a non-number ({df.loc[bad, col].iloc[0]!r})")
        df[col] = values.mask(values.isin(SENTINELS[level].get(col, frozenset())))
    df = df[df["yrtrig"].notna()].reset_index(drop=True)
    for what, (y, m, d) in _DATES[level].items():
        if y in df.columns:
            parsed = [_date(a, b, c) for a, b, c in zip(df[y], df[m], df[d], strict=True)]
            df[f"{what}_date"] = pd.to_datetime([p[0] for p in parsed])
            df[f"{what}_precision"] = pd.Categorical([p[1] for p in parsed])
    for var in VARIABLES.values():
        if var.level == level and var.column in df.columns:
            labels = [_label(var, x, name) for x in df[var.column]]
            df[f"{var.column}_label"] = pd.Categorical(labels, categories=var.categories)
    return df


def _label(var, code: float, name: str) -> str | None:  # noqa: ANN001
    try:
        return var.label(code)
    except ValueError as exc:
        raise IcbDataError(f"{name}: {exc}") from None


def _date(year: float, month: float, day: float) -> tuple[dt.date | None, str | None]:
    """A date from ICB year, month and day codes, and how precise it is."""
    if not (year == year and month == month) or not 1 <= month <= 12:
        return None, None
    y, m = int(year), int(month)
    last = calendar.monthrange(y, m)[1]
    if day != day:
        return dt.date(y, m, 15), "month"
    d = int(day)
    if d in PARTIAL_DAY:
        return dt.date(y, m, {66: 1, 77: 15, 88: last}[d]), PARTIAL_DAY[d]
    if not 1 <= d <= last:
        return None, None
    return dt.date(y, m, d), "day"


def trigger_order(actors: pd.DataFrame) -> np.ndarray:
    """Row order by the actor's trigger date, then crisis and case number (time-ordered validation)."""
    keys = actors[["trigger_date", "crisno"]].copy()
    keys["row"] = np.arange(len(actors))
    return keys.sort_values(["trigger_date", "crisno", "row"], kind="stable")["row"].to_numpy()
