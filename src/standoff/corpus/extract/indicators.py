"""Numeric indicators: percentages, tariffs, counts, durations, money, multipliers, currency moves."""

from __future__ import annotations

import re
from collections.abc import Sequence

from standoff.corpus.extract.dates import find_dates
from standoff.corpus.extract.records import DatedEvent, Indicator, Sentence
from standoff.corpus.extract.sentences import _sentence_at, split_sentences
from standoff.corpus.extract.speech import _DETERMINERS, _words_before

_NUM_WORDS = {
    w: k
    for k, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
_NUM_WORDS.update(
    {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100}
)
_VAGUE = {
    "a couple of": 2,
    "a dozen": 12,
    "dozens of": 24,
    "hundreds of": 100,
    "thousands of": 1000,
    "tens of thousands of": 10000,
    "millions of": 1e6,
    "a few": 3,
}
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3}
_QUAL = (
    r"(?:more\s+than|over|at\s+least|nearly|almost|about|around|roughly|approximately|some|up\s+to|"
    r"fewer\s+than|less\s+than|under|as\s+many\s+as|as\s+much\s+as|upwards\s+of|close\s+to|just\s+over|"
    r"just\s+under|towards?|into|near|above|below|an\s+estimated)"
)
_NUM = (
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a\s+hundred|one\s+hundred)"
)
_UNITS = {
    "day": "days",
    "week": "weeks",
    "month": "months",
    "year": "years",
    "decade": "decades",
    "hour": "hours",
    "minute": "minutes",
    "century": "centuries",
}
_CURRENCY_WORDS = re.compile(
    r"\b(?:currency|rial|rials|toman|tomans|dollar|dollars|exchange\s+rate|euro|pound|yen|ruble|rouble|lira|yuan)\b",
    re.I,
)
_MOVE_WORDS = re.compile(
    r"\b(?:fell|fall(?:en|s)?|dropp(?:ed)?|drops?|lost|los(?:e|es|ing)|plung\w*|slump\w*|depreciat\w*|devalu\w*|weaken\w*|gain\w*|r[io]se|risen|strengthen\w*|collaps\w*|crash\w*|tumbl\w*)\b",
    re.I,
)
_COUNT_STOP = frozenset(
    "of in on at to and or the a an for with by from that which who than as after before since into have has had "
    "were are is was will would can could it its their his her our this these those".split()
)
_MULT = {
    "halve": 0.5,
    "halved": 0.5,
    "halves": 0.5,
    "halving": 0.5,
    "double": 2,
    "doubled": 2,
    "doubles": 2,
    "doubling": 2,
    "triple": 3,
    "tripled": 3,
    "triples": 3,
    "tripling": 3,
    "treble": 3,
    "trebled": 3,
    "trebles": 3,
    "trebling": 3,
    "quadruple": 4,
    "quadrupled": 4,
    "quadruples": 4,
    "quadrupling": 4,
}


def _num_value(s: str) -> float | None:
    s = re.sub(r"\s+", " ", s.lower().strip())
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", s):
        return float(s.replace(",", ""))
    if s in ("a hundred", "one hundred"):
        return 100.0
    if "-" in s:
        a, b = s.split("-", 1)
        if a in _NUM_WORDS and b in _NUM_WORDS:
            return float(_NUM_WORDS[a] + _NUM_WORDS[b])
    return float(_NUM_WORDS[s]) if s in _NUM_WORDS else None


def _qualifier(text: str, pos: int) -> tuple[str | None, int]:
    m = re.search(r"\b(" + _QUAL + r")\s+$", text[max(0, pos - 30) : pos], re.I)
    if not m:
        return None, pos
    return re.sub(r"\s+", " ", m.group(1)), pos - (len(text[max(0, pos - 30) : pos]) - m.start(1))


