r"""The crisis bargaining model on every ICB crisis actor: ex ante features mapped onto its inputs, fitted by ML.

Model (:mod:`standoff.engines.crisis`, part 4: Powell 1996, "Bargaining in the shadow of power", *Games and
Economic Behavior* 15; Fearon 1995, *International Organization* 49(3)). The crisis actor is the **proposer**
(as Iran is in the flagship), its adversary the **receiver**. One period of the status-quo game with a uniform
receiver cost ``c_B ~ U[lo, hi]`` and no misperception (``F̂ = F``): the proposer demands the screening optimum

    θ̂ = clip(clip((hi - c_A)/2, lo, hi), -p, 1 - p),      x̂ = p + θ̂,

its threat is credible iff ``p - c_A > q``, and a rejection without a credible threat leaves the status quo
``q``. For a status quo ``q``: if ``q < p - c_A`` (credible) or ``q > x̂`` (a concession is on the table) the
receiver fights iff ``c_B < θ̂`` and settles otherwise; if ``p - c_A <= q <= x̂`` talks stall, no deal is made,
and the receiver strikes iff ``c_B < q - p``.

ICB does not code the status quo, so ``q`` is integrated out over ``U[0, 1]`` in closed form. With
``a = clip(p - c_A, 0, 1)``, ``b = clip(x̂, 0, 1)``, ``L = b - a`` (the stalled share of status quos),
``F(u) = clip((u - lo)/(hi - lo), 0, 1)`` and its integral ``G(u) = ∫_{-∞}^u F``:

    P(war)  = (1 - L) F(θ̂) + G(b - p) - G(a - p),
    P(deal) = (1 - L) (1 - F(θ̂)).

Mapping (six parameters ``α0, α1, γ0, γ_nuc, γ_grav, s``), from the ex ante features of
:mod:`~standoff.history.icb.features`:

    p   = expit(α0 + α1 · powdis/179)                       the actor's chance of winning,
    c_A = κ = exp(γ0 + γ_nuc · nuclear + γ_grav · gravity)   its cost of war, in units of the stake,
    c_B ~ U[κ (1 - w), κ (1 + w)],  w = exp(s)              the adversary's cost, private, same mean,

with ``nuclear`` the actor's nuclear capability as a rank in [0, 1] (none, foreseeable, no second strike,
second strike) and ``gravity`` the gravest value threatened as a rank in [0, 1] (economic ... existence);
a missing or "other" value takes the middle (0.5, missing power discrepancy 0), as in the design matrix.
Nuclear capability raises both sides' cost of war; a graver threat raises the stake, so costs relative to it
should fall (``γ_grav < 0`` expected, not imposed). ``w > 1`` admits adversaries that prefer war outright.

Fit: maximum likelihood on crises triggered up to 1990, against the outcomes the model speaks to: "war" is
``violence_serious`` (serious clashes or full-scale war) and "deal" is ``agreement`` (formal or semi-formal).

Departures:

* The likelihood is a composite one: the war and deal outcomes of an actor enter as two independent Bernoulli
  terms, although they are not independent (a war can end in an agreement, which the one-period game rules out).
* Forecasts are mixed with a tremble, ``ε + (1 - 2ε) P`` with ``ε = 0.01`` fixed: the game gives exactly 0 in
  parts of its parameter space, and one impossible event would make the likelihood −∞. Not fitted.
* Both sides' costs share one scale ``κ``; ICB codes the actor's nuclear capability, not the adversary's.
* No belief gap: ICB codes no perceptions, so the proposer's belief about ``c_B`` is the truth here. A
  scenario's misperception (its ``believed_cost_*``) is not anchored by these data.
* ``q ~ U[0, 1]`` is an assumption, not an estimate; one period (a whole crisis), no time path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import minimize

from standoff.core.icb.schema import BY_NAME
from standoff.engines.crisis import screening_uniform

FloatArray = NDArray[np.float64]

TREMBLE = 0.01
PARAMETERS = ("alpha0", "alpha1", "gamma0", "gamma_nuclear", "gamma_gravity", "log_spread")
GRAVITY_ORDER = ("economic", "limited_military", "political", "territorial", "influence", "grave_damage", "existence")
#: Starting points of the likelihood search (the best optimum is kept).
STARTS = (
    (0.0, 1.0, np.log(0.3), 0.0, 0.0, 0.0),
    (-0.5, 3.0, np.log(0.1), 0.5, -0.5, 0.5),
    (0.5, 0.5, np.log(0.6), -0.5, 0.5, -0.3),
)


def covariates(frame: pd.DataFrame) -> FloatArray:
    """``(N, 3)`` columns ``powdis/179``, nuclear rank and gravity rank, each in its documented range."""
    nuclear_cats = BY_NAME["nuclear"].categories
    d = (frame["power_discrepancy"].astype(float) / 179.0).fillna(0.0).to_numpy()
    n = frame["nuclear"].map(lambda s: nuclear_cats.index(s) / (len(nuclear_cats) - 1) if s in nuclear_cats else 0.5)
    g = frame["gravity"].map(lambda s: GRAVITY_ORDER.index(s) / (len(GRAVITY_ORDER) - 1) if s in GRAVITY_ORDER else 0.5)
    return np.column_stack([d, n.to_numpy(dtype=float), g.to_numpy(dtype=float)])


@dataclass(frozen=True)
class CrisisInputs:
    """The crisis engine's inputs for each row: ``p``, ``c_A`` and the receiver's uniform cost ``[lo, hi]``."""

    p: FloatArray
    proposer_cost: FloatArray
    receiver_cost_low: FloatArray
    receiver_cost_high: FloatArray


def inputs(theta: FloatArray, x: FloatArray) -> CrisisInputs:
    """The mapping: parameters ``theta`` (:data:`PARAMETERS`) and covariates ``x`` to the engine's inputs."""
    a0, a1, g0, g_nuc, g_grav, s = theta
    p = 1.0 / (1.0 + np.exp(-(a0 + a1 * x[:, 0])))
    kappa = np.exp(np.clip(g0 + g_nuc * x[:, 1] + g_grav * x[:, 2], -20.0, 5.0))
    w = np.exp(np.clip(s, -10.0, 5.0))
    return CrisisInputs(p, kappa, kappa * (1.0 - w), kappa * (1.0 + w))


