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

from standoff.core.icb.schema import BY_NAME, CODED, QUESTIONS

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
    """An actor's veto on an issue, a red line: outcomes outside ``range`` are blocked.

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


class PackageVeto(_Sourced):
    """An actor's veto over a package of issues taken together (Tsebelis 2002).

    The actor accepts an outcome ``y`` over ``issues`` when its
    salience-weighted utility for the whole package is at least its utility
    for the status quo, less ``tolerance``::

        - Σ_i s_ai |y_i - x_ai| / Δ_i  >=  - Σ_i s_ai |SQ_i - x_ai| / Δ_i - tolerance

    (``x_ai``, ``s_ai``: its position and salience; ``Δ_i``: the scale's span).
    It may lose on one issue if it gains enough on another. ``tolerance`` is in
    the same units: 0.05 is five points of a 0-100 scale at salience 1.
    """

    issues: list[Id] = Field(min_length=2)
    tolerance: float = Field(default=0.0, ge=0.0)

    @model_validator(mode="after")
    def _supported(self) -> PackageVeto:
        self._require_support("a package veto")
        if len(set(self.issues)) != len(self.issues):
            raise ValueError(f"a package veto lists an issue twice: {self.issues}")
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
    package_veto: list[PackageVeto] = Field(default_factory=list)


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
    ``episodes`` names the shipped set of historical episodes
    (:func:`standoff.history.episodes.builtin_episode_files`) whose observed
    months to the next test the defiance figures show beside the simulated
    paths; none by default.
    """

    challenger: Id
    defender: Id
    shock: str = Field(min_length=1)
    shock_date: dt.date
    conditions: dict[str, Quantity]
    horizon: int = Field(default=36, ge=1, le=240)
    episodes: Literal["iran_us", "coercion"] | None = None
    third_party: Id | None = None
    third_party_response: Quantity | None = None

    @model_validator(mode="after")
    def _third_party(self) -> Deterrence:
        if (self.third_party is None) != (self.third_party_response is None):
            raise ValueError("a deterrence third party needs its response probability, and the reverse")
        return self


#: The deterrence engine's parameters a scenario may set (``deterrence.conditions``, a
#: policy's ``deterrence``): the fields of :class:`standoff.engines.deterrence.DeterrenceParams`
#: but its structure (``components``, ``weights``, ``recovery_scale``, ``horizon``, ``severity_map``),
#: and a severity per capability component (``severity.nuclear``, ...). Listed here because the
#: scenario layer sits below the engines; a test keeps the two in step.
DETERRENCE_CONDITIONS: tuple[str, ...] = (
    "severity",
    "economy",
    "cohesion",
    "sanctions",
    "outside_help",
    "response_probability",
    "response_severity",
    "cost_of_response",
    "cost_of_war",
    "war_probability",
    "prior_mean",
    "prior_strength",
    "lesson_weight",
    "initial_alpha",
    "initial_beta",
    "belief_decay",
    "recovery_rate",
    "severity_effect",
    "economy_effect",
    "sanctions_effect",
    "help_effect",
    "cohesion_effect",
    "recovery_noise",
    "recovery_dispersion",
    "capability_floor",
    "economy_potential",
    "economy_reversion",
    "economy_sanctions_drag",
    "economy_help_lift",
    "economy_noise",
    "cohesion_target",
    "cohesion_reversion",
    "cohesion_economy_effect",
    "cohesion_noise",
    "gain",
    "test_threshold",
    "test_scale",
    "severity.nuclear",
    "severity.missiles",
    "severity.proxies",
    "severity.naval",
)


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

    Status quo and misperception (:func:`standoff.engines.crisis.status_quo_game`):
    the status quo ``q`` is the crisis issue's status quo read as the proposer's
    share (the same mapping as the demands, ``share_zero_at``); one period lasts
    ``period_months`` months; failed talks leave the status quo unless
    ``rejection: war``. The proposer acts on its belief about the receiver's cost,
    uniform on ``[believed_cost_low, believed_cost_high]`` (default: the true
    range); it moves the status quo toward the demand that is optimal under that
    belief by at most ``defiance_rate`` of the good a month (default 0). A
    ``third_party`` actor may strike on its own threshold (its own cost range and
    the proposer's ``third_party_p_win`` against it); a breakout (the proposer's
    latent capability made actual) comes with monthly probability ``breakout_rate``
    and raises its probability of winning by ``breakout_jump``.
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
    period_months: int = Field(default=1, ge=1, le=12)
    rejection: Literal["status_quo", "war"] = "status_quo"
    believed_cost_low: Quantity | None = None
    believed_cost_high: Quantity | None = None
    defiance_rate: Quantity | None = None
    breakout_rate: Quantity | None = None
    breakout_jump: Quantity | None = None
    third_party: Id | None = None
    third_party_p_win: Quantity | None = None
    third_party_cost_low: Quantity | None = None
    third_party_cost_high: Quantity | None = None

    @model_validator(mode="after")
    def _groups(self) -> Crisis:
        groups = {
            "belief": ("believed_cost_low", "believed_cost_high"),
            "breakout": ("breakout_rate", "breakout_jump"),
            "third party": ("third_party", "third_party_p_win", "third_party_cost_low", "third_party_cost_high"),
        }
        for what, names in groups.items():
            given = [getattr(self, n) is not None for n in names]
            if any(given) and not all(given):
                raise ValueError(f"the crisis {what} needs all of {', '.join(names)}")
        return self


#: The crisis section's uncertain inputs, in the order of its fields.
CRISIS_QUANTITIES = tuple(name for name, f in Crisis.model_fields.items() if f.annotation is Quantity)
#: The optional ones (status quo, belief, breakout, third party).
CRISIS_OPTIONAL = tuple(name for name, f in Crisis.model_fields.items() if f.annotation == (Quantity | None))


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


class Coded(_Sourced):
    """One coded value with its support."""

    value: str | bool | float

    @model_validator(mode="after")
    def _supported(self) -> Coded:
        self._require_support("every coded value")
        return self


class DatedTrigger(_Sourced):
    """When the crisis actor perceived the trigger."""

    value: dt.date

    @model_validator(mode="after")
    def _supported(self) -> DatedTrigger:
        self._require_support("the trigger date")
        return self


class CrisisCoding(_Strict):
    """The ``history`` section: the scenario's crisis coded as one ICB crisis-actor case, at its trigger.

    The outside view (:mod:`standoff.history.icb`) compares it with past crises on the features of
    :data:`standoff.core.icb.schema.FEATURES`. Each value carries evidence or a judgment and is checked against
    the codebook's categories: a nominal or ordinal feature takes one of its labels, a count a whole number >= 0,
    the power discrepancy a number in [-179, 179], a flag yes/no. A feature left out counts as missing.
    """

    crisis_actor: str = Field(min_length=1)
    adversaries: list[Id] = Field(min_length=1)
    trigger_date: DatedTrigger
    features: dict[str, Coded]

    @model_validator(mode="after")
    def _in_codebook(self) -> CrisisCoding:
        problems = [p for name, c in self.features.items() for p in _coding_problems(name, c.value)]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def values(self) -> dict[str, str | float | None]:
        """Every coded feature's value in the data's form (flags as 0/1, missing as None)."""
        out: dict[str, str | float | None] = {f.name: None for f in CODED}
        for name, c in self.features.items():
            out[name] = float(c.value) if isinstance(c.value, bool) else c.value
        return out


def _coding_problems(name: str, value: str | bool | float) -> list[str]:
    if name not in BY_NAME or name not in {f.name for f in CODED}:
        known = ", ".join(f.name for f in CODED)
        return [f"{name!r} is not a feature that can be coded (one of: {known})"]
    f = BY_NAME[name]
    if f.kind in ("nominal", "ordinal"):
        if not isinstance(value, str) or value not in f.categories:
            return [f"{name}: {value!r} is not one of the codebook's categories: {', '.join(f.categories)}"]
    elif f.kind == "flag":
        if not isinstance(value, bool):
            return [f"{name}: expected yes or no, got {value!r}"]
    elif isinstance(value, bool) or not isinstance(value, int | float):
        return [f"{name}: expected a number, got {value!r}"]
    elif f.kind == "count" and (value < 0 or value != int(value)):
        return [f"{name}: expected a whole number >= 0, got {value!r}"]
    elif f.kind == "numeric" and not -179 <= value <= 179:
        return [f"{name}: expected a number in [-179, 179], got {value!r}"]
    return []


OUTPUTS = {
    "deterrence": ("test_within", "war_within", "response_within", "third_party_within"),
    "crisis": ("war_by", "deal", "war_within", "deal_within", "third_party_within", "breakout_within"),
    "pathways": ("strike_within",),
    "base_rate": ("event_within",),
    "reference": QUESTIONS,
    "bargaining": ("issue_at_most", "issue_at_least"),
}
#: Engines that are not bargaining engines (their outputs are listed in ``OUTPUTS``).
DYNAMIC = ("deterrence", "crisis", "pathways", "base_rate", "reference")
#: Reference (outside view) outputs that take a number of days from the as-of date.
REFERENCE_DAYS = ("violent_response_30d", "lasts_over_90d")


class QuestionSource(_Strict):
    """The engine output a question's probability is read from (no probability is typed in).

    * ``deterrence``: ``test_within`` / ``war_within`` / ``response_within`` ``months``
      of the as-of date (baseline option, paths quiet until then);
    * ``crisis``: ``war_by`` month ``months`` of talks, or ``deal`` (no war through the talks),
      both from the sequential-demands reading in which a rejection means war; ``war_within`` /
      ``deal_within`` ``months`` from the status-quo game; ``third_party_within`` /
      ``breakout_within``: the third party's own strike, the preventive strike on a breakout;
    * ``deterrence``: also ``third_party_within``: the third party answering a test on its own;
    * ``pathways``: ``strike_within`` ``months``, every strike pathway as competing hazards
      (:mod:`standoff.engines.pathways`);
    * ``base_rate``: ``event_within`` ``months`` from an ``annual_probability`` (an outside
      view or an actuarial rate: a quantity with its source), ``1 - (1 - a)^{months/12}``;
    * a bargaining engine (``compromise``, ``expected_utility``, ...): ``issue_at_most`` /
      ``issue_at_least`` ``threshold`` on ``issue``, the share of Monte Carlo draws (time-free);
    * ``reference``: the outside view of the ICB crises (:mod:`standoff.history.icb`) for the crisis coded in the
      ``history`` section, one of the five questions; ``violent_response_30d`` and ``lasts_over_90d`` take ``days``
      (a violent major response within, or the crisis lasting beyond, ``days`` days of the as-of date, given none
      by then), the others are the regularised model's probability at the trigger.
    """

    engine: str = Field(min_length=1)
    output: str
    months: int | None = Field(default=None, ge=1, le=120)
    days: int | None = Field(default=None, ge=1, le=3650)
    issue: Id | None = None
    threshold: float | None = None
    annual_probability: Quantity | None = None
    label: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> QuestionSource:
        family = self.engine if self.engine in DYNAMIC else "bargaining"
        if (self.engine == "base_rate") != (self.annual_probability is not None):
            raise ValueError("a base_rate source needs an annual_probability, and only it takes one")
        if self.output not in OUTPUTS[family]:
            raise ValueError(f"output {self.output!r} is not one of {family}'s: {', '.join(OUTPUTS[family])}")
        if family == "reference":
            if self.months is not None or self.issue is not None or self.threshold is not None:
                raise ValueError("a reference output takes days, not months, issue or threshold")
            if self.days is not None and self.output not in REFERENCE_DAYS:
                raise ValueError(f"days apply only to {' and '.join(REFERENCE_DAYS)}")
            return self
        if self.days is not None:
            raise ValueError("days apply only to the reference engine's outputs")
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
    history: CrisisCoding | None = None

    @model_validator(mode="after")
    def _history(self) -> Scenario:
        if self.history is not None:
            ids = {a.id for a in self.actors}
            unknown = [a for a in self.history.adversaries if a not in ids]
            if unknown:
                raise ValueError(f"history.adversaries: {unknown} are not actors of this scenario")
        return self

    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def issue(self, issue_id: str) -> Issue:
        return next(i for i in self.issues if i.id == issue_id)
