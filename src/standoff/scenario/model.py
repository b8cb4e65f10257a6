"""The scenario file format, as pydantic models.

A scenario is a YAML document (see ``docs/scenario-format.md``): actors,
issues with labelled scales, stances (an actor's position and salience on an
issue), and every number as a :class:`Quantity` that carries either evidence
(a document id and a verbatim quote) or an explicit judgment with a rationale,
and optionally an uncertainty for Monte Carlo.

These models check types, required fields and fixed bounds. Checks that need
the whole file (ids that must exist, quotes that must occur in a document,
positions inside their issue's scale) are in :mod:`standoff.scenario.checks`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Evidence(_Strict):
    """A verbatim quote from a corpus document."""

    doc: str = Field(min_length=1)
    quote: str = Field(min_length=8)


class _Sourced(_Strict):
    """Evidence (one quote or a list) and/or a judgment with its rationale: at least one."""

    evidence: list[Evidence] = Field(default_factory=list)
    judgment: str | None = Field(default=None, min_length=8)

    @field_validator("evidence", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return [v] if isinstance(v, dict) else v

    def _require_support(self, what: str) -> None:
        if not self.evidence and self.judgment is None:
            raise ValueError(f"{what} needs evidence (doc and quote) or a judgment with its rationale")


class Uniform(_Strict):
    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low <= self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        return self


class Triangular(_Strict):
    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError("expected low <= mode <= high")
        return self


class Normal(_Strict):
    """A normal distribution, truncated to the quantity's bounds by clipping."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(ge=0)


class Beta(_Strict):
    """A beta distribution on ``[low, high]`` (default ``[0, 1]``)."""

    dist: Literal["beta"]
    a: float = Field(gt=0)
    b: float = Field(gt=0)
    low: float = 0.0
    high: float = 1.0


Distribution = Annotated[Uniform | Triangular | Normal | Beta, Field(discriminator="dist")]


class Quantity(_Sourced):
    """A number with its support: evidence, judgment, or both; and its uncertainty.

    ``range: [low, high]`` is shorthand for a uniform distribution. Engines use
    ``value`` for a point run and samples of the distribution for Monte Carlo.
    """

    value: float
    range: tuple[float, float] | None = None
    dist: Distribution | None = None

    @model_validator(mode="after")
    def _supported(self) -> Quantity:
        self._require_support("every number")
        if self.range is not None and self.dist is not None:
            raise ValueError("give either range or dist, not both")
        if self.range is not None and not self.range[0] <= self.value <= self.range[1]:
            raise ValueError(f"value {self.value} lies outside its range {list(self.range)}")
        return self

    @property
    def uncertain(self) -> bool:
        return self.range is not None or self.dist is not None

    @property
    def bounds(self) -> tuple[float, float]:
        """The support of the uncertainty (the point itself if certain)."""
        if self.range is not None:
            return self.range
        d = self.dist
        if isinstance(d, (Uniform, Triangular, Beta)):
            return (d.low, d.high)
        if isinstance(d, Normal):
            return (d.mean - 4 * d.sd, d.mean + 4 * d.sd)
        return (self.value, self.value)

    def sample(self, rng: np.random.Generator, n: int, clip: tuple[float, float] | None = None) -> NDArray[np.float64]:
        """``(n,)`` draws (the point value repeated if certain), clipped to ``clip``."""
        d = self.dist
        if self.range is not None:
            x = rng.uniform(self.range[0], self.range[1], n)
        elif isinstance(d, Uniform):
            x = rng.uniform(d.low, d.high, n)
        elif isinstance(d, Triangular):
            x = d.low + np.zeros(n) if d.low == d.high else rng.triangular(d.low, d.mode, d.high, n)
        elif isinstance(d, Normal):
            x = rng.normal(d.mean, d.sd, n)
        elif isinstance(d, Beta):
            x = d.low + (d.high - d.low) * rng.beta(d.a, d.b, n)
        else:
            x = np.full(n, self.value)
        return x if clip is None else np.clip(x, *clip)

    def ppf(self, u: NDArray[np.float64], clip: tuple[float, float] | None = None) -> NDArray[np.float64]:
        """Quantiles at probabilities ``u`` (inverse CDF); the point value if certain."""
        from scipy import stats  # loaded on first sampling, not at import

        u = np.asarray(u, dtype=float)
        d = self.dist
        if self.range is not None:
            x = self.range[0] + u * (self.range[1] - self.range[0])
        elif isinstance(d, Uniform):
            x = d.low + u * (d.high - d.low)
        elif isinstance(d, Triangular):
            width = d.high - d.low
            c = 0.5 if width == 0 else (d.mode - d.low) / width
            x = stats.triang.ppf(u, c, loc=d.low, scale=width) if width > 0 else np.full_like(u, d.low)
        elif isinstance(d, Normal):
            x = stats.norm.ppf(np.clip(u, 1e-9, 1 - 1e-9), d.mean, d.sd) if d.sd > 0 else np.full_like(u, d.mean)
        elif isinstance(d, Beta):
            x = d.low + (d.high - d.low) * stats.beta.ppf(u, d.a, d.b)
        else:
            x = np.full_like(u, self.value)
        return x if clip is None else np.clip(x, *clip)


