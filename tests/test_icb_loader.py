"""The ICB loader against rows checked by hand in the shipped CSV files."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from standoff.core.icb import codebook
from standoff.history.icb.load import IcbDataError, load_icb, shipped_paths


@pytest.fixture(scope="module")
def data():
    return load_icb()


def _actor(data, cracno: int) -> pd.Series:
    return data.actors.set_index("cracno").loc[cracno]


def test_iran_nuclear_ii_row(data):
    # icb2v14_to2007.csv, cracno 988: ICB2,448,988,630,IRN,2006,1,10,IRAN NUCLEAR II,1,2006,1,11,2,...
    row = _actor(data, 988)
    assert row["actor"] == "IRN" and row["crisno"] == 448
    assert row["trigger_date"].date() == dt.date(2006, 1, 11) and row["trigger_precision"] == "day"
    assert row["system_trigger_date"].date() == dt.date(2006, 1, 10)
    assert row["triggr_label"] == "verbal_act"  # triggr 1
    assert row["trigent"] == 2  # the United States
    assert row["majres_label"] == "verbal_act" and row["trgresra"] == 3
    assert row["response_date"].date() == dt.date(2006, 1, 13)
    assert row["powdis"] == -52 and row["nuclear_label"] == "foreseeable"
    assert row["viol_label"] == "none" and row["gravty_label"] == "influence"


def test_partial_day_codes(data):
    # cracno 15 (GRC, crisis 7): datrig 66 -> early in the month, day 1
    greece = _actor(data, 15)
    assert greece["trigger_date"].date() == dt.date(1919, 3, 1) and greece["trigger_precision"] == "early"
    # cracno 71 (ALB, crisis 34): datrig 77 -> mid-month, day 15
    albania = _actor(data, 71)
    assert albania["trigger_date"].date() == dt.date(1927, 3, 15) and albania["trigger_precision"] == "mid"
    # cracno 57 (POL, Ruhr I): trigger 1923-01-22, termination 1923-07-88 -> 31 July; trgterra 191 counts both ends
    poland = _actor(data, 57)
    assert poland["termination_date"].date() == dt.date(1923, 7, 31) and poland["termination_precision"] == "late"
    assert (poland["termination_date"] - poland["trigger_date"]).days + 1 == poland["trgterra"] == 191
    # cracno 1 (RUS, crisis 1): blank day -> mid-month, marked month precision
    russia = _actor(data, 1)
    assert russia["trigger_date"].date() == dt.date(1918, 5, 15) and russia["trigger_precision"] == "month"


def test_missing_and_not_applicable_kept_apart(data):
    # cracno 6 (EST, crisis 4): sizedu -99 (undocumented sentinel) -> missing; econdt 4 = newly independent state
    estonia = _actor(data, 6)
    assert pd.isna(estonia["sizedu"])
    assert estonia["econdt"] == 4 and estonia["econdt_label"] == "newly_independent"
    # cracno 2 (NIC, crisis 2): econdt blank -> missing, not a category
    nicaragua = _actor(data, 2)
    assert pd.isna(nicaragua["econdt"]) and pd.isna(nicaragua["econdt_label"])
    assert (data.actors["sizedu"] == -99).sum() == 0


def test_placeholder_crisis_dropped_and_counts(data):
    assert 474 not in set(data.actors["crisno"]) and 474 not in set(data.crises["crisno"])
    assert len(data.actors) == 1002 and len(data.crises) == 456
    assert data.actors["yrtrig"].max() == 2007  # nothing from 2008 on is shipped


def test_every_column_is_classified_once():
    actors, crises = shipped_paths()
    for path, level in ((actors, "actor"), (crises, "crisis")):
        columns = pd.read_csv(path, nrows=0).columns
        roles = [codebook.role(level, c) for c in columns]
        assert len(roles) == 95
        sets = (codebook.IDENTIFIER[level], codebook.EX_ANTE[level], codebook.EX_POST[level])
        assert sum(len(s) for s in sets) == len(set().union(*sets)) == 95


def test_unknown_code_is_an_error():
    var = codebook.VARIABLES["triggr"]
    assert var.label(9) == "violent_act" and var.label(float("nan")) is None
    with pytest.raises(ValueError, match="not in the codebook"):
        var.label(12)


def test_missing_column_names_file_and_column(tmp_path: Path):
    actors, crises = shipped_paths()
    bad = tmp_path / "actors.csv"
    pd.read_csv(actors).drop(columns=["gravty"]).to_csv(bad, index=False)
    with pytest.raises(IcbDataError, match=r"actors\.csv: missing column 'gravty'"):
        load_icb(bad, crises)
