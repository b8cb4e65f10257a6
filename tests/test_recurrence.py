"""Recurrence spells from ICB, the reference survival models and the structural engine fitted on spells."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from standoff.history.icb.load import load_icb
from standoff.history.recurrence import DATA_END, MONTH_DAYS, build_spells, episode_frame, split_by_time
from standoff.history.recurrence_models import (
    GRID_MONTHS,
    KaplanMeier,
    StructuralEngine,
    TrainingMedian,
    WeibullAFT,
    loglik,
    observation_index,
    score,
)


@pytest.fixture(scope="module")
def spells() -> pd.DataFrame:
    return build_spells(load_icb().actors)


def _months(a: dt.date, b: dt.date) -> float:
    return (b - a).days / MONTH_DAYS


def _spell(spells: pd.DataFrame, actor: str, crisno: int) -> pd.Series:
    rows = spells[(spells["actor"] == actor) & (spells["crisno"] == crisno)]
    assert len(rows) == 1
    return rows.iloc[0]


# ---------------------------------------------------------------------------
# Spells, checked by hand against rows of icb2v14_to2007.csv
# ---------------------------------------------------------------------------


def test_spell_between_crises_of_the_same_protracted_conflict(spells: pd.DataFrame) -> None:
    # IRN, crisis 172 (Shatt-al-Arab I): pcid 24, trigent 645 (Iraq), terminated 1960-01-04, outcom 3, viol 2.
    # Next IRN crisis with pcid 24 / trigent 645: 234 (Shatt-al-Arab II), triggered 1969-04-15.
    s = _spell(spells, "IRN", 172)
    assert s["next_crisno"] == 234 and bool(s["event"]) and s["key"] == "pcid/trigent"
    assert s["start"].date() == dt.date(1960, 1, 4) and s["end"].date() == dt.date(1969, 4, 15)
    assert s["months"] == pytest.approx(_months(dt.date(1960, 1, 4), dt.date(1969, 4, 15)))
    assert s["outcome"] == "stalemate" and s["severity"] == pytest.approx(0.3)


def test_spell_by_the_same_triggering_state(spells: pd.DataFrame) -> None:
    # IRN, crisis 309 (US hostages): pcid 0, trigent 2 (USA), terminated 1981-01-20; the next IRN crisis
    # triggered by the USA is 448 (Iran nuclear II), triggered 2006-01-11.
    s = _spell(spells, "IRN", 309)
    assert s["next_crisno"] == 448 and s["key"] == "trigent"
    assert s["months"] == pytest.approx(_months(dt.date(1981, 1, 20), dt.date(2006, 1, 11)))


def test_spells_are_censored_at_the_end_of_the_data(spells: pd.DataFrame) -> None:
    # IRN, crisis 385 (Iraq recaptures al-Faw): defeat (outcom 4), full-scale war (viol 4), terminated 1988-08-08;
    # no later IRN crisis with Iraq to 2007: censored at 2007-12-31.
    s = _spell(spells, "IRN", 385)
    assert not s["event"] and s["next_crisno"] == -1 and s["end"].date() == DATA_END
    assert s["months"] == pytest.approx(_months(dt.date(1988, 8, 8), DATA_END))
    assert s["outcome"] == "defeat" and s["severity"] == pytest.approx(0.9)
    # IRN, crisis 448 terminated 2007-12-04: 27 days of observation.
    assert _spell(spells, "IRN", 448)["months"] == pytest.approx(27 / MONTH_DAYS)
    assert spells["end"].max().date() == DATA_END


def test_spell_rules_on_a_small_frame() -> None:
    def row(crisno: int, trig: str, term: str, pcid: int, trigent: int) -> dict:
        return {
            "crisno": crisno,
            "cracid": 1,
            "actor": "AAA",
            "crisname": f"C{crisno}",
            "pcid": pcid,
            "trigent": trigent,
            "trigger_date": pd.Timestamp(trig),
            "termination_date": pd.Timestamp(term),
            **{c: np.nan for c in ("outcom", "viol", "gravty", "powdis", "powinv", "gpinv", "econdt")},
        }

    frame = pd.DataFrame(
        [
            row(1, "1950-01-01", "1950-06-01", 5, 996),
            row(2, "1950-03-01", "1950-04-01", 5, 996),  # overlaps 1: not its recurrence
            row(3, "1955-01-01", "1955-02-01", 5, 996),
            row(4, "1960-01-01", "1960-02-01", 0, 995),  # no adversary key: no spell
            row(5, "2007-06-01", "2008-02-01", 5, 996),  # ends after the data: no spell
        ]
    )
    s = build_spells(frame).set_index("crisno")
    assert list(s.index) == [2, 1, 3]
    assert s.loc[1, "next_crisno"] == 3 and s.loc[2, "next_crisno"] == 3
    assert s.loc[3, "next_crisno"] == 5 and s.loc[3, "n_prior"] == 2


def test_time_split_censors_training_at_its_end(spells: pd.DataFrame) -> None:
    train, test = split_by_time(spells, 1990)
    assert (train["start"].dt.year <= 1990).all() and (test["start"].dt.year >= 1991).all()
    assert len(train) + len(test) == len(spells)
    assert train["end"].max() == pd.Timestamp("1990-12-31")
    # Iran 1988 (al-Faw): known in 1990 only as 28 quiet months.
    s = train[(train["actor"] == "IRN") & (train["crisno"] == 385)].iloc[0]
    assert not s["event"] and s["months"] == pytest.approx(_months(dt.date(1988, 8, 8), dt.date(1990, 12, 31)))


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------


def _simulated(n: int, beta: dict[str, float], rho: float, seed: int) -> pd.DataFrame:
    """Spells from a known Weibull AFT on the shared features, censored uniformly up to 40 years."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "severity": rng.choice([0.1, 0.5, 0.9], n),
            "help": rng.choice([0.0, 1.0], n),
            "economy": rng.choice([0.25, 0.75], n),
            "log_prior": np.zeros(n),
        }
    )
    lam = np.exp(beta["intercept"] + sum(b * df[k] for k, b in beta.items() if k != "intercept"))
    t = lam * rng.weibull(rho, n)
    c = rng.uniform(0, 480, n)
    df["months"] = np.minimum(t, c)
    df["event"] = t <= c
    return df


