"""Policy options compared: the defiance cycle and the crisis under each option.

For a scenario with a ``deterrence`` section (and optionally ``crisis`` and
``policies``), every option (plus the baseline, no change) is simulated with
**common random numbers**: the same seed drives the deterrence engine's noise
and the sampling of uncertain inputs for every option, so that differences
between options are the options' doing, not noise.

Defiance cycle. The base parameters are the calibrated fit (see
:mod:`standoff.history.calibration`); the scenario's ``conditions`` (the opening
shock and the state after it; the severity once or per capability component as
``severity.<component>``) and each option's patch are applied on top. The
simulation starts at the shock; the paths are then conditioned on what was
known at the scenario's ``as_of`` date: no test in the months since the shock.
Reported: months from ``as_of`` to the next test (median and 10th–90th
percentiles, censored at the horizon), P(test within 12 and 24 months),
P(war within 24 months), each with a 90% Wilson interval over paths.

Crisis. Per path, the proposer's probability of prevailing follows its
recovering capability: ``p_t = clip(p_win K_t / K_0, 0, 1)`` with ``K_0`` the
capability at ``as_of``. Reported: today's optimal demand and war risk
(Fearon screening with the receiver's cost uniform), P(war) by month during
talks that start at the precondition and add one demand a month
(:func:`standoff.engines.crisis.sequential_demands`), P(deal) (no war through
the talks), the expected settlement on the crisis issue's scale, and the
preventive-war window of the declining side (Powell). Probabilities that are
averages over uncertain inputs carry the 5th–95th percentiles across draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from standoff.core.intervals import Interval
from standoff.engines.crisis import (
    ScreeningOutcome,
    SequentialDemands,
    ShiftingPower,
    StatusQuoGame,
    UniformCost,
    demand_path,
    screening_uniform,
    sequential_demands,
    shifting_power,
    status_quo_game,
)
from standoff.engines.deterrence import (
    _COMPONENT_FIELDS,
    _RANGES,
    DeterrenceParams,
    DeterrenceResult,
    apply_patch,
    simulate,
)
from standoff.engines.pathways import breakout_hazard
from standoff.scenario.load import LoadedScenario
from standoff.scenario.model import CRISIS_OPTIONAL, CRISIS_QUANTITIES, Crisis, Policy, Quantity

BASELINE = Policy(
    id="baseline",
    name="Baseline (no change)",
    description="Current policies continue.",
    judgment="The status quo as the scenario describes it.",
)


@dataclass(frozen=True)
class DeterrenceOutcome:
    quiet_share: float
    months_to_test: Interval
    p_test_12: Interval
    p_test_24: Interval
    p_war_24: Interval


@dataclass(frozen=True)
class CrisisOutcome:
    """``demand_now``/``war_now``: Tehran's optimal demand today (on the issue's scale) and the
    war risk it runs; ``p_war_by``/``p_deal``: if instead it holds its preconditions and adds a
    demand each month; ``settlement``: expected outcome at the optimum; the preventive window."""

    demand_now: float
    settlement: float
    war_now: Interval
    p_war_by: dict[int, Interval]
    p_deal: Interval
    preventive_share: float
    preventive_peak: float | None
    motive: list[float]
    status_quo_war_by: dict[int, Interval] | None = None
    status_quo_deal_by: dict[int, Interval] | None = None


@dataclass(frozen=True)
class OptionResult:
    id: str
    name: str
    description: str
    deterrence: DeterrenceOutcome
    crisis: CrisisOutcome | None
    capability: np.ndarray
    belief: np.ndarray
    #: month → the capability above which a test is likelier than not (median over paths), see :func:`test_capability`
    test_capability: list[float] | None = None


def test_capability(base: DeterrenceParams, belief: np.ndarray) -> np.ndarray:
    """The capability ``K`` at which the value of a test reaches the threshold (monthly test probability ½).

    From ``V = G K - π (c_R + w_W c_W)`` and ``V = θ``: ``K* = (θ + π (c_R + w_W c_W)) / G``, at the
    believed response probability ``π`` (``belief``, any shape); the calibrated gain and costs.
    """
    cost = float(base.cost_of_response) + float(base.war_probability) * float(base.cost_of_war)
    return (float(base.test_threshold) + np.asarray(belief) * cost) / float(base.gain)


@dataclass(frozen=True)
class Comparison:
    scenario: str
    as_of: str
    seed: int
    paths: int
    elapsed_months: int
    options: list[OptionResult]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (paths left out; ``inf`` months as ``None``)."""

        def clean(x: Any) -> Any:
            if isinstance(x, float):
                return None if not np.isfinite(x) else x
            if isinstance(x, dict):
                return {str(k): clean(v) for k, v in x.items()}
            if isinstance(x, (list, tuple)):
                return [clean(v) for v in x]
            if hasattr(x, "__dataclass_fields__"):
                return {k: clean(getattr(x, k)) for k in x.__dataclass_fields__ if k not in ("capability", "belief")}
            return x

        return clean(self)  # type: ignore[no-any-return]


