"""Advice results: the moves, their evaluation and explanation, as frozen dataclasses; constants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from standoff.core.intervals import Interval
from standoff.core.problems import FloatArray

COST_RATE = 0.5
POSITION_STEPS = (-25.0, -10.0, 10.0, 25.0)
SALIENCE_STEP = 0.2
MEDIATOR_CAPABILITY = 0.1
MEDIATOR_SALIENCE = 0.5
MOVED_TOL = 0.005
COALITION_TOL = 0.025
EU = "expected_utility"
MEDIATOR = "mediator"

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
MoveKind = Literal["position", "salience", "align", "policy", "propose", "package"]
_NO_JSON = {"json": False}


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One candidate move of the advised actor.

    Attributes:
        id: unique key, e.g. ``position:enrichment:-10``, ``align:enrichment:e3``.
        kind: ``position``, ``salience``, ``align``, ``policy``, ``propose`` or ``package``.
        actor: the actor who moves.
        issue: the issue it touches (``None`` for a policy option or a package).
        description: one line for people.
        shift: signed change of stated position (scale points) or of salience.
        target: absolute stated position (to an engine's forecast; a proposal).
        partner: the other actor of an alignment.
        policy: the policy option's id.
        package: issue → proposed position, for a package proposal.
    """

    id: str
    kind: MoveKind
    actor: str
    issue: str | None
    description: str
    shift: float | None = None
    target: float | None = None
    partner: str | None = None
    policy: str | None = None
    package: dict[str, float] | None = None

    @property
    def issues(self) -> tuple[str, ...]:
        """The issues the move touches."""
        if self.package is not None:
            return tuple(self.package)
        return () if self.issue is None else (self.issue,)


@dataclass(frozen=True)
class PackageGain:
    """What a veto player gains at a proposed package over the status quo (point values, utility units).

    ``by_issue``: issue → ``s |SQ - x| / Δ - s |y - x| / Δ``; ``gain``: their sum; ``accepts``:
    whether the gain is at least minus its tolerance (the package is in its part of the win-set).
    """

    actor: str
    gain: float
    by_issue: dict[str, float]
    accepts: bool


@dataclass(frozen=True)
class IssueEffect:
    """One engine's forecast on one issue before and after a move, over the same draws."""

    issue: str
    engine: str
    before: Interval
    after: Interval
    change: Interval
    blocked_before: float
    blocked_after: float


@dataclass(frozen=True)
class Response:
    """An actor whose final expected-utility position moves in response (``shift``: after - before)."""

    issue: str
    actor: str
    shift: Interval
    moved_share: float


@dataclass(frozen=True)
class OfferChange:
    """``offerer``'s offer to ``receiver`` changes class (most common change) in ``share`` of draws."""

    issue: str
    offerer: str
    receiver: str
    before: str
    after: str
    share: float


@dataclass(frozen=True)
class CoalitionMember:
    """Share of draws in which ``actor`` ends within ``COALITION_TOL`` of an alignment's shared position."""

    issue: str
    actor: str
    share_before: float
    share_after: float


@dataclass(frozen=True)
class Explanation:
    """Why a move works, in the engines' terms (see the module docstring)."""

    effects: list[IssueEffect]
    responses: list[Response]
    offers: list[OfferChange]
    coalition: list[CoalitionMember]
    mechanism: list[str]


@dataclass(frozen=True)
class PolicyMeasure:
    """One deterrence or crisis output under the baseline and under a policy option."""

    name: str
    baseline: float
    option: float
    change: float
    baseline_interval: tuple[float, float]
    option_interval: tuple[float, float]


@dataclass(frozen=True)
class PolicyEffect:
    """A policy option's effect as :func:`standoff.experiments.policy.compare` reports it (same seed and paths)."""

    option: str
    name: str
    paths: int
    measures: list[PolicyMeasure]


