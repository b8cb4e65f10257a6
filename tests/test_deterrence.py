"""The defiance-cycle engine: determinism, chunking, a loop reference, limits and monotonicity."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.special import expit

from standoff.engines.deterrence import (
    POLICY_OPTIONS,
    DeterrenceDraws,
    DeterrenceParams,
    _pretest_logit,
    _resolve,
    apply_patch,
    apply_policy,
    combine_chunks,
    deterrence_kernel,
    first_test_distribution,
    resolve_seed,
    simulate,
    simulate_chunk,
)

SMALL = DeterrenceParams(horizon=48)


def _assert_same(a, b) -> None:
    for f in dataclasses.fields(a):
        if f.name == "params":
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=f.name)
        else:
            assert x == y, f.name


# ---------------------------------------------------------------------------
# Randomness and chunks
# ---------------------------------------------------------------------------


def test_same_seed_same_result() -> None:
    _assert_same(simulate(SMALL, 300, rng=11, chunk_size=128), simulate(SMALL, 300, rng=11, chunk_size=128))


def test_different_seeds_differ_and_seed_zero_is_a_seed() -> None:
    a = simulate(SMALL, 200, rng=0, keep_paths=False)
    b = simulate(SMALL, 200, rng=1, keep_paths=False)
    assert a.seed == 0
    assert not np.array_equal(a.first_test_month, b.first_test_month)


def test_generator_is_used_not_global_state() -> None:
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    r1 = simulate(SMALL, 64, rng=np.random.default_rng(5), keep_paths=False)
    r2 = simulate(SMALL, 64, rng=np.random.default_rng(5), keep_paths=False)
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    assert r1.seed == r2.seed
    np.testing.assert_array_equal(r1.first_test_month, r2.first_test_month)


def test_seed_validation() -> None:
    with pytest.raises(ValueError, match="seed must be >= 0"):
        resolve_seed(-1)
    with pytest.raises(TypeError):
        resolve_seed(True)  # type: ignore[arg-type]
    assert isinstance(resolve_seed(None), int)


def test_chunks_run_separately_equal_one_run() -> None:
    whole = simulate(SMALL, 250, rng=3, chunk_size=64)
    parts = [simulate_chunk(SMALL, seed=3, chunk_index=i, n_paths=250, chunk_size=64) for i in (3, 1, 0, 2)]
    _assert_same(whole, combine_chunks(parts))
    assert parts[0].n_paths == 250 - 3 * 64


def test_first_paths_of_a_larger_run_equal_a_smaller_run() -> None:
    small = simulate(SMALL, 100, rng=9, chunk_size=64, keep_paths=False)
    large = simulate(SMALL, 300, rng=9, chunk_size=64, keep_paths=False)
    np.testing.assert_array_equal(small.first_test_month, large.first_test_month[:100])
    np.testing.assert_array_equal(small.n_tests, large.n_tests[:100])


def test_kernel_on_a_batch_equals_kernel_on_its_chunks() -> None:
    P, H = 90, SMALL.horizon
    draws = DeterrenceDraws.sample(np.random.default_rng(0), P, H)
    batch = deterrence_kernel(_resolve(SMALL, slice(0, P), P), draws)
    pieces = [
        deterrence_kernel(_resolve(SMALL, rows, P), draws.take(rows))
        for rows in (slice(0, 17), slice(17, 60), slice(60, 90))
    ]
    for key, value in batch.items():
        np.testing.assert_array_equal(value, np.concatenate([p[key] for p in pieces]), err_msg=key)


def test_per_path_parameters_follow_their_paths_across_chunks() -> None:
    P = 150
    sev = np.linspace(0.0, 0.9, P)
    p = dataclasses.replace(SMALL, severity=np.repeat(sev[:, None], SMALL.n_components, axis=1))
    run = simulate(p, P, rng=4, chunk_size=40)
    np.testing.assert_allclose(run.capability[:, 0], 1.0 - sev)
    one = simulate(dataclasses.replace(SMALL, severity=float(sev[77])), P, rng=4, chunk_size=40)
    np.testing.assert_array_equal(run.capability[77], one.capability[77])


def test_kernel_is_deterministic_and_does_not_mutate_inputs() -> None:
    P, H = 40, SMALL.horizon
    draws = DeterrenceDraws.sample(np.random.default_rng(1), P, H)
    arrays = _resolve(SMALL, slice(0, P), P)
    snap = {k: v.copy() for k, v in arrays.values.items()}
    u = draws.u_test.copy()
    a = deterrence_kernel(arrays, draws)
    b = deterrence_kernel(arrays, draws)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    for k, v in arrays.values.items():
        np.testing.assert_array_equal(v, snap[k])
    np.testing.assert_array_equal(draws.u_test, u)


# ---------------------------------------------------------------------------
# A loop reference, written independently of the vectorised kernel
# ---------------------------------------------------------------------------


def _reference_path(p: DeterrenceParams, d: DeterrenceDraws, i: int) -> dict[str, float]:
    """One path, scalars and loops only, straight from the module docstring."""
    C = p.n_components
    w = [x / sum(p.weights) for x in p.weights]
    k = [1.0 - float(p.severity)] * C
    a0 = p.prior_mean * p.prior_strength
    b0 = (1 - p.prior_mean) * p.prior_strength
    alpha, beta = a0 + p.lesson_weight, b0
    E, Q = float(p.economy), float(p.cohesion)
    first, n_tests, war, war_month = 0, 0, False, 0
    for t in range(p.horizon):
        K = sum(wc * kc for wc, kc in zip(w, k, strict=True))
        belief = alpha / (alpha + beta)
        V = p.gain * K - belief * (p.cost_of_response + p.war_probability * p.cost_of_war)
        h = 1.0 / (1.0 + math.exp(-(V - p.test_threshold) / p.test_scale))
        test = (not war) and d.u_test[i, t] < h
        respond = test and d.u_respond[i, t] < p.response_probability
        escalate = respond and d.u_war[i, t] < p.war_probability * K
        if test:
            alpha += 1.0 if respond else 0.0
            beta += 0.0 if respond else 1.0
        else:
            alpha = a0 + p.belief_decay * (alpha - a0)
            beta = b0 + p.belief_decay * (beta - b0)
        log_r = (
            math.log(p.recovery_rate)
            + p.economy_effect * (E - 0.5)
            - p.sanctions_effect * (p.sanctions - 0.5)
            + p.help_effect * (p.outside_help - 0.5)
            + p.cohesion_effect * (Q - 0.5)
            + p.recovery_dispersion * d.z_regime[i]
            + p.recovery_noise * d.z_recovery[i, t]
            - 0.5 * (p.recovery_dispersion**2 + p.recovery_noise**2)
        )
        r = math.exp(log_r)
        k = [1 - (1 - kc) * math.exp(-r * max(kc, p.capability_floor) ** p.severity_effect) for kc in k]
        if respond:
            k = [kc * (1 - p.response_severity) for kc in k]
        E_star = min(
            1,
            max(
                0,
                p.economy_potential
                - p.economy_sanctions_drag * (p.sanctions - 0.5)
                + p.economy_help_lift * (p.outside_help - 0.5),
            ),
        )
        Q_star = min(1, max(0, p.cohesion_target + p.cohesion_economy_effect * (E - 0.5)))
        E, Q = (
            min(1, max(0, E + p.economy_reversion * (E_star - E) + p.economy_noise * d.z_economy[i, t])),
            min(1, max(0, Q + p.cohesion_reversion * (Q_star - Q) + p.cohesion_noise * d.z_cohesion[i, t])),
        )
        if test and first == 0:
            first = t + 1
        n_tests += int(test)
        if escalate:
            war, war_month = True, t + 1
    return {
        "first": first,
        "n_tests": n_tests,
        "war": war,
        "war_month": war_month,
        "K_end": sum(wc * kc for wc, kc in zip(w, k, strict=True)),
        "belief_end": alpha / (alpha + beta),
        "E_end": E,
    }


def test_vectorised_kernel_matches_loop_reference() -> None:
    p = DeterrenceParams(horizon=60, severity=0.6, response_probability=0.6, war_probability=0.3, test_threshold=0.4)
    P = 25
    draws = DeterrenceDraws.sample(np.random.default_rng(2024), P, p.horizon)
    out = deterrence_kernel(_resolve(p, slice(0, P), P), draws)
    assert out["n_tests"].sum() > 0 and out["war"].any(), "the example should exercise tests and war"
    for i in range(P):
        ref = _reference_path(p, draws, i)
        assert out["first_test_month"][i] == (ref["first"] or p.horizon)
        assert out["tested"][i] == (ref["first"] > 0)
        assert out["n_tests"][i] == ref["n_tests"]
        assert out["war"][i] == ref["war"] and out["war_month"][i] == ref["war_month"]
        assert out["capability"][i, -1] == pytest.approx(ref["K_end"], rel=1e-12, abs=1e-12)
        assert out["belief"][i, -1] == pytest.approx(ref["belief_end"], rel=1e-12)
        assert out["economy"][i, -1] == pytest.approx(ref["E_end"], rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------------------
# Known answers and limits
# ---------------------------------------------------------------------------


def test_without_shocks_or_tests_the_belief_drifts_to_its_prior() -> None:
    # No shock, and tests made impossible (a threshold far above any value).
    p = DeterrenceParams(
        horizon=200,
        severity=0.0,
        test_threshold=50.0,
        initial_alpha=9.0,
        initial_beta=1.0,
        prior_mean=0.25,
        prior_strength=4.0,
        belief_decay=0.95,
    )
    run = simulate(p, 16, rng=0)
    assert not run.tested.any()
    belief = run.belief[0]
    assert belief[0] == pytest.approx(0.9)
    assert np.all(np.diff(belief) < 0)  # monotone, from above, toward the prior
    assert belief[-1] == pytest.approx(0.25, abs=1e-3)
    # Counts: alpha_t - a = delta^t (alpha_0 - a), so the belief has the closed form below.
    t = np.arange(201)
    a, b = 1.0, 3.0
    alpha = a + 0.95**t * (9.0 - a)
    beta = b + 0.95**t * (1.0 - b)
    np.testing.assert_allclose(belief, alpha / (alpha + beta), rtol=1e-12)
    # And no shock, nothing to recover from: capability stays at its pre-shock level.
    np.testing.assert_allclose(run.capability, 1.0)


def test_a_response_adds_to_alpha_and_a_non_response_to_beta() -> None:
    p = DeterrenceParams(
        horizon=1, severity=0.0, test_threshold=-50.0, prior_mean=0.5, prior_strength=2.0, lesson_weight=0.0
    )
    P = 2
    d = DeterrenceDraws.sample(np.random.default_rng(0), P, 1)
    d = dataclasses.replace(d, u_respond=np.array([[0.0], [1.0]]), u_war=np.ones((P, 1)))
    out = deterrence_kernel(_resolve(p, slice(0, P), P), d)
    assert out["tests"][:, 0].all()
    np.testing.assert_allclose(out["belief"][:, 1], [2.0 / 3.0, 1.0 / 3.0])  # Beta(2,1) and Beta(1,2)
    assert out["capability"][0, 1] < out["capability"][1, 1]  # the response knocked capability down


def test_war_needs_a_response_and_ends_testing() -> None:
    p = DeterrenceParams(horizon=80, severity=0.2, test_threshold=0.2, response_probability=1.0, war_probability=1.0)
    run = simulate(p, 200, rng=5)
    assert run.war.any()
    for i in np.flatnonzero(run.war):
        m = run.war_month[i]
        assert run.responses[i, m - 1]
        assert not run.tests[i, m:].any()
    none = simulate(dataclasses.replace(p, response_probability=0.0), 200, rng=5, keep_paths=False)
    assert not none.war.any()


def test_analytic_first_test_law_matches_simulation() -> None:
    p = DeterrenceParams(horizon=60, severity=0.5)
    dist = first_test_distribution(p, 2000, rng=8)
    run = simulate(p, 2000, rng=8, keep_paths=False)
    sim_cdf = 1.0 - run.survival()
    np.testing.assert_allclose(sim_cdf, 1.0 - dist.survival, atol=0.03)
    assert run.median_months_to_first_test() == pytest.approx(dist.median(), abs=1.0)
    assert dist.pmf.sum() + dist.survival[-1] == pytest.approx(1.0)


def test_hazard_before_the_first_test_equals_the_analytic_path() -> None:
    # Components hit unevenly, so the component-wise path of the analytic code is used.
    p = DeterrenceParams(horizon=40, severity=(0.7, 0.2, 0.4, 0.1))
    P = 30
    d = DeterrenceDraws.sample(np.random.default_rng(3), P, p.horizon)
    never = dataclasses.replace(d, u_test=np.full((P, p.horizon), 2.0))
    arrays = _resolve(p, slice(0, P), P)
    out = deterrence_kernel(arrays, never)
    np.testing.assert_allclose(out["hazard"], expit(_pretest_logit(arrays, d.state_noise())), rtol=1e-12)


# ---------------------------------------------------------------------------
# Monotonicity (property tests on common random numbers)
# ---------------------------------------------------------------------------

_params = st.fixed_dictionaries(
    {
        "severity": st.floats(0.0, 0.9),
        "recovery_rate": st.floats(0.01, 0.3),
        "severity_effect": st.floats(0.0, 3.0),
        "test_threshold": st.floats(0.0, 0.9),
        "belief_decay": st.floats(0.5, 0.99),
        "economy": st.floats(0.0, 1.0),
        "outside_help": st.floats(0.0, 1.0),
        "response_severity": st.floats(0.0, 0.9),
    }
)


def _second_test_gap(run) -> np.ndarray:
    """Months from the first test to the next one (horizon if none)."""
    H = run.horizon
    gap = np.full(run.n_paths, float(H))
    for i in np.flatnonzero(run.tested):
        later = np.flatnonzero(run.tests[i, run.first_test_month[i] :])
        if later.size:
            gap[i] = later[0] + 1
    return gap


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kw=_params, rho=st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 1.0)), seed=st.integers(0, 2**32))
def test_a_higher_response_probability_never_shortens_the_time_to_the_next_test(kw, rho, seed) -> None:
    lo, hi = sorted(rho)
    base = DeterrenceParams(horizon=48, **kw)
    a = simulate(dataclasses.replace(base, response_probability=lo), 96, rng=seed)
    b = simulate(dataclasses.replace(base, response_probability=hi), 96, rng=seed)
    # Before any test the defender's policy is unobserved: the first test is unchanged ...
    np.testing.assert_array_equal(a.first_test_month, b.first_test_month)
    # ... and after it, a likelier response never brings the next test forward, path by path.
    assert np.all(_second_test_gap(b) >= _second_test_gap(a))
    assert _second_test_gap(b).mean() >= _second_test_gap(a).mean()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kw=_params, extra=st.floats(0.0, 0.5), seed=st.integers(0, 2**32))
def test_a_more_severe_shock_never_shortens_the_time_to_the_next_test(kw, extra, seed) -> None:
    base = DeterrenceParams(horizon=48, **kw)
    worse = dataclasses.replace(base, severity=min(1.0, kw["severity"] + extra))
    a = simulate(base, 96, rng=seed, keep_paths=False)
    b = simulate(worse, 96, rng=seed, keep_paths=False)
    assert np.all(b.first_test_month >= a.first_test_month)
    assert np.all(b.tested <= a.tested)
    da = first_test_distribution(base, 32, rng=seed)
    db = first_test_distribution(worse, 32, rng=seed)
    assert db.mean_restricted() >= da.mean_restricted() - 1e-9
    assert np.all(db.survival >= da.survival - 1e-12)


# ---------------------------------------------------------------------------
# Parameters, patches and policy options
# ---------------------------------------------------------------------------


def test_patch_rejects_unknown_fields_with_a_suggestion() -> None:
    with pytest.raises(KeyError) as exc:
        apply_patch(SMALL, {"responce_probability": 0.9})
    msg = str(exc.value)
    assert msg.startswith(
        "unknown deterrence parameter(s): 'responce_probability' (did you mean 'response_probability'?)"
    )
    assert "known: components, weights" in msg


def test_patch_validates_values() -> None:
    with pytest.raises(ValueError, match=r"response_probability must lie in \[0, 1\], got 1.5"):
        apply_patch(SMALL, {"response_probability": 1.5})
    assert apply_patch(SMALL, {"cost_of_war": 3.0}).cost_of_war == 3.0
    assert SMALL.cost_of_war == 1.0  # the original is untouched


def test_policy_options_are_patches_of_the_levers() -> None:
    assert set(POLICY_OPTIONS) == {
        "declare_closed",
        "maximum_pressure",
        "credible_threat",
        "talks_limited_relief",
        "renewed_strikes",
    }
    levers = {
        "response_probability",
        "sanctions",
        "outside_help",
        "cost_of_war",
        "prior_mean",
        "war_probability",
        "severity",
        "lesson_weight",
    }
    for name, option in POLICY_OPTIONS.items():
        assert set(option.patch) <= levers, name
        apply_policy(SMALL, name)
    with pytest.raises(KeyError, match="unknown policy option 'bomb'"):
        apply_policy(SMALL, "bomb")


def test_a_credible_threat_delays_the_next_test_against_declaring_the_matter_closed() -> None:
    base = DeterrenceParams(horizon=120, severity=0.425, economy=0.15, sanctions=0.95, outside_help=0.6)
    closed = first_test_distribution(apply_policy(base, "declare_closed"), 64, rng=0)
    threat = first_test_distribution(apply_policy(base, "credible_threat"), 64, rng=0)
    assert threat.median() > closed.median()


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"weights": (1.0, 1.0)}, "weights must have one entry per component (4)"),
        ({"components": ()}, "components must be non-empty and unique"),
        ({"horizon": 0}, "horizon must be an integer >= 1"),
        ({"prior_mean": 1.0}, "prior_mean must lie in (0, 1)"),
        ({"test_scale": 0.0}, "test_scale must lie in (0, inf)"),
        ({"severity": (0.1, 1.2, 0.0, 0.0)}, "severity must lie in [0, 1]"),
        ({"initial_alpha": -1.0}, "initial_alpha must be None or > 0"),
    ],
)
def test_parameter_validation(patch, message) -> None:
    with pytest.raises(ValueError) as exc:
        apply_patch(SMALL, patch)
    assert message in str(exc.value)


def test_per_path_arrays_must_match_the_number_of_paths() -> None:
    p = dataclasses.replace(SMALL, sanctions=np.full(10, 0.5))
    with pytest.raises(ValueError, match=r"sanctions has shape \(10,\); expected a scalar or \(20,\)"):
        simulate(p, 20, rng=0)


def test_summary_numbers() -> None:
    run = simulate(SMALL, 400, rng=2, keep_paths=False)
    s = run.summary()
    # each number recounted from the paths themselves
    months = np.where(run.tested, run.first_test_month, np.inf)
    assert s["p_test_within_12"] == np.count_nonzero(months <= 12) / 400
    assert s["p_test_within_24"] == np.count_nonzero(months <= 24) / 400
    assert 0.0 < s["p_test_within_12"] < s["p_test_within_24"] < 1.0
    assert s["p_war"] == np.count_nonzero(run.war) / 400
    assert s["mean_tests"] == pytest.approx(run.n_tests.sum() / 400)
    median = s["median_months_to_first_test"]  # half the paths tested by then, fewer than half a month before
    assert np.count_nonzero(months <= math.ceil(median)) >= 200 > np.count_nonzero(months < math.floor(median))
    assert run.capability is None and run.belief is None
