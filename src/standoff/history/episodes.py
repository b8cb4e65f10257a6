"""Historical coercion episodes as data: loading, validation, one common record.

An *episode* is a coercive shock (a strike, a war, a forced concession) and
the time until the coerced side next tested the coercer's resolve, or the
time at which observation stopped without a test (right censoring). The
deterrence engine (:mod:`standoff.engines.deterrence`) is calibrated on
episodes and checked on episodes it was not fitted to
(:mod:`standoff.history.calibration`).

Two CSV formats are read; both ship with the package in
``standoff/data/episodes`` (provenance in the README there):

* **Iran–US format** (``iran_us_episodes.csv``): ``episode_id, shock_date,
  shock, shock_severity_judgment, first_kinetic_test_date, first_kinetic_test,
  first_political_test_date, first_political_test, dating_confidence, notes``;
  optional ``censor_date`` (required when both test dates are blank),
  ``economy_0_1``, ``sanctions_0_1``, ``support_0_1``.
* **Coercion format** (``coercion_episodes.csv``): ``case_id, target, coercer,
  shock_label, shock_date, severity_0_1, severity_reason, external_support,
  next_challenge_label, next_challenge_date, event, duration_months,
  censor_reason, icb_crisno, notes``; optional ``economy_0_1``,
  ``sanctions_0_1``, ``support_0_1``, ``confidence``.

Every row is validated with pydantic before anything is returned; a file with
errors raises :class:`EpisodeFileError`, whose message has one line per
problem naming the file, the row (data row number, episode id and line), the
column and what was expected, e.g.::

    bad.csv, row 2 (IR-1988, line 3), column 'shock_date': expected a date as YYYY-MM-DD, got '1988-04-31'

Nothing half-loaded is returned.

Coding rules (the choices this module makes, and why)
------------------------------------------------------

**Severity.** The coercion file carries a number on the scale its README
defines: 0.1 symbolic strike, 0.3 multi-day campaign, 0.5 major campaign or
forced concession, 0.7 sustained campaign ending in capitulation, 0.9+
decisive conventional defeat. The Iran–US file carries an analyst's words;
they map onto the same scale (:data:`SEVERITY_LEVELS`):

* ``very low`` → 0.05: below a symbolic strike (a warning, a seizure);
* ``low`` → 0.15: a limited or single strike, between the scale's 0.1
  (symbolic strike) and 0.3 (multi-day campaign); the coercion file codes
  comparable shocks 0.1-0.15 (Shayrat 2017, Desert Strike 1996). The killing
  of Soleimani (2020) and the end of the hostage crisis under pressure
  (1981) are coded ``low``;
* ``moderate`` / ``medium`` → 0.35: a credible threat that forces a
  concession without a campaign, between 0.3 and 0.5; the coercion file
  codes the closest analogue (Syria 2013: strike threat plus forced
  disarmament) 0.35. Iran's 2003 suspension of enrichment is ``moderate``;
* ``high`` → 0.7: a sustained campaign that breaks a capability (the scale's
  0.7);
* ``very high`` → 0.9: decisive conventional defeat (the scale's 0.9+); Iran
  in 1988 (navy sunk, al-Faw lost, ceasefire after eight years of war).

A parenthetical qualifier (``moderate (threat, no strike)``) is kept in the
label and does not change the number. A *mixed* label, ``high on nuclear
sites; low on missile boats, mines, coastal batteries and drones``, is a list
of ``LEVEL on TARGETS`` clauses: the scalar severity is the mean of the
clause levels, each clause counting once (the shock fell unevenly; no clause
is presumed to weigh more without a stated reason), and the clauses are kept
in :attr:`Episode.severity_components` for engines that model capability by
component. June 2025 thus scores (0.7 + 0.15) / 2 = 0.425. A number in
[0, 1] is also accepted in place of words.

**Which test counts (Iran–US file).** The file dates two kinds of test: the
first kinetic test (lethal or military action against US forces, directly or
through proxies) and the first political test (defying a nuclear or
diplomatic commitment). Ruhe's "Iran Remains Defiant in Defeat" counts both
(restarting enrichment after 2003, missile strikes after 2020), so by default
the next challenge is the **earliest** of the two dates given (``test_rule="earliest"``). A blank
date means that kind of test is not the one the episode is known for, not
that no test happened, so it is never read as censoring. ``test_rule=
"kinetic"`` or ``"political"`` prefers that kind and falls back to the other
when it is blank. An episode with both dates blank is censored at its
``censor_date``.

**Outside support.** ``external_support`` names patrons; each adds 0.5 if a
great power (USA, USSR, Russia, China) and 0.3 otherwise; a qualifier in
parentheses (``USSR (waning)``, ``Russia (political)``) halves that patron's
share; ``none`` is 0; the total is capped at 1. A ``support_0_1`` column, when
present, overrides the rule.

**Economy, sanctions.** Optional columns ``economy_0_1`` (1 = healthy) and
``sanctions_0_1`` (1 = maximum pressure). Where absent they are ``None`` and
the engine treats them as neutral (0.5). The shipped Iran–US file has no such
columns; :data:`IRAN_US_CONTEXT` codes them, with the evidence for each,
for the five Iranian episodes.

**Confidence.** The Iran–US file's ``dating_confidence``. The coercion file
has no such column (a ``confidence`` column overrides what follows): ``low``
when its notes flag a judgment call (``JUDGMENT``) or a sensitivity-only
case, ``medium`` when they give an alternative dating (they say ``Alt`` or
quote a number of months), ``high`` otherwise.
Cases whose notes say to use them "only in a sensitivity run" (al-Qaeda
1998, a non-state actor) are marked :attr:`Episode.sensitivity_only` and left
out of :func:`coercion_episodes` unless asked for.

**Months.** Durations are days / (365.25 / 12). In the coercion format the
stated ``duration_months`` must agree with ``next_challenge_date −
shock_date`` to within 0.2 months when the event is observed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = [
    "DAYS_PER_MONTH",
    "IRAN_US_CONTEXT",
    "SEVERITY_LEVELS",
    "Confidence",
    "Episode",
    "EpisodeContext",
    "EpisodeFileError",
    "EpisodeProblem",
    "TestRule",
    "builtin_episode_files",
    "coercion_episodes",
    "episodes_hash",
    "iran_us_episodes",
    "load_episodes",
    "read_episodes",
    "severity_from_label",
    "support_from_label",
]

DAYS_PER_MONTH = 365.25 / 12
"""Days in an average month; durations are days / this."""

Confidence = Literal["high", "medium", "low"]
TestRule = Literal["earliest", "kinetic", "political"]

SEVERITY_LEVELS: Mapping[str, float] = {
    "very low": 0.05,
    "low": 0.15,
    "moderate": 0.35,
    "medium": 0.35,
    "high": 0.7,
    "very high": 0.9,
}
"""Verbal severity → number on the coercion file's 0-1 scale (rationale above)."""

