r"""Deterrence dynamics: the defiance cycle.

A monthly stochastic simulation of a challenger that was knocked down by a
coercive shock, rebuilds, and tests the defender's resolve again when testing
pays; the defender responds or not; the challenger learns from what it sees.
Every array has a leading path axis ``P``; months are looped over, paths
never.

Models
------
*Reputation* is a Beta–Bernoulli belief with decay, the simplest model with
the three properties of the reputation literature (Sartori, *Deterrence by
Diplomacy*, 2005; Weisiger & Yarhi-Milo, "Revisiting reputation: how past
actions matter in international politics", *International Organization*
69(2), 2015): backing down erodes credibility, standing firm builds it, and
memory fades. The challenger believes the defender responds to a test with
probability :math:`\pi \sim \mathrm{Beta}(\alpha, \beta)`, mean
:math:`\bar\pi = \alpha / (\alpha + \beta)`.

*Recovery* and *the test decision* are the project's own formulation, not a
published model: capability rebuilds toward its pre-shock level at a rate
driven by the economy, sanctions, outside help and regime cohesion; the
challenger tests through a logit choice on the expected value of a test.

Equations (notation of the code)
--------------------------------
Paths ``p``, months ``t = 0 .. H-1`` (month ``t + 1`` in results),
capability components ``c`` with weights :math:`w_c` (normalised to sum to 1).
All conditions are centred at the neutral value 0.5.

State at the start of month ``t``: capability :math:`k_{c,t} \in [0, 1]`
(1 = the pre-shock level), belief counts :math:`\alpha_t, \beta_t`, economy
:math:`E_t \in [0, 1]`, cohesion :math:`Q_t \in [0, 1]`.

Start (just after the opening shock of severity :math:`s_c`, or of
:math:`\operatorname{logit}^{-1}(a_0 + 4 a_1 (s_c - \tfrac12))` with a fitted ``severity_map``):
:math:`k_{c,0} = 1 - s_c`; :math:`\alpha_0 = m_0 n_0 + \lambda`,
:math:`\beta_0 = (1 - m_0) n_0` (the shock is an observed response worth
:math:`\lambda` pseudo-observations, ``lesson_weight``; both can be set
directly with ``initial_alpha`` / ``initial_beta``); :math:`E_0, Q_0` given.

Capability index and value of a test:

.. math::

    K_t = \sum_c w_c k_{c,t}, \qquad
    V_t = G K_t - \bar\pi_t (c_R + w_W c_W)

(``gain`` :math:`G`, ``cost_of_response`` :math:`c_R`, ``war_probability``
:math:`w_W`, ``cost_of_war`` :math:`c_W`). The challenger tests with
probability (the hazard)

.. math::

    h_t = \operatorname{logit}^{-1}\big((V_t - \theta) / \tau\big)

(``test_threshold`` :math:`\theta`, ``test_scale`` :math:`\tau`): a test happens
when :math:`u^{test}_{p,t} < h_t`.

Defender: responds to a test when :math:`u^{resp}_{p,t} < \rho`
(``response_probability``). A response escalates to war when
:math:`u^{war}_{p,t} < w_W K_t`: likelier the stronger the challenger. War is
absorbing: no further tests are counted on that path.

Belief, with :math:`a = m_0 n_0`, :math:`b = (1 - m_0) n_0` the prior
(``prior_mean`` :math:`m_0`, ``prior_strength`` :math:`n_0`) and
``belief_decay`` :math:`\delta`:

* no test: :math:`\alpha_{t+1} = a + \delta (\alpha_t - a)`,
  :math:`\beta_{t+1} = b + \delta (\beta_t - b)` (regression to the prior);
* test and response: :math:`\alpha_{t+1} = \alpha_t + 1`;
* test, no response: :math:`\beta_{t+1} = \beta_t + 1`.

Recovery rate and capability (``recovery_rate`` :math:`r_0`,
``severity_effect`` :math:`\gamma`, effects :math:`\phi`; noise
:math:`z^{r}_t \sim N(0, 1)` each month and :math:`u \sim N(0, 1)` once per
path, scaled by ``recovery_noise`` :math:`\sigma_r` and
``recovery_dispersion`` :math:`\sigma_u`: regimes differ, unobservably, in
how fast they rebuild):

.. math::

    \log r_t = \log r_0 + \phi_E (E_t - \tfrac12) - \phi_S (S - \tfrac12)
               + \phi_H (H - \tfrac12) + \phi_Q (Q_t - \tfrac12)
               + \sigma_u u + \sigma_r z^{r}_t - \tfrac12 (\sigma_u^2 + \sigma_r^2)

.. math::

    k_{c,t+1} = 1 - (1 - k_{c,t}) \exp\!\big(-\kappa_c r_t \max(k_{c,t}, k_{min})^{\gamma}\big)

(sanctions :math:`S`, outside help :math:`H`, per-component speed
:math:`\kappa_c` = ``recovery_scale``, floor :math:`k_{min}` =
``capability_floor``). With :math:`\gamma = 0` recovery is exponential; with
:math:`\gamma > 0` a deeply damaged capability rebuilds slowly at first (a
hollowed-out force rebuilds its base before it can grow), so the time to
recover grows faster than the depth of the damage: this is the *severity
effect*. After a response the capability is knocked down again:
:math:`k_{c,t+1} \leftarrow (1 - s^{R}_c) k_{c,t+1}` (``response_severity``).

Economy and cohesion (mean-reverting, clipped to [0, 1]):

.. math::

    E^*_t = E_{pot} - d_S (S - \tfrac12) + l_H (H - \tfrac12), \quad
    E_{t+1} = E_t + \kappa_E (E^* - E_t) + \sigma_E z^E_t

.. math::

    Q^*_t = Q_{tgt} + q_E (E_t - \tfrac12), \quad
    Q_{t+1} = Q_t + \kappa_Q (Q^*_t - Q_t) + \sigma_Q z^Q_t

Order within a month: hazard and test from the start-of-month state; then the
belief update; then recovery, the response shock, economy and cohesion.

Before the first test nothing random happens but the state noise
:math:`z`, so given :math:`z` the month of the first test has the exact
distribution :math:`P(T = t+1) = h_t \prod_{j<t} (1 - h_j)`;
:func:`first_test_distribution` averages it over noise paths (a
Rao–Blackwellised estimate, smooth in the parameters, which is what
calibration maximises).

Departures and choices
----------------------
* The challenger prices a response at its worst case, :math:`c_R + w_W c_W`
  (escalation at full capability), not :math:`c_R + w_W K_t c_W`. This keeps
  :math:`V` increasing in capability, so that a more severe shock can never
  hasten the next test; the realised escalation risk does rise with
  :math:`K_t`.
* Capability is measured against its own pre-shock level, so challengers of
  different absolute strength share one scale.
* Cohesion enters only the recovery rate; the response shock hits
  capability only (not the economy).

Randomness
----------
Noise is drawn outside the kernel (:class:`DeterrenceDraws`), so the kernel is
deterministic given its draws. Paths are simulated in fixed-size chunks;
chunk ``i`` draws from ``numpy.random.SeedSequence(seed).spawn(n_chunks)[i]``
(always a full chunk, truncated at the end), so the same seed gives the same
numbers whether chunks run in one process, one at a time
(:func:`simulate_chunk`) or on a cluster, and the first ``n`` paths of a
larger run equal a run of ``n`` paths.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit

from standoff.core.problems import BoolArray, FloatArray, IntArray
from standoff.engines.base import DYNAMICS, EngineSpec

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "POLICY_OPTIONS",
    "DeterrenceDraws",
    "DeterrenceParams",
    "DeterrenceProblem",
    "DeterrenceResult",
    "FirstTestDistribution",
    "PolicyOption",
    "SPEC",
    "SeedLike",
    "StateNoise",
    "UnknownParameterError",
    "apply_patch",
    "apply_policy",
    "combine_chunks",
    "deterrence_kernel",
    "first_test_distribution",
    "pmf_from_hazard",
    "resolve_seed",
    "simulate",
    "simulate_chunk",
]

SeedLike = int | np.integer | np.random.Generator | None

DEFAULT_CHUNK_SIZE = 1024
NEUTRAL = 0.5

# Fields that may be given per path as arrays of shape (P,) (scalars broadcast).
_PATH_FIELDS: tuple[str, ...] = (
    "economy",
    "cohesion",
    "sanctions",
    "outside_help",
    "response_probability",
    "cost_of_response",
    "cost_of_war",
    "war_probability",
    "prior_mean",
    "prior_strength",
    "lesson_weight",
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
)
# Fields that may be scalar, per component (C,) or per path and component (P, C).
_COMPONENT_FIELDS: tuple[str, ...] = ("severity", "response_severity")

_UNIT = (0.0, 1.0, True, True)
_RANGES: Mapping[str, tuple[float, float, bool, bool]] = {
    # name: (low, high, low inclusive, high inclusive)
    "severity": _UNIT,
    "response_severity": _UNIT,
    "economy": _UNIT,
    "cohesion": _UNIT,
    "sanctions": _UNIT,
    "outside_help": _UNIT,
    "response_probability": _UNIT,
    "war_probability": _UNIT,
    "belief_decay": _UNIT,
    "capability_floor": (0.0, 1.0, False, True),
    "economy_potential": _UNIT,
    "economy_reversion": _UNIT,
    "cohesion_target": _UNIT,
    "cohesion_reversion": _UNIT,
    "prior_mean": (0.0, 1.0, False, False),
    "prior_strength": (0.0, np.inf, False, False),
    "recovery_rate": (0.0, np.inf, False, False),
    "test_scale": (0.0, np.inf, False, False),
    "lesson_weight": (0.0, np.inf, True, False),
    "cost_of_response": (0.0, np.inf, True, False),
    "cost_of_war": (0.0, np.inf, True, False),
    "recovery_noise": (0.0, np.inf, True, False),
    "recovery_dispersion": (0.0, np.inf, True, False),
    "economy_noise": (0.0, np.inf, True, False),
    "cohesion_noise": (0.0, np.inf, True, False),
    "severity_effect": (0.0, np.inf, True, False),
    "gain": (0.0, np.inf, True, False),
}


@dataclass(frozen=True)
class DeterrenceParams:
    """Every input of the defiance cycle (equations in the module docstring).

    Numeric fields are scalars, or arrays of shape ``(P,)`` giving one value
    per path (uncertain inputs, or one episode per block of paths);
    ``severity`` and ``response_severity`` are a scalar, ``(C,)`` per
    component, or ``(P, C)``. ``C = len(components)``.

    Structure:
        components: capability component names.
        weights: ``(C,)`` component weights in :math:`K = \\sum w_c k_c`
            (normalised to sum to 1).
        recovery_scale: scalar or ``(C,)`` relative recovery speed per component.
        horizon: months simulated, ``H``.
        severity_map: ``(a0, a1)``: the shock the engine starts from is
            :math:`\\operatorname{logit}^{-1}(a_0 + 4 a_1 (s_c - \tfrac12))` of the
            coded severity :math:`s_c` (a calibration fitted on recurrence
            spells reads severities this way); ``None``: :math:`s_c` itself.

    The opening shock and conditions:
        severity: opening shock severity in [0, 1]; :math:`k_{c,0} = 1 - s_c`.
        economy: initial economy :math:`E_0` in [0, 1] (1 healthy, 0.5 neutral).
        cohesion: initial regime cohesion :math:`Q_0` in [0, 1].
        sanctions: sanctions pressure :math:`S` in [0, 1].
        outside_help: outside help :math:`H` in [0, 1] (China, Russia, ...).

    The defender's policy:
        response_probability: :math:`\\rho`, the chance it responds to a test.
        response_severity: the shock a response deals, in [0, 1].
        cost_of_response: :math:`c_R`, the challenger's cost of a response.
        cost_of_war: :math:`c_W`, the challenger's cost of a war.
        war_probability: :math:`w_W`, chance a response escalates to war at full
            capability (realised chance :math:`w_W K_t`).

    The challenger's belief:
        prior_mean, prior_strength: :math:`m_0, n_0`; the prior is
            Beta(:math:`m_0 n_0`, :math:`(1 - m_0) n_0`).
        lesson_weight: :math:`\\lambda`, pseudo-responses the opening shock adds to α.
        initial_alpha, initial_beta: override the starting counts (``None``:
            prior plus lesson).
        belief_decay: :math:`\\delta`, monthly retention of the counts' excess
            over the prior.

    Recovery:
        recovery_rate: :math:`r_0`, the baseline monthly rate.
        severity_effect: :math:`\\gamma`.
        economy_effect, sanctions_effect, help_effect, cohesion_effect:
            :math:`\\phi_E, \\phi_S, \\phi_H, \\phi_Q`.
        recovery_noise: :math:`\\sigma_r`, month-to-month noise in the rate.
        recovery_dispersion: :math:`\\sigma_u`, a persistent per-path factor in
            the rate (regimes differ, unobservably, in how fast they rebuild).
        capability_floor: :math:`k_{min}`.

    Economy and cohesion dynamics:
        economy_potential, economy_reversion, economy_sanctions_drag,
        economy_help_lift, economy_noise: :math:`E_{pot}, \\kappa_E, d_S, l_H, \\sigma_E`.
        cohesion_target, cohesion_reversion, cohesion_economy_effect,
        cohesion_noise: :math:`Q_{tgt}, \\kappa_Q, q_E, \\sigma_Q`.

    The test decision:
        gain: :math:`G`; test_threshold: :math:`\\theta`; test_scale: :math:`\\tau`.
    """

    components: tuple[str, ...] = ("nuclear", "missiles", "proxies", "naval")
    weights: tuple[float, ...] = (0.3, 0.3, 0.2, 0.2)
    recovery_scale: float | tuple[float, ...] = 1.0
    horizon: int = 120
    severity_map: tuple[float, float] | None = None

    severity: Any = 0.5
    economy: Any = NEUTRAL
    cohesion: Any = NEUTRAL
    sanctions: Any = NEUTRAL
    outside_help: Any = NEUTRAL

    response_probability: Any = 0.5
    response_severity: Any = 0.3
    cost_of_response: Any = 0.5
    cost_of_war: Any = 1.0
    war_probability: Any = 0.2

    prior_mean: Any = 0.3
    prior_strength: Any = 4.0
    lesson_weight: Any = 2.0
    initial_alpha: Any = None
    initial_beta: Any = None
    belief_decay: Any = 0.95

    recovery_rate: Any = 0.05
    severity_effect: Any = 1.0
    economy_effect: Any = 1.0
    sanctions_effect: Any = 0.5
    help_effect: Any = 0.5
    cohesion_effect: Any = 0.5
    recovery_noise: Any = 0.2
    recovery_dispersion: Any = 0.5
    capability_floor: Any = 0.02

    economy_potential: Any = NEUTRAL
    economy_reversion: Any = 0.03
    economy_sanctions_drag: Any = 0.4
    economy_help_lift: Any = 0.2
    economy_noise: Any = 0.02
    cohesion_target: Any = NEUTRAL
    cohesion_reversion: Any = 0.05
    cohesion_economy_effect: Any = 0.5
    cohesion_noise: Any = 0.02

    gain: Any = 1.0
    test_threshold: Any = 0.5
    test_scale: Any = 0.1

    def __post_init__(self) -> None:
        comps = tuple(self.components)
        if len(comps) == 0 or len(set(comps)) != len(comps):
            raise ValueError(f"components must be non-empty and unique, got {comps!r}")
        w = np.asarray(self.weights, dtype=float)
        if w.shape != (len(comps),):
            raise ValueError(f"weights must have one entry per component ({len(comps)}), got shape {w.shape}")
        if np.any(w < 0) or not w.sum() > 0:
            raise ValueError(f"weights must be >= 0 with a positive sum, got {tuple(w)}")
        rs = np.asarray(self.recovery_scale, dtype=float)
        if rs.ndim > 1 or (rs.ndim == 1 and rs.shape != (len(comps),)) or np.any(rs <= 0):
            raise ValueError("recovery_scale must be a positive scalar or one positive value per component")
        if not (isinstance(self.horizon, (int, np.integer)) and self.horizon >= 1):
            raise ValueError(f"horizon must be an integer >= 1, got {self.horizon!r}")
        for name, (lo, hi, lo_in, hi_in) in _RANGES.items():
            value = np.asarray(getattr(self, name), dtype=float)
            ok_lo = value >= lo if lo_in else value > lo
            ok_hi = value <= hi if hi_in else value < hi
            if not (np.all(ok_lo) and np.all(ok_hi)) or np.any(np.isnan(value)):
                interval = f"{'[' if lo_in else '('}{lo:g}, {hi:g}{']' if hi_in else ')'}"
                raise ValueError(f"{name} must lie in {interval}, got {getattr(self, name)!r}")
        for name in ("initial_alpha", "initial_beta"):
            v = getattr(self, name)
            if v is not None and not np.all(np.asarray(v, dtype=float) > 0):
                raise ValueError(f"{name} must be None or > 0, got {v!r}")
        for name in _PATH_FIELDS:
            if np.asarray(getattr(self, name)).ndim > 1:
                raise ValueError(f"{name} must be a scalar or an array of shape (P,)")

    @property
    def n_components(self) -> int:
        return len(self.components)

    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(self))


# ---------------------------------------------------------------------------
# Patches and policy options
# ---------------------------------------------------------------------------


class UnknownParameterError(KeyError):
    """An unknown parameter or policy name; ``str()`` is the plain message (no quotes)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def apply_patch(params: DeterrenceParams, patch: Mapping[str, Any]) -> DeterrenceParams:
    """A copy of ``params`` with the fields in ``patch`` replaced.

    Raises:
        UnknownParameterError: (a ``KeyError``) naming any unknown field, the
            closest known name and the list of known fields.
        ValueError: if a new value is out of range (from validation).
    """
    known = params.field_names()
    unknown = [k for k in patch if k not in known]
    if unknown:
        hints = []
        for k in unknown:
            close = difflib.get_close_matches(k, known, n=1)
            hints.append(f"{k!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise UnknownParameterError(f"unknown deterrence parameter(s): {', '.join(hints)}; known: {', '.join(known)}")
    return dataclasses.replace(params, **dict(patch))


@dataclass(frozen=True)
class PolicyOption:
    """A policy as a patch to :class:`DeterrenceParams`.

    Attributes:
        name: key.
        title: one line for people.
        patch: field → new value (absolute values; applied with :func:`apply_patch`).
        rationale: why these numbers.
    """

    name: str
    title: str
    patch: Mapping[str, Any]
    rationale: str


POLICY_OPTIONS: Mapping[str, PolicyOption] = {
    "declare_closed": PolicyOption(
        "declare_closed",
        "Declare the matter closed",
        {"response_probability": 0.15, "prior_mean": 0.2},
        "The defender signals it is done; it seldom answers a test, and the challenger's "
        "baseline expectation of a response ('they cannot do a damn thing') drops.",
    ),
    "maximum_pressure": PolicyOption(
        "maximum_pressure",
        "Maximum economic pressure",
        {"sanctions": 1.0, "response_probability": 0.35},
        "Sanctions at their ceiling slow the economy and recovery; military response unchanged "
        "from a reluctant baseline.",
    ),
    "credible_threat": PolicyOption(
        "credible_threat",
        "Credible combined US-Israel military threat",
        {"response_probability": 0.8, "cost_of_war": 2.0, "prior_mean": 0.5, "war_probability": 0.3},
        "A fused US-Israeli threat makes a response likely and a war costlier, and moves the "
        "challenger's baseline belief that a test will be answered.",
    ),
    "talks_limited_relief": PolicyOption(
        "talks_limited_relief",
        "Talks with limited sanctions relief",
        {"sanctions": 0.6, "response_probability": 0.3},
        "Relief eases pressure on the economy (faster recovery) and talks make a military "
        "response to a test less likely while they last.",
    ),
    "renewed_strikes": PolicyOption(
        "renewed_strikes",
        "Renewed strikes",
        {"severity": 0.6, "response_probability": 0.9, "prior_mean": 0.5, "lesson_weight": 3.0},
        "A new round of strikes deepens the damage, teaches a fresh lesson and commits the "
        "defender to answering further tests.",
    ),
}
"""The five options the corpus articles discuss, as illustrative patches; scenarios override the numbers."""


def apply_policy(params: DeterrenceParams, policy: str | PolicyOption) -> DeterrenceParams:
    """``params`` with a policy option's patch applied (by name or object)."""
    if isinstance(policy, str):
        try:
            policy = POLICY_OPTIONS[policy]
        except KeyError:
            raise UnknownParameterError(
                f"unknown policy option {policy!r}; known: {', '.join(POLICY_OPTIONS)}"
            ) from None
    return apply_patch(params, policy.patch)


# ---------------------------------------------------------------------------
# Resolved arrays and draws
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Arrays:
    """Parameters broadcast to paths: each ``_PATH_FIELDS`` entry ``(P,)``;
    ``severity``, ``response_severity`` ``(P, C)``; ``weights``,
    ``recovery_scale`` ``(C,)``; ``alpha0``, ``beta0`` (counts at month 0) and
    ``prior_alpha``, ``prior_beta`` ``(P,)``."""

    values: Mapping[str, FloatArray]
    weights: FloatArray
    recovery_scale: FloatArray
    horizon: int
    default_initial: tuple[bool, bool] = (True, True)

    def __getattr__(self, name: str) -> FloatArray:
        if name == "values":
            raise AttributeError(name)
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def _resolve(params: DeterrenceParams, rows: slice, n_paths: int) -> _Arrays:
    """Broadcast ``params`` to the paths ``rows`` of an ``n_paths`` run."""
    n = len(range(*rows.indices(n_paths)))
    C = params.n_components
    values: dict[str, FloatArray] = {}
    for name in _PATH_FIELDS:
        v = np.asarray(getattr(params, name), dtype=float)
        if v.ndim == 0:
            values[name] = np.full(n, float(v))
        elif v.shape == (n_paths,):
            values[name] = v[rows].copy()
        else:
            raise ValueError(f"{name} has shape {v.shape}; expected a scalar or ({n_paths},)")
    for name in _COMPONENT_FIELDS:
        v = np.asarray(getattr(params, name), dtype=float)
        if v.ndim == 0:
            values[name] = np.full((n, C), float(v))
        elif v.shape == (C,):
            values[name] = np.broadcast_to(v, (n, C)).copy()
        elif v.shape == (n_paths, C):
            values[name] = v[rows].copy()
        else:
            raise ValueError(f"{name} has shape {v.shape}; expected a scalar, ({C},) or ({n_paths}, {C})")
    if params.severity_map is not None:
        a0, a1 = params.severity_map
        values["severity"] = expit(a0 + 4.0 * a1 * (values["severity"] - 0.5))
    a = values["prior_mean"] * values["prior_strength"]
    b = (1.0 - values["prior_mean"]) * values["prior_strength"]
    values["prior_alpha"] = a
    values["prior_beta"] = b
    for name, default in (("initial_alpha", a + values["lesson_weight"]), ("initial_beta", b)):
        v = getattr(params, name)
        if v is None:
            values[name] = default
        else:
            arr = np.asarray(v, dtype=float)
            values[name] = np.full(n, float(arr)) if arr.ndim == 0 else arr[rows].copy()
    w = np.asarray(params.weights, dtype=float)
    rs = np.broadcast_to(np.asarray(params.recovery_scale, dtype=float), (C,)).copy()
    default_initial = (params.initial_alpha is None, params.initial_beta is None)
    return _Arrays(values, w / w.sum(), rs, int(params.horizon), default_initial)


def _override(a: _Arrays, values: Mapping[str, float]) -> _Arrays:
    """``a`` with some per-path fields set to new scalars (no validation: for
    calibration, whose bounds keep values in range); derived belief counts follow."""
    new = dict(a.values)
    for name, v in values.items():
        if name not in _PATH_FIELDS:
            raise KeyError(f"{name!r} cannot be overridden per path")
        new[name] = np.full_like(a.values[name], float(v))
    if {"prior_mean", "prior_strength", "lesson_weight"} & set(values):
        new["prior_alpha"] = new["prior_mean"] * new["prior_strength"]
        new["prior_beta"] = (1.0 - new["prior_mean"]) * new["prior_strength"]
        if a.default_initial[0]:
            new["initial_alpha"] = new["prior_alpha"] + new["lesson_weight"]
        if a.default_initial[1]:
            new["initial_beta"] = new["prior_beta"]
    return dataclasses.replace(a, values=new)


@dataclass(frozen=True)
class DeterrenceDraws:
    """The noise a run consumes, drawn outside the kernel.

    Attributes:
        u_test: ``(P, H)`` uniforms; a test when ``u_test < h``.
        u_respond: ``(P, H)`` uniforms; a response when ``u_respond < ρ``.
        u_war: ``(P, H)`` uniforms; war when ``u_war < w_W K``.
        z_recovery: ``(P, H)`` standard normals for the recovery rate.
        z_economy: ``(P, H)`` standard normals for the economy.
        z_cohesion: ``(P, H)`` standard normals for cohesion.
        z_regime: ``(P,)`` standard normals: each path's persistent recovery speed.
    """

    u_test: FloatArray
    u_respond: FloatArray
    u_war: FloatArray
    z_recovery: FloatArray
    z_economy: FloatArray
    z_cohesion: FloatArray
    z_regime: FloatArray

    @classmethod
    def sample(cls, rng: np.random.Generator, n_paths: int, horizon: int) -> DeterrenceDraws:
        """Draw in a fixed order: three uniform blocks, three normal blocks, one normal per path."""
        u = rng.random((3, n_paths, horizon))
        z = rng.standard_normal((3, n_paths, horizon))
        z_regime = rng.standard_normal(n_paths)
        return cls(u[0], u[1], u[2], z[0], z[1], z[2], z_regime)

    def state_noise(self) -> StateNoise:
        """The part of the noise that moves the state before any test."""
        return StateNoise(self.z_recovery, self.z_economy, self.z_cohesion, self.z_regime)

    def take(self, rows: slice) -> DeterrenceDraws:
        """The draws of a subset of paths."""
        return DeterrenceDraws(*(getattr(self, f.name)[rows] for f in dataclasses.fields(self)))

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.u_test.shape)  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# The kernel
# ---------------------------------------------------------------------------


