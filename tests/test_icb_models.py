"""The statistical models recover what they are fitted on."""

import numpy as np

from standoff.history.icb.models import base_rate, fit_plain, fit_regularised
from standoff.history.icb.reference import PRIOR, forecasts


def _simulate(n: int, beta: np.ndarray, intercept: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(beta)))
    p = 1.0 / (1.0 + np.exp(-(intercept + X @ beta)))
    return X, (rng.uniform(size=n) < p).astype(float)


def _raw_coefficients(pipeline) -> tuple[np.ndarray, float]:
    """Coefficients on the original scale from the (variance filter, scaler, logistic) pipeline."""
    scaler, model = pipeline[-2], pipeline[-1]
    coef = model.coef_[0] / scaler.scale_
    return coef, float(model.intercept_[0] - coef @ scaler.mean_)


def test_regularised_model_recovers_known_logistic():
    beta, intercept = np.array([1.0, -0.6, 0.0, 0.4]), -0.3
    X, y = _simulate(4000, beta, intercept, seed=11)
    model = fit_regularised(X, y)
    coef, b0 = _raw_coefficients(model.pipeline)
    assert np.allclose(coef, beta, atol=0.12), coef
    assert abs(b0 - intercept) < 0.12
    assert model.C >= 0.03  # with 4000 rows and a true signal, cross-validation must not pick a heavy penalty


def test_plain_model_recovers_known_logistic():
    beta, intercept = np.array([0.8, 0.0, -1.2]), 0.5
    X, y = _simulate(4000, beta, intercept, seed=3)
    coef, b0 = _raw_coefficients(fit_plain(X, y))
    assert np.allclose(coef, beta, atol=0.12), coef
    assert abs(b0 - intercept) < 0.12


def test_noise_gets_a_heavy_penalty():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(600, 20))
    y = (rng.uniform(size=600) < 0.3).astype(float)
    model = fit_regularised(X, y)
    p = model.predict(X)
    assert p.std() < 0.05 and abs(p.mean() - 0.3) < 0.06


def test_base_rate_and_reference_class_shrinkage():
    assert base_rate(np.array([1.0, 1.0, 0.0])) == 3 / 5
    y = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    dist = np.array([[0.0, 0.1, 0.2, 0.9, 0.9, 0.9, 0.9, 0.9]])  # nearest three all have the outcome
    base = base_rate(y)
    assert np.isclose(forecasts(dist, y, 3)[0], (3 + PRIOR * base) / (3 + PRIOR))


def test_a_subset_of_rows_keeps_every_field_aligned() -> None:
    from standoff.history.icb.fitted import rows
    from standoff.history.icb.load import load_icb

    r = rows(load_icb())
    mask = np.zeros(len(r.X), dtype=bool)
    mask[[3, 10, 500]] = True
    sub = r.subset(mask)
    assert len(sub.features) == len(sub.outcomes) == len(sub.info) == sub.X.shape[0] == 3
    assert sub.info.reset_index(drop=True).equals(r.info.iloc[[3, 10, 500]].reset_index(drop=True))
    np.testing.assert_array_equal(sub.X, r.X[[3, 10, 500]])
    np.testing.assert_array_equal(sub.duration, r.duration[[3, 10, 500]])
    np.testing.assert_array_equal(sub.response_time, r.response_time[[3, 10, 500]])