_GREAT_POWERS = ("usa", "us", "united states", "ussr", "soviet union", "russia", "china")

DURATION_TOLERANCE_MONTHS = 0.2


# ---------------------------------------------------------------------------
# The common record
# ---------------------------------------------------------------------------


class Episode(BaseModel):
    """One coercive shock and the time to the next challenge.

    Attributes:
        episode_id: unique id (``IR-1988``, ``LY-1986``).
        source: the file name it came from.
        challenger: the coerced side, which may later test again.
        defender: the coercer whose resolve is tested.
        shock: what happened.
        shock_date: date of the shock.
        severity: severity in [0, 1] on the coercion file's scale.
        severity_label: the severity as written in the file.
        severity_components: for mixed labels, ``{targets: level}`` per clause.
        support: outside support in [0, 1], or ``None`` when unknown.
        support_label: the support as written (or the context's wording).
        economy: the challenger's economy in [0, 1] (1 healthy), or ``None``.
        sanctions: sanctions pressure in [0, 1], or ``None``.
        context_note: evidence for ``support``, ``economy`` and ``sanctions``
            when they come from a context table rather than the file.
        next_challenge: the test that ended the episode (empty if censored).
        next_challenge_date: its date, or ``None`` if censored.
        test_kind: ``"kinetic"``, ``"political"`` (Iran–US file), ``"challenge"``
            (coercion file), or ``None`` if censored.
        event: ``True`` if the next challenge was observed, ``False`` if censored.
        duration_months: months from the shock to the challenge or censoring.
        confidence: dating confidence.
        sensitivity_only: the source says to use it only in sensitivity runs.
        notes: free text from the file.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    episode_id: str = Field(min_length=1)
    source: str
    challenger: str
    defender: str
    shock: str
    shock_date: date
    severity: float = Field(ge=0.0, le=1.0)
    severity_label: str
    severity_components: dict[str, float] = Field(default_factory=dict)
    support: float | None = Field(default=None, ge=0.0, le=1.0)
    support_label: str = ""
    economy: float | None = Field(default=None, ge=0.0, le=1.0)
    sanctions: float | None = Field(default=None, ge=0.0, le=1.0)
    context_note: str = ""
    next_challenge: str = ""
    next_challenge_date: date | None = None
    test_kind: Literal["kinetic", "political", "challenge"] | None = None
    event: bool
    duration_months: float = Field(ge=0.0)
    confidence: Confidence
    sensitivity_only: bool = False
    notes: str = ""


@dataclass(frozen=True)
class EpisodeContext:
    """Conditions around a shock that an episode file does not carry.

    Attributes:
        support: outside support in [0, 1].
        economy: the challenger's economy in [0, 1] (1 healthy).
        sanctions: sanctions pressure in [0, 1] (1 maximum).
        label: the patrons, in the coercion file's ``external_support`` style.
        evidence: the sentence the numbers rest on.
    """

    support: float
    economy: float
    sanctions: float
    label: str
    evidence: str


IRAN_US_CONTEXT: Mapping[str, EpisodeContext] = {
    "IR-1981": EpisodeContext(
        support=0.3,
        economy=0.3,
        sanctions=0.4,
        label="Syria/Libya",
        evidence=(
            "Revolution and, since September 1980, war with Iraq had cut oil exports and output; "
            "the Algiers Accords unfroze part of Iran's assets but an arms embargo stayed; "
            "Syria and Libya were its only real partners, no great-power patron."
        ),
    ),
    "IR-1988": EpisodeContext(
        support=0.1,
        economy=0.1,
        sanctions=0.5,
        label="none (USSR collapsing)",
        evidence=(
            "Eight years of total war and the 1986 oil-price collapse left the economy wrecked "
            "(the article: forces 'hollowed out', a generation 'bled white'); US import embargo "
            "from 1987; isolated 'faced with an uncontested American superpower'."
        ),
    ),
    "IR-2003": EpisodeContext(
        support=0.5,
        economy=0.7,
        sanctions=0.3,
        label="Russia (Bushehr)/China (trade)",
        evidence=(
            "Oil boom and growth in the reformist years; only US unilateral sanctions, no UN "
            "sanctions until 2006; Russia building Bushehr, China a growing trade partner."
        ),
    ),
    "IR-2020": EpisodeContext(
        support=0.5,
        economy=0.3,
        sanctions=0.8,
        label="China (oil)/Russia (political)",
        evidence=(
            "US 'maximum pressure' since 2018 had collapsed oil exports and the rial, recession "
            "2018-19; China kept buying oil, Russia gave diplomatic cover."
        ),
    ),
    "IR-2025": EpisodeContext(
        support=0.6,
        economy=0.15,
        sanctions=0.95,
        label="China/Russia",
        evidence=(
            "Currency more than halved since June, food inflation near triple figures, power and "
            "water failing, nationwide protests; UN sanctions snapped back in September and a 25% "
            "US tariff on Iran's trading partners in January; Tehran 'pursues Chinese and Russian "
            "help to restock the armed forces and circumvent' sanctions."
        ),
    ),
}
"""Support, economy and sanctions for the shipped Iran–US episodes (the file has none)."""


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeProblem:
    """One problem in an episode file.

    Attributes:
        file: the file name.
        row: the data row (1 = first row after the header), or ``None`` for the header.
        line: the line in the file where the row ends, or ``None``.
        episode: the row's episode id, when it has one.
        column: the column concerned.
        expected: what was expected, in words.
        got: what was found, or ``None`` (a missing column).
    """

    file: str
    row: int | None
    line: int | None
    episode: str | None
    column: str
    expected: str
    got: str | None

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.file}, header: missing column '{self.column}'; expected {self.expected}"
        where = f"row {self.row} ("
        if self.episode:
            where += f"{self.episode}, "
        where += f"line {self.line})"
        got = "" if self.got is None else f", got {self.got!r}"
        return f"{self.file}, {where}, column '{self.column}': expected {self.expected}{got}"


class EpisodeFileError(ValueError):
    """An episode file failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[EpisodeProblem]):
        self.problems: tuple[EpisodeProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# ---------------------------------------------------------------------------
# Cell parsers (each raises ValueError whose text is "what was expected")
# ---------------------------------------------------------------------------

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not _DATE_RE.match(text):
        raise ValueError("a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("a date as YYYY-MM-DD") from None


def _parse_optional_date(value: Any) -> date | None:
    if value is None or str(value).strip() == "":
        return None
    return _parse_date(value)


def _parse_unit(value: Any) -> float:
    try:
        x = float(str(value).strip())
    except ValueError:
        raise ValueError("a number in [0, 1]") from None
    if not 0.0 <= x <= 1.0:
        raise ValueError("a number in [0, 1]")
    return x


def _parse_optional_unit(value: Any) -> float | None:
    if value is None or str(value).strip() == "":
        return None
    return _parse_unit(value)


def _parse_nonneg(value: Any) -> float:
    try:
        x = float(str(value).strip())
    except ValueError:
        raise ValueError("a number of months >= 0") from None
    if not x >= 0.0:
        raise ValueError("a number of months >= 0")
    return x


def _parse_event(value: Any) -> bool:
    text = str(value).strip()
    if text == "1":
        return True
    if text == "0":
        return False
    raise ValueError("0 (censored) or 1 (challenge observed)")


def _parse_text(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        raise ValueError("a non-empty value")
    return text


def _parse_optional_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _parse_confidence(value: Any) -> str:
    text = str(value).strip().lower()
    if text not in ("high", "medium", "low"):
        raise ValueError("one of: high, medium, low")
    return text


def _parse_optional_confidence(value: Any) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    return _parse_confidence(value)


_LEVEL_WORDS = ", ".join(SEVERITY_LEVELS)
_SEVERITY_EXPECTED = f"a number in [0, 1] or one of: {_LEVEL_WORDS} (optionally 'LEVEL on TARGETS; LEVEL on TARGETS')"


def _level(text: str) -> float:
    """A single verbal level (qualifiers in parentheses ignored) or a number."""
    core = re.sub(r"\([^)]*\)", "", text).strip().lower()
    if core in SEVERITY_LEVELS:
        return SEVERITY_LEVELS[core]
    try:
        x = float(core)
    except ValueError:
        raise ValueError(_SEVERITY_EXPECTED) from None
    if not 0.0 <= x <= 1.0:
        raise ValueError(_SEVERITY_EXPECTED)
    return x


def severity_from_label(label: str) -> tuple[float, dict[str, float]]:
    """Turn a severity as written into ``(severity, components)``.

    ``"very high"`` → ``(0.9, {})``; ``"0.4"`` → ``(0.4, {})``;
    ``"high on nuclear sites; low on drones"`` → ``(0.425, {"nuclear sites": 0.7,
    "drones": 0.15})``. Raises ``ValueError`` (whose text says what was
    expected) for anything else. The rationale is in the module docstring.
    """
    text = str(label).strip()
    if not text:
        raise ValueError(_SEVERITY_EXPECTED)
    clauses = [c.strip() for c in text.split(";") if c.strip()]
    if len(clauses) == 1 and " on " not in f" {clauses[0].lower()} ":
        return _level(clauses[0]), {}
    components: dict[str, float] = {}
    for clause in clauses:
        m = re.match(r"^(.*?)\s+on\s+(.+)$", clause, flags=re.IGNORECASE)
        if not m:
            raise ValueError(_SEVERITY_EXPECTED)
        components[m.group(2).strip()] = _level(m.group(1))
    value = sum(components.values()) / len(components)
    return round(value, 6), components


def support_from_label(label: str) -> float:
    """Outside support in [0, 1] from a list of patrons such as ``"Russia/Iran"``.

    Each patron adds 0.5 if a great power (USA, USSR, Russia, China) and 0.3
    otherwise; a qualifier in parentheses halves that patron's share; ``none``
    (or an empty cell) is 0; the total is capped at 1.
    """
    text = str(label).strip()
    if text == "" or text.lower().startswith("none"):
        return 0.0
    total = 0.0
    for part in re.split(r"[/,;+]|\band\b", text):
        part = part.strip()
        if not part:
            continue
        qualified = "(" in part
        name = re.sub(r"\([^)]*\)", "", part).strip().lower()
        share = 0.5 if name in _GREAT_POWERS else 0.3
        total += share / 2 if qualified else share
    return round(min(total, 1.0), 6)


def _parse_severity(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    severity_from_label(text)  # raises ValueError with "what was expected"
    return text


# ---------------------------------------------------------------------------
# Row models (pydantic)
# ---------------------------------------------------------------------------


def _validator(fn: Callable[[Any], Any], *fields: str) -> Any:
    return field_validator(*fields, mode="before")(lambda cls, v: fn(v))


class _IranUSRow(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    episode_id: str
    shock_date: date
    shock: str
    shock_severity_judgment: str
    first_kinetic_test_date: date | None
    first_kinetic_test: str
    first_political_test_date: date | None
    first_political_test: str
    dating_confidence: str
    notes: str
    censor_date: date | None = None
    economy_0_1: float | None = None
    sanctions_0_1: float | None = None
    support_0_1: float | None = None

    _id = _validator(_parse_text, "episode_id", "shock")
    _dates = _validator(_parse_date, "shock_date")
    _odates = _validator(_parse_optional_date, "first_kinetic_test_date", "first_political_test_date", "censor_date")
    _texts = _validator(_parse_optional_text, "first_kinetic_test", "first_political_test", "notes")
    _sev = _validator(_parse_severity, "shock_severity_judgment")
    _conf = _validator(_parse_confidence, "dating_confidence")
    _units = _validator(_parse_optional_unit, "economy_0_1", "sanctions_0_1", "support_0_1")


class _CoercionRow(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    case_id: str
    target: str
    coercer: str
    shock_label: str
    shock_date: date
    severity_0_1: float
    severity_reason: str
    external_support: str
    next_challenge_label: str
    next_challenge_date: date | None
    event: bool
    duration_months: float
    censor_reason: str
    icb_crisno: str
    notes: str
    economy_0_1: float | None = None
    sanctions_0_1: float | None = None
    support_0_1: float | None = None
    confidence: str | None = None

    _req = _validator(_parse_text, "case_id", "target", "coercer", "shock_label", "external_support")
    _dates = _validator(_parse_date, "shock_date")
    _odates = _validator(_parse_optional_date, "next_challenge_date")
    _sev = _validator(_parse_unit, "severity_0_1")
    _event = _validator(_parse_event, "event")
    _dur = _validator(_parse_nonneg, "duration_months")
    _texts = _validator(
        _parse_optional_text, "severity_reason", "next_challenge_label", "censor_reason", "icb_crisno", "notes"
    )
    _units = _validator(_parse_optional_unit, "economy_0_1", "sanctions_0_1", "support_0_1")
    _conf = _validator(_parse_optional_confidence, "confidence")


_IRAN_REQUIRED = (
    "episode_id",
    "shock_date",
    "shock",
    "shock_severity_judgment",
    "first_kinetic_test_date",
    "first_kinetic_test",
    "first_political_test_date",
    "first_political_test",
    "dating_confidence",
    "notes",
)
_COERCION_REQUIRED = (
    "case_id",
    "target",
    "coercer",
    "shock_label",
    "shock_date",
    "severity_0_1",
    "severity_reason",
    "external_support",
    "next_challenge_label",
    "next_challenge_date",
    "event",
    "duration_months",
    "censor_reason",
    "icb_crisno",
    "notes",
)
_FORMATS: Mapping[str, tuple[str, ...]] = {"iran_us": _IRAN_REQUIRED, "coercion": _COERCION_REQUIRED}


def _months_between(start: date, end: date) -> float:
    return (end - start).days / DAYS_PER_MONTH


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def read_episodes(
    text: str,
    name: str,
    *,
    file_format: Literal["iran_us", "coercion"] | None = None,
    test_rule: TestRule = "earliest",
    context: Mapping[str, EpisodeContext] | None = None,
) -> tuple[Episode, ...]:
    """Parse and validate the CSV ``text`` of an episode file called ``name``.

    Args:
        text: the file's content.
        name: the file name used in error messages.
        file_format: ``"iran_us"`` or ``"coercion"``; ``None`` detects it from
            the header (the format sharing more columns with it).
        test_rule: which Iran–US test dates the next challenge (module docstring).
        context: support/economy/sanctions for episodes whose file lacks them,
            by episode id; ``None`` uses :data:`IRAN_US_CONTEXT` for the
            Iran–US format and nothing for the coercion format.

    Returns:
        The episodes in file order.

    Raises:
        EpisodeFileError: listing every problem (file, row, column, expected).
    """
    if test_rule not in ("earliest", "kinetic", "political"):
        raise ValueError(f"test_rule must be 'earliest', 'kinetic' or 'political', got {test_rule!r}")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    if file_format is None:
        file_format = max(_FORMATS, key=lambda f: len(set(_FORMATS[f]) & set(header)))
    if file_format not in _FORMATS:
        raise ValueError(f"file_format must be 'iran_us' or 'coercion', got {file_format!r}")
    required = _FORMATS[file_format]
    missing = [c for c in required if c not in header]
    if missing:
        expected = f"the columns of a {file_format} episode file: {', '.join(required)}"
        raise EpisodeFileError([EpisodeProblem(name, None, None, None, c, expected, None) for c in missing])

    if context is None:
        context = IRAN_US_CONTEXT if file_format == "iran_us" else {}
    id_column = "episode_id" if file_format == "iran_us" else "case_id"
    problems: list[EpisodeProblem] = []
    episodes: list[Episode] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(reader, start=1):
        line = reader.line_num
        episode_id = (raw.get(id_column) or "").strip() or None
        row_problems: list[EpisodeProblem] = []

        def problem(
            column: str,
            expected: str,
            got: Any,
            _i: int = i,
            _line: int = line,
            _id: str | None = episode_id,
            _out: list[EpisodeProblem] = row_problems,
        ) -> None:
            _out.append(EpisodeProblem(name, _i, _line, _id, column, expected, None if got is None else str(got)))

        cells = {k: (v if v is not None else "") for k, v in raw.items() if k is not None}
        model: type[BaseModel] = _IranUSRow if file_format == "iran_us" else _CoercionRow
        try:
            row = model.model_validate(cells)
        except ValidationError as exc:
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else "?"
                msg = str(err["msg"])
                msg = msg.removeprefix("Value error, ")
                problem(column, msg, cells.get(column, ""))
            problems.extend(row_problems)
            continue

        if episode_id in seen:
            problem(id_column, f"a unique id (also on row {seen[episode_id]})", episode_id)
        elif episode_id is not None:
            seen[episode_id] = i

        if isinstance(row, _IranUSRow):
            ep = _iran_episode(row, name, test_rule, context, problem)
        else:
            ep = _coercion_episode(row, name, context, problem)
        if row_problems:
            problems.extend(row_problems)
        elif ep is not None:
            episodes.append(ep)
    if problems:
        raise EpisodeFileError(problems)
    return tuple(episodes)


def _iran_episode(
    row: _IranUSRow,
    name: str,
    test_rule: TestRule,
    context: Mapping[str, EpisodeContext],
    problem: Callable[[str, str, Any], None],
) -> Episode | None:
    severity, components = severity_from_label(row.shock_severity_judgment)
    tests: dict[str, tuple[date, str]] = {}
    for kind in ("kinetic", "political"):
        when: date | None = getattr(row, f"first_{kind}_test_date")
        if when is None:
            continue
        column = f"first_{kind}_test_date"
        if when < row.shock_date:
            problem(column, f"a date on or after the shock date {row.shock_date.isoformat()}", when.isoformat())
            return None
        tests[kind] = (when, getattr(row, f"first_{kind}_test"))
    if tests:
        if test_rule == "earliest":
            kind = min(tests, key=lambda k: tests[k][0])
        else:
            kind = test_rule if test_rule in tests else next(iter(tests))
        when, what = tests[kind]
        event, end, test_kind, challenge = True, when, kind, what
    else:
        if row.censor_date is None:
            problem("censor_date", "a censoring date when both test dates are blank", "")
            return None
        if row.censor_date < row.shock_date:
            problem("censor_date", f"a date on or after the shock date {row.shock_date.isoformat()}", row.censor_date)
            return None
        event, end, test_kind, challenge = False, row.censor_date, None, ""
    ctx = context.get(row.episode_id)
    support = row.support_0_1 if row.support_0_1 is not None else (ctx.support if ctx else None)
    economy = row.economy_0_1 if row.economy_0_1 is not None else (ctx.economy if ctx else None)
    sanctions = row.sanctions_0_1 if row.sanctions_0_1 is not None else (ctx.sanctions if ctx else None)
    return Episode(
        episode_id=row.episode_id,
        source=name,
        challenger="Iran",
        defender="USA",
        shock=row.shock,
        shock_date=row.shock_date,
        severity=severity,
        severity_label=row.shock_severity_judgment,
        severity_components=components,
        support=support,
        support_label=ctx.label if ctx else "",
        economy=economy,
        sanctions=sanctions,
        context_note=ctx.evidence if ctx else "",
        next_challenge=challenge,
        next_challenge_date=end if event else None,
        test_kind=test_kind,  # type: ignore[arg-type]
        event=event,
        duration_months=round(_months_between(row.shock_date, end), 4),
        confidence=row.dating_confidence,  # type: ignore[arg-type]
        notes=row.notes,
    )


def _coercion_episode(
    row: _CoercionRow,
    name: str,
    context: Mapping[str, EpisodeContext],
    problem: Callable[[str, str, Any], None],
) -> Episode | None:
    if row.event and row.next_challenge_date is None:
        problem("next_challenge_date", "a date as YYYY-MM-DD when event is 1", "")
        return None
    if row.next_challenge_date is not None:
        if row.next_challenge_date < row.shock_date:
            problem(
                "next_challenge_date",
                f"a date on or after the shock date {row.shock_date.isoformat()}",
                row.next_challenge_date.isoformat(),
            )
            return None
        if row.event:
            months = _months_between(row.shock_date, row.next_challenge_date)
            if abs(months - row.duration_months) > DURATION_TOLERANCE_MONTHS:
                problem(
                    "duration_months",
                    f"{months:.1f} (months from shock_date to next_challenge_date, within {DURATION_TOLERANCE_MONTHS})",
                    f"{row.duration_months:g}",
                )
                return None
    notes = row.notes
    sensitivity_only = "sensitivity run" in notes.lower()
    if row.confidence is not None:
        confidence = row.confidence
    elif "judgment" in notes.lower() or sensitivity_only:
        confidence = "low"
    elif re.search(r"\balt\b|\bmonths\b", notes, flags=re.IGNORECASE):
        confidence = "medium"
    else:
        confidence = "high"
    ctx = context.get(row.case_id)
    if row.support_0_1 is not None:
        support = row.support_0_1
    else:
        support = support_from_label(row.external_support)
    economy = row.economy_0_1 if row.economy_0_1 is not None else (ctx.economy if ctx else None)
    sanctions = row.sanctions_0_1 if row.sanctions_0_1 is not None else (ctx.sanctions if ctx else None)
    return Episode(
        episode_id=row.case_id,
        source=name,
        challenger=row.target,
        defender=row.coercer,
        shock=row.shock_label,
        shock_date=row.shock_date,
        severity=row.severity_0_1,
        severity_label=f"{row.severity_0_1:g}" + (f" ({row.severity_reason})" if row.severity_reason else ""),
        support=support,
        support_label=row.external_support,
        economy=economy,
        sanctions=sanctions,
        context_note=ctx.evidence if ctx else "",
        next_challenge=row.next_challenge_label if row.event else "",
        next_challenge_date=row.next_challenge_date if row.event else None,
        test_kind="challenge" if row.event else None,
        event=row.event,
        duration_months=row.duration_months,
        confidence=confidence,  # type: ignore[arg-type]
        sensitivity_only=sensitivity_only,
        notes=notes,
    )


def load_episodes(
    path: str | Path,
    *,
    file_format: Literal["iran_us", "coercion"] | None = None,
    test_rule: TestRule = "earliest",
    context: Mapping[str, EpisodeContext] | None = None,
) -> tuple[Episode, ...]:
    """Load and validate an episode CSV file (see :func:`read_episodes`)."""
    p = Path(path)
    return read_episodes(
        p.read_text(encoding="utf-8"), p.name, file_format=file_format, test_rule=test_rule, context=context
    )


def builtin_episode_files() -> dict[str, str]:
    """The shipped episode files: ``{"iran_us": file name, "coercion": file name}``."""
    return {"iran_us": "iran_us_episodes.csv", "coercion": "coercion_episodes.csv"}


def _builtin_text(file_name: str) -> str:
    return resources.files("standoff").joinpath("data", "episodes", file_name).read_text(encoding="utf-8")


def iran_us_episodes(*, test_rule: TestRule = "earliest", exclude: Iterable[str] = ()) -> tuple[Episode, ...]:
    """The shipped Iran–US episodes (1981, 1988, 2003, 2020, 2025), with :data:`IRAN_US_CONTEXT`."""
    name = builtin_episode_files()["iran_us"]
    eps = read_episodes(_builtin_text(name), name, file_format="iran_us", test_rule=test_rule)
    drop = set(exclude)
    return tuple(e for e in eps if e.episode_id not in drop)


def coercion_episodes(*, include_sensitivity: bool = False, exclude: Iterable[str] = ()) -> tuple[Episode, ...]:
    """The shipped coercion episodes; sensitivity-only cases (al-Qaeda 1998) are left out unless asked for."""
    name = builtin_episode_files()["coercion"]
    eps = read_episodes(_builtin_text(name), name, file_format="coercion")
    drop = set(exclude)
    return tuple(e for e in eps if e.episode_id not in drop and (include_sensitivity or not e.sensitivity_only))


def episodes_hash(episodes: Sequence[Episode]) -> str:
    """SHA-256 of the fields a fit depends on, in order: the data hash saved with a fit."""
    rows = [
        {
            "id": e.episode_id,
            "shock_date": e.shock_date.isoformat(),
            "severity": e.severity,
            "support": e.support,
            "economy": e.economy,
            "sanctions": e.sanctions,
            "event": e.event,
            "duration_months": e.duration_months,
        }
        for e in episodes
    ]
    blob = json.dumps(rows, sort_keys=True, separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(blob).hexdigest()
