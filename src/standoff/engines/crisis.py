r"""Crisis bargaining: screening, shifting power and "one more thing".

Papers
------
* Fearon, J. D. (1995). "Rationalist explanations for war".
  *International Organization* 49(3), 379–414.
* Powell, R. (1999). *In the Shadow of Power: States and Strategies in
  International Politics*. Princeton University Press.
* Powell, R. (2006). "War as a commitment problem".
  *International Organization* 60(1), 169–203.

Three pure, vectorised kernels. Every parameter may be a scalar or an array
of shape ``(D,)`` (Monte Carlo draws); paths carry a second axis (months or
rounds). Results are frozen dataclasses of arrays with a leading draw axis.
No Python loop runs over draws (loops over rounds or iterations do).

Roles, not countries
--------------------
The engine speaks of a **proposer** (who makes a take-it-or-leave-it demand,
the "challenger") and a **receiver** (who accepts or fights, the
"defender"). Either side of a real standoff can take either role: with Iran
demanding and the United States deciding, ``p`` is Iran's probability of
winning a war; with the United States demanding (say, zero enrichment) and
Iran deciding, ``p`` is the United States' probability, i.e. one minus
Iran's. In every kernel the private information is the **receiver's** cost of
war (screening by the proposer).

1. Screening with private information (Fearon 1995, section on private information)
-----------------------------------------------------------------------------------
A good of size 1. The proposer demands a share ``x``; the receiver keeps
``1 - x`` or fights. War: the proposer wins with probability ``p``; expected
war payoffs are ``p - c_P`` (proposer) and ``1 - p - c_R`` (receiver). The
receiver accepts iff ``1 - x >= 1 - p - c_R``, i.e. it fights iff

    c_R < y,   with  y = x - p                     (ties accept).

``c_R ~ F`` is the receiver's private cost; ``F(y) = P(c_R < y)``. The
proposer chooses ``x`` in ``[0, 1]`` to maximise

    U_P(x) = x (1 - F(x - p)) + (p - c_P) F(x - p).

*Uniform costs, closed form.* With ``F`` uniform on ``[a, b] = [c_lo, c_hi]``
and ``y`` in ``[a, b]``,

    (b - a) U_P = (p + y)(b - y) + (p - c_P)(y - a),
    (b - a) dU_P/dy = (b - y) - (p + y) + (p - c_P) = b - c_P - 2 y,
    (b - a) d²U_P/dy² = -2 < 0,

so the interior optimum is ``y* = (b - c_P) / 2``, i.e.

    x* = p + (c_hi - c_P) / 2.

(A higher *proposer* cost lowers the demand: a proposer that dreads war asks
for less. The sign is ``- c_P``, not ``+ c_P``.) Below ``a`` every type
accepts and ``U_P = p + y`` rises with slope 1; above ``b`` every type
fights and ``U_P = p - c_P`` is flat. ``U_P`` is therefore quasi-concave in
``y`` and the constrained optimum is a double clip:

    y_u = clip((c_hi - c_P) / 2, c_lo, c_hi),
    y*  = clip(y_u, -p, 1 - p)          (the demand x = p + y lies in [0, 1]),
    x*  = p + y*.

With non-negative costs the outer clip only binds at the top (``x* = 1``).
At the interior optimum the probability of war is

    q* = F(y*) = (c_hi - c_P - 2 c_lo) / (2 (c_hi - c_lo)),

zero when ``c_lo >= (c_hi - c_P)/2`` (the proposer makes the safe demand
``p + c_lo``). With full information (``c_lo == c_hi == c``) the demand is
``p + c`` (clipped to [0, 1]) and war has probability 0 (for ``c >= -p``).

Expected utilities, with ``PM(y) = E[c_R 1{c_R < y}]`` (for the uniform,
``PM(y) = F(y)(c_lo + y)/2`` on the support):

    U_P = x (1 - q) + (p - c_P) q,
    U_R = (1 - q)(1 - x) + q (1 - p) - PM(y),
    U_P + U_R = 1 - q c_P - PM(y)          (the expected cost of war).

The *expected settlement* reported is the proposer's expected share of the
good, ``(1 - q) x + q p`` (war counted at its expected division, before
costs).

*Comparative statics (uniform).* Shifting the receiver's cost interval up
raises ``x*`` (strictly unless ``x* = 1``); a higher proposer cost lowers it
(slope ``-1/2`` inside). Write the interval as mean ``m`` and half-width
``h`` (``c_lo = m - h``). Inside, ``q* = 3/4 - (m + c_P)/(4h)``: zero for
``h <= (m + c_P)/3`` (the safe demand), then strictly rising in ``h`` when
``m + c_P > 0``; so more uncertainty with the same mean raises the risk of
war. Where the cap ``x* = 1`` binds, ``q* = 1/2 + (1 - p - m)/(2h)``, which
falls in ``h`` only if ``m < 1 - p``; that needs ``h > m``, i.e. ``c_lo < 0``.
With non-negative costs a mean-preserving widening never lowers ``q*``.

*Any distribution.* :func:`screening_numeric` maximises ``U_P`` on a grid of
demands over [0, 1] (against local optima), then refines inside the bracket
around the best grid point by a vectorised golden-section search (a bounded
scalar maximisation run for all draws at once, since a scipy frozen
distribution with per-draw parameters cannot be split per element). ``PM`` is
integrated with ``scipy.integrate.quad_vec``.

*Private information about the proposer's cost* costs nothing extra: the
receiver's rule (fight iff ``c_R < x - p``) does not depend on the
proposer's cost, so each proposer type simply makes its own optimal demand.
Pass the proposer's cost as an array over draws (one type per draw). Screening
"from the other side" (the informed side receives the offer) is the same
kernel with the roles swapped.

2. Shifting power (Powell 1999, 2006)
-------------------------------------
Per-period flows of a good of size 1; months ``t = 0..T``; discount ``δ`` per
month. ``p_t`` is the rising side's probability of winning a war fought in
month ``t``; war is absorbing and locks in the per-period (normalised: a
value ``v`` per month forever is worth ``v``) war payoffs

    w_R(t) = p_t - c_R,        w_D(t) = 1 - p_t - c_D.

The rising side cannot commit to give the declining side more tomorrow than
the declining side's war value tomorrow, so the most the declining side can be
credibly offered in month ``t`` is ``g_t`` today plus ``w_D(t+1)`` from
tomorrow on:

    b_t = (1 - δ) g_t + δ w_D(t + 1).

The preventive motive in month ``t`` (per-period normalised units) is

    m_t = w_D(t) - b_t,

and war now is preferred when ``m_t > 0``. Two readings of ``g_t``:

* ``bound="surplus"`` (default): within a month the rising side concedes at
  most the bargaining surplus; it keeps its own war flow, ``g_t = 1 - w_R(t)``.
  Then

      m_t = δ (p_{t+1} - p_t) - (1 - δ)(c_R + c_D),

  i.e. war iff ``δ (p_{t+1} - p_t) > (1 - δ)(c_R + c_D)``: the per-period shift
  exceeds what the per-period surplus (the summed costs) can compensate. This
  is the normalised per-period form in which Powell's condition is usually
  quoted; it is the condition for a deal that gives each side at least its
  war flow in every month.
* ``bound="flow"``: the rising side may hand over the whole month's flow,
  ``g_t = 1``. This is the exact bound in the flow-bargaining game where the
  rising side may take a loss today for gains later (its own participation
  then never binds); then

      m_t = δ (p_{t+1} - p_t) - (1 - δ)(p_t + c_D).

  It is laxer than "surplus" whenever ``p_t >= c_R``.

The *window* is the set of months with ``m_t > 0``; its first and last months
and the month where ``m_t`` peaks are reported. What delay is worth to each
side is the change in its per-period war value from waiting ``k`` months,
``w_R(k) - w_R(0) = p_k - p_0`` and ``w_D(k) - w_D(0) = -(p_k - p_0)``
(interim flows not counted).

3. Sequential demands, "one more thing"
---------------------------------------
Rounds ``k = 0..K`` (one period each). The proposer's cumulative demand
``d_k`` (a path; see :func:`demand_path` for a starting level, the
precondition, plus an increment per round) is exogenous and stops changing
after round ``K``. In round ``k`` the receiver either goes along (the demand
``d_k`` holds for the period and the talks continue) or fights, locking in
``1 - p_k - c`` per period. The proposer's strength ``p_k`` may change across
rounds (diplomacy that buys time). A receiver of cost ``c`` that fights in
round ``j`` gets, in per-period normalised units,

    V_j(c) = (1 - δ_D) Σ_{i<j} δ_D^i (1 - d_i) + δ_D^j (1 - p_j - c)
           = A_j - δ_D^j c,

and one that never fights gets
``A_∞ = (1 - δ_D) Σ_{i<K} δ_D^i (1 - d_i) + δ_D^K (1 - d_K)``. The path is
deterministic and discounting exponential, so the receiver's optimal
stopping rule is its round-0 plan, ``argmax_j V_j(c)``, and it is time
consistent. Because ``V_i - V_j`` falls in ``c`` for ``i < j``, the receiver
has fought by round ``k`` iff ``c < T_k``, with

    T_k = max_{i <= k} min_{j in {k+1, ..., K, ∞}} (A_i - A_j) / (δ_D^i - δ_D^j)
          (δ_D^∞ = 0),

so ``P(war by round k) = F(T_k)``. A *myopic* receiver that compares only the
current deal with war now fights at the first ``k`` with
``c < d_k - p_k``; it is reported alongside (threshold
``max_{j <= k}(d_j - p_j)``). With constant ``p``, fighting in ``k`` beats
fighting in ``k + 1`` iff ``c < d_k - p``, so with rising demands the two
coincide (waiting costs nothing when war does not get worse); when ``p``
rises during the talks the forward-looking receiver fights earlier, the
preventive motive of part 2. The proposer's value of the path, with war in
round ``r``, is
``(1 - δ_C) Σ_{i<r} δ_C^i d_i + δ_C^r (p_r - c_P)``, and with a deal
``(1 - δ_C) Σ_{i<K} δ_C^i d_i + δ_C^K d_K``.

4. Status quo and misperception (Powell 1996; Fearon 1995)
----------------------------------------------------------
Powell, R. (1996). "Bargaining in the shadow of power". *Games and Economic
Behavior* 15, 255–289. Talks that fail need not mean war: the status quo gives
the proposer ``q`` and goes on until someone prefers war to it. A rejected
demand means war only if the proposer's threat is credible, ``p - c_A > q``;
then the receiver accepts ``x`` iff ``c_B >= x - p``. Otherwise the receiver
refuses any demand beyond ``q`` at no risk and talks stall; it strikes when it
prefers war to the status quo, ``(1 - p) - c_B > 1 - q``, i.e. ``c_B < q - p``.
The proposer may still concede (``x < q``), which the receiver accepts iff
``c_B >= x - p``. Its utility of a demand ``x`` is the screening ``U_P(x)`` for
``x <= q`` and ``U_P(q)`` beyond (the status quo, struck by low-cost types);
``U_P`` is quasi-concave, so without a credible threat the optimum is
``min(x̂, q)``, with ``x̂`` the screening optimum. Each period ends in a deal,
a war, or the status quo carried into the next; one period is
``period_months`` months, stated in the result.

*Misperception.* The proposer chooses under its belief ``F̂`` about ``c_B``;
the receiver acts on its true cost from ``F``. War and deal probabilities are
computed under ``F`` at the choices made under ``F̂`` (``believed_war_by``
gives the proposer's own view). A proposer that believes the receiver's cost
is high demands more: with a credible threat the cutoff ``x̂ - p`` rises, and
without one it stops conceding, so the real risk ``F(q - p)`` replaces the
smaller ``F(x̂ - p)``. With ``F̂ = F`` the game is the complete-belief case.
The receiver's cost is one type for all periods; it compares the options of
each period (myopic, as the myopic receiver of part 3), so it has fought by
period ``t`` iff ``c_B < max_{s <= t}(x_s - p_s)``, unless a deal came first (in
the first period with an offer on the table). ``rejection="war"`` keeps the
earlier reading, in which every rejection means war, as an explicit option.

Departures
----------
* Fearon states the screening result for a generic ``F``; the uniform closed
  form and its clipping to ``[0, 1]`` are derived here. Negative costs are
  allowed (war-loving types); the formulas above cover them.
* Powell's model is a game with proposals each period; only the bound on what
  can be credibly offered and the resulting motive are computed here, month
  by month along a given path, with both readings of the within-month bound.
* Powell's month-by-month motive uses the path ``p_t`` as given; the motive
  for the last month ``T`` is not defined (no ``p_{T+1}``).
* The "one more thing" model is ours: the demand path is exogenous (not
  chosen optimally by the proposer), and the receiver decides under complete
  information about the path and its own cost; uncertainty about the cost is
  the proposer's (or the analyst's), through ``F``. One round is one period
  of discounting; after round ``K`` demands and ``p`` stay at their round-``K``
  values.
* The status-quo game (part 4) keeps the receiver's cost fixed across periods
  and its decisions myopic; the proposer's demand is re-optimised each period
  under its belief, with ``q_t`` and ``p_t`` as given paths.
* Costs are in units of the good (screening) or of the per-period flow
  (shifting power, sequential demands), as in the papers' normalisations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import quad_vec

from standoff.core.problems import BoolArray, FloatArray, IntArray

__all__ = [
    "CostDistribution",
    "UniformCost",
    "ScreeningOutcome",
    "proposer_utility",
    "screening_uniform",
    "screening_numeric",
    "ShiftingPower",
    "shifting_power",
    "SequentialDemands",
    "demand_path",
    "sequential_demands",
    "StatusQuoGame",
    "status_quo_game",
]

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0
_GRID_BLOCK = 1 << 21  # grid evaluations held in memory at once (draws x grid points)


# --------------------------------------------------------------------------- #
# Cost distributions
# --------------------------------------------------------------------------- #


@runtime_checkable
class CostDistribution(Protocol):
    """A distribution of the receiver's cost of war.

    Anything with a vectorised ``cdf`` works, in particular every frozen
    ``scipy.stats`` continuous distribution; its parameters may be scalars or
    arrays of shape ``(D,)`` (one per draw). Evaluation points are passed with
    the draw axis **last**, so per-draw parameters broadcast. An optional
    ``partial_mean(y)`` (``E[c 1{c < y}]``) is used when present; otherwise it
    is integrated numerically from ``pdf`` and ``ppf``.
    """

    def cdf(self, x: Any) -> Any: ...


@dataclass(frozen=True)
class UniformCost:
    """Uniform cost of war on ``[lo, hi]``; ``lo == hi`` is a known cost.

    Attributes:
        lo: scalar or ``(D,)`` lower bound ``c_lo``.
        hi: scalar or ``(D,)`` upper bound ``c_hi >= c_lo``.

    ``cdf(y) = P(c < y)`` (strict, so that a degenerate cost ``c`` gives
    ``1{y > c}``: a receiver indifferent between deal and war accepts).
    Evaluation points broadcast against ``lo``/``hi`` on the last axis.
    """

    lo: ArrayLike
    hi: ArrayLike

    def __post_init__(self) -> None:
        lo = np.asarray(self.lo, dtype=float)
        hi = np.asarray(self.hi, dtype=float)
        if np.any(~np.isfinite(lo)) or np.any(~np.isfinite(hi)):
            raise ValueError("uniform cost bounds must be finite")
        if np.any(lo > hi):
            raise ValueError("uniform cost needs lo <= hi")
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)

    @property
    def mean(self) -> FloatArray:
        """Scalar or ``(D,)`` mean ``(lo + hi)/2``."""
        return 0.5 * (np.asarray(self.lo) + np.asarray(self.hi))

    def cdf(self, y: ArrayLike) -> FloatArray:
        """``P(c < y)`` for ``y`` of shape ``(..., D)`` (or broadcastable)."""
        lo = np.asarray(self.lo)
        hi = np.asarray(self.hi)
        y = np.asarray(y, dtype=float)
        width = hi - lo
        degenerate = width <= 0.0
        safe = np.where(degenerate, 1.0, width)
        with np.errstate(over="ignore"):  # a vanishing width sends far points to ±inf; the clip takes them to 0 or 1
            smooth = np.clip((y - lo) / safe, 0.0, 1.0)
        return np.where(degenerate, (y > lo).astype(float), smooth)

    def partial_mean(self, y: ArrayLike) -> FloatArray:
        """``E[c 1{c < y}] = F(y) (lo + clip(y, lo, hi)) / 2``, shape of ``y``."""
        lo = np.asarray(self.lo)
        hi = np.asarray(self.hi)
        yc = np.clip(np.asarray(y, dtype=float), lo, hi)
        return self.cdf(y) * 0.5 * (lo + yc)


def _on_draws(fn: Callable[[Any], Any], y: FloatArray) -> FloatArray:
    """Apply a distribution method to ``y`` of shape ``(D, ...)``.

    The draw axis is moved last for the call so per-draw parameters ``(D,)``
    broadcast, then moved back.
    """
    moved = np.moveaxis(y, 0, -1)
    return np.moveaxis(np.asarray(fn(moved), dtype=float), -1, 0)


def _cdf(dist: CostDistribution, y: FloatArray) -> FloatArray:
    """``F(y)`` for ``y`` of shape ``(D, ...)``."""
    return _on_draws(dist.cdf, y)


def _partial_mean(dist: CostDistribution, y: FloatArray) -> FloatArray:
    """``E[c 1{c < y}]`` for ``y`` of shape ``(D, ...)``.

    Uses ``dist.partial_mean`` if it has one; otherwise integrates
    ``∫_lo^y c f(c) dc`` with ``quad_vec`` after the substitution
    ``c = lo + t (y - lo)``, ``t`` in [0, 1], where ``lo = F^{-1}(1e-12)``.
    """
    own = getattr(dist, "partial_mean", None)
    if callable(own):
        return _on_draws(own, y)
    moved = np.moveaxis(np.asarray(y, dtype=float), 0, -1)
    lo = np.asarray(dist.ppf(1e-12), dtype=float)  # type: ignore[attr-defined]
    lo = np.broadcast_to(lo, np.broadcast_shapes(lo.shape, moved.shape))
    top = np.maximum(moved, lo)
    width = top - lo

    def integrand(t: float) -> FloatArray:
        c = lo + t * width
        return np.asarray(c * dist.pdf(c), dtype=float) * width  # type: ignore[attr-defined]

    value, _ = quad_vec(integrand, 0.0, 1.0, epsabs=1e-13, epsrel=1e-11)
    return np.moveaxis(np.asarray(value, dtype=float), -1, 0)


def _draws(*arrays: ArrayLike) -> list[FloatArray]:
    """Broadcast scalars / ``(D,)`` arrays to a common ``(D,)`` float shape."""
    arrs = [np.atleast_1d(np.asarray(a, dtype=float)) for a in arrays]
    for a in arrs:
        if a.ndim != 1:
            raise ValueError(f"expected a scalar or a (D,) array, got shape {a.shape}")
    shape = np.broadcast_shapes(*(a.shape for a in arrs))
    return [np.broadcast_to(a, shape).astype(float, copy=True) for a in arrs]


def _check_probability(p: FloatArray, name: str = "p") -> None:
    if np.any(~np.isfinite(p)) or np.any(p < 0.0) or np.any(p > 1.0):
        raise ValueError(f"{name} must lie in [0, 1]")


def _check_discount(delta: FloatArray, name: str) -> None:
    if np.any(~np.isfinite(delta)) or np.any(delta <= 0.0) or np.any(delta >= 1.0):
        raise ValueError(f"{name} must lie in (0, 1)")


# --------------------------------------------------------------------------- #
# 1. Screening (Fearon 1995)
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class ScreeningOutcome:
    """The proposer's optimal take-it-or-leave-it demand, per draw.

    All arrays have shape ``(D,)``.

    Attributes:
        demand: ``x*``, the proposer's share demanded, in [0, 1].
        cost_cutoff: ``y* = x* - p``; receiver types with cost below it fight.
        war_probability: ``q = F(y*)``.
        expected_share: the expected settlement, the proposer's expected share
            of the good ``(1 - q) x* + q p`` (before costs).
        proposer_utility: ``U_P = x* (1 - q) + (p - c_P) q``.
        receiver_utility: ``U_R = (1 - q)(1 - x*) + q (1 - p) - E[c_R 1{war}]``,
            ex ante over the receiver's type.
        expected_war_cost: ``q c_P + E[c_R 1{war}] = 1 - U_P - U_R``.
    """

    demand: FloatArray
    cost_cutoff: FloatArray
    war_probability: FloatArray
    expected_share: FloatArray
    proposer_utility: FloatArray
    receiver_utility: FloatArray
    expected_war_cost: FloatArray


def _screening_outcome(
    x: FloatArray, p: FloatArray, c_p: FloatArray, q: FloatArray, pm: FloatArray
) -> ScreeningOutcome:
    u_p = x * (1.0 - q) + (p - c_p) * q
    u_r = (1.0 - q) * (1.0 - x) + q * (1.0 - p) - pm
    return ScreeningOutcome(
        demand=x,
        cost_cutoff=x - p,
        war_probability=q,
        expected_share=(1.0 - q) * x + q * p,
        proposer_utility=u_p,
        receiver_utility=u_r,
        expected_war_cost=q * c_p + pm,
    )


def proposer_utility(
    demand: ArrayLike, p: ArrayLike, proposer_cost: ArrayLike, receiver_cost: CostDistribution
) -> FloatArray:
    """The proposer's expected utility ``U_P(x)`` of demanding ``x``.

    ``U_P(x) = x (1 - F(x - p)) + (p - c_P) F(x - p)``.

    Args:
        demand: ``(D, ...)`` demands ``x``; the draw axis leads.
        p: scalar or ``(D,)`` proposer's probability of winning a war.
        proposer_cost: scalar or ``(D,)`` proposer's cost of war ``c_P``.
        receiver_cost: distribution ``F`` of the receiver's cost (parameters
            scalar or ``(D,)``).

    Returns:
        Array of the shape of ``demand``.
    """
    x = np.asarray(demand, dtype=float)
    x2 = x.reshape(x.shape[0], -1) if x.ndim else x.reshape(1, 1)
    pp = np.asarray(p, dtype=float).reshape(-1, 1)
    cp = np.asarray(proposer_cost, dtype=float).reshape(-1, 1)
    q = _cdf(receiver_cost, x2 - pp)
    return (x2 * (1.0 - q) + (pp - cp) * q).reshape(x.shape)


def screening_uniform(
    p: ArrayLike, proposer_cost: ArrayLike, cost_lo: ArrayLike, cost_hi: ArrayLike
) -> ScreeningOutcome:
    """Closed-form optimal demand against a receiver with uniform private cost.

    The receiver's cost is uniform on ``[c_lo, c_hi]``. With
    ``y_u = clip((c_hi - c_P)/2, c_lo, c_hi)`` and ``y* = clip(y_u, -p, 1 - p)``:

        x* = p + y*,   q = (y* - c_lo)/(c_hi - c_lo) clipped to [0, 1],

    interior case ``x* = p + (c_hi - c_P)/2`` and
    ``q = (c_hi - c_P - 2 c_lo)/(2 (c_hi - c_lo))``. Derivation: ``U_P`` is
    linear with slope 1 in ``y = x - p`` below ``c_lo``, strictly concave on
    ``[c_lo, c_hi]`` with ``dU_P/dy ∝ c_hi - c_P - 2y``, and flat above
    ``c_hi``; so it is quasi-concave and the constrained maximiser is the
    clipped stationary point. ``c_lo == c_hi`` (full information) gives
    ``x* = clip(p + c, 0, 1)`` and no war when ``c >= -p``.

    Args:
        p: scalar or ``(D,)`` proposer's probability of winning, in [0, 1].
        proposer_cost: scalar or ``(D,)`` proposer's cost ``c_P``.
        cost_lo: scalar or ``(D,)`` lower bound of the receiver's cost.
        cost_hi: scalar or ``(D,)`` upper bound, ``>= cost_lo``.

    Returns:
        :class:`ScreeningOutcome` with ``(D,)`` arrays.
    """
    p_, c_p, lo, hi = _draws(p, proposer_cost, cost_lo, cost_hi)
    _check_probability(p_)
    dist = UniformCost(lo, hi)
    y_u = np.clip(0.5 * (hi - c_p), lo, hi)
    y = np.clip(y_u, -p_, 1.0 - p_)
    x = p_ + y
    q = dist.cdf(y)
    pm = dist.partial_mean(y)
    return _screening_outcome(x, p_, c_p, q, pm)


def screening_numeric(
    p: ArrayLike,
    proposer_cost: ArrayLike,
    receiver_cost: CostDistribution,
    *,
    grid_points: int = 2001,
    iterations: int = 80,
) -> ScreeningOutcome:
    """Optimal demand for any distribution of the receiver's cost, numerically.

    Maximises ``U_P(x) = x (1 - F(x - p)) + (p - c_P) F(x - p)`` over
    ``x`` in [0, 1]: first on a grid of ``grid_points`` demands (all draws at
    once, in blocks of grid points to bound memory), then by golden-section
    search inside ``[x_{i-1}, x_{i+1}]`` around the best grid point ``x_i``
    (``iterations`` steps, each shrinking the bracket by 0.618; vectorised
    over draws). The result is never worse than the best grid point; where
    the refinement does not strictly improve on it, the grid point (the lowest
    of tied demands) is kept. Precision: the demand to about ``1e-8`` (a comparison-based search
    cannot resolve a flat maximum further), the utility to machine precision.

    Args:
        p: scalar or ``(D,)`` proposer's probability of winning, in [0, 1].
        proposer_cost: scalar or ``(D,)`` proposer's cost ``c_P``.
        receiver_cost: distribution of the receiver's cost, e.g. a frozen
            ``scipy.stats`` distribution with scalar or ``(D,)`` parameters, or
            :class:`UniformCost`.
        grid_points: number of grid demands on [0, 1], at least 3.
        iterations: golden-section steps.

    Returns:
        :class:`ScreeningOutcome` with ``(D,)`` arrays.
    """
    if grid_points < 3:
        raise ValueError("grid_points must be at least 3")
    probe = np.atleast_1d(np.asarray(receiver_cost.cdf(0.0), dtype=float))
    p_, c_p, _ = _draws(p, proposer_cost, np.zeros(probe.shape))
    _check_probability(p_)
    n = p_.shape[0]

    def utilities(x: FloatArray) -> FloatArray:
        """``U_P`` at ``(D, m)`` demands."""
        q = _cdf(receiver_cost, x - p_[:, None])
        return x * (1.0 - q) + (p_ - c_p)[:, None] * q

    def utility(x: FloatArray) -> FloatArray:
        """``U_P`` at ``(D,)`` demands."""
        return utilities(x[:, None])[:, 0]

    grid = np.linspace(0.0, 1.0, grid_points)
    best = np.zeros(n, dtype=np.int64)
    best_u = np.full(n, -np.inf)
    block = max(1, min(grid_points, _GRID_BLOCK // max(n, 1)))
    for start in range(0, grid_points, block):  # blocks of grid points, all draws at once
        part = grid[start : start + block]
        u = utilities(np.broadcast_to(part[None, :], (n, part.size)))  # (D, block)
        i = np.argmax(u, axis=1)
        u_i = u[np.arange(n), i]
        better = u_i > best_u  # strict: ties keep the lowest demand
        best = np.where(better, start + i, best)
        best_u = np.where(better, u_i, best_u)
    best_x = grid[best]
    a = grid[np.maximum(best - 1, 0)]
    b = grid[np.minimum(best + 1, grid_points - 1)]

    c = b - _GOLDEN * (b - a)
    d = a + _GOLDEN * (b - a)
    fc, fd = utility(c), utility(d)
    for _ in range(iterations):
        left = fc >= fd
        a = np.where(left, a, c)
        b = np.where(left, d, b)
        x_new = np.where(left, b - _GOLDEN * (b - a), a + _GOLDEN * (b - a))
        f_new = utility(x_new)
        c, d = np.where(left, x_new, d), np.where(left, c, x_new)
        fc, fd = np.where(left, f_new, fd), np.where(left, fc, f_new)

    x_gs = np.where(fc >= fd, c, d)
    u_gs = np.maximum(fc, fd)
    # ties keep the grid point, the lowest best demand (the proposer is indifferent)
    x = np.where(u_gs > best_u, x_gs, best_x)
    y = x - p_
    q = _cdf(receiver_cost, y[:, None])[:, 0]
    pm = _partial_mean(receiver_cost, y[:, None])[:, 0]
    return _screening_outcome(x, p_, c_p, q, pm)


# --------------------------------------------------------------------------- #
# 2. Shifting power (Powell 1999, 2006)
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class ShiftingPower:
    """The declining side's preventive motive along a path of power.

    Shapes: ``D`` draws, months ``t = 0..T``; the motive is defined for the
    ``T`` transitions ``t -> t + 1``, indexed by ``t = 0..T-1``. Month
    indices are ``-1`` where no month qualifies.

    Attributes:
        motive: ``(D, T)`` ``m_t = w_D(t) - b_t`` (per-period normalised);
            war now is preferred where ``m_t > 0``.
        shift: ``(D, T)`` ``δ (p_{t+1} - p_t)``.
        compensation: ``(D, T)`` what can compensate the shift:
            ``(1 - δ)(c_R + c_D)`` ("surplus") or ``(1 - δ)(p_t + c_D)`` ("flow").
        window: ``(D, T)`` ``m_t > 0``.
        first_month: ``(D,)`` first month of the window.
        last_month: ``(D,)`` last month of the window.
        peak_month: ``(D,)`` month of the largest motive, if it is positive.
        peak_motive: ``(D,)`` the largest motive (may be negative).
        war_value_rising: ``(D, T + 1)`` ``w_R(t) = p_t - c_R``.
        war_value_declining: ``(D, T + 1)`` ``w_D(t) = 1 - p_t - c_D``.
        delay_value_rising: ``(D, T + 1)`` ``w_R(k) - w_R(0)``, what waiting
            ``k`` months adds to the rising side's war value.
        delay_value_declining: ``(D, T + 1)`` ``w_D(k) - w_D(0)``.
        bound: ``"surplus"`` or ``"flow"``, the reading used.
    """

    motive: FloatArray
    shift: FloatArray
    compensation: FloatArray
    window: BoolArray
    first_month: IntArray
    last_month: IntArray
    peak_month: IntArray
    peak_motive: FloatArray
    war_value_rising: FloatArray
    war_value_declining: FloatArray
    delay_value_rising: FloatArray
    delay_value_declining: FloatArray
    bound: str


def shifting_power(
    p: ArrayLike,
    delta: ArrayLike,
    rising_cost: ArrayLike,
    declining_cost: ArrayLike,
    *,
    bound: Literal["surplus", "flow"] = "surplus",
) -> ShiftingPower:
    """Month-by-month preventive motive of the declining side (Powell 2006).

    ``m_t = w_D(t) - (1 - δ) g_t - δ w_D(t + 1)`` with ``w_D(t) = 1 - p_t - c_D``;
    ``g_t = 1 - (p_t - c_R)`` for ``bound="surplus"``, giving

        m_t = δ (p_{t+1} - p_t) - (1 - δ)(c_R + c_D),

    and ``g_t = 1`` for ``bound="flow"``, giving
    ``m_t = δ (p_{t+1} - p_t) - (1 - δ)(p_t + c_D)``.

    Args:
        p: ``(D, T + 1)`` (or ``(T + 1,)``, shared by all draws) the rising
            side's probability of winning a war fought in month ``t``; ``T >= 1``.
        delta: scalar or ``(D,)`` monthly discount factor in (0, 1).
        rising_cost: scalar or ``(D,)`` rising side's per-period cost ``c_R``.
        declining_cost: scalar or ``(D,)`` declining side's cost ``c_D``.
        bound: which within-month bound on compensation (module docstring).

    Returns:
        :class:`ShiftingPower`.
    """
    path = np.asarray(p, dtype=float)
    if path.ndim == 1:
        path = path[None, :]
    if path.ndim != 2 or path.shape[1] < 2:
        raise ValueError("p must have shape (D, T + 1) with T >= 1")
    _check_probability(path)
    dl, c_r, c_d, _ = _draws(delta, rising_cost, declining_cost, np.zeros(path.shape[0]))
    _check_discount(dl, "delta")
    n = dl.shape[0]
    path = np.broadcast_to(path, (n, path.shape[1]))
    dl, c_r, c_d = dl[:, None], c_r[:, None], c_d[:, None]
    months = path.shape[1] - 1

    shift = dl * (path[:, 1:] - path[:, :-1])
    if bound == "surplus":
        compensation = np.broadcast_to((1.0 - dl) * (c_r + c_d), shift.shape).copy()
    elif bound == "flow":
        compensation = (1.0 - dl) * (path[:, :-1] + c_d)
    else:
        raise ValueError(f"unknown bound {bound!r}; use 'surplus' or 'flow'")
    motive = shift - compensation
    window = motive > 0.0
    any_month = window.any(axis=1)
    first = np.where(any_month, np.argmax(window, axis=1), -1)
    last = np.where(any_month, months - 1 - np.argmax(window[:, ::-1], axis=1), -1)
    peak = np.where(any_month, np.argmax(motive, axis=1), -1)

    w_r = path - c_r
    w_d = 1.0 - path - c_d
    return ShiftingPower(
        motive=motive,
        shift=shift,
        compensation=compensation,
        window=window,
        first_month=first.astype(np.int64),
        last_month=last.astype(np.int64),
        peak_month=peak.astype(np.int64),
        peak_motive=motive.max(axis=1),
        war_value_rising=w_r,
        war_value_declining=w_d,
        delay_value_rising=w_r - w_r[:, :1],
        delay_value_declining=w_d - w_d[:, :1],
        bound=bound,
    )


# --------------------------------------------------------------------------- #
# 3. Sequential demands ("one more thing")
# --------------------------------------------------------------------------- #


def demand_path(start: ArrayLike, increment: ArrayLike, rounds: int, *, cap: float = 1.0) -> FloatArray:
    """Cumulative demands ``d_k = min(start + k * increment, cap)``.

    Args:
        start: scalar or ``(D,)`` demand at round 0 (the preconditions).
        increment: scalar or ``(D,)`` demand added each round ("one more thing").
        rounds: ``K``, the last round.
        cap: largest demand (the whole good by default).

    Returns:
        ``(D, K + 1)`` demands.
    """
    if rounds < 0:
        raise ValueError("rounds must be >= 0")
    s, inc = _draws(start, increment)
    k = np.arange(rounds + 1, dtype=float)
    return np.minimum(s[:, None] + inc[:, None] * k[None, :], cap)


@dataclass(frozen=True)
class SequentialDemands:
    """Rounds of rising demands against a receiver that may fight.

    Shapes: ``D`` draws, rounds ``k = 0..K``. Per-period normalised values.

    Attributes:
        demand: ``(D, K + 1)`` cumulative demand ``d_k``.
        p: ``(D, K + 1)`` proposer's probability of winning in round ``k``.
        threshold: ``(D, K + 1)`` ``T_k``: a receiver of cost ``c`` has fought
            by round ``k`` iff ``c < T_k`` (nondecreasing in ``k``).
        war_by_round: ``(D, K + 1)`` ``P(war in a round <= k) = F(T_k)``.
        war_at_round: ``(D, K + 1)`` ``P(war in round k)``.
        peace_probability: ``(D,)`` ``1 - F(T_K)``.
        myopic_threshold: ``(D, K + 1)`` ``max_{j <= k}(d_j - p_j)``, the same
            for a receiver comparing only today's deal with war today.
        myopic_war_by_round: ``(D, K + 1)`` ``F`` of the myopic threshold.
        receiver_war_base: ``(D, K + 1)`` ``A_k``: a receiver of cost ``c``
            that fights in round ``k`` gets ``A_k - δ_D^k c``.
        receiver_discount: ``(D, K + 1)`` ``δ_D^k``.
        receiver_deal_value: ``(D,)`` ``A_∞``, the receiver's value of never
            fighting.
        proposer_war_value: ``(D, K + 1)`` proposer's value if war comes in
            round ``k``.
        proposer_deal_value: ``(D,)`` proposer's value if war never comes.
        expected_proposer_value: ``(D,)`` over the cost distribution.
        expected_receiver_value: ``(D,)`` over the cost distribution.
    """

    demand: FloatArray
    p: FloatArray
    threshold: FloatArray
    war_by_round: FloatArray
    war_at_round: FloatArray
    peace_probability: FloatArray
    myopic_threshold: FloatArray
    myopic_war_by_round: FloatArray
    receiver_war_base: FloatArray
    receiver_discount: FloatArray
    receiver_deal_value: FloatArray
    proposer_war_value: FloatArray
    proposer_deal_value: FloatArray
    expected_proposer_value: FloatArray
    expected_receiver_value: FloatArray

    def fight_round(self, cost: ArrayLike) -> IntArray:
        """``(D,)`` round in which a receiver of known ``cost`` fights, ``-1`` if never.

        The first ``k`` with ``cost < T_k``; ``cost`` is scalar or ``(D,)``.
        """
        c = np.asarray(cost, dtype=float).reshape(-1, 1)
        hits = c < self.threshold
        return np.where(hits.any(axis=1), np.argmax(hits, axis=1), -1).astype(np.int64)

    def myopic_fight_round(self, cost: ArrayLike) -> IntArray:
        """``(D,)`` the same for the myopic receiver."""
        c = np.asarray(cost, dtype=float).reshape(-1, 1)
        hits = c < self.myopic_threshold
        return np.where(hits.any(axis=1), np.argmax(hits, axis=1), -1).astype(np.int64)

    def receiver_value(self, cost: ArrayLike) -> FloatArray:
        """``(D,)`` value of the path to a receiver of known ``cost``.

        ``max(max_k (A_k - δ_D^k c), A_∞)``.
        """
        c = np.asarray(cost, dtype=float).reshape(-1, 1)
        war = (self.receiver_war_base - self.receiver_discount * c).max(axis=1)
        return np.maximum(war, self.receiver_deal_value)

    def proposer_value(self, cost: ArrayLike) -> FloatArray:
        """``(D,)`` proposer's value of the path against a receiver of known ``cost``."""
        r = self.fight_round(cost)
        war = np.take_along_axis(self.proposer_war_value, np.maximum(r, 0)[:, None], axis=1)[:, 0]
        return np.where(r >= 0, war, self.proposer_deal_value)


