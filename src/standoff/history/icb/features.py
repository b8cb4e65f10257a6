"""Ex ante features of a crisis actor at its trigger, and the one gate through which data reaches them.

:func:`ex_ante_view` keeps only the columns the codebook declares ex ante
(:data:`~standoff.history.icb.codebook.EX_ANTE`, plus the trigger dates derived from them); every feature is
computed from that view alone, and each :class:`Feature` declares its source columns, checked against the codebook
when this module is imported. An ex post column therefore cannot reach a model's features.

Encodings: nominal features one-hot (with a "missing" indicator), ordinal features as their rank scaled to [0, 1],
counts as ``log1p``, the power discrepancy (``powdis``, −179…179, negative = actor weaker, as ICB codes Iran against
the US in 2003 and 2006) divided by 179; a missing value is filled with the middle and flagged. Two counts are
derived from earlier rows only (crisis numbers are chronological): earlier crises in the same protracted conflict
(``pcid``) and earlier crises between the same pair of states (``cracid`` and ``southv``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from standoff.history.icb.codebook import EX_ANTE, TRIGGER_ENTITIES, TRIGGER_ENTITY, VARIABLES, region

Kind = Literal["nominal", "ordinal", "count", "numeric", "flag"]
DERIVED_EX_ANTE = ("trigger_date", "system_trigger_date")


@dataclass(frozen=True)
class Feature:
    """One ex ante feature: its name, the columns it reads (``icb1.`` = system level), its kind and categories."""

    name: str
    sources: tuple[str, ...]
    kind: Kind
    meaning: str
    categories: tuple[str, ...] = ()
    weight: float = 1.0


def _coded(name: str, column: str, kind: Kind, meaning: str, weight: float = 1.0) -> Feature:
    return Feature(name, (column,), kind, meaning, tuple(VARIABLES[column].categories), weight)


FEATURES: tuple[Feature, ...] = (
    _coded("trigger", "triggr", "nominal", "type of act that triggered the actor's crisis", 2.0),
    Feature("trigger_entity", ("trigent",), "nominal", "who triggered it", tuple(TRIGGER_ENTITIES)),
    _coded("gravity", "gravty", "nominal", "gravest value threatened", 2.0),
    _coded("nuclear", "nuclear", "ordinal", "the actor's nuclear capability", 1.5),
    _coded("actor_power", "powsta", "ordinal", "the actor's power status", 1.5),
    _coded("adversary_power", "southpow", "ordinal", "power status of the source of threat", 1.5),
    Feature(
        "great_power_at_trigger", ("powsta", "southpow"), "flag", "a great power or superpower on either side", 1.0
    ),
    Feature("power_discrepancy", ("powdis",), "numeric", "power discrepancy, actor minus adversary (-179..179)"),
    _coded("regime", "regime", "nominal", "the actor's regime"),
    _coded("regime_duration", "durreg", "ordinal", "how long the regime had lasted"),
    _coded("protracted", "pc", "nominal", "protracted-conflict setting", 1.5),
    Feature(
        "prior_crises_in_conflict",
        ("pcid", "crisno"),
        "count",
        "earlier ICB crises in the same protracted conflict",
        weight=1.5,
    ),
    Feature(
        "prior_crises_with_adversary",
        ("cracid", "southv", "crisno"),
        "count",
        "earlier ICB crises between the actor and the same adversary",
        weight=1.5,
    ),
    Feature("intra_war", ("iwc",), "flag", "the crisis arose inside an ongoing war"),
    Feature("joins_ongoing", ("trigger_date", "system_trigger_date"), "flag", "the actor joined a crisis under way"),
    Feature("region", ("geog",), "nominal", "where the crisis took place", tuple(sorted({"africa", "americas", "asia", "europe", "middle_east"}))),
    _coded("distance", "cractloc", "ordinal", "distance of the actor from the crisis"),
    _coded("proximity", "icb1.geogrel", "ordinal", "proximity of the principal adversaries"),
    _coded("period", "period", "nominal", "polarity of the international system", 0.5),
    _coded("issue", "issue", "nominal", "most important initial issue-area"),
    _coded("alliance", "allycap", "nominal", "the actor's alliance pattern"),
    _coded("state_age", "age", "ordinal", "when the actor became sovereign", 0.5),
    _coded("territory", "territ", "ordinal", "the actor's territorial size", 0.5),
    _coded("economy", "econdt", "nominal", "pre-crisis economic problems", 0.5),
    _coded("unrest", "socunr", "nominal", "pre-crisis societal unrest", 0.5),
    _coded("instability", "gvinst", "nominal", "pre-crisis government instability", 0.5),
    _coded("ethnic", "icb1.ethnic", "nominal", "ethnic component of the crisis", 0.5),
)
BY_NAME = {f.name: f for f in FEATURES}


def check_sources(features: tuple[Feature, ...] = FEATURES) -> None:
    """Raise if a feature reads a column the codebook does not declare ex ante."""
    allowed = set(EX_ANTE["actor"]) | {f"icb1.{c}" for c in EX_ANTE["crisis"]} | set(DERIVED_EX_ANTE)
    for f in features:
        bad = [s for s in f.sources if s not in allowed]
        if bad:
            raise ValueError(f"feature {f.name!r} reads {bad}, which the codebook does not declare ex ante")


check_sources()


def ex_ante_view(actors: pd.DataFrame, crises: pd.DataFrame) -> pd.DataFrame:
    """Actor rows with only ex ante columns: the actor level's, and the crisis level's as ``icb1.<column>``."""
    own = [c for c in actors.columns if c in EX_ANTE["actor"] or c in DERIVED_EX_ANTE]
    system = crises[[c for c in crises.columns if c in EX_ANTE["crisis"]]].add_prefix("icb1.")
    view = actors[own].merge(system, left_on="crisno", right_on="icb1.crisno", how="left")
    return view.drop(columns="icb1.crisno")


def feature_frame(view: pd.DataFrame) -> pd.DataFrame:
    """One column per feature (labels for coded features, numbers otherwise), one row per actor."""
    out = pd.DataFrame(index=view.index)
    for f in FEATURES:
        out[f.name] = _compute(f, view)
    return out


def _compute(f: Feature, v: pd.DataFrame) -> pd.Series:
    if f.name == "trigger_entity":
        return v["trigent"].map(lambda x: None if x != x else TRIGGER_ENTITY.get(int(x), "state"))
    if f.name == "great_power_at_trigger":
        top = v[["powsta", "southpow"]].max(axis=1)
        return top.map(lambda x: np.nan if x != x else float(x >= 3))
    if f.name == "power_discrepancy":
        return v["powdis"].astype(float)
    if f.name == "prior_crises_in_conflict":
        return _prior(v, [None if p != p else (p if p != 0 else _NONE) for p in v["pcid"]])
    if f.name == "prior_crises_with_adversary":
        pairs = zip(v["cracid"], v["southv"], strict=True)
        return _prior(v, [None if a != a or b != b else frozenset({a, b}) for a, b in pairs])
    if f.name == "intra_war":
        return v["iwc"].map(lambda x: np.nan if x != x else float(x != 1))
    if f.name == "joins_ongoing":
        late = v["trigger_date"] > v["system_trigger_date"]
        return late.astype(float).where(v["trigger_date"].notna() & v["system_trigger_date"].notna())
    if f.name == "region":
        return v["geog"].map(region)
    (column,) = f.sources
    return v[column].map(VARIABLES[column].label)


_NONE = "not part of a protracted conflict"


def _prior(v: pd.DataFrame, keys: list[object]) -> pd.Series:
    """Per row, the number of distinct earlier crises (smaller ``crisno``) with the same key.

    A key of None is missing; the key :data:`_NONE` counts zero (no conflict to have earlier crises in).
    """
    crises: dict[object, set[float]] = {}
    for k, c in zip(keys, v["crisno"], strict=True):
        crises.setdefault(k, set()).add(c)
    counts = [
        np.nan if k is None else 0.0 if k == _NONE else float(sum(x < c for x in crises[k]))
        for k, c in zip(keys, v["crisno"], strict=True)
    ]
    return pd.Series(counts, index=v.index)


def design(frame: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """The numeric design matrix of a feature frame and its column names (fixed by the codebook, not the data)."""
    cols: list[np.ndarray] = []
    names: list[str] = []
    for f in FEATURES:
        x = frame[f.name]
        miss = x.isna().to_numpy()
        if f.kind == "nominal":
            for c in f.categories:
                cols.append((x == c).to_numpy(dtype=float))
                names.append(f"{f.name}={c}")
        elif f.kind == "ordinal":
            rank = x.map(lambda s, cats=f.categories: cats.index(s) / (len(cats) - 1) if isinstance(s, str) else np.nan)
            cols.append(rank.fillna(0.5).to_numpy(dtype=float))
            names.append(f.name)
        elif f.kind == "count":
            cols.append(np.log1p(x.astype(float).fillna(0.0).to_numpy()))
            names.append(f"log1p({f.name})")
        elif f.kind == "numeric":
            cols.append((x.astype(float) / 179.0).fillna(0.0).to_numpy())
            names.append(f"{f.name}/179")
        else:
            cols.append(x.astype(float).fillna(0.5).to_numpy())
            names.append(f.name)
        cols.append(miss.astype(float))
        names.append(f"{f.name}:missing")
    return np.column_stack(cols), names


def distances(case: pd.Series, frame: pd.DataFrame) -> pd.DataFrame:
    """Per-feature Gower distances in [0, 1] between one case and every row (missing on either side: 0.5)."""
    out = {}
    for f in FEATURES:
        a, b = case[f.name], frame[f.name]
        if f.kind == "ordinal":
            n = len(f.categories) - 1
            ra = f.categories.index(a) / n if isinstance(a, str) else np.nan
            rb = b.map(lambda s, cats=f.categories: cats.index(s) / n if isinstance(s, str) else np.nan)
            d = (rb - ra).abs()
        elif f.kind == "count":
            d = ((np.log1p(b.astype(float)) - np.log1p(float(a))).abs() / np.log1p(10.0)).clip(upper=1.0)
        elif f.kind == "numeric":
            d = ((b.astype(float) - float(a)).abs() / 179.0).clip(upper=1.0)
        else:
            d = (b != a).astype(float)
        missing = b.isna() | pd.isna(a)
        out[f.name] = d.astype(float).where(~missing, 0.5)
    return pd.DataFrame(out, index=frame.index)


def weighted_distance(parts: pd.DataFrame) -> pd.Series:
    """The weighted mean of per-feature distances (weights in :data:`FEATURES`)."""
    w = np.array([f.weight for f in FEATURES])
    return pd.Series(parts[[f.name for f in FEATURES]].to_numpy() @ w / w.sum(), index=parts.index)