class Scale(_Strict):
    """An issue's position scale and what its anchor points mean."""

    low: float = 0.0
    high: float = 100.0
    anchors: dict[float, str]

    @model_validator(mode="after")
    def _anchored(self) -> Scale:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        mid = (self.low + self.high) / 2
        missing = [x for x in (self.low, mid, self.high) if x not in self.anchors]
        if missing:
            raise ValueError(f"anchors must say what the ends and the middle mean; missing {missing}")
        outside = [x for x in self.anchors if not self.low <= x <= self.high]
        if outside:
            raise ValueError(f"anchors {outside} lie outside [{self.low}, {self.high}]")
        return self

    def label(self, x: float) -> str:
        """The anchor text nearest to ``x``."""
        nearest = min(self.anchors, key=lambda a: abs(a - x))
        return self.anchors[nearest]


class Veto(_Sourced):
    """An actor's veto on an issue: outcomes outside ``range`` are blocked.

    Without ``range``, the actor accepts the outcomes it likes at least as
    well as the status quo: ``[x_i - |x_i - SQ|, x_i + |x_i - SQ|]``.
    """

    issue: Id
    range: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _supported(self) -> Veto:
        self._require_support("a veto")
        if self.range is not None and not self.range[0] <= self.range[1]:
            raise ValueError("range must be [low, high] with low <= high")
        return self


Group = Literal["state", "faction", "organisation", "movement", "public", "individual"]


class Actor(_Strict):
    id: Id
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    group: Group
    within: Id | None = None
    description: str | None = None
    capability: Quantity
    risk: Quantity | None = None
    veto: list[Veto] = Field(default_factory=list)


class Issue(_Strict):
    id: Id
    name: str = Field(min_length=1)
    question: str = Field(min_length=1)
    scale: Scale
    status_quo: Quantity


class Stance(_Strict):
    actor: Id
    issue: Id
    position: Quantity
    salience: Quantity


class Deterrence(_Strict):
    """The defiance cycle: the opening shock and the conditions of the recovery after it.

    ``conditions`` sets fields of the deterrence engine's parameters
    (:class:`standoff.engines.deterrence.DeterrenceParams`: ``severity``,
    ``economy``, ``sanctions``, ``outside_help``, ``cohesion``,
    ``response_probability``, ``prior_mean``, ...), each a quantity with its
    support; the parameters calibrated on historical episodes fill the rest.
    """

    challenger: Id
    defender: Id
    shock: str = Field(min_length=1)
    shock_date: dt.date
    conditions: dict[str, Quantity]
    horizon: int = Field(default=36, ge=1, le=240)


