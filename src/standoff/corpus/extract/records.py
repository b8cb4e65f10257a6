"""Result types of evidence extraction, and the alias map that names actors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

AliasMap = Mapping[str, Sequence[str]]
"""Actor id -> aliases (names, titles, roles), matched case-insensitively."""


@dataclass(frozen=True)
class Sentence:
    """A sentence: ``text == doc[start:end]``; ``paragraph`` counts lines with text."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class Quote:
    """A quotation or a piece of reported speech.

    ``kind`` is ``"direct"`` (words in quotation marks), ``"indirect"``
    (reported speech, "X says that ...", ``text`` is the reported clause) or
    ``"scare"`` (quoted term with no speaker). ``start``/``end`` are offsets
    of ``text`` in the document. ``speaker`` is the source as written;
    ``referent`` is the name a pronoun or role was resolved through; ``actor``
    the actor id the speaker resolves to. ``cue`` names the rule that
    attributed it. ``holder``/``holder_actor``: the third party the source
    ascribes the words to (see the module docstring).
    """

    text: str
    speaker: str | None
    actor: str | None
    sentence: int
    start: int
    end: int
    kind: str = "direct"
    cue: str = "none"
    referent: str | None = None
    holder: str | None = None
    holder_actor: str | None = None


@dataclass(frozen=True)
class Mention:
    """An alias of ``actor`` found at ``text[start:end]`` (``alias`` as written)."""

    actor: str
    alias: str
    start: int
    end: int
    sentence: int | None = None
    possessive: bool = False


@dataclass(frozen=True)
class DatedEvent:
    """A date expression and the sentence it dates.

    ``resolved`` is ``"YYYY-MM"``, or ``"YYYY"`` when only the year is known,
    or ``None``. ``relative`` says the year was inferred from the document
    date ("in June", "last June", "this summer"). ``end_year`` is set for
    ranges ("1979-80").
    """

    text: str
    start: int
    end: int
    sentence: int
    sentence_text: str
    year: int | None
    month: int | None
    day: int | None = None
    end_year: int | None = None
    resolved: str | None = None
    relative: bool = False


@dataclass(frozen=True)
class Indicator:
    """A numeric indicator.

    ``kind``: ``percentage``, ``tariff``, ``count``, ``duration``, ``money``,
    ``multiplier`` (halved = 0.5, triple = 3), ``currency_move`` (a
    multiplier or percentage in a sentence about a currency), ``magnitude``
    ("treble figures" = 100, "double digits" = 10). ``unit`` is ``"%"``, the
    counted noun, the time unit, the currency, or ``"x"``. ``qualifier`` is
    "more than", "over", "towards", ... as written.
    """

    kind: str
    text: str
    value: float | None
    unit: str | None
    qualifier: str | None
    start: int
    end: int
    sentence: int
    sentence_text: str


@dataclass(frozen=True)
class Evidence:
    """Everything :func:`extract_evidence` finds in one text."""

    sentences: tuple[Sentence, ...]
    quotes: tuple[Quote, ...]
    mentions: tuple[Mention, ...]
    dates: tuple[DatedEvent, ...]
    indicators: tuple[Indicator, ...]