def wilson(successes: int, n: int, level: float = 0.9) -> Interval:
    """Wilson score interval for a binomial proportion (:meth:`Interval.wilson`)."""
    return Interval.wilson(successes, n, level)


def _spread(values: np.ndarray) -> Interval:
    """A probability that varies over draws: its mean and the 5th–95th percentiles."""
    return Interval(
        float(np.mean(values)), float(np.quantile(values, 0.05)), float(np.quantile(values, 0.95)), 0.9, "proportion"
    )


def _sample(q: Quantity, rng: np.random.Generator, n: int, name: str) -> np.ndarray:
    low, high = _RANGES.get(name, (-np.inf, np.inf, True, True))[:2]
    return q.sample(rng, n, (low, high)) if q.uncertain else np.full(n, q.value)


def _share(crisis: Crisis, issue: Any, x: np.ndarray) -> np.ndarray:
    """A position on the crisis issue's scale read as the proposer's share of the good (``share_zero_at``)."""
    lo, hi = issue.scale.low, issue.scale.high
    share = (np.asarray(x, dtype=float) - lo) / (hi - lo)
    return np.clip(share if crisis.share_zero_at == "low" else 1.0 - share, 0.0, 1.0)


def _months(a: Any, b: Any) -> int:
    return (a.year - b.year) * 12 + (a.month - b.month) - (a.day < b.day)


@dataclass(frozen=True)
class Simulated:
    """One option simulated: the deterrence run, the paths still quiet at ``as_of``, and crisis inputs."""

    option: Policy
    run: DeterrenceResult
    quiet: np.ndarray
    elapsed: int
    crisis: Mapping[str, np.ndarray] | None


def simulate_options(
    loaded: LoadedScenario,
    base: DeterrenceParams,
    *,
    paths: int = 2000,
    seed: int = 0,
    options: Sequence[str] | None = None,
) -> list[Simulated]:
    """Simulate the baseline and the scenario's policy options with common random numbers."""
    sc = loaded.scenario
    if sc.deterrence is None:
        raise ValueError(f"scenario {sc.id!r} has no deterrence section to compare policy options on")
    det = sc.deterrence
    elapsed = max(0, _months(sc.as_of, det.shock_date))
    inputs = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))
    conditions: dict[str, np.ndarray] = {}
    by_component: dict[str, np.ndarray] = {}
    for name, q in det.conditions.items():
        field, _, component = name.partition(".")
        x = _sample(q, inputs, paths, field)
        if component:
            by_component[component] = x
        else:
            # a per-component field given once takes the same value for every component
            conditions[name] = np.repeat(x[:, None], len(base.components), axis=1) if name in _COMPONENT_FIELDS else x
    if by_component:
        missing = [c for c in base.components if c not in by_component]
        if missing:
            raise ValueError(f"deterrence severity is given per component but not for {missing}")
        conditions["severity"] = np.column_stack([by_component[c] for c in base.components])
    start = apply_patch(replace(base, horizon=elapsed + det.horizon), conditions)
    crisis_draws = None
    if sc.crisis is not None:
        crisis_rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2,)))
        crisis_draws = {name: _sample(getattr(sc.crisis, name), crisis_rng, paths, name) for name in CRISIS_QUANTITIES}
        # the status-quo game's inputs, from their own stream so the draws above are unchanged
        extra_rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(3,)))
        for name in CRISIS_OPTIONAL:
            q = getattr(sc.crisis, name)
            if q is not None:
                crisis_draws[name] = _sample(q, extra_rng, paths, name)
        issue = sc.issue(sc.crisis.issue)
        crisis_draws["status_quo"] = _share(sc.crisis, issue, _sample(issue.status_quo, extra_rng, paths, "status_quo"))
    chosen = [BASELINE, *sc.policies]
    if options:
        unknown = set(options) - {p.id for p in chosen}
        if unknown:
            raise ValueError(f"unknown policy option(s) {sorted(unknown)}; known: {[p.id for p in chosen]}")
        chosen = [p for p in chosen if p.id in options]
    out = []
    for option in chosen:
        params = apply_patch(start, dict(option.deterrence)) if option.deterrence else start
        run = simulate(params, paths, rng=seed)
        quiet = ~run.tested | (run.first_test_month > elapsed)
        values = None
        if crisis_draws is not None:
            values = {
                k: np.full(paths, float(option.crisis[k])) if k in option.crisis else v for k, v in crisis_draws.items()
            }
        out.append(Simulated(option, run, quiet, elapsed, values))
    return out