def _test_logit(K: FloatArray, alpha: FloatArray, beta: FloatArray, a: _Arrays) -> FloatArray:
    """``(V - θ) / τ``: the logit of the monthly test probability."""
    belief = alpha / (alpha + beta)
    value = a.gain * K - belief * (a.cost_of_response + a.war_probability * a.cost_of_war)
    return (value - a.test_threshold) / a.test_scale


def _hazard(K: FloatArray, alpha: FloatArray, beta: FloatArray, a: _Arrays) -> FloatArray:
    return expit(_test_logit(K, alpha, beta, a))


def _unit(x: FloatArray) -> FloatArray:
    """Clip to [0, 1] (faster than ``np.clip`` on small arrays)."""
    return np.minimum(np.maximum(x, 0.0), 1.0)


@dataclass(frozen=True)
class StateNoise:
    """Noise of the state paths: ``z_recovery``, ``z_economy``, ``z_cohesion``
    ``(P, H)`` and ``z_regime`` ``(P,)``."""

    z_recovery: FloatArray
    z_economy: FloatArray
    z_cohesion: FloatArray
    z_regime: FloatArray

    def take(self, rows: slice, months: int | None = None) -> StateNoise:
        cols = slice(0, months)
        return StateNoise(
            self.z_recovery[rows, cols], self.z_economy[rows, cols], self.z_cohesion[rows, cols], self.z_regime[rows]
        )

    def tile(self, reps: int) -> StateNoise:
        """The same paths repeated ``reps`` times along the path axis."""
        return StateNoise(
            np.tile(self.z_recovery, (reps, 1)),
            np.tile(self.z_economy, (reps, 1)),
            np.tile(self.z_cohesion, (reps, 1)),
            np.tile(self.z_regime, reps),
        )