def sequential_demands(
    demand: ArrayLike,
    p: ArrayLike,
    proposer_cost: ArrayLike,
    receiver_cost: CostDistribution,
    delta_proposer: ArrayLike,
    delta_receiver: ArrayLike,
) -> SequentialDemands:
    """Rising demands, round by round, against a forward-looking receiver.

    Receiver fighting in round ``j`` gets ``V_j(c) = A_j - δ_D^j c`` with
    ``A_j = (1 - δ_D) Σ_{i<j} δ_D^i (1 - d_i) + δ_D^j (1 - p_j)``; never
    fighting gets ``A_∞``. It has fought by round ``k`` iff ``c < T_k``,

        T_k = max_{i <= k} min_{j in {k+1..K, ∞}} (A_i - A_j)/(δ_D^i - δ_D^j),

    and ``P(war by round k) = F(T_k)``. Proposer: war in round ``r`` is worth
    ``(1 - δ_C) Σ_{i<r} δ_C^i d_i + δ_C^r (p_r - c_P)``; the deal
    ``(1 - δ_C) Σ_{i<K} δ_C^i d_i + δ_C^K d_K``.

    Args:
        demand: ``(D, K + 1)`` or ``(K + 1,)`` cumulative demands in [0, 1]
            (see :func:`demand_path`).
        p: proposer's probability of winning a war in round ``k``: a scalar,
            a path ``(K + 1,)`` shared by all draws, per-draw constants
            ``(D, 1)``, or ``(D, K + 1)``.
        proposer_cost: scalar or ``(D,)`` proposer's per-period cost ``c_P``.
        receiver_cost: distribution of the receiver's cost (``UniformCost`` or
            a frozen scipy distribution, parameters scalar or ``(D,)``); a
            known cost is ``UniformCost(c, c)``.
        delta_proposer: scalar or ``(D,)`` per-round discount ``δ_C`` in (0, 1).
        delta_receiver: scalar or ``(D,)`` per-round discount ``δ_D`` in (0, 1).

    Returns:
        :class:`SequentialDemands`.
    """
    d = np.asarray(demand, dtype=float)
    if d.ndim == 1:
        d = d[None, :]
    if d.ndim != 2:
        raise ValueError("demand must have shape (D, K + 1) or (K + 1,)")
    rounds = d.shape[1]
    pk = np.asarray(p, dtype=float)
    probe = np.atleast_1d(np.asarray(receiver_cost.cdf(0.0), dtype=float))
    c_p, dc, dd, _, _ = _draws(proposer_cost, delta_proposer, delta_receiver, np.zeros(d.shape[0]), probe)
    if pk.ndim == 0:
        pk = np.full((1, rounds), float(pk))
    elif pk.ndim == 1:
        if pk.shape[0] != rounds:
            raise ValueError("a 1-D p is a path of length K + 1; pass per-draw constants as (D, 1)")
        pk = pk[None, :]
    elif pk.ndim != 2 or pk.shape[1] not in (1, rounds):
        raise ValueError("p must be a scalar, (K + 1,), (D, 1) or (D, K + 1)")
    n = int(np.broadcast_shapes(c_p.shape, (d.shape[0],), (pk.shape[0],))[0])
    d = np.broadcast_to(d, (n, rounds))
    pk = np.broadcast_to(pk, (n, rounds))
    c_p, dc, dd = (np.broadcast_to(a, (n,)) for a in (c_p, dc, dd))
    _check_probability(d, "demand")
    _check_probability(pk)
    _check_discount(dc, "delta_proposer")
    _check_discount(dd, "delta_receiver")

    last = rounds - 1
    k = np.arange(rounds, dtype=float)
    pow_d = dd[:, None] ** k[None, :]
    pow_c = dc[:, None] ** k[None, :]

    flow_d = (1.0 - dd[:, None]) * pow_d * (1.0 - d)
    before_d = np.concatenate([np.zeros((n, 1)), np.cumsum(flow_d, axis=1)[:, :-1]], axis=1)
    base = before_d + pow_d * (1.0 - pk)
    deal_d = before_d[:, last] + pow_d[:, last] * (1.0 - d[:, last])

    flow_c = (1.0 - dc[:, None]) * pow_c * d
    before_c = np.concatenate([np.zeros((n, 1)), np.cumsum(flow_c, axis=1)[:, :-1]], axis=1)
    war_c = before_c + pow_c * (pk - c_p[:, None])
    deal_c = before_c[:, last] + pow_c[:, last] * d[:, last]

    base_all = np.concatenate([base, deal_d[:, None]], axis=1)  # (D, K + 2)
    pow_all = np.concatenate([pow_d, np.zeros((n, 1))], axis=1)
    threshold = np.empty((n, rounds))
    for r in range(rounds):  # loop over rounds, vectorised over draws
        num = base[:, : r + 1, None] - base_all[:, None, r + 1 :]
        den = pow_d[:, : r + 1, None] - pow_all[:, None, r + 1 :]
        threshold[:, r] = (num / den).min(axis=2).max(axis=1)

    war_by = _cdf(receiver_cost, threshold)
    war_at = np.diff(war_by, axis=1, prepend=0.0)
    peace = 1.0 - war_by[:, last]
    pm = _partial_mean(receiver_cost, threshold)
    pm_at = np.diff(pm, axis=1, prepend=0.0)
    exp_d = (base * war_at - pow_d * pm_at).sum(axis=1) + deal_d * peace
    exp_c = (war_c * war_at).sum(axis=1) + deal_c * peace

    myopic = np.maximum.accumulate(d - pk, axis=1)
    return SequentialDemands(
        demand=np.array(d),
        p=np.array(pk),
        threshold=threshold,
        war_by_round=war_by,
        war_at_round=war_at,
        peace_probability=peace,
        myopic_threshold=myopic,
        myopic_war_by_round=_cdf(receiver_cost, myopic),
        receiver_war_base=base,
        receiver_discount=pow_d,
        receiver_deal_value=deal_d,
        proposer_war_value=war_c,
        proposer_deal_value=deal_c,
        expected_proposer_value=exp_c,
        expected_receiver_value=exp_d,
    )