@dataclass(frozen=True)
class MoveResult:
    """A move evaluated: net gain and its Monte Carlo error, costs, and (for the top moves) why.

    Attributes:
        gain: mean net gain over draws and engines (objective units).
        se: Monte Carlo standard error of ``gain``.
        interval: central interval of the per-draw net gain.
        gross: mean gain before costs; ``cost``: mean cost.
        by_engine: mean net gain per engine.
        recommended: whether the move is advised; ``reason``: why not (empty if it is).
        partner_gain: for an alignment, the partner's own net utility gain.
        gains: for a package proposal, who gains what at the package (each veto player).
        open_change: deal objective: change in the mean share of chosen issues on which no veto
            binds (it breaks ties in the ranking, e.g. when no move changes P(deal)).
        stated: actor → its stated position (or salience) under the move, over draws.
        draws: per-draw arrays (``net``, ``gross``, ``cost``, ``forecast:<issue>:<engine>`` and
            ``baseline:<issue>:<engine>`` on the move's issue, ``stated:<actor>``); not in
            :meth:`Advice.to_dict`.
    """

    move: Move
    rank: int
    gain: float
    se: float
    interval: tuple[float, float]
    gross: float
    cost: float
    by_engine: dict[str, float]
    recommended: bool
    reason: str
    partner_gain: float | None
    open_change: float | None
    stated: dict[str, Interval]
    explanation: Explanation | None = None
    policy: PolicyEffect | None = None
    gains: list[PackageGain] = field(default_factory=list)
    draws: Mapping[str, FloatArray] = field(default_factory=dict, repr=False, compare=False, metadata=_NO_JSON)

    @property
    def low(self) -> float:
        """Lower end of :attr:`interval`."""
        return self.interval[0]

    @property
    def high(self) -> float:
        """Upper end of :attr:`interval`."""
        return self.interval[1]

    @property
    def before(self) -> dict[str, float]:
        """Engine → mean baseline forecast on the move's issue (empty for a policy option)."""
        return self._forecast_means(-1)

    @property
    def after(self) -> dict[str, float]:
        """Engine → mean forecast on the move's issue under the move (empty for a policy option)."""
        return self._forecast_means(1)

    def _forecast_means(self, sign: int) -> dict[str, float]:
        out = {}
        for key, values in self.draws.items():
            if key.startswith("forecast:"):
                engine = key.rsplit(":", 1)[1]
                base = self.draws.get(f"baseline:{key.split(':', 1)[1]}")
                out[engine] = float(np.mean(values if sign > 0 or base is None else base))
        return out

    @property
    def responders(self) -> list[tuple[str, float]]:
        """The actors who move most in response (expected-utility model; explained moves only)."""
        if self.explanation is None:
            return []
        return [(r.actor, r.shift.mean) for r in self.explanation.responses[:3]]


@dataclass(frozen=True)
class Baseline:
    """The forecast without any move: per issue and engine over draws, the point run, the objective.

    ``point``: issue → engine → the point-run forecast (the "to the forecast" targets).
    ``open_issues`` (deal objective): issue → share of draws and engines in which no veto binds.
    """

    forecasts: dict[str, dict[str, Interval]]
    point: dict[str, dict[str, float]]
    objective: float
    objective_se: float
    by_engine: dict[str, float]
    open_issues: dict[str, float]


@dataclass(frozen=True)
class Advice:
    """Ranked moves for one actor (or a mediator) in one scenario; see the module docstring.

    ``baseline_draws``: issue → engine → ``(draws,)`` baseline forecasts (not in :meth:`to_dict`).
    """

    scenario: str
    title: str
    sha256: str
    version: str
    actor: str
    mediator: bool
    objective: Literal["utility", "deal"]
    issues: list[str]
    engines: list[str]
    draws: int
    seed: int
    level: float
    cost_rate: float
    baseline: Baseline
    moves: list[MoveResult]
    policies: list[PolicyEffect]
    notes: list[str]
    made_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    baseline_draws: Mapping[str, Mapping[str, FloatArray]] = field(
        default_factory=dict, repr=False, compare=False, metadata=_NO_JSON
    )

    def move(self, move_id: str) -> MoveResult:
        """The result of the move with this id."""
        return next(m for m in self.moves if m.move.id == move_id)

    @property
    def recommended(self) -> list[MoveResult]:
        """The recommended moves, best first."""
        return [m for m in self.moves if m.recommended]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (per-draw arrays left out; non-finite numbers as ``None``)."""
        return _plain(self)  # type: ignore[no-any-return]


def _plain(x: Any) -> Any:
    if is_dataclass(x) and not isinstance(x, type):
        return {f.name: _plain(getattr(x, f.name)) for f in fields(x) if f.metadata.get("json", True)}
    if isinstance(x, Mapping):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if np.isfinite(x) else None
    return x


def _summary(x: FloatArray, level: float) -> Interval:
    """A quantity over Monte Carlo draws: its mean and central ``level`` interval."""
    return Interval.of_draws(x, level, "mean")


def _se(x: FloatArray) -> float:
    return float(np.std(x, ddof=1) / np.sqrt(len(x))) if len(x) > 1 else float("nan")