def _state_paths(a: _Arrays, noise: StateNoise) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Economy and cohesion ``(P, H+1)`` and the recovery rate ``(P, H)``.

    None of them depends on tests or capability, so they are computed ahead of
    the month loop that does.
    """
    z_recovery, z_economy, z_cohesion = noise.z_recovery, noise.z_economy, noise.z_cohesion
    P, H = z_recovery.shape
    E = np.empty((P, H + 1))
    Q = np.empty((P, H + 1))
    E[:, 0] = a.economy
    Q[:, 0] = a.cohesion
    target_E = _unit(
        a.economy_potential
        - a.economy_sanctions_drag * (a.sanctions - NEUTRAL)
        + a.economy_help_lift * (a.outside_help - NEUTRAL)
    )
    kE, sE = a.economy_reversion, a.economy_noise
    kQ, sQ, qE, qT = a.cohesion_reversion, a.cohesion_noise, a.cohesion_economy_effect, a.cohesion_target
    for t in range(H):
        e, q = E[:, t], Q[:, t]
        E[:, t + 1] = _unit(e + kE * (target_E - e) + sE * z_economy[:, t])
        target_Q = _unit(qT + qE * (e - NEUTRAL))
        Q[:, t + 1] = _unit(q + kQ * (target_Q - q) + sQ * z_cohesion[:, t])
    sigma = a.recovery_noise[:, None]
    disp = a.recovery_dispersion
    log_r = (
        (
            np.log(a.recovery_rate)
            - a.sanctions_effect * (a.sanctions - NEUTRAL)
            + a.help_effect * (a.outside_help - NEUTRAL)
            + disp * noise.z_regime
            - 0.5 * disp**2
        )[:, None]
        + a.economy_effect[:, None] * (E[:, :H] - NEUTRAL)
        + a.cohesion_effect[:, None] * (Q[:, :H] - NEUTRAL)
        + sigma * z_recovery
        - 0.5 * sigma**2
    )
    return E, Q, np.exp(log_r)


def _recover(k: FloatArray, rate: FloatArray, scale: FloatArray, floor: FloatArray, gamma: FloatArray) -> FloatArray:
    """One month of recovery: ``k`` ``(P, C)``, ``rate``, ``floor``, ``gamma`` ``(P,)``, ``scale`` ``(C,)``."""
    depth = np.maximum(k, floor[:, None]) ** gamma[:, None]
    return 1.0 - (1.0 - k) * np.exp(-(rate[:, None] * scale[None, :]) * depth)


def deterrence_kernel(a: _Arrays, draws: DeterrenceDraws, *, keep_paths: bool = True) -> dict[str, Any]:
    """Run the defiance cycle on resolved arrays and given draws (deterministic).

    Args:
        a: parameters broadcast to ``P`` paths (from ``_resolve``).
        draws: the noise, each ``(P, H)``.
        keep_paths: also return the month-by-month paths.

    Returns:
        A dict of arrays: ``first_test_month (P,)`` (1..H; H when untested),
        ``tested (P,)``, ``n_tests (P,)``, ``war (P,)``, ``war_month (P,)``
        (0 = none), and with ``keep_paths``: ``capability (P, H+1)``,
        ``capability_by_component (P, H+1, C)``, ``belief (P, H+1)``,
        ``economy (P, H+1)``, ``cohesion (P, H+1)``, ``hazard (P, H)``,
        ``tests (P, H)``, ``responses (P, H)``.
    """
    P, H = draws.shape
    if H != a.horizon:
        raise ValueError(f"draws cover {H} months; the horizon is {a.horizon}")
    C = a.weights.shape[0]
    E, Q, rate = _state_paths(a, draws.state_noise())
    k = 1.0 - a.severity
    alpha = a.initial_alpha.copy()
    beta = a.initial_beta.copy()
    a0, b0, decay = a.prior_alpha, a.prior_beta, a.belief_decay
    keep = 1.0 - a.response_severity

    first = np.zeros(P, dtype=np.int64)
    n_tests = np.zeros(P, dtype=np.int64)
    war = np.zeros(P, dtype=bool)
    war_month = np.zeros(P, dtype=np.int64)
    if keep_paths:
        cap_c = np.empty((P, H + 1, C))
        belief = np.empty((P, H + 1))
        hazard = np.empty((P, H))
        tests = np.zeros((P, H), dtype=bool)
        responses = np.zeros((P, H), dtype=bool)

    for t in range(H):
        K = k @ a.weights
        h = _hazard(K, alpha, beta, a)
        test = ~war & (draws.u_test[:, t] < h)
        respond = test & (draws.u_respond[:, t] < a.response_probability)
        to_war = respond & (draws.u_war[:, t] < a.war_probability * K)
        if keep_paths:
            cap_c[:, t] = k
            belief[:, t] = alpha / (alpha + beta)
            hazard[:, t] = h
            tests[:, t] = test
            responses[:, t] = respond

        alpha = np.where(test, alpha + respond, a0 + decay * (alpha - a0))
        beta = np.where(test, beta + (test & ~respond), b0 + decay * (beta - b0))
        k = _recover(k, rate[:, t], a.recovery_scale, a.capability_floor, a.severity_effect)
        k = np.where(respond[:, None], k * keep, k)

        first = np.where((first == 0) & test, t + 1, first)
        n_tests += test
        war_month = np.where(to_war, t + 1, war_month)
        war |= to_war

    tested = first > 0
    out: dict[str, Any] = dict(
        first_test_month=np.where(tested, first, H),
        tested=tested,
        n_tests=n_tests,
        war=war,
        war_month=war_month,
    )
    if keep_paths:
        cap_c[:, H] = k
        belief[:, H] = alpha / (alpha + beta)
        out.update(
            capability=cap_c @ a.weights,
            capability_by_component=cap_c,
            belief=belief,
            economy=E,
            cohesion=Q,
            hazard=hazard,
            tests=tests,
            responses=responses,
        )
    return out


def _no_test_belief(a: _Arrays, H: int) -> FloatArray:
    """Believed response probability in months ``0..H-1`` when nothing happens,
    ``(P, H)`` (or ``(1, H)`` when every path has the same belief inputs):
    :math:`\\alpha_t = a + \\delta^t (\\alpha_0 - a)`, likewise for β."""
    fields = (a.belief_decay, a.prior_alpha, a.prior_beta, a.initial_alpha, a.initial_beta)
    if all(np.all(f == f[0]) for f in fields):
        fields = tuple(f[:1] for f in fields)
    decay, pa, pb, ia, ib = (f[:, None] for f in fields)
    powers = np.power(decay, np.arange(H)[None, :])
    alpha = pa + powers * (ia - pa)
    beta = pb + powers * (ib - pb)
    return alpha / (alpha + beta)


def _pretest_capability(
    a: _Arrays, noise: StateNoise, state: tuple[FloatArray, FloatArray, FloatArray] | None = None
) -> FloatArray:
    """``(P, H)`` capability index :math:`K_t` on the path with no test yet.

    Components with the same severity and speed are merged into one. ``state``
    may pass precomputed :func:`_state_paths` output.
    """
    P, H = noise.z_recovery.shape
    _, _, rate = _state_paths(a, noise) if state is None else state
    sev = a.severity
    floor, gamma = a.capability_floor, a.severity_effect
    K_t = np.empty((H, P))  # month-major, so that each month's row is contiguous
    if np.all(sev == sev[:, :1]) and np.all(a.recovery_scale == a.recovery_scale[0]):
        # All components move together: one scalar capability per path.
        k1 = 1.0 - sev[:, 0]
        rate_t = np.ascontiguousarray(rate.T) * a.recovery_scale[0]
        for t in range(H):
            K_t[t] = k1
            k1 = 1.0 - (1.0 - k1) * np.exp(-rate_t[t] * np.maximum(k1, floor) ** gamma)
    else:
        k = 1.0 - sev
        for t in range(H):
            K_t[t] = k @ a.weights
            k = _recover(k, rate[:, t], a.recovery_scale, floor, gamma)
    return K_t.T


def _pretest_logit_from_capability(a: _Arrays, K: FloatArray) -> FloatArray:
    """``(P, H)`` hazard logits given the no-test capability path ``K`` ``(P, H)``;
    the belief follows its no-test path in closed form (:func:`_no_test_belief`)."""
    belief = _no_test_belief(a, K.shape[1])
    cost = (a.cost_of_response + a.war_probability * a.cost_of_war)[:, None]
    value = a.gain[:, None] * K - belief * cost
    return (value - a.test_threshold[:, None]) / a.test_scale[:, None]


def _pretest_logit(
    a: _Arrays, noise: StateNoise, state: tuple[FloatArray, FloatArray, FloatArray] | None = None
) -> FloatArray:
    """``(P, H)`` logits of the hazard along the path on which no test has happened yet.

    The same equations as :func:`deterrence_kernel` with the test branch
    removed: until the first test the two paths coincide.
    """
    return _pretest_logit_from_capability(a, _pretest_capability(a, noise, state))


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


def _quantile_from_cdf(cdf: FloatArray, q: float) -> float:
    """Continuous quantile of a monthly distribution: ``cdf`` is ``(H+1,)`` at
    month ends 0..H; mass within a month is spread uniformly. ``inf`` when the
    horizon is reached first."""
    idx = int(np.searchsorted(cdf, q, side="left"))
    if idx >= cdf.shape[0]:
        return float("inf")
    if idx == 0:
        return 0.0
    lo, hi = cdf[idx - 1], cdf[idx]
    frac = 0.0 if hi <= lo else (q - lo) / (hi - lo)
    return float(idx - 1 + frac)


@dataclass(frozen=True)
class DeterrenceResult:
    """What :func:`simulate` returns. ``P`` paths, ``H`` months, ``C`` components.

    Attributes:
        params: the inputs.
        seed: the root seed (entropy of the ``SeedSequence``) the chunks were spawned from.
        chunk_size: paths per chunk.
        first_row: index of the first path (non-zero for a single chunk).
        first_test_month: ``(P,)`` month of the first test, 1..H; ``H`` when untested (censored).
        tested: ``(P,)`` whether a test happened within the horizon.
        n_tests: ``(P,)`` number of tests.
        war: ``(P,)`` whether a test escalated to war within the horizon.
        war_month: ``(P,)`` month of the war, 0 if none.
        capability: ``(P, H+1)`` capability index :math:`K_t` (month 0 = just after the shock), or ``None``.
        capability_by_component: ``(P, H+1, C)``, or ``None``.
        belief: ``(P, H+1)`` believed response probability :math:`\\alpha/(\\alpha+\\beta)`, or ``None``.
        economy: ``(P, H+1)``, or ``None``.
        cohesion: ``(P, H+1)``, or ``None``.
        hazard: ``(P, H)`` monthly test probability, or ``None``.
        tests: ``(P, H)`` tests by month, or ``None``.
        responses: ``(P, H)`` responses by month, or ``None``.
    """

    params: DeterrenceParams
    seed: int
    chunk_size: int
    first_row: int
    first_test_month: IntArray
    tested: BoolArray
    n_tests: IntArray
    war: BoolArray
    war_month: IntArray
    capability: FloatArray | None = None
    capability_by_component: FloatArray | None = None
    belief: FloatArray | None = None
    economy: FloatArray | None = None
    cohesion: FloatArray | None = None
    hazard: FloatArray | None = None
    tests: BoolArray | None = None
    responses: BoolArray | None = None

    @property
    def n_paths(self) -> int:
        return int(self.first_test_month.shape[0])

    @property
    def horizon(self) -> int:
        return int(self.params.horizon)

    def survival(self) -> FloatArray:
        """``(H+1,)`` share of paths not yet tested at the end of each month (month 0 = 1)."""
        H = self.horizon
        counts = np.bincount(self.first_test_month[self.tested], minlength=H + 1)[: H + 1]
        return 1.0 - np.cumsum(counts) / self.n_paths

    def quantile_months_to_first_test(self, q: float) -> float:
        """Months to the first test at quantile ``q`` (``inf`` beyond the horizon)."""
        return _quantile_from_cdf(1.0 - self.survival(), q)

    def median_months_to_first_test(self) -> float:
        return self.quantile_months_to_first_test(0.5)

    def prob_test_within(self, months: int) -> float:
        """Share of paths tested by the end of month ``months``."""
        return float(np.mean(self.tested & (self.first_test_month <= months)))

    def prob_war(self) -> float:
        """Share of paths on which a test escalated to war within the horizon."""
        return float(np.mean(self.war))

    def summary(self) -> dict[str, float]:
        """Headline numbers: median months to first test, P(test within 12/24 months), P(war), mean tests."""
        return {
            "median_months_to_first_test": self.median_months_to_first_test(),
            "p_test_within_12": self.prob_test_within(12),
            "p_test_within_24": self.prob_test_within(24),
            "p_war": self.prob_war(),
            "mean_tests": float(np.mean(self.n_tests)),
        }


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def resolve_seed(rng: SeedLike) -> int:
    """The root seed of a run: an int as given, a fresh one for ``None``, or
    one drawn from a ``Generator`` (consuming one draw)."""
    if rng is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**63 - 1))
    if isinstance(rng, (bool, np.bool_)):
        raise TypeError("seed must be an int, a numpy Generator or None, not a bool")
    if isinstance(rng, (int, np.integer)):
        if rng < 0:
            raise ValueError(f"seed must be >= 0, got {rng}")
        return int(rng)
    raise TypeError(f"seed must be an int, a numpy Generator or None, got {type(rng).__name__}")


def _n_chunks(n_paths: int, chunk_size: int) -> int:
    return -(-n_paths // chunk_size)


def _chunk_draws(seed: int, index: int, n_chunks: int, chunk_size: int, n_rows: int, horizon: int) -> DeterrenceDraws:
    child = np.random.SeedSequence(seed).spawn(n_chunks)[index]
    return DeterrenceDraws.sample(np.random.default_rng(child), chunk_size, horizon).take(slice(0, n_rows))


def _check_run_args(n_paths: int, chunk_size: int) -> None:
    if not (isinstance(n_paths, (int, np.integer)) and n_paths >= 1):
        raise ValueError(f"n_paths must be an integer >= 1, got {n_paths!r}")
    if not (isinstance(chunk_size, (int, np.integer)) and chunk_size >= 1):
        raise ValueError(f"chunk_size must be an integer >= 1, got {chunk_size!r}")


def simulate_chunk(
    params: DeterrenceParams,
    *,
    seed: int,
    chunk_index: int,
    n_paths: int,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    keep_paths: bool = True,
) -> DeterrenceResult:
    """Paths ``[i * chunk_size, min((i + 1) * chunk_size, n_paths))`` of an ``n_paths`` run.

    What a worker computes; :func:`combine_chunks` of all chunks equals
    :func:`simulate` with the same ``seed``.
    """
    _check_run_args(n_paths, chunk_size)
    n_chunks = _n_chunks(n_paths, chunk_size)
    if not 0 <= chunk_index < n_chunks:
        raise ValueError(f"chunk_index must be in [0, {n_chunks}), got {chunk_index}")
    start = chunk_index * chunk_size
    stop = min(start + chunk_size, n_paths)
    rows = slice(start, stop)
    arrays = _resolve(params, rows, n_paths)
    draws = _chunk_draws(seed, chunk_index, n_chunks, chunk_size, stop - start, params.horizon)
    out = deterrence_kernel(arrays, draws, keep_paths=keep_paths)
    return DeterrenceResult(params=params, seed=seed, chunk_size=chunk_size, first_row=start, **out)


def combine_chunks(chunks: Sequence[DeterrenceResult]) -> DeterrenceResult:
    """Concatenate consecutive chunks of one run along the path axis."""
    if not chunks:
        raise ValueError("no chunks to combine")
    chunks = sorted(chunks, key=lambda c: c.first_row)
    first = chunks[0]
    row = first.first_row
    for c in chunks:
        if c.seed != first.seed or c.chunk_size != first.chunk_size or c.first_row != row:
            raise ValueError("chunks must come from one run (same seed and chunk size) and be consecutive")
        row += c.n_paths
    arrays: dict[str, Any] = {}
    for f in dataclasses.fields(DeterrenceResult):
        if f.name in ("params", "seed", "chunk_size", "first_row"):
            continue
        values = [getattr(c, f.name) for c in chunks]
        arrays[f.name] = None if values[0] is None else np.concatenate(values, axis=0)
    return DeterrenceResult(
        params=first.params, seed=first.seed, chunk_size=first.chunk_size, first_row=first.first_row, **arrays
    )


def simulate(
    params: DeterrenceParams,
    n_paths: int = 4096,
    *,
    rng: SeedLike = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    keep_paths: bool = True,
) -> DeterrenceResult:
    """Simulate ``n_paths`` paths of the defiance cycle.

    Args:
        params: the inputs; per-path arrays must have ``n_paths`` rows.
        n_paths: number of paths ``P``.
        rng: a seed (int >= 0), a ``numpy.random.Generator`` (one integer is
            drawn from it to seed the run) or ``None`` (fresh entropy); the
            root seed is recorded in the result.
        chunk_size: paths per chunk; chunk ``i`` is seeded from
            ``SeedSequence(seed).spawn(n_chunks)[i]``. Part of what a seed
            means: keep it fixed to reproduce a run.
        keep_paths: keep month-by-month paths (for plots); ``False`` saves memory.

    Returns:
        A :class:`DeterrenceResult`.
    """
    _check_run_args(n_paths, chunk_size)
    seed = resolve_seed(rng)
    n_chunks = _n_chunks(n_paths, chunk_size)
    chunks = [
        simulate_chunk(params, seed=seed, chunk_index=i, n_paths=n_paths, chunk_size=chunk_size, keep_paths=keep_paths)
        for i in range(n_chunks)
    ]
    return combine_chunks(chunks)


@dataclass(frozen=True)
class FirstTestDistribution:
    """The distribution of the month of the first test, averaged over noise paths.

    Attributes:
        pmf: ``(H,)`` probability that the first test falls in month ``t + 1``.
        survival: ``(H+1,)`` probability of no test by the end of month ``t`` (``survival[0] = 1``).
        pmf_by_path: ``(P, H)`` the exact distribution given each noise path.
        seed: the root seed of the noise.
    """

    pmf: FloatArray
    survival: FloatArray
    pmf_by_path: FloatArray
    seed: int

    @property
    def horizon(self) -> int:
        return int(self.pmf.shape[0])

    def quantile(self, q: float) -> float:
        """Months to the first test at quantile ``q`` (mass spread uniformly
        within a month; ``inf`` if not reached by the horizon)."""
        return _quantile_from_cdf(1.0 - self.survival, q)

    def median(self) -> float:
        return self.quantile(0.5)

    def interval(self, level: float = 0.8) -> tuple[float, float]:
        """Central interval holding ``level`` of the probability."""
        lo = (1.0 - level) / 2.0
        return self.quantile(lo), self.quantile(1.0 - lo)

    def mean_restricted(self) -> float:
        """Expected months to the first test, counting untested paths as ``H``
        (the restricted mean: area under the survival curve up to ``H``)."""
        return float(np.sum(self.survival[:-1]))


def pmf_from_hazard(hazard: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(pmf (..., H), survival (..., H+1))`` of the first event from monthly hazards ``(..., H)``."""
    h = np.clip(hazard, 0.0, 1.0)
    surv = np.concatenate([np.ones(h.shape[:-1] + (1,)), np.cumprod(1.0 - h, axis=-1)], axis=-1)
    return surv[..., :-1] * h, surv