# --------------------------------------------------------------------------- #
# 4. Status quo and misperception (Powell 1996; Fearon 1995)
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class StatusQuoGame:
    """Periods of a crisis in which failed talks lead to the status quo (see the module docstring).

    Shapes: ``D`` draws, periods ``t = 0..T``; one period lasts ``period_months``
    months. Probabilities are under the **true** cost distribution ``F``; the
    proposer's choices were made under its **belief** ``F̂``.

    Attributes:
        status_quo: ``(D, T + 1)`` ``q_t``, the proposer's share under the status quo.
        p: ``(D, T + 1)`` proposer's probability of winning a war in period ``t``.
        credible: ``(D, T + 1)`` ``p_t - c_A > q_t``: a rejected demand means war.
        believed_demand: ``(D, T + 1)`` ``x̂_t``, the proposer's optimal demand under ``F̂``.
        demand: ``(D, T + 1)`` ``x_t``: ``x̂_t`` if credible (or ``rejection="war"``),
            else ``min(x̂_t, q_t)`` (a concession below the status quo, or ``q_t``: talks stall).
        offer: ``(D, T + 1)`` a demand the receiver accepts or fights over is on the
            table (credible threat or a concession); otherwise talks stall.
        threshold: ``(D, T + 1)`` ``θ_t = x_t - p_t``: a receiver of cost ``c`` fights in
            period ``t`` iff ``c < θ_t`` (in a stalled period ``θ_t = q_t - p_t``, the strike
            condition ``c_B < q - p``).
        war_by: ``(D, T + 1)`` P(war in a period ``<= t``) under ``F``.
        deal_by: ``(D, T + 1)`` P(deal in a period ``<= t``) under ``F``.
        status_quo_by: ``(D, T + 1)`` P(neither by the end of period ``t``).
        believed_war_by: ``(D, T + 1)`` the same war probability as the proposer sees it (under ``F̂``).
        hazard: ``(D, T + 1)`` P(war in period ``t`` | no war and no deal before ``t``).
        period_months: months per period.
        rejection: ``"status_quo"`` (Powell 1996) or ``"war"`` (every rejection means war).
    """

    status_quo: FloatArray
    p: FloatArray
    credible: BoolArray
    believed_demand: FloatArray
    demand: FloatArray
    offer: BoolArray
    threshold: FloatArray
    war_by: FloatArray
    deal_by: FloatArray
    status_quo_by: FloatArray
    believed_war_by: FloatArray
    hazard: FloatArray
    period_months: int
    rejection: str

    def war_within(self, months: int) -> FloatArray:
        """``(D,)`` P(war within ``months`` months): the periods that end by then (at least one)."""
        k = min(max(months // self.period_months, 1), self.war_by.shape[1]) - 1
        return self.war_by[:, k]

    def deal_within(self, months: int) -> FloatArray:
        """``(D,)`` P(deal within ``months`` months), as :meth:`war_within`."""
        k = min(max(months // self.period_months, 1), self.deal_by.shape[1]) - 1
        return self.deal_by[:, k]


def _path(a: ArrayLike, name: str) -> FloatArray:
    """A scalar, ``(D,)`` constant or ``(D, T + 1)`` path as a 2-D array."""
    x = np.asarray(a, dtype=float)
    if x.ndim == 0:
        return x.reshape(1, 1)
    if x.ndim == 1:
        return x[:, None]
    if x.ndim != 2:
        raise ValueError(f"{name} must be a scalar, (D,) or (D, T + 1)")
    return x


def _believed_demand(p: FloatArray, c_a: FloatArray, believed: CostDistribution) -> FloatArray:
    """``(D, T + 1)`` optimal screening demand under the belief ``F̂`` (closed form for a uniform)."""
    if isinstance(believed, UniformCost):
        lo = np.asarray(believed.lo, dtype=float).reshape(-1, 1)
        hi = np.asarray(believed.hi, dtype=float).reshape(-1, 1)
        y = np.clip(np.clip(0.5 * (hi - c_a), lo, hi), -p, 1.0 - p)
        return p + y
    cols = [screening_numeric(p[:, t], c_a[:, 0], believed).demand for t in range(p.shape[1])]
    return np.stack(cols, axis=1)


def _truncated(dist: CostDistribution, y: FloatArray, m: FloatArray) -> FloatArray:
    """``P(c < y | c >= m) = (F(y) - F(m))^+ / (1 - F(m))`` for ``y`` of shape ``(D, T)``, ``m`` ``(D, 1)``."""
    f_m = _cdf(dist, np.broadcast_to(m, y.shape[:1] + (1,)).copy())
    f_y = _cdf(dist, np.maximum(y, m))
    rest = 1.0 - f_m
    return np.divide(f_y - f_m, rest, out=np.ones_like(f_y), where=rest > 1e-15)


def status_quo_game(
    status_quo: ArrayLike,
    p: ArrayLike,
    proposer_cost: ArrayLike,
    receiver_cost: CostDistribution,
    believed_cost: CostDistribution | None = None,
    *,
    period_months: int = 1,
    rejection: Literal["status_quo", "war"] = "status_quo",
    demand_floor: ArrayLike | None = None,
    known_above: ArrayLike | None = None,
) -> StatusQuoGame:
    """A crisis period by period where failed talks leave the status quo (Powell 1996).

    In period ``t`` the proposer (share ``q_t`` under the status quo, war won with
    probability ``p_t``, cost ``c_A``) picks the demand that is optimal under its belief
    ``F̂`` about the receiver's cost:
    ``x̂_t = p_t + clip(clip((ĉ_hi - c_A)/2, ĉ_lo, ĉ_hi), -p_t, 1 - p_t)`` for a uniform ``F̂``.

    * If its threat is credible, ``p_t - c_A > q_t``, it demands ``x_t = x̂_t``; the receiver
      accepts iff ``c_B >= x_t - p_t`` and fights otherwise (Fearon screening).
    * Otherwise a rejection leaves the status quo, so any demand beyond ``q_t`` is refused
      at no risk. The best it can do is ``x_t = min(x̂_t, q_t)``: a concession the receiver
      accepts iff ``c_B >= x_t - p_t``, or, when ``x̂_t >= q_t``, no offer: talks stall and
      the receiver strikes iff it prefers war to the status quo, ``c_B < q_t - p_t``.

    With the receiver's (true) cost ``c_B ~ F`` fixed over the periods and a receiver that
    compares the options of each period (myopic), it has fought by period ``t`` iff
    ``c_B < M_t = max_{s <= t} θ_s`` with ``θ_s = x_s - p_s``, as long as no deal came first;
    a deal comes in the first offer period ``s*`` to the types that did not fight. Hence

        P(war by t)  = F(M_{min(t, s*)}),
        P(deal by t) = 1{t >= s*} (1 - F(M_{s*})).

    ``rejection="war"`` is the earlier reading in which every rejected demand means war:
    ``x_t = x̂_t`` and every period is an offer period. ``believed_cost=None`` means
    ``F̂ = F``: the complete-belief case.

    ``demand_floor`` (declared preconditions ``d_t``) replaces ``x̂_t`` by ``max(x̂_t, d_t)``:
    the proposer never asks for less than it has declared. ``known_above`` conditions on
    what has been seen: the receiver did not strike at thresholds up to ``m``, so its cost
    is ``>= m`` and every probability is under ``F`` truncated there,
    ``(F(y) - F(m))^+ / (1 - F(m))`` (the proposer's own view is truncated the same way).

    Args:
        status_quo: ``q``: scalar, ``(D,)`` or ``(D, T + 1)`` proposer's share under the status quo.
        p: scalar, ``(D,)`` or ``(D, T + 1)`` proposer's probability of winning a war.
        proposer_cost: scalar or ``(D,)`` ``c_A``.
        receiver_cost: the true distribution ``F`` of the receiver's cost.
        believed_cost: the proposer's belief ``F̂`` (``None``: ``F``).
        period_months: months per period (stated in the result).
        rejection: ``"status_quo"`` or ``"war"``.
        demand_floor: scalar, ``(D,)`` or ``(D, T + 1)`` declared demands ``d_t`` (optional).
        known_above: scalar or ``(D,)`` ``m``: the receiver's cost is known to be ``>= m``.

    Returns:
        :class:`StatusQuoGame`.
    """
    if period_months < 1:
        raise ValueError("period_months must be >= 1")
    if rejection not in ("status_quo", "war"):
        raise ValueError(f"unknown rejection {rejection!r}; use 'status_quo' or 'war'")
    q_ = _path(status_quo, "status_quo")
    p_ = _path(p, "p")
    c_a = np.atleast_1d(np.asarray(proposer_cost, dtype=float))
    if c_a.ndim != 1:
        raise ValueError("proposer_cost must be a scalar or (D,)")
    probe = np.atleast_1d(np.asarray(receiver_cost.cdf(0.0), dtype=float)).reshape(-1, 1)
    n = int(np.broadcast_shapes(q_.shape[:1], p_.shape[:1], c_a.shape, probe.shape[:1])[0])
    periods = int(np.broadcast_shapes(q_.shape[1:], p_.shape[1:])[0])
    q_ = np.broadcast_to(q_, (n, periods)).astype(float)
    p_ = np.broadcast_to(p_, (n, periods)).astype(float)
    _check_probability(q_, "status_quo")
    _check_probability(p_)
    c_col = np.broadcast_to(c_a, (n,)).reshape(-1, 1)
    believed = receiver_cost if believed_cost is None else believed_cost

    x_hat = _believed_demand(p_, c_col, believed)
    if demand_floor is not None:
        x_hat = np.maximum(x_hat, np.broadcast_to(_path(demand_floor, "demand_floor"), (n, periods)))
    credible = p_ - c_col > q_
    if rejection == "war":
        demand = x_hat
        offer = np.ones_like(credible)
    else:
        demand = np.where(credible, x_hat, np.minimum(x_hat, q_))
        offer = credible | (x_hat < q_)
    theta = demand - p_
    running = np.maximum.accumulate(theta, axis=1)
    t = np.arange(periods)
    has_offer = offer.any(axis=1)
    first = np.where(has_offer, np.argmax(offer, axis=1), periods)
    stop = np.minimum(t[None, :], first[:, None])  # the last period in which war can still come
    capped = np.take_along_axis(running, np.minimum(stop, periods - 1), axis=1)
    at_first = np.take_along_axis(running, np.minimum(first, periods - 1)[:, None], axis=1)
    if known_above is None:
        war_by = _cdf(receiver_cost, capped)
        believed_war = _cdf(believed, capped)
        deal_end = 1.0 - _cdf(receiver_cost, at_first)
    else:
        m = np.broadcast_to(np.atleast_1d(np.asarray(known_above, dtype=float)), (n,)).reshape(-1, 1)
        war_by = _truncated(receiver_cost, capped, m)
        believed_war = _truncated(believed, capped, m)
        deal_end = 1.0 - _truncated(receiver_cost, np.maximum(at_first, m), m)
    deal_by = np.where(t[None, :] >= first[:, None], deal_end, 0.0)
    left = 1.0 - war_by - deal_by
    before = np.concatenate([np.ones((n, 1)), left[:, :-1]], axis=1)
    new_war = np.diff(war_by, axis=1, prepend=0.0)
    hazard = np.divide(new_war, before, out=np.zeros_like(new_war), where=before > 1e-15)
    return StatusQuoGame(
        status_quo=q_,
        p=p_,
        credible=credible,
        believed_demand=x_hat,
        demand=demand,
        offer=offer,
        threshold=theta,
        war_by=war_by,
        deal_by=deal_by,
        status_quo_by=np.clip(left, 0.0, 1.0),
        believed_war_by=believed_war,
        hazard=hazard,
        period_months=period_months,
        rejection=rejection,
    )
