"""What goes into the ledger and what comes out of it: frozen dataclasses.

Inputs (:class:`ScenarioMeta`, :class:`RunMeta`, :class:`Question`,
:class:`Quantiles`) check themselves when built and raise :class:`LedgerError`;
outputs (:class:`Run`, :class:`Forecast`, :class:`Resolution`, :class:`Score`)
are read from the database.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

import numpy as np

from standoff.core.scoring import BrierDecomposition, CalibrationTable

Kind = Literal["binary", "numeric"]
KINDS: tuple[Kind, ...] = ("binary", "numeric")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class LedgerError(ValueError):
    """A request the ledger refuses; the message names the problem, and nothing was written."""


@dataclass(frozen=True)
class Quantiles:
    """A numeric forecast: values at strictly increasing levels in ``(0, 1)``.

    Attributes:
        levels: ``(K,)`` quantile levels, e.g. ``(0.05, 0.5, 0.95)``.
        values: ``(K,)`` the forecast quantity at each level, non-decreasing.
    """

    levels: tuple[float, ...]
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        levels = tuple(float(x) for x in self.levels)
        values = tuple(float(x) for x in self.values)
        object.__setattr__(self, "levels", levels)
        object.__setattr__(self, "values", values)
        if not levels or len(levels) != len(values):
            raise LedgerError(
                f"quantiles need as many values as levels (at least one), got {len(levels)} "
                f"levels and {len(values)} values"
            )
        if not all(0.0 < a < 1.0 for a in levels) or any(b <= a for a, b in pairwise(levels)):
            raise LedgerError(f"quantile levels must increase strictly inside (0, 1), got {list(levels)}")
        if not all(math.isfinite(v) for v in values) or any(b < a for a, b in pairwise(values)):
            raise LedgerError(f"quantile values must be finite and non-decreasing, got {list(values)}")

    @classmethod
    def from_mapping(cls, quantiles: Mapping[float, float]) -> Quantiles:
        """From ``{level: value}``."""
        items = sorted((float(k), float(v)) for k, v in quantiles.items())
        return cls(tuple(k for k, _ in items), tuple(v for _, v in items))

    def as_dict(self) -> dict[float, float]:
        return dict(zip(self.levels, self.values, strict=True))


@dataclass(frozen=True)
class ScenarioMeta:
    """The scenario version a run used: its id, content hash, as-of date, title and version label."""

    id: str
    sha256: str
    as_of: dt.date
    title: str
    version: str

    def __post_init__(self) -> None:
        if not self.id:
            raise LedgerError("a scenario needs an id")
        if not _SHA256.match(self.sha256):
            raise LedgerError(f"scenario {self.id!r}: sha256 must be 64 lowercase hex digits, got {self.sha256!r}")
        _check_date(self.as_of, f"scenario {self.id!r}: as_of")


@dataclass(frozen=True)
class RunMeta:
    """How a run was made.

    Attributes:
        engine: the registered engine's name.
        engine_version: the engine's version.
        code_version: Standoff's version (or a commit) that ran it.
        started_at: aware start time.
        finished_at: aware end time, not before the start.
        parameters: the engine's parameters (JSON-able).
        seed: the seed of the draws (any size), or ``None`` for a point run.
        draws: the number of Monte Carlo draws, or ``None`` for a point run.
        summary: summary results (JSON-able).
        wall_seconds: elapsed seconds; ``None`` takes ``finished_at − started_at``.
    """

    engine: str
    engine_version: str
    code_version: str
    started_at: dt.datetime
    finished_at: dt.datetime
    parameters: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None
    draws: int | None = None
    summary: Mapping[str, Any] = field(default_factory=dict)
    wall_seconds: float | None = None

    def __post_init__(self) -> None:
        if not self.engine:
            raise LedgerError("a run needs an engine name")
        for name in ("started_at", "finished_at"):
            value = getattr(self, name)
            if not isinstance(value, dt.datetime) or value.tzinfo is None:
                raise LedgerError(f"run {name} must be a timezone-aware datetime, got {value!r}")
        if self.finished_at < self.started_at:
            raise LedgerError(
                f"run finished ({self.finished_at.isoformat()}) before it started ({self.started_at.isoformat()})"
            )
        if self.seed is not None and (isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer))):
            raise LedgerError(f"run seed must be an integer or None, got {self.seed!r}")
        if self.draws is not None and (
            isinstance(self.draws, bool) or not isinstance(self.draws, (int, np.integer)) or self.draws < 1
        ):
            raise LedgerError(f"run draws must be a positive integer or None, got {self.draws!r}")
        if self.wall_seconds is not None and not (math.isfinite(self.wall_seconds) and self.wall_seconds >= 0):
            raise LedgerError(f"run wall_seconds must be finite and >= 0, got {self.wall_seconds!r}")

    @property
    def elapsed(self) -> float:
        """``wall_seconds``, or the time between start and finish."""
        if self.wall_seconds is not None:
            return float(self.wall_seconds)
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class Question:
    """A question that will resolve, and the engine output its forecasts come from.

    Attributes:
        id: a unique, stable id; a changed definition needs a new id.
        text: the question as asked.
        resolution_criteria: how the answer will be decided.
        resolve_by: the date by which it resolves.
        scenario: the id of the scenario that declares it.
        kind: ``"binary"`` (forecast: a probability) or ``"numeric"`` (forecast: quantiles).
        derived_from: which engine output it is read from (JSON-able).
    """

    id: str
    text: str
    resolution_criteria: str
    resolve_by: dt.date
    scenario: str
    kind: Kind
    derived_from: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            raise LedgerError("a question needs an id")
        if self.kind not in KINDS:
            raise LedgerError(f"question {self.id!r}: kind must be 'binary' or 'numeric', got {self.kind!r}")
        _check_date(self.resolve_by, f"question {self.id!r}: resolve_by")


@dataclass(frozen=True)
class Run:
    """A recorded run."""

    id: str
    scenario: str
    scenario_sha256: str
    engine: str
    engine_version: str
    code_version: str
    started_at: dt.datetime
    finished_at: dt.datetime
    wall_seconds: float
    parameters: Mapping[str, Any]
    seed: int | None
    draws: int | None
    summary: Mapping[str, Any]


@dataclass(frozen=True)
class Forecast:
    """A recorded forecast: a probability (binary question) or quantiles (numeric question)."""

    id: int
    question_id: str
    run_id: str
    engine: str
    scenario: str
    made_at: dt.datetime
    probability: float | None = None
    quantiles: Quantiles | None = None


@dataclass(frozen=True)
class Resolution:
    """How a question resolved: ``True``/``False`` (binary) or a number (numeric)."""

    question_id: str
    outcome: bool | float
    date: dt.date
    source: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class Score:
    """Scores of one engine's resolved binary forecasts, in one scenario or (``scenario=None``) all.

    Attributes:
        engine: the engine's name.
        scenario: a scenario id, or ``None`` for every scenario together.
        count: resolved questions scored.
        brier: mean Brier score.
        log: mean logarithmic loss (natural log, probabilities clipped).
        sharpness: mean ``p (1 − p)`` of the forecasts scored; lower is sharper.
        decomposition: Murphy's reliability, resolution and uncertainty.
        calibration: mean forecast, observed frequency and count per bin.
    """

    engine: str
    scenario: str | None
    count: int
    brier: float
    log: float
    sharpness: float
    decomposition: BrierDecomposition
    calibration: CalibrationTable


def to_json(value: Any, what: str) -> Any:
    """``value`` as plain JSON data (NumPy scalars and arrays, tuples and dates converted)."""
    try:
        return json.loads(json.dumps(value, sort_keys=True, allow_nan=False, default=_json_default))
    except TypeError as err:
        raise LedgerError(f"{what} is not JSON data: {err}") from None
    except ValueError:
        raise LedgerError(f"{what} is not JSON data: it holds NaN or infinity") from None


def _json_default(value: Any) -> Any:
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON serialisable")


def _check_date(value: object, what: str) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise LedgerError(f"{what} must be a date, got {value!r}")
