r"""Recurrence spells from the ICB actor-level data: the time from one crisis to the next between the same adversaries.

A *spell* runs, for one crisis actor, from the termination of a crisis to the trigger of the actor's next crisis
with the same adversaries, or is right-censored at the end of the data (:data:`DATA_END`, 2007-12-31; crises
triggered from 2008 on are withheld). The survival setting is the standard one of duration analysis with right
censoring (Kalbfleisch & Prentice, *The Statistical Analysis of Failure Time Data*, 2002); ICB codes a coarse
version of the same quantity, ``outesr`` (renewed crisis between the principal adversaries within five years).
"The same adversaries" means either

* the same protracted conflict (``pcid`` > 0, codebook "Context"), or
* the same triggering state (``trigent`` a country code, not 995/996/997).

The spell of a crisis ends at the first later crisis of the same actor that shares either key and is triggered
*after* the earlier crisis ended (crises that overlap it are concurrent, not recurrences). Each crisis actor gives
at most one spell (the earliest recurrence over its keys); crises with neither key give none. An actor that appears
twice in one crisis is merged into one record (earliest trigger, latest termination).

Covariates are those known when the earlier crisis ended (from its own row): the actor's outcome ``outcom``
(victory, compromise, stalemate, defeat, other), the violence it experienced ``viol`` (1 none … 4 full-scale war),
whether the gravest threat ``gravty`` was of grave damage or to existence (5, 6; the scale is nominal), high
great-power involvement (``powinv`` 4, 5 or 7 after 1945, ``gpinv`` 4, 5 or 7 before: two great powers highly
involved, or one highly involved or a crisis actor beside another highly involved), the power discrepancy
``powdis`` (signed score / 100; missing as 0 with an indicator), the economy before the crisis ``econdt`` (1 worse,
2 normal, 3 better; missing and "newly independent" as normal) and the number of earlier crises of the actor with
the same adversaries.

Two summaries put the ICB spells and the shipped episode files on one scale, so that every model fitted on ICB
can predict the episodes: ``severity`` on the coercion file's scale (0.1 symbolic strike, 0.3 multi-day campaign,
0.5 major campaign or forced concession, 0.7 sustained campaign ending in capitulation, 0.9+ decisive conventional
defeat), coded from ``viol`` (none 0.1, minor clashes 0.3, serious clashes 0.5, full-scale war 0.7) plus 0.2 for a
defeat, capped at 0.95; and ``help`` (1 for high great-power involvement, else 0; the episodes' outside support).
This coding is a judgment; whether harsher means later is left to the fitted models.

Durations are in months of 30.4375 days. Departure: ICB dates with only a month (or the 66/77/88 day codes) are
placed by the loader's convention (``standoff.history.icb.load``); a spell may therefore be off by half a month.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from standoff.history.episodes import Episode

#: The end of the shipped data: crises triggered from 2008 on are withheld.
DATA_END = dt.date(2007, 12, 31)
#: Days in a month.
MONTH_DAYS = 30.4375
#: ``trigent`` codes that are not a state: internal (995), non-state (996), several states (997).
NOT_A_STATE = frozenset({995, 996, 997})
#: ``powinv`` (post-1945) / ``gpinv`` (1918–45) codes of high great-power involvement.
HIGH_GP = frozenset({4, 5, 7})
#: ICB ``outcom`` codes to names.
OUTCOMES = {1: "victory", 2: "compromise", 3: "stalemate", 4: "defeat", 5: "other"}
#: ``viol`` (experienced violence) to severity on the coercion file's scale.
VIOL_SEVERITY = {1: 0.1, 2: 0.3, 3: 0.5, 4: 0.7}
DEFEAT_SEVERITY = 0.2

#: Columns of the spell table, besides identifiers.
SHARED_FEATURES = ("severity", "help", "economy", "log_prior")
FULL_FEATURES = (
    "victory",
    "compromise",
    "defeat",
    "other_outcome",
    "viol",
    "grave_threat",
    "gp_high",
    "powdis",
    "powdis_missing",
    "economy",
    "log_prior",
)


@dataclass(frozen=True)
class SpellSummary:
    """Counts of a spell table."""

    spells: int
    events: int
    censored: int
    actors: int


def _months(start: pd.Series, end: pd.Series) -> pd.Series:
    return (end - start).dt.days / MONTH_DAYS


def _keys(row: pd.Series) -> list[tuple[str, int]]:
    keys = []
    if row["pcid"] == row["pcid"] and row["pcid"] > 0:
        keys.append(("pcid", int(row["pcid"])))
    if row["trigent"] == row["trigent"] and int(row["trigent"]) not in NOT_A_STATE:
        keys.append(("trigent", int(row["trigent"])))
    return keys


def _actor_crises(actors: pd.DataFrame) -> pd.DataFrame:
    """One record per actor and crisis, with dates."""
    df = actors[actors["trigger_date"].notna() & actors["termination_date"].notna()].copy()
    df = df.sort_values(["cracid", "crisno", "termination_date"], kind="stable")
    first_trigger = df.groupby(["cracid", "crisno"])["trigger_date"].transform("min")
    df = df.groupby(["cracid", "crisno"], as_index=False).tail(1).copy()
    df["trigger_date"] = first_trigger.loc[df.index]
    return df.sort_values(["cracid", "trigger_date", "crisno"], kind="stable").reset_index(drop=True)


def build_spells(actors: pd.DataFrame, *, data_end: dt.date = DATA_END) -> pd.DataFrame:
    """The recurrence spells of an actor-level ICB frame (columns of the typed loader: the codebook's columns plus
    ``trigger_date`` and ``termination_date``), one row per spell, sorted by start date.

    Columns: ``actor``, ``cracid``, ``crisno``, ``crisname``, ``next_crisno`` (``-1`` if censored), ``key`` (how
    the recurrence matched: ``pcid``/``trigent``), ``start`` (termination of the earlier crisis), ``end`` (trigger
    of the next one, or ``data_end``), ``months``, ``event``, the raw codes ``outcom``, ``viol``, ``gravty``,
    ``powdis``, and the features of :data:`SHARED_FEATURES` and :data:`FULL_FEATURES`.
    """
    end_ts = pd.Timestamp(data_end)
    crises = _actor_crises(actors)
    rows = []
    for _, group in crises.groupby("cracid", sort=False):
        records = group.to_dict("records")
        keys = [_keys(pd.Series(r)) for r in records]
        for i, rec in enumerate(records):
            if not keys[i] or rec["termination_date"] > end_ts:
                continue
            shared = set(keys[i])
            earlier = sum(1 for j in range(i) if shared & set(keys[j]))
            nxt, how = None, ""
            for j in range(len(records)):
                later = records[j]
                if j == i or later["trigger_date"] <= rec["termination_date"] or later["trigger_date"] > end_ts:
                    continue
                common = shared & set(keys[j])
                if common and (nxt is None or later["trigger_date"] < nxt["trigger_date"]):
                    nxt, how = later, "/".join(sorted(k for k, _ in common))
            rows.append(
                {
                    "actor": rec["actor"],
                    "cracid": int(rec["cracid"]),
                    "crisno": int(rec["crisno"]),
                    "crisname": rec["crisname"],
                    "next_crisno": -1 if nxt is None else int(nxt["crisno"]),
                    "key": how,
                    "start": rec["termination_date"],
                    "end": end_ts if nxt is None else nxt["trigger_date"],
                    "event": nxt is not None,
                    "n_prior": earlier,
                    **{c: rec[c] for c in ("outcom", "viol", "gravty", "powdis", "powinv", "gpinv", "econdt")},
                }
            )
    spells = pd.DataFrame(rows)
    spells["months"] = _months(spells["start"], spells["end"])
    return _features(spells).sort_values(["start", "crisno", "cracid"], kind="stable").reset_index(drop=True)


def _features(s: pd.DataFrame) -> pd.DataFrame:
    outcome = s["outcom"].map(OUTCOMES)
    s["outcome"] = outcome.fillna("stalemate")
    for name in ("victory", "compromise", "defeat"):
        s[name] = (s["outcome"] == name).astype(float)
    s["other_outcome"] = (s["outcome"] == "other").astype(float)
    s["viol"] = s["viol"].fillna(1.0).astype(float)
    s["grave_threat"] = (s["gravty"] >= 5).astype(float)
    gp = s["powinv"].where(s["start"].dt.year >= 1945, s["gpinv"])
    s["gp_high"] = gp.isin(HIGH_GP).astype(float)
    s["powdis_missing"] = s["powdis"].isna().astype(float)
    s["powdis"] = s["powdis"].fillna(0.0).astype(float) / 100.0
    s["economy"] = s["econdt"].map({1: 0.25, 2: 0.5, 3: 0.75}).fillna(0.5).astype(float)
    s["severity"] = np.minimum(s["viol"].map(VIOL_SEVERITY) + DEFEAT_SEVERITY * s["defeat"], 0.95).astype(float)
    s["help"] = s["gp_high"]
    s["log_prior"] = np.log1p(s["n_prior"].astype(float))
    return s


def summary(spells: pd.DataFrame) -> SpellSummary:
    events = int(spells["event"].sum())
    return SpellSummary(len(spells), events, len(spells) - events, int(spells["cracid"].nunique()))


def split_by_time(spells: pd.DataFrame, last_train_year: int = 1990) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training spells (earlier crisis ended up to ``last_train_year``), censored at the end of that year, as they
    were known then; and test spells (earlier crisis ended later)."""
    cut = pd.Timestamp(dt.date(last_train_year, 12, 31))
    train = spells[spells["start"] <= cut].copy()
    late = train["end"] > cut
    train.loc[late, "end"] = cut
    train.loc[late, "event"] = False
    train["months"] = _months(train["start"], train["end"])
    return train.reset_index(drop=True), spells[spells["start"] > cut].reset_index(drop=True)


def episode_frame(episodes: Sequence[Episode]) -> pd.DataFrame:
    """Episodes as spells with the shared features: severity as coded, outside support as ``help`` (neutral 0.5
    when unknown), economy (0.5 unknown), and the number of earlier episodes of the same challenger in the set."""
    rows = []
    for e in episodes:
        prior = sum(1 for o in episodes if o.challenger == e.challenger and o.shock_date < e.shock_date)
        rows.append(
            {
                "id": e.episode_id,
                "months": float(e.duration_months),
                "event": bool(e.event),
                "severity": float(e.severity),
                "help": 0.5 if e.support is None else float(e.support),
                "economy": 0.5 if e.economy is None else float(e.economy),
                "log_prior": math.log1p(prior),
            }
        )
    return pd.DataFrame(rows)
