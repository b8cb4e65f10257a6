"""Calibration: recovery of known parameters, the Iranian ordering, scores, baselines, saving."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from standoff.engines.deterrence import DeterrenceParams
from standoff.history.calibration import (
    DEFAULT_FREE,
    FREE_PARAMETERS,
    CalibrationResult,
    calibrate,
    concordance_index,
    kaplan_meier,
    leave_one_out,
    load_fit,
    out_of_sample,
    predict_episodes,
    save_fit,
    synthetic_episodes,
)
from standoff.history.episodes import Episode, coercion_episodes, iran_us_episodes


@pytest.fixture(scope="module")
def iran_fit() -> CalibrationResult:
    """The default fit on the four historical Iranian episodes (2025 held out)."""
    return calibrate(iran_us_episodes(exclude=("IR-2025",)))


@pytest.fixture(scope="module")
def iran_2025() -> Episode:
    return next(e for e in iran_us_episodes() if e.episode_id == "IR-2025")


# ---------------------------------------------------------------------------
# Recovery of known parameters
# ---------------------------------------------------------------------------


def test_calibration_recovers_the_parameters_it_simulated_from() -> None:
    # 300 episodes simulated with the full simulator (tests, responses and all),
    # conditions drawn at random; little state noise so that 4 noise paths
    # integrate it. Tolerances are about two standard errors, judged from
    # repeated fits on independent data sets of this size.
    kw = dict(horizon=120, recovery_dispersion=0.0, recovery_noise=0.1)
    truth = {"recovery_rate": 0.06, "severity_effect": 1.5, "test_threshold": 0.6, "belief_decay": 0.93}
    episodes = synthetic_episodes(DeterrenceParams(**kw, **truth), 300, rng=1)
    assert 0.8 < np.mean([e.event for e in episodes]) < 1.0
    fit = calibrate(episodes, base=DeterrenceParams(**kw), n_paths=4, n_starts=1, seed=101, predict_paths=4)
    got = fit.free
    assert abs(math.log(got["recovery_rate"] / truth["recovery_rate"])) < 0.3
    assert abs(got["severity_effect"] - truth["severity_effect"]) < 0.35
    assert abs(got["test_threshold"] - truth["test_threshold"]) < 0.05
    assert abs(got["belief_decay"] - truth["belief_decay"]) < 0.04
    # The defaults it started from were elsewhere.
    start = DeterrenceParams(**kw)
    assert abs(start.recovery_rate - truth["recovery_rate"]) > 0.005 and start.severity_effect != 1.5


# ---------------------------------------------------------------------------
# The Iranian episodes
# ---------------------------------------------------------------------------


def test_iranian_fit_reproduces_the_articles_ordering(iran_fit: CalibrationResult) -> None:
    med = {p.episode_id: p.median for p in iran_fit.predictions}
    assert iran_fit.episode_ids == ("IR-1981", "IR-1988", "IR-2003", "IR-2020")
    # "the better part of a decade" after 1988, "a couple of years" after 2003, "promptly" in 2020.
    assert med["IR-1988"] > 2.5 * med["IR-2003"]
    assert med["IR-2003"] > med["IR-2020"]
    assert med["IR-1988"] > 48 and med["IR-2003"] < 36
    assert iran_fit.converged
    assert set(iran_fit.free) == set(DEFAULT_FREE)


def test_june_2025_is_placed_nearer_2003_and_2020_than_1988(iran_fit: CalibrationResult, iran_2025: Episode) -> None:
    med = {p.episode_id: p.median for p in iran_fit.predictions}
    (p25,) = predict_episodes(iran_fit.params, [iran_2025], seed=iran_fit.seed + 1)
    m25 = p25.median
    # In months: nearer each of 2003 and 2020 than 1988.
    assert abs(m25 - med["IR-2003"]) < abs(m25 - med["IR-1988"])
    assert abs(m25 - med["IR-2020"]) < abs(m25 - med["IR-1988"])
    # In log-months: nearer 2003 than 1988.
    assert abs(math.log(m25 / med["IR-2003"])) < abs(math.log(med["IR-1988"] / m25))


def test_the_placement_comes_from_the_conditions_not_the_name(iran_fit: CalibrationResult, iran_2025: Episode) -> None:
    ep88 = next(e for e in iran_us_episodes() if e.episode_id == "IR-1988")
    as_1988 = iran_2025.model_copy(
        update={
            "severity": ep88.severity,
            "economy": ep88.economy,
            "sanctions": ep88.sanctions,
            "support": ep88.support,
        }
    )
    a, b = predict_episodes(iran_fit.params, [ep88, as_1988], seed=5)
    assert a.median == pytest.approx(b.median)
    # Each condition moves it the documented way: harsher shock, weaker economy, less help → later.
    base = predict_episodes(iran_fit.params, [iran_2025], seed=5)[0].median
    for update in ({"severity": 0.7}, {"economy": 0.0}, {"support": 0.0}, {"sanctions": 1.0}):
        moved = predict_episodes(iran_fit.params, [iran_2025.model_copy(update=update)], seed=5)[0].median
        assert moved > base, update


def test_fit_report_per_episode(iran_fit: CalibrationResult) -> None:
    for p in iran_fit.predictions:
        assert p.lower <= p.median <= p.upper
        assert p.level == 0.8 and p.event
        assert math.isfinite(p.loglik) and p.loglik < 0
    assert iran_fit.loglik == pytest.approx(iran_fit.loglik_fresh, abs=1.0)
    assert iran_fit.prediction("IR-2003").observed_months == pytest.approx(21.5852, abs=1e-4)
    with pytest.raises(KeyError):
        iran_fit.prediction("IR-1999")


# ---------------------------------------------------------------------------
# Validation and baselines
# ---------------------------------------------------------------------------


def test_out_of_sample_scores_sit_beside_the_baselines(iran_fit: CalibrationResult) -> None:
    test = coercion_episodes()
    rep = out_of_sample(iran_us_episodes(exclude=("IR-2025",)), test, fit=iran_fit)
    assert rep.kind == "out-of-sample"
    assert [row["predictor"] for row in rep.table()] == ["model", "training_median", "kaplan_meier"]
    assert rep.test_ids == tuple(e.episode_id for e in test)
    for name, scores in rep.baselines.items():
        # Constant predictions rank nothing: Harrell's C is one half.
        assert scores.c_index == 0.5, name
        assert len(scores.predictions) == len(test)
        assert math.isfinite(scores.loglik)
    train_median = float(np.median([e.duration_months for e in iran_us_episodes(exclude=("IR-2025",))]))
    assert rep.baselines["training_median"].predictions[0].median == pytest.approx(train_median, rel=1e-6)
    assert math.isfinite(rep.model.loglik) and 0.0 <= rep.model.c_index <= 1.0


def test_leave_one_out_refits_without_each_episode() -> None:
    eps = iran_us_episodes(exclude=("IR-2025",))
    kw = dict(free=("recovery_rate", "test_threshold"), n_paths=4, predict_paths=16, n_starts=1, maxiter=40)
    rep = leave_one_out(eps, **kw)
    assert rep.kind == "leave-one-out" and len(rep.fits) == 4
    for i, fit in enumerate(rep.fits):
        assert eps[i].episode_id not in fit.episode_ids and len(fit.episode_ids) == 3
    assert [p.episode_id for p in rep.model.predictions] == [e.episode_id for e in eps]
    assert set(rep.baselines) == {"training_median", "kaplan_meier"}


def test_concordance_index_by_hand() -> None:
    # Times 2, 4 (censored), 6, 8; predictions ranking them 1, 3, 2, 4.
    t, e = [2, 4, 6, 8], [True, False, True, True]
    # Comparable pairs: (2,4) (2,6) (2,8) (6,8); (4,·) are not (censored first).
    assert concordance_index(t, e, [1, 3, 2, 4]) == 1.0
    assert concordance_index(t, e, [4, 3, 2, 1]) == 0.0
    assert concordance_index(t, e, [1, 1, 1, 1]) == 0.5
    assert concordance_index(t, e, [1, 3, 5, 4]) == 0.75  # (6,8) discordant
    assert math.isnan(concordance_index([1, 2], [False, False], [1, 2]))


def test_kaplan_meier_by_hand() -> None:
    def ep(i: int, d: float, event: bool) -> Episode:
        return Episode(
            episode_id=f"E{i}",
            source="t",
            challenger="c",
            defender="d",
            shock="s",
            shock_date="2000-01-01",
            severity=0.5,
            severity_label="0.5",
            event=event,
            duration_months=d,
            confidence="high",
        )

    eps = [ep(0, 1, True), ep(1, 2, False), ep(2, 3, True), ep(3, 3, True), ep(4, 5, False)]
    times, surv = kaplan_meier(eps)
    np.testing.assert_allclose(times, [1, 3])
    # S(1) = 4/5; at 3, three at risk, two events: S(3) = 4/5 * 1/3.
    np.testing.assert_allclose(surv, [0.8, 0.8 / 3])
    # The smoothed curve the baseline uses passes through the steps and inverts exactly.
    from standoff.history.calibration import _kaplan_meier_smoothed

    b = _kaplan_meier_smoothed(eps)
    assert 1.0 - b.cdf[1] == pytest.approx(0.8)
    assert 1.0 - b.cdf[3] == pytest.approx(0.8 / 3)
    assert b.quantile(0.2) == pytest.approx(1.0)
    frac = math.log(0.8 / 0.5) / math.log(0.8 / (0.8 / 3))
    assert b.quantile(0.5) == pytest.approx(1.0 + 2.0 * frac)
    # Log-linear between the steps: S(2) = sqrt(0.8 * 0.8 / 3).
    assert 1.0 - b.cdf[2] == pytest.approx(math.sqrt(0.8 * 0.8 / 3))
    # Beyond the last time (5, censored) the overall rate takes over: 3 events / 14 months.
    assert 1.0 - b.cdf[7] == pytest.approx(0.8 / 3 * math.exp(-2 * 3 / 14))


# ---------------------------------------------------------------------------
# Saving and loading
# ---------------------------------------------------------------------------


def test_save_and_load_round_trip(iran_fit: CalibrationResult, tmp_path) -> None:
    path = tmp_path / "fit.json"
    save_fit(iran_fit, path)
    doc = json.loads(path.read_text())
    assert doc["format"] == "standoff.deterrence-fit" and doc["schema"] == 1
    assert doc["version"] and doc["created"] and doc["data_hash"].startswith("sha256:")
    back = load_fit(path, episodes=iran_us_episodes(exclude=("IR-2025",)))
    assert back.free == iran_fit.free
    assert back.params == iran_fit.params
    assert back.predictions == iran_fit.predictions
    assert back.data_hash == iran_fit.data_hash and back.created == iran_fit.created


def test_load_refuses_other_data_and_other_files(iran_fit: CalibrationResult, tmp_path) -> None:
    path = tmp_path / "fit.json"
    save_fit(iran_fit, path)
    with pytest.raises(ValueError, match=r"fit\.json: fitted on different episodes"):
        load_fit(path, episodes=iran_us_episodes())
    other = tmp_path / "other.json"
    other.write_text('{"format": "something-else"}')
    with pytest.raises(ValueError, match=r"other\.json: not a deterrence fit"):
        load_fit(other)
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(ValueError, match=r"broken\.json: not JSON"):
        load_fit(broken)


def test_calibrate_rejects_unknown_free_parameters() -> None:
    with pytest.raises(KeyError, match="cannot fit 'gravity'"):
        calibrate(iran_us_episodes(), free=("gravity",))
    assert set(DEFAULT_FREE) <= set(FREE_PARAMETERS)
    with pytest.raises(ValueError, match="no episodes"):
        calibrate([])


def test_the_docs_example_runs(capsys) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "deterrence.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", doc, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/deterrence.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.startswith("median ") and "credible_threat" in out