class Crisis(_Strict):
    """Crisis bargaining: who demands, who decides, and what war would cost each.

    Shares are of the disputed good normalised to ``[0, 1]``; the proposer's
    share is reported on ``issue``'s scale, from ``share_zero_at`` (the
    proposer gets nothing) to the other end. ``p_win`` is the proposer's
    probability of prevailing in a war today; it moves with the proposer's
    recovering capability. The receiver's cost of war is private, uniform on
    ``[receiver_cost_low, receiver_cost_high]``. Talks run one round a month for
    ``rounds`` months, starting from the ``precondition`` demand and adding
    ``increment`` each round ("one more thing").
    """

    proposer: Id
    receiver: Id
    issue: Id
    share_zero_at: Literal["low", "high"] = "low"
    p_win: Quantity
    proposer_cost: Quantity
    receiver_cost_low: Quantity
    receiver_cost_high: Quantity
    discount_proposer: Quantity
    discount_receiver: Quantity
    precondition: Quantity
    increment: Quantity
    rounds: int = Field(default=12, ge=1, le=60)
    horizons: list[int] = Field(default_factory=lambda: [1, 3, 6, 12])


#: The crisis section's uncertain inputs, in the order of its fields.
CRISIS_QUANTITIES = tuple(name for name, f in Crisis.model_fields.items() if f.annotation is Quantity)


class Policy(_Sourced):
    """A policy option: a named patch of the deterrence and crisis inputs, with its rationale."""

    id: Id
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    deterrence: dict[str, float] = Field(default_factory=dict)
    crisis: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _supported(self) -> Policy:
        self._require_support("a policy option")
        return self


OUTPUTS = {
    "deterrence": ("test_within", "war_within", "response_within"),
    "crisis": ("war_by", "deal"),
    "bargaining": ("issue_at_most", "issue_at_least"),
}


class QuestionSource(_Strict):
    """The engine output a question's probability is read from (no probability is typed in).

    * ``deterrence``: ``test_within`` / ``war_within`` / ``response_within`` ``months``
      of the as-of date (baseline option, paths quiet until then);
    * ``crisis``: ``war_by`` month ``months`` of talks, or ``deal`` (no war through the talks);
    * a bargaining engine (``compromise``, ``expected_utility``, ...): ``issue_at_most`` /
      ``issue_at_least`` ``threshold`` on ``issue``, the share of Monte Carlo draws.
    """

    engine: str = Field(min_length=1)
    output: str
    months: int | None = Field(default=None, ge=1, le=120)
    issue: Id | None = None
    threshold: float | None = None

    @model_validator(mode="after")
    def _complete(self) -> QuestionSource:
        family = self.engine if self.engine in ("deterrence", "crisis") else "bargaining"
        if self.output not in OUTPUTS[family]:
            raise ValueError(f"output {self.output!r} is not one of {family}'s: {', '.join(OUTPUTS[family])}")
        if family == "bargaining" and (self.issue is None or self.threshold is None):
            raise ValueError("a bargaining output needs an issue and a threshold")
        if self.output != "deal" and family != "bargaining" and self.months is None:
            raise ValueError(f"{self.engine} output {self.output!r} needs months")
        return self


class Question(_Strict):
    """A resolvable question; each source yields one engine's forecast of it."""

    id: Id
    text: str = Field(min_length=1)
    resolution: str = Field(min_length=1)
    resolve_by: dt.date
    sources: list[QuestionSource] = Field(min_length=1)


class Scenario(_Strict):
    """A whole scenario file."""

    id: Id
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    as_of: dt.date
    corpus: list[str] = Field(default_factory=lambda: ["builtin"])
    actors: list[Actor] = Field(min_length=2)
    issues: list[Issue] = Field(min_length=1)
    stances: list[Stance] = Field(min_length=1)
    deterrence: Deterrence | None = None
    crisis: Crisis | None = None
    policies: list[Policy] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)

    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def issue(self, issue_id: str) -> Issue:
        return next(i for i in self.issues if i.id == issue_id)
