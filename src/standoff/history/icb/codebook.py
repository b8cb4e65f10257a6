"""The ICB v14 codebook as data: every column's role (identifier, ex ante, ex post) and the labels Standoff uses.

Follows ``data/icb/CODEBOOK.md`` (paraphrased from the official v13 codebook, Brecher, Wilkenfeld, Beardsley,
James and Quinn). Every column of both files is classified exactly once:

* ``IDENTIFIER``: row and crisis ids and names, for joins and display only (a crisis *name* such as
  "ONSET IRAN/IRAQ WAR" can state the outcome, so names never reach a model);
* ``EX_ANTE``: known when the actor perceives the trigger (the trigger, its date and source, the gravity of the
  threat, capabilities, regime, protracted conflict, geography, pre-crisis domestic conditions);
* ``EX_POST``: what happened later (responses, crisis management, violence, third-party activity, outcome,
  termination, duration) or coded over the whole crisis (the number of actors, the system level).

Borderline calls, made conservatively: ``gravty`` is "the gravest value threatened at any point"; it is kept ex ante
(the brief's "gravity of threat" and the ICB literature's stress-at-onset reading) and its system-level aggregate
``gravcr`` (over actors who may join later) is ex post; ``syslev``, ``noactr``, ``stressad`` and ``iwcmb`` (whose
code 2 means "initiation of a war") are ex post; ``iwc`` (whether the crisis arose inside an ongoing war) is ex ante.

Labels are short slugs of the codebook's value labels. ``missing`` lists undocumented sentinels treated as missing;
``not_applicable`` lists structural codes that are real values (e.g. "newly independent state"), kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["actor", "crisis"]

ACTOR_FILE = "icb2v14_to2007.csv"
CRISIS_FILE = "icb1v14_to2007.csv"
PARTIAL_DAY = {66: "early", 77: "mid", 88: "late"}

IDENTIFIER: dict[Level, frozenset[str]] = {
    "actor": frozenset({"icb2", "cracno", "actor", "crisname"}),
    "crisis": frozenset({"icb1", "crisname"}),
}

EX_ANTE: dict[Level, frozenset[str]] = {
    "actor": frozenset(
        {
            "crisno", "cracid", "systrgyr", "systrgmo", "systrgda", "triggr", "yrtrig", "motrig", "datrig",
            "trigent", "trigloc", "southv", "southpow", "actloc", "geog", "cractloc", "stainsys", "period", "pc",
            "pcid", "iwc", "powdis", "age", "territ", "regime", "durreg", "allycap", "globmemb", "nuclear", "powsta",
            "issue", "gravty", "pethin", "col", "unemp", "inflat", "foodpr", "labstr", "short", "econdt", "regrep",
            "socunr", "massvl", "gvinst",
        }
    ),  # fmt: skip
    "crisis": frozenset(
        {
            "crisno", "break", "trigent", "yrtrig", "motrig", "datrig", "geog", "geogrel", "period", "protrac",
            "pcid", "powdissy", "ethnic", "ethconf",
        }
    ),  # fmt: skip
}

EX_POST: dict[Level, frozenset[str]] = {
    "actor": frozenset(
        {
            "sizedu", "strcdu", "comlev", "majres", "yerres", "monres", "dayres", "trgresra", "crismg", "cenvio",
            "sevvio", "usinv", "usfavr", "suinv", "sufavr", "gbinv", "gbfavr", "frinv", "frfavr", "itinv", "itfavr",
            "grinv", "grfavr", "jpinv", "jpfavr", "globorg", "globact", "globfavr", "regorg", "regact", "rofavr",
            "outcom", "outfor", "outevl", "outesr", "yrterm", "moterm", "daterm", "trgterra", "resterra", "noactr",
            "syslev", "viol", "gpinv", "powinv", "chissu", "sourdt",
        }
    ),  # fmt: skip
    "crisis": frozenset(
        {
            "yrterm", "moterm", "daterm", "brexit", "gravcr", "crismg", "cenviosy", "sevviosy", "viol", "timvio",
            "iwcmb", "noactr", "gpinv", "gpinvtp", "gpefcttp", "gpefactp", "gppacetp", "powinv", "usinv", "usefct",
            "usefac", "uspace", "usactor", "suinv", "suefct", "suefac", "supace", "suactor", "soglact", "chinv",
            "globorg", "globactm", "globefct", "globefor", "globefac", "globpace", "soract", "regorg", "regactmb",
            "roefct", "robody", "roefac", "ropace", "subout", "forout", "exsat", "outesr", "cractr", "geostr",
            "hetero", "issues", "chacts", "chall", "powch", "rugach", "syslevsy", "stressad", "sourdt", "mediate",
            "mednum", "medwho", "medtime", "yrmedst", "momedst", "damedst", "yrmedend", "momedend", "damedend",
            "yrmedfin", "momedfin", "damedfin", "medgoal", "medfacl", "medform", "medmanip", "medstyle", "medstefc",
            "medefct", "medpace",
        }
    ),  # fmt: skip
}


def role(level: Level, column: str) -> Literal["identifier", "ex_ante", "ex_post"]:
    """The declared role of a column; unknown columns are an error (every shipped column is classified)."""
    if column in IDENTIFIER[level]:
        return "identifier"
    if column in EX_ANTE[level]:
        return "ex_ante"
    if column in EX_POST[level]:
        return "ex_post"
    raise KeyError(f"ICB {level}-level column {column!r} is not classified in the codebook")


@dataclass(frozen=True)
class Variable:
    """A coded column: its codes' labels, the structural not-applicable codes and the missing sentinels."""

    column: str
    level: Level
    meaning: str
    labels: dict[int, str]
    not_applicable: dict[int, str] = field(default_factory=dict)
    missing: frozenset[int] = frozenset()

    def label(self, code: float | None) -> str | None:
        """The label of a code; None for blanks and missing sentinels; an error for an unknown code."""
        if code is None or code != code or int(code) in self.missing:
            return None
        key = int(code)
        if key in self.labels:
            return self.labels[key]
        if key in self.not_applicable:
            return self.not_applicable[key]
        raise ValueError(f"{self.column}: code {key} is not in the codebook")

    @property
    def categories(self) -> list[str]:
        """All labels, substantive then not-applicable, in code order."""
        return list(self.labels.values()) + list(self.not_applicable.values())