def _integral(u: FloatArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """``G(u) = ∫_{-∞}^u F`` for ``F`` uniform on ``[lo, hi]``."""
    width = hi - lo
    inside = (np.clip(u, lo, hi) - lo) ** 2 / (2.0 * width)
    return inside + np.maximum(u - hi, 0.0)


def war_and_deal(c: CrisisInputs) -> tuple[FloatArray, FloatArray]:
    """P(war) and P(deal) of the one-period status-quo game with ``q ~ U[0, 1]`` integrated out (no tremble)."""
    lo, hi = c.receiver_cost_low, c.receiver_cost_high
    screen = screening_uniform(c.p, c.proposer_cost, lo, hi)
    offered_war = screen.war_probability
    a = np.clip(c.p - c.proposer_cost, 0.0, 1.0)
    b = np.clip(screen.demand, 0.0, 1.0)
    stalled = np.maximum(b - a, 0.0)
    war = (1.0 - stalled) * offered_war + _integral(b - c.p, lo, hi) - _integral(a - c.p, lo, hi)
    deal = (1.0 - stalled) * (1.0 - offered_war)
    return np.clip(war, 0.0, 1.0), np.clip(deal, 0.0, 1.0)


def _trembled(p: FloatArray) -> FloatArray:
    return TREMBLE + (1.0 - 2.0 * TREMBLE) * p


@dataclass(frozen=True)
class CrisisMapping:
    """A fitted mapping: parameters by name, the rows and mean composite log-likelihood of the fit."""

    theta: tuple[float, ...]
    n_war: int
    n_deal: int
    log_likelihood: float

    @property
    def parameters(self) -> dict[str, float]:
        return dict(zip(PARAMETERS, self.theta, strict=True))

    def inputs(self, frame: pd.DataFrame) -> CrisisInputs:
        """The crisis engine's inputs for each row of a feature frame."""
        return inputs(np.asarray(self.theta), covariates(frame))

    def predict(self, frame: pd.DataFrame) -> tuple[FloatArray, FloatArray]:
        """The crisis model's P(war) and P(deal) for each row (with the tremble)."""
        war, deal = war_and_deal(self.inputs(frame))
        return _trembled(war), _trembled(deal)


def _loss(theta: FloatArray, x: FloatArray, war: FloatArray, deal: FloatArray) -> float:
    pw, pd_ = (_trembled(v) for v in war_and_deal(inputs(theta, x)))
    total = 0.0
    for p, y in ((pw, war), (pd_, deal)):
        ok = ~np.isnan(y)
        total -= float(np.sum(y[ok] * np.log(p[ok]) + (1.0 - y[ok]) * np.log1p(-p[ok])))
    return total / max(int(np.sum(~np.isnan(war)) + np.sum(~np.isnan(deal))), 1)


def fit_from_covariates(x: FloatArray, war: FloatArray, deal: FloatArray) -> CrisisMapping:
    """ML fit on covariates ``x`` (:func:`covariates`) and outcomes (1, 0 or NaN for unknown)."""
    best = None
    for start in STARTS:
        res = minimize(
            _loss,
            np.array(start),
            args=(x, war, deal),
            method="Nelder-Mead",
            options={"maxiter": 6000, "maxfev": 6000, "xatol": 1e-5, "fatol": 1e-9},
        )
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    return CrisisMapping(
        tuple(float(v) for v in best.x), int(np.sum(~np.isnan(war))), int(np.sum(~np.isnan(deal))), -float(best.fun)
    )


def fit_mapping(frame: pd.DataFrame, outcomes: pd.DataFrame) -> CrisisMapping:
    """Fit on a feature frame and its outcomes: "war" = ``violence_serious``, "deal" = ``agreement``."""
    return fit_from_covariates(
        covariates(frame),
        outcomes["violence_serious"].to_numpy(dtype=float),
        outcomes["agreement"].to_numpy(dtype=float),
    )
