"""The ex ante feature set as plain data (no pandas): names, source columns, kinds, categories, distance weights.

Kept apart from :mod:`~standoff.history.icb.features` so that the scenario format can validate a crisis coding
against it without importing pandas. Every feature's source columns are checked against the codebook's ex ante
columns when this module is imported (:func:`check_sources`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from standoff.core.icb.codebook import EX_ANTE, REGIONS, TRIGGER_ENTITIES, VARIABLES

#: The five questions of the outside view (defined in :mod:`~standoff.history.icb.outcomes`).
QUESTIONS = ("violence_serious", "full_scale_war", "violent_response_30d", "lasts_over_90d", "agreement")

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
        "great_power_at_trigger",
        ("powsta", "southpow"),
        "flag",
        "a great power or superpower on either side",
        weight=1.0,
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
    Feature("region", ("geog",), "nominal", "where the crisis took place", tuple(REGIONS)),
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
#: Features computed from other features, never coded by hand.
DERIVED = ("great_power_at_trigger",)
CODED = tuple(f for f in FEATURES if f.name not in DERIVED)


def check_sources(features: tuple[Feature, ...] = FEATURES) -> None:
    """Raise if a feature reads a column the codebook does not declare ex ante."""
    allowed = set(EX_ANTE["actor"]) | {f"icb1.{c}" for c in EX_ANTE["crisis"]} | set(DERIVED_EX_ANTE)
    for f in features:
        bad = [s for s in f.sources if s not in allowed]
        if bad:
            raise ValueError(f"feature {f.name!r} reads {bad}, which the codebook does not declare ex ante")


check_sources()
