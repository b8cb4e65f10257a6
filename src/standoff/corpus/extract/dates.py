"""Dated expressions, resolved to a year-month against the document date where possible."""

from __future__ import annotations

import re
from collections.abc import Sequence

from standoff.corpus.extract.records import DatedEvent, Sentence
from standoff.corpus.extract.sentences import _sentence_at, split_sentences
from standoff.corpus.extract.speech import _words_before

_MONTHS = {
    m: k + 1
    for k, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
_MONTHS.update(
    {
        "jan": 1,
        "feb": 2,
        "mar": 3,
        "apr": 4,
        "jun": 6,
        "jul": 7,
        "aug": 8,
        "sep": 9,
        "sept": 9,
        "oct": 10,
        "nov": 11,
        "dec": 12,
    }
)
_MONTH_NAMES = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_DATE_RE = re.compile(
    r"(?=[0-9JFMASONDLlTtNn])(?:"
    r"(?P<dmy>\b(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<m1>" + _MONTH_NAMES + r")(?:,?\s+(?P<y1>(?:1[6-9]|20)\d\d))?\b)"
    r"|(?P<mdy>\b(?P<m2>"
    + _MONTH_NAMES
    + r")\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?(?:,\s*(?P<y2>(?:1[6-9]|20)\d\d))?(?![\d%]))"
    r"|(?P<my>\b(?P<m3>" + _MONTH_NAMES + r")\s+(?:of\s+)?(?P<y3>(?:1[6-9]|20)\d\d)\b)"
    r"|(?P<rel>\b(?P<q4>[Ll]ast|[Tt]his|[Nn]ext)\s+(?P<u4>year|month|summer|winter|spring|autumn|fall)\b)"
    r"|(?P<mo>\b(?P<m5>January|February|March|April|May|June|July|August|September|October|November|December)\b)"
    r"|(?P<yr>(?<![\d$£€.,/])(?<![A-Z]-)(?<!\d-)\b(?P<y6>(?:1[89]|20)\d\d)(?:[-–/](?P<y6b>\d\d(?:\d\d)?))?\b(?![\d%]|\.\d|,\d))"
    r")"
)
_MONTH_QUAL_RE = re.compile(
    r"\b([Ll]ast|[Tt]his|[Nn]ext|[Ee]arly|[Ll]ate|[Mm]id|[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Ff]rom|[Dd]uring|[Oo]f|[Bb]efore|[Aa]fter)[\s-]+$"
)


_YEAR_PREPS = frozenset("in since by until from after before of during around circa early late mid".split())


def _season_year(season: str, qual: str, y: int, m: int | None) -> int:
    """The year a season began ("winter" is dated by its December) for "this",
    "last" or "next" season seen from year ``y``, month ``m``."""
    if m is None:
        return y + {"last": -1, "this": 0, "next": 1}[qual]
    first = _SEASONS[season][0]
    start = y if m >= first else y - 1  # the latest instance that has begun
    ongoing = (m - first) % 12 < 3
    if qual == "last":
        return start - 1 if ongoing else start
    if qual == "next":
        return start + 1
    if ongoing:
        return start
    return y if season != "winter" else start + 1  # "this summer": this calendar year's


def _parse_doc_date(date: str | None) -> tuple[int | None, int | None]:
    if not date:
        return None, None
    m = re.match(r"\s*(\d{4})(?:-(\d{1,2}))?", str(date))
    if not m:
        return None, None
    return int(m.group(1)), int(m.group(2)) if m.group(2) else None


def _month_year(month: int, qual: str | None, y: int | None, m: int | None) -> int | None:
    if y is None:
        return None
    if m is None:
        return {"next": y + 1, "last": y - 1}.get(qual or "", y) if qual in ("next", "last") else y
    if qual == "next":
        return y if month > m else y + 1
    if qual == "last":
        return y if month < m else y - 1
    if qual == "this":
        return y
    return y if month <= m else y - 1


def find_dates(
    text: str, document_date: str | None = None, *, sentences: Sequence[Sentence] | None = None
) -> tuple[DatedEvent, ...]:
    """Date expressions with their sentences, resolved against ``document_date``
    (``"YYYY-MM"``, ``"YYYY-MM-DD"`` or ``"YYYY"``).

    A month without a year is taken as the latest such month on or before the
    document date ("In September", read in February 2026, is 2025-09); "last
    June" is the latest June before the document's month, "next June" the
    first after it. "May" and "March" count as months only after "in", "last",
    "since" and similar, or with a day or year."""
    sents = split_sentences(text) if sentences is None else sentences
    starts = [s.start for s in sents]
    dy, dm = _parse_doc_date(document_date)
    out: list[DatedEvent] = []
    for mt in _DATE_RE.finditer(text):
        g = mt.groupdict()
        year = month = day = end_year = None
        relative = False
        if g["dmy"] or g["mdy"] or g["my"]:
            mname = g["m1"] or g["m2"] or g["m3"]
            month = _MONTHS[mname.lower().rstrip(".")]
            d = g["d1"] or g["d2"]
            day = int(d) if d else None
            if day is not None and not 1 <= day <= 31:
                continue
            y = g["y1"] or g["y2"] or g["y3"]
            if y:
                year = int(y)
            else:
                year, relative = _month_year(month, None, dy, dm), True
        elif g["rel"]:
            qual, unit = g["q4"].lower(), g["u4"].lower()
            relative = True
            if dy is None:
                year = None
            elif unit == "year":
                year = dy + {"last": -1, "this": 0, "next": 1}[qual]
            elif unit == "month":
                if dm is None:
                    year = None
                else:
                    idx = dy * 12 + dm - 1 + {"last": -1, "this": 0, "next": 1}[qual]
                    year, month = idx // 12, idx % 12 + 1
            else:
                year = _season_year(unit, qual, dy, dm)
        elif g["mo"]:
            name = g["m5"]
            qm = _MONTH_QUAL_RE.search(text, max(0, mt.start() - 12), mt.start())
            qual = qm.group(1).lower() if qm else None
            if name in ("May", "March") and qual is None:
                continue
            if name in ("May", "March"):
                # "May" the verb ("Iran may") is lower-case; a capitalised May after
                # a sentence start is only a month with a qualifier, checked above.
                pass
            month = _MONTHS[name.lower()]
            q = qual if qual in ("last", "this", "next") else None
            year, relative = _month_year(month, q, dy, dm), True
        elif g["yr"]:
            year = int(g["y6"])
            if g["y6b"]:
                tail = g["y6b"]
                end_year = int(tail) if len(tail) == 4 else (year // 100) * 100 + int(tail)
                if end_year < year:
                    end_year += 100
            after = text[mt.end() : mt.end() + 20]
            w = re.match(r"\s+([a-z]+)", after)
            prev = _words_before(text, mt.start(), 1)
            yearish = text[mt.start() - 1 : mt.start()] == "-" or (prev and prev[-1] in _YEAR_PREPS)
            plural = (
                w
                and w.group(1).endswith("s")
                and len(w.group(1)) > 3
                and w.group(1) not in ("was", "has", "this", "does")
            )
            if plural and not yearish:
                continue  # "1900 troops"
        else:  # pragma: no cover - every alternative is handled above
            continue
        start, end = mt.start(), mt.end()
        if g["mo"] and qm and qm.group(1).lower() in ("last", "this", "next", "early", "late", "mid"):
            start = qm.start()
        resolved = None
        if year is not None:
            resolved = f"{year:04d}-{month:02d}" if month else f"{year:04d}"
        si = _sentence_at(sents, starts, start)
        out.append(
            DatedEvent(
                text[start:end],
                start,
                end,
                si,
                sents[si].text if si >= 0 else "",
                year,
                month,
                day,
                end_year,
                resolved,
                relative,
            )
        )
    return tuple(out)