def compare(
    loaded: LoadedScenario,
    base: DeterrenceParams,
    *,
    paths: int = 2000,
    seed: int = 0,
    options: Sequence[str] | None = None,
) -> Comparison:
    """Every policy option of the scenario, and the baseline, side by side (see the module docstring)."""
    sc = loaded.scenario
    results = []
    for sim in simulate_options(loaded, base, paths=paths, seed=seed, options=options):
        run, quiet, elapsed = sim.run, sim.quiet, sim.elapsed
        crisis_out = None
        if sc.crisis is not None and sim.crisis is not None:
            crisis_out = _crisis_outcome(sc.crisis, crisis_model(sc.crisis, sim), loaded)
        assert run.capability is not None and run.belief is not None
        results.append(
            OptionResult(
                sim.option.id,
                sim.option.name,
                sim.option.description,
                _deterrence_outcome(run, quiet, elapsed),
                crisis_out,
                run.capability[quiet],
                run.belief[quiet],
                np.median(test_capability(base, run.belief[quiet]), axis=0).tolist() if quiet.any() else None,
            )
        )
    return Comparison(sc.id, sc.as_of.isoformat(), seed, paths, _elapsed(loaded), results)


def _elapsed(loaded: LoadedScenario) -> int:
    det = loaded.scenario.deterrence
    return 0 if det is None else max(0, _months(loaded.scenario.as_of, det.shock_date))


def _deterrence_outcome(run: DeterrenceResult, quiet: np.ndarray, elapsed: int) -> DeterrenceOutcome:
    n = int(quiet.sum())
    tested = run.tested[quiet]
    after = np.where(tested, run.first_test_month[quiet] - elapsed, np.inf).astype(float)
    war = run.war[quiet] & (run.war_month[quiet] - elapsed <= 24)
    # no interpolation: months beyond the horizon are censored (inf), and stay so
    q = np.quantile(after, [0.5, 0.1, 0.9], method="inverted_cdf") if n else np.array([np.nan] * 3)
    return DeterrenceOutcome(
        quiet_share=float(quiet.mean()),
        months_to_test=Interval(float(q[0]), float(q[1]), float(q[2]), 0.8, "median"),
        p_test_12=wilson(int((after <= 12).sum()), n),
        p_test_24=wilson(int((after <= 24).sum()), n),
        p_war_24=wilson(int(war.sum()), n),
    )


@dataclass(frozen=True)
class CrisisModel:
    """The crisis engine's models solved on one option's quiet paths (``D`` of them).

    ``talks`` is the sequential-demands reading (every rejection means war); ``status_quo``
    the status-quo game (Powell 1996) with the proposer's belief; ``third_party`` the same
    game against the third party's own threshold; ``breakout`` the monthly hazard of a
    preventive strike on a breakout, ``(D,)``.
    """

    now: ScreeningOutcome
    talks: SequentialDemands
    power: ShiftingPower
    rounds: int
    status_quo: StatusQuoGame | None = None
    third_party: StatusQuoGame | None = None
    breakout: np.ndarray | None = None


def crisis_model(crisis: Crisis, sim: Simulated) -> CrisisModel:
    """Solve the crisis on ``sim``'s quiet paths, the proposer's ``p_t`` following its capability."""
    assert sim.run.capability is not None and sim.crisis is not None
    cap = sim.run.capability[sim.quiet]
    elapsed = sim.elapsed
    k0 = np.maximum(cap[:, elapsed], 1e-9)
    keep = {k: x[sim.quiet] for k, x in sim.crisis.items()}
    low = np.minimum(keep["receiver_cost_low"], keep["receiver_cost_high"])
    high = np.maximum(keep["receiver_cost_low"], keep["receiver_cost_high"])
    horizon = cap.shape[1] - 1 - elapsed
    p_path = np.clip(keep["p_win"][:, None] * cap[:, elapsed:] / k0[:, None], 0.0, 1.0)  # (D, horizon + 1)
    rounds = min(crisis.rounds, horizon)
    demands = demand_path(keep["precondition"], keep["increment"], rounds)
    game, third, breakout = _status_quo_models(crisis, keep, p_path, low, high, horizon)
    return CrisisModel(
        now=screening_uniform(p_path[:, 0], keep["proposer_cost"], low, high),
        talks=sequential_demands(
            demands,
            p_path[:, : rounds + 1],
            keep["proposer_cost"],
            UniformCost(low, high),
            keep["discount_proposer"],
            keep["discount_receiver"],
        ),
        power=shifting_power(
            p_path[:, : min(horizon, 24) + 1], keep["discount_receiver"], keep["proposer_cost"], 0.5 * (low + high)
        ),
        rounds=rounds,
        status_quo=game,
        third_party=third,
        breakout=breakout,
    )