def test_weibull_recovers_the_parameters_it_was_simulated_from() -> None:
    truth = {"intercept": 3.0, "severity": 1.5, "help": -0.8, "economy": 0.6}
    df = _simulated(4000, truth, 0.7, seed=1)
    fit = WeibullAFT.fit(df, ("severity", "help", "economy"))
    assert fit.rho == pytest.approx(0.7, abs=0.05)
    assert fit.intercept == pytest.approx(3.0, abs=0.25)
    for k in ("severity", "help", "economy"):
        assert fit.beta[k] == pytest.approx(truth[k], abs=0.25)


def test_loglik_of_a_constant_hazard_is_the_geometric_law() -> None:
    df = pd.DataFrame({"months": [2.5, 10.0], "event": [True, False], **{k: [0.0, 0.0] for k in ("severity",)}})
    surv = TrainingMedian(median=20.0).survival(df)
    q = math.exp(-math.log(2) / 20.0)
    idx, ev = observation_index(df)
    assert list(idx) == [3, 10]
    assert loglik(surv, idx, ev) == pytest.approx([math.log(q**2 * (1 - q)), math.log(q**10)])
    assert surv.shape == (2, GRID_MONTHS + 1)


def test_kaplan_meier_gives_every_month_some_probability() -> None:
    df = _simulated(300, {"intercept": 3.0}, 1.0, seed=2)
    surv = KaplanMeier.fit(df).survival(df.head(3))
    assert np.all(np.diff(surv, axis=1) < 0) and surv[0, 0] == 1.0


#: Worlds simulated from a Weibull AFT: the sign of each effect on the time to the next crisis.
WORLDS = {
    "harsher later, help sooner, economy later": {"severity": 1.5, "help": -1.0, "economy": 1.0},
    "harsher later, help later, economy sooner": {"severity": 1.5, "help": 1.0, "economy": -1.0},
    "harsher sooner": {"severity": -1.5, "help": 0.0, "economy": 0.0},
}


@pytest.fixture(scope="module")
def engines() -> dict[str, StructuralEngine]:
    """The structural engine fitted on spells simulated in each world."""
    return {
        world: StructuralEngine.fit(_simulated(600, {"intercept": 3.0, **effects}, 1.0, seed=3), maxiter=60)
        for world, effects in WORLDS.items()
    }


def _mean_months(engine: StructuralEngine, **features: float) -> float:
    """Expected months to the next crisis within 20 years (the restricted mean)."""
    row = {"severity": 0.5, "help": 0.5, "economy": 0.5, "log_prior": 0.0, "months": 1.0, "event": False}
    return float(engine.survival(pd.DataFrame([row | features]))[0, :240].sum())


@pytest.mark.parametrize("world", list(WORLDS))
def test_engine_comparative_statics_follow_the_fitted_effects(engines: dict[str, StructuralEngine], world: str) -> None:
    """No sign is imposed: the fitted engine moves the next crisis the way the data it was fitted on do, for
    severity, outside help and the economy (where the data have an effect)."""
    e, effects = engines[world], WORLDS[world]
    low = {"severity": 0.1, "help": 0.0, "economy": 0.25}
    high = {"severity": 0.9, "help": 1.0, "economy": 0.75}
    for name, effect in effects.items():
        if effect:
            change = _mean_months(e, **{name: high[name]}) - _mean_months(e, **{name: low[name]})
            assert np.sign(change) == np.sign(effect), (name, change)


def test_engine_fit_beats_the_naive_median_on_its_own_kind_of_data(engines: dict[str, StructuralEngine]) -> None:
    test = _simulated(400, {"intercept": 3.0, "severity": 1.5, "help": -1.0, "economy": 1.0}, 1.0, seed=4)
    train = _simulated(600, {"intercept": 3.0, "severity": 1.5, "help": -1.0, "economy": 1.0}, 1.0, seed=3)
    assert (
        score(engines["harsher later, help sooner, economy later"], test).loglik_per_spell
        > score(TrainingMedian.fit(train), test).loglik_per_spell
    )


def test_episode_frame_uses_the_episode_conditions() -> None:
    from standoff.history.episodes import iran_us_episodes

    df = episode_frame(iran_us_episodes()).set_index("id")
    assert df.loc["IR-1988", "severity"] == 0.9 and df.loc["IR-2025", "event"] == False  # noqa: E712
    assert df.loc["IR-1981", "log_prior"] == 0.0 and df.loc["IR-2025", "log_prior"] == pytest.approx(math.log(5))


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------


def test_history_recurrence_json_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from standoff.cli import app

    result = CliRunner().invoke(app, ["history", "recurrence", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert doc["spells"]["spells"] > 500 and "defeat" in doc["effects"]