_POWER = {1: "small", 2: "middle", 3: "great", 4: "superpower"}
_CHANGE = {1: "significant_increase", 2: "normal", 3: "significant_decrease"}
_NEW_STATE = {4: "newly_independent"}
_VIOLENCE = {1: "none", 2: "minor_clashes", 3: "serious_clashes", 4: "full_scale_war"}

VARIABLES: dict[str, Variable] = {
    v.column if v.level == "actor" else f"icb1.{v.column}": v
    for v in (
        Variable(
            "triggr",
            "actor",
            "type of act that triggered the actor's crisis",
            {
                1: "verbal_act",
                2: "political_act",
                3: "economic_act",
                4: "external_change",
                5: "other_nonviolent_act",
                6: "internal_challenge",
                7: "nonviolent_military_act",
                8: "indirect_violent_act",
                9: "violent_act",
            },
        ),
        Variable("southpow", "actor", "power status of the source of threat", _POWER),
        Variable("powsta", "actor", "power status of the actor", _POWER),
        Variable(
            "gravty",
            "actor",
            "gravest value threatened",
            {
                0: "economic",
                1: "limited_military",
                2: "political",
                3: "territorial",
                4: "influence",
                5: "grave_damage",
                6: "existence",
                7: "other",
            },
        ),
        Variable(
            "nuclear",
            "actor",
            "nuclear capability of the actor at the onset",
            {1: "none", 2: "foreseeable", 3: "no_second_strike", 4: "second_strike"},
        ),
        Variable(
            "regime",
            "actor",
            "political regime of the actor",
            {
                1: "democratic",
                2: "civil_authoritarian",
                3: "military_direct",
                4: "military_indirect",
                5: "military_dual",
            },
        ),
        Variable("durreg", "actor", "years the regime had lasted", {1: "0_2_years", 2: "3_25_years", 3: "over_25_years"}),
        Variable(
            "pc", "actor", "conflict setting", {1: "non_protracted", 2: "protracted", 3: "long_war_protracted"}
        ),
        Variable(
            "cractloc",
            "actor",
            "distance of the actor from the crisis",
            {1: "home_territory", 2: "subregion", 3: "same_continent", 4: "elsewhere"},
        ),
        Variable(
            "period",
            "actor",
            "polarity of the international system",
            {1: "multipolar_1918_39", 2: "world_war_ii", 3: "bipolar_1945_62", 4: "polycentric_1963_89", 5: "unipolar_1990"},
        ),
        Variable(
            "issue",
            "actor",
            "most important initial issue-area",
            {
                1: "military_security",
                2: "political_diplomatic",
                3: "economic_developmental",
                4: "cultural_status",
                5: "other",
            },
        ),
        Variable(
            "allycap",
            "actor",
            "alliance pattern of the actor",
            {1: "non_aligned", 2: "informal_ally_of_power", 3: "formal_ally_of_power", 4: "alliance_leader"},
        ),
        Variable(
            "age",
            "actor",
            "period in which the actor became sovereign",
            {
                1: "pre_1648",
                2: "1648_1814",
                3: "1815_1918",
                4: "1919_1945",
                5: "1945_1957",
                6: "1958_1966",
                7: "1967_1989",
                8: "post_1989",
            },
        ),
        Variable("territ", "actor", "territorial size", {1: "small", 2: "medium", 3: "large"}),
        Variable("econdt", "actor", "pre-crisis economic problems", _CHANGE, _NEW_STATE),
        Variable("socunr", "actor", "pre-crisis societal unrest", _CHANGE, _NEW_STATE),
        Variable("gvinst", "actor", "pre-crisis government instability", _CHANGE, _NEW_STATE),
        Variable("geogrel", "crisis", "proximity of the principal adversaries", {1: "contiguous", 2: "near", 3: "distant"}),
        Variable("ethnic", "crisis", "ethnic component", {1: "secessionist", 2: "irredentist", 3: "non_ethnic"}),
        # outcome variables (ex post): the questions read them, never the features
        Variable("viol", "actor", "violence the actor experienced", _VIOLENCE),
        Variable(
            "majres",
            "actor",
            "the actor's major response",
            {
                1: "no_response",
                2: "verbal_act",
                3: "political_act",
                4: "economic_act",
                5: "other_nonviolent_act",
                6: "nonviolent_military_act",
                7: "multiple_incl_nonviolent_military",
                8: "violent_military_act",
                9: "multiple_incl_violent_military",
            },
        ),
        Variable(
            "forout",
            "crisis",
            "form of outcome of the crisis",
            {
                1: "formal_agreement",
                2: "semi_formal_agreement",
                3: "tacit_understanding",
                4: "unilateral_act",
                5: "imposed_agreement",
                6: "other",
                7: "faded",
            },
        ),
    )
}

#: Trigger entity codes with a special meaning; any other code is a state.
TRIGGER_ENTITY = {995: "internal", 996: "non_state_actor", 997: "several_states"}
TRIGGER_ENTITIES = ["state", *TRIGGER_ENTITY.values()]

#: ICB region codes (``geog``, ``actloc``) grouped into five regions.
REGIONS = {
    "africa": range(20, 25),
    "americas": range(41, 44),
    "asia": (9, 10, 11, 12, 13, 51),
    "europe": range(30, 36),
    "middle_east": (15,),
}


def region(code: float | None) -> str | None:
    """The coarse region of an ICB region code."""
    if code is None or code != code:
        return None
    for name, codes in REGIONS.items():
        if int(code) in codes:
            return name
    raise ValueError(f"region code {int(code)} is not in the codebook")