def _status_quo_models(
    crisis: Crisis, keep: Mapping[str, np.ndarray], p_path: np.ndarray, low: np.ndarray, high: np.ndarray, horizon: int
) -> tuple[StatusQuoGame | None, StatusQuoGame | None, np.ndarray | None]:
    """The status-quo game (and its third-party and breakout pathways) on the quiet paths.

    Period ``k`` of the game is months ``(k - 1) P + 1 .. k P`` after ``as_of`` (``P`` =
    ``period_months``), its state taken at its last month. The status quo starts at the issue's
    status quo ``q_0`` (as the proposer's share) and moves
    toward the demand that is optimal under the proposer's belief, ``x̂_0``, by at most
    ``defiance_rate`` a month: ``q_t = q_0 + clip(x̂_0 - q_0, -r t, r t)``. The receiver has not
    struck at today's status quo (the paths are quiet since the shock), so its cost is known to
    be at least ``q_0 - p_0``: every probability is conditioned on that.
    """
    if "status_quo" not in keep:
        return None, None, None
    months = np.arange(horizon + 1, dtype=float)
    period = crisis.period_months
    steps = p_path[:, period::period]  # one column per period after as_of, at its last month
    t = months[period::period]
    c_a = keep["proposer_cost"]
    if "believed_cost_low" in keep:
        b_lo = np.minimum(keep["believed_cost_low"], keep["believed_cost_high"])
        b_hi = np.maximum(keep["believed_cost_low"], keep["believed_cost_high"])
        believed = UniformCost(b_lo, b_hi)
    else:
        b_lo, b_hi, believed = low, high, None
    q0 = keep["status_quo"]
    target = screening_uniform(p_path[:, 0], c_a, b_lo, b_hi).demand
    rate = keep.get("defiance_rate", np.zeros_like(q0))
    reach = rate[:, None] * t[None, :]
    q = np.clip(q0[:, None] + np.clip((target - q0)[:, None], -reach, reach), 0.0, 1.0)
    seen = q0 - p_path[:, 0]
    game = status_quo_game(
        q,
        steps,
        c_a,
        UniformCost(low, high),
        believed,
        period_months=period,
        rejection=crisis.rejection,
        known_above=seen,
    )
    third = None
    if "third_party_p_win" in keep:
        scale = keep["third_party_p_win"][:, None] / np.maximum(p_path[:, :1], 1e-9)
        p3 = np.clip(scale * steps, 0.0, 1.0)
        lo3 = np.minimum(keep["third_party_cost_low"], keep["third_party_cost_high"])
        hi3 = np.maximum(keep["third_party_cost_low"], keep["third_party_cost_high"])
        third = status_quo_game(
            q,
            p3,
            c_a,
            UniformCost(lo3, hi3),
            period_months=period,
            demand_floor=q,  # no talks with the third party: the proposer holds the status quo
            known_above=q0 - np.clip(scale[:, 0] * p_path[:, 0], 0.0, 1.0),
        )
    breakout = None
    if "breakout_rate" in keep:
        breakout = breakout_hazard(
            keep["breakout_rate"], keep["breakout_jump"], keep["discount_receiver"], c_a, 0.5 * (low + high)
        )
    return game, third, breakout


def _crisis_outcome(crisis: Crisis, model: CrisisModel, loaded: LoadedScenario) -> CrisisOutcome:
    now, seq, power, rounds = model.now, model.talks, model.power, model.rounds
    windows = power.peak_month >= 0
    issue = loaded.scenario.issue(crisis.issue)
    lo_s, hi_s = issue.scale.low, issue.scale.high

    def on_scale(share: float) -> float:
        return lo_s + share * (hi_s - lo_s) if crisis.share_zero_at == "low" else hi_s - share * (hi_s - lo_s)

    return CrisisOutcome(
        demand_now=on_scale(float(np.median(now.demand))),
        settlement=on_scale(float(np.mean(now.expected_share))),
        war_now=_spread(now.war_probability),
        p_war_by={h: _spread(seq.war_by_round[:, min(h, rounds)]) for h in crisis.horizons},
        p_deal=_spread(seq.peace_probability),
        preventive_share=float(windows.mean()),
        preventive_peak=float(np.median(power.peak_month[windows])) if windows.any() else None,
        motive=np.median(power.motive, axis=0).tolist(),
        status_quo_war_by=None
        if model.status_quo is None
        else {h: _spread(model.status_quo.war_within(h)) for h in crisis.horizons},
        status_quo_deal_by=None
        if model.status_quo is None
        else {h: _spread(model.status_quo.deal_within(h)) for h in crisis.horizons},
    )
