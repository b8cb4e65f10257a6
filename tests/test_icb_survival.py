"""Time-to-event estimators against hand-computed Kaplan-Meier and Aalen-Johansen values."""

import numpy as np
import pytest

from standoff.history.icb.survival import CompetingCox, aalen_johansen


def test_single_cause_is_one_minus_kaplan_meier():
    # times 1,2,2+,3,4+,5 (+ = censored). By hand: S(1) = 5/6; S(2) = 5/6 * 4/5 = 2/3;
    # S(3) = 2/3 * 2/3 = 4/9 (at risk 3,4,5); S(5) = 0 (at risk 5 only).
    inc = aalen_johansen(np.array([1, 2, 2, 3, 4, 5]), np.array([1, 1, 0, 1, 0, 1]))
    assert inc.at(0.5, 1) == 0.0 and inc.at(0.5) == 1.0
    assert inc.at(1, None) == pytest.approx(5 / 6)
    assert inc.at(2.5, None) == pytest.approx(2 / 3)
    assert inc.at(4.9, None) == pytest.approx(4 / 9)
    assert inc.at(5, None) == pytest.approx(0.0)
    for t in (1, 2.5, 4.9, 5):
        assert inc.at(t, 1) == pytest.approx(1 - inc.at(t, None))


def test_competing_causes_by_hand():
    # times 1 (cause 1), 2 (cause 2), 3 (cause 1), 4 (censored):
    # F1(1) = 1/4; S(1) = 3/4; F2(2) = 3/4 * 1/3 = 1/4; S(2) = 1/2; F1(3) = 1/4 + 1/2 * 1/2 = 1/2; S(3) = 1/4.
    inc = aalen_johansen(np.array([1, 2, 3, 4]), np.array([1, 2, 1, 0]))
    assert inc.at(1, 1) == pytest.approx(0.25) and inc.at(1, 2) == 0.0
    assert inc.at(2, 2) == pytest.approx(0.25)
    assert inc.at(3, 1) == pytest.approx(0.5) and inc.at(3, None) == pytest.approx(0.25)
    assert inc.at(3, 1) + inc.at(3, 2) + inc.at(3, None) == pytest.approx(1.0)


def test_weights_count_as_repeated_cases():
    t, e = np.array([1, 2, 3]), np.array([1, 2, 1])
    weighted = aalen_johansen(t, e, np.array([2.0, 1.0, 1.0]))
    repeated = aalen_johansen(np.array([1, 1, 2, 3]), np.array([1, 1, 2, 1]))
    for s in (1, 2, 3):
        assert weighted.at(s, 1) == pytest.approx(repeated.at(s, 1))


def test_cause_specific_cox_matches_aalen_johansen_per_group():
    """With one binary covariate (proportional hazards hold) the Cox CIF is close to each group's Aalen-Johansen."""
    rng = np.random.default_rng(2)
    n = 600
    x = (rng.uniform(size=n) < 0.5).astype(float)
    t1 = rng.exponential(1 / (0.05 * np.exp(0.8 * x)))
    t2 = rng.exponential(1 / 0.04, size=n)
    t = np.round(np.minimum(t1, t2), 2)  # few ties: the Cox partial likelihood is exact without them
    kind = np.where(t1 <= t2, 1.0, 2.0)
    X = np.column_stack([x])
    model = CompetingCox.fit(X, t, kind, penalizer=1e-4)
    for g in (0.0, 1.0):
        aj = aalen_johansen(t[x == g], kind[x == g].astype(int))
        assert model.within(np.array([[g]]), 20)[0] == pytest.approx(aj.at(20, 1), abs=0.05)
    # conditioning on no response by day 10 changes the answer (and stays a probability)
    later = model.within(np.array([[1.0]]), 20, elapsed=10)[0]
    assert 0 < later < 1 and later != pytest.approx(model.within(np.array([[1.0]]), 20)[0])