def find_indicators(
    text: str, *, sentences: Sequence[Sentence] | None = None, dates: Sequence[DatedEvent] | None = None
) -> tuple[Indicator, ...]:
    """Numeric indicators in ``text`` (see :class:`Indicator` for the kinds).
    Numbers inside date expressions (``dates``, found if not given) are skipped."""
    sents = split_sentences(text) if sentences is None else sentences
    starts = [s.start for s in sents]
    if dates is None:
        dates = find_dates(text, sentences=sents)
    taken = bytearray(len(text) + 1)
    for d in dates:
        if d.year or d.day:
            taken[d.start : d.end] = b"\x01" * (d.end - d.start)
    out: list[Indicator] = []

    def free(s: int, e: int) -> bool:
        return taken.find(1, s, e) < 0

    def add(
        kind: str, s: int, e: int, value: float | None, unit: str | None, qual: str | None, qs: int | None = None
    ) -> None:
        s0 = qs if qs is not None else s
        if not free(s, e):
            return
        taken[s0:e] = b"\x01" * (e - s0)
        si = _sentence_at(sents, starts, s0)
        out.append(Indicator(kind, text[s0:e], value, unit, qual, s0, e, si, sents[si].text if si >= 0 else ""))

    def currency_sentence(pos: int) -> bool:
        si = _sentence_at(sents, starts, pos)
        return si >= 0 and bool(_CURRENCY_WORDS.search(sents[si].text))

    # money
    for m in re.finditer(
        r"(?:US\$|\$|€|£)\s?(" + _NUM + r")(?:\s*(thousand|million|billion|trillion|bn|m|k)\b)?", text
    ):
        val = _num_value(m.group(1))
        if val is not None and m.group(2):
            val *= _SCALE[m.group(2).lower()]
        symbol = re.match(r"US\$|\$|€|£", m.group(0))
        assert symbol is not None  # the pattern that found m starts with one of these
        cur = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP"}[symbol.group(0)]
        qual, qs = _qualifier(text, m.start())
        add("money", m.start(), m.end(), val, cur, qual, qs)
    for m in re.finditer(
        r"\b(?=[0-9otfsenzaOTFSENZA])("
        + _NUM
        + r")\s+(thousand|million|billion|trillion)\s+(dollars|euros|pounds|rials|tomans|yuan|roubles|rubles)\b",
        text,
        re.I,
    ):
        val = _num_value(m.group(1))
        val = val * _SCALE[m.group(2).lower()] if val is not None else None
        qual, qs = _qualifier(text, m.start())
        add("money", m.start(), m.end(), val, m.group(3).lower(), qual, qs)
    # percentages and tariffs
    for m in re.finditer(r"\b(?=[0-9otfsenzaOTFSENZA])(" + _NUM + r")\s*(?:%|per\s?cent\b|percent\b)", text, re.I):
        val = _num_value(m.group(1))
        after = text[m.end() : m.end() + 40]
        before = text[max(0, m.start() - 25) : m.start()]
        end = m.end()
        ta = re.match(r"(?:\s+[\w-]+){0,2}?\s+tariffs?\b", after, re.I)
        kind = "percentage"
        if ta:
            kind, end = "tariff", m.end() + ta.end()
        elif re.search(r"\btariffs?\s+(?:of|at)\s+(?:up\s+to\s+)?$", before, re.I):
            kind = "tariff"
        elif currency_sentence(m.start()) and _MOVE_WORDS.search(sents[_sentence_at(sents, starts, m.start())].text):
            kind = "currency_move"
        qual, qs = _qualifier(text, m.start())
        add(kind, m.start(), end, val, "%", qual, qs)
    # magnitudes: "treble figures", "double digits"
    for m in re.finditer(r"\b(double|treble|triple)[\s-](figures|digits)\b", text, re.I):
        val = 10.0 if m.group(1).lower() == "double" else 100.0
        qual, qs = _qualifier(text, m.start())
        add("magnitude", m.start(), m.end(), val, None, qual, qs)
    # multipliers and currency moves
    for m in re.finditer(r"\b(" + "|".join(_MULT) + r")\b", text, re.I):
        word = m.group(1).lower()
        after = text[m.end() : m.end() + 20]
        prev = _words_before(text, m.start(), 1)
        if re.match(r"\s+down\b|[\s-](?:figures|digits|standards?|agents?|check|bind|edged|click)\b", after, re.I):
            continue
        if word in ("double", "triple", "treble", "quadruple", "halve") and (
            (prev and prev[-1] in _DETERMINERS) or not re.match(r"\s+[a-z]", after)
        ):
            continue
        qual, qs = _qualifier(text, m.start())
        kind = "currency_move" if currency_sentence(m.start()) else "multiplier"
        end = m.end()
        obj = re.match(
            r"\s+(?:in\s+value|(?:[a-z-]+\s+){0,3}?(?:budgets?|spending|prices?|output|production|exports?|imports?|stockpiles?|capacity|forces?|numbers?|value))\b",
            after + text[m.end() + 20 : m.end() + 60],
            re.I,
        )
        if obj:
            end = m.end() + obj.end()
        add(kind, m.start(), end, float(_MULT[word]), "x", qual, qs)
    # vague counts: "thousands of fellow Iranians", "a couple of years"
    for m in re.finditer(
        r"\b(" + "|".join(re.escape(k) for k in sorted(_VAGUE, key=len, reverse=True)) + r")\s+", text, re.I
    ):
        noun = _count_noun(text, m.end())
        if noun is None:
            continue
        end, unit = noun
        kind = "duration" if _singular(unit) in _UNITS else "count"
        add(
            kind,
            m.start(),
            end,
            float(_VAGUE[m.group(1).lower()]),
            _UNITS.get(_singular(unit), unit.lower()),
            m.group(1).lower(),
            m.start(),
        )
    # counts and durations: "more than 30 Iranian military commanders", "12-day war"
    for m in re.finditer(
        r"\b(?=[0-9otfsenzaOTFSENZA])(?<![\w$£€.,/-])(?<![A-Za-z]-)(" + _NUM + r")(?:(-)|\s+)(?=[A-Za-z])", text, re.I
    ):
        if not free(m.start(), m.end()):
            continue
        val = _num_value(m.group(1))
        if val is None:
            continue
        if m.group(2):  # "12-day"
            u = re.match(r"([A-Za-z]+)", text[m.end() :])
            unit = u.group(1).lower() if u else ""
            if unit in _UNITS:
                qual, qs = _qualifier(text, m.start())
                add("duration", m.start(), m.end() + len(unit), val, _UNITS[unit], qual, qs)
            continue
        noun = _count_noun(text, m.end())
        if noun is None:
            continue
        end, unit = noun
        if m.group(1)[:1].isalpha() and val == 1 and _singular(unit) not in _UNITS:
            continue
        qual, qs = _qualifier(text, m.start())
        kind = "duration" if _singular(unit) in _UNITS else "count"
        add(kind, m.start(), end, val, _UNITS.get(_singular(unit), unit.lower()), qual, qs)
    out.sort(key=lambda i: (i.start, i.end))
    return tuple(out)


def _singular(w: str) -> str:
    w = w.lower()
    if w == "centuries":
        return "century"
    return w[:-1] if w.endswith("s") and w[:-1] in _UNITS else w


_IRREGULAR_PLURALS = frozenset("people children men women personnel police staff militia crew".split())


def _plural(w: str) -> bool:
    lw = w.lower()
    if lw in _IRREGULAR_PLURALS:
        return True
    return lw.endswith("s") and len(lw) > 2 and not lw.endswith(("ss", "us", "is", "ous")) and lw not in _COUNT_STOP


def _count_noun(text: str, pos: int) -> tuple[int, str] | None:
    """The counted noun after a number: the last plural (or time unit) before a stop word."""
    best: tuple[int, str] | None = None
    for k, w in enumerate(re.finditer(r"\s*([A-Za-z][A-Za-z'’-]*)|\s*([^\sA-Za-z])", text[pos : pos + 80])):
        if w.group(2) is not None or k >= 4:
            break
        word = w.group(1)
        if word.lower() in _COUNT_STOP:
            break
        if word.lower() in _UNITS or _plural(word) or word.lower() in _UNITS.values():
            best = (pos + w.end(), word)
            if word.lower() in _UNITS or word.lower() in _UNITS.values():
                break
    return best