def first_test_distribution(
    params: DeterrenceParams,
    n_paths: int = 256,
    *,
    rng: SeedLike = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> FirstTestDistribution:
    """The exact distribution of the first-test month given the state noise,
    averaged over ``n_paths`` noise paths (same chunked seeding and ``rng``
    rules as :func:`simulate`; the root seed is recorded in the result).

    Per-path arrays in ``params`` must have ``n_paths`` rows.
    """
    _check_run_args(n_paths, chunk_size)
    seed = resolve_seed(rng)
    n_chunks = _n_chunks(n_paths, chunk_size)
    pieces = []
    for i in range(n_chunks):
        start = i * chunk_size
        stop = min(start + chunk_size, n_paths)
        rows = slice(start, stop)
        d = _chunk_draws(seed, i, n_chunks, chunk_size, stop - start, params.horizon)
        pieces.append(expit(_pretest_logit(_resolve(params, rows, n_paths), d.state_noise())))
    pmf_p, surv_p = pmf_from_hazard(np.concatenate(pieces, axis=0))
    return FirstTestDistribution(pmf=pmf_p.mean(axis=0), survival=surv_p.mean(axis=0), pmf_by_path=pmf_p, seed=seed)


@dataclass(frozen=True)
class DeterrenceProblem:
    """One run of the defiance cycle: the inputs, how many paths, and the seed.

    Attributes:
        params: the inputs; per-path arrays have ``n_paths`` rows.
        n_paths: number of paths ``P``.
        seed: the root seed (int >= 0); see :func:`simulate`.
        chunk_size: paths per chunk (part of what a seed means).
    """

    params: DeterrenceParams
    n_paths: int = 4096
    seed: int = 0
    chunk_size: int = DEFAULT_CHUNK_SIZE


def run(problem: DeterrenceProblem, detail: bool = True) -> DeterrenceResult:
    """:func:`simulate` through the common engine interface; ``detail`` keeps month-by-month paths."""
    return simulate(problem.params, problem.n_paths, rng=problem.seed, chunk_size=problem.chunk_size, keep_paths=detail)


SPEC: EngineSpec[DeterrenceProblem, DeterrenceResult] = EngineSpec(
    name="deterrence",
    title="Deterrence dynamics (the defiance cycle)",
    kind=DYNAMICS,
    run=run,
    problem=DeterrenceProblem,
    result=DeterrenceResult,
    inputs=("params", "n_paths", "seed", "chunk_size"),
    outputs=("first_test_month", "tested", "n_tests", "war", "war_month", "capability", "belief", "hazard"),
    rounds=True,
    stochastic=True,
    batched=False,
    reference=(
        "Beta-Bernoulli reputation with decay (Sartori 2005; Weisiger & Yarhi-Milo 2015); "
        "recovery and test decision: Standoff's own formulation"
    ),
)
"""The engine's declaration; the registry entry is added by the registry's loader."""
