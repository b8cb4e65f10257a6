"""Paragraphs and sentences: abbreviations, initials, decimals and closing quotes handled."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from standoff.corpus.extract.records import Sentence

# Never end a sentence after these (titles, "No. 5", "e.g.", month abbreviations).
_TITLE_ABBREV = frozenset(
    "mr mrs ms dr prof gen lt col maj capt cmdr adm sgt cpl sen rep gov pres amb rev hon "
    "st mt ft no nos vs v cf e.g i.e approx gen jan feb mar apr jun jul aug sep sept oct nov dec "
    "fig figs art sec ch vol pp p".split()
)
# End a sentence after these only when a typical sentence opener follows.
_SOFT_ABBREV = frozenset("etc al inc ltd corp co jr sr bros plc llc".split())
_STARTERS = frozenset(
    """the a an this that these those it its he she they we i you his her their our my your
    but and yet so in on at for as after before when while if however meanwhile still there
    then since although though what why how who despite with by from instead indeed some many
    most one two three four five six seven eight nine ten all no not both each every such
    accordingly thus hence moreover nevertheless nonetheless also even only once until unless
    during under over according given today yesterday last next""".split()
)
_BOUNDARY = re.compile(r"(?:\.{3}|…|[.!?])+[\"”’')\]]*(?=\s)")
_OPENERS = "“\"‘'([«"


def split_paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    """Spans ``(start, end)`` of the non-blank lines of ``text``, stripped."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return tuple(spans)


def _is_boundary(text: str, m: re.Match[str], line_end: int) -> bool:
    k = m.end()
    while k < line_end and text[k].isspace():
        k += 1
    if k >= line_end:
        return True
    nxt = text[k]
    if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
        return False
    punct = m.group(0)
    if punct.rstrip("\"”’')]") != ".":
        return True
    ws = max(text.rfind(" ", 0, m.start()), text.rfind("\n", 0, m.start()), text.rfind("\t", 0, m.start()))
    token = text[ws + 1 : m.start()].lstrip(_OPENERS)
    low = token.lower()
    word = re.match(r"[“\"‘'(\[]*([A-Za-z]+)", text[k:])
    starter = word is not None and word.group(1).lower() in _STARTERS
    if low in _TITLE_ABBREV:
        return False
    if re.fullmatch(r"[A-Za-z]", token):  # an initial: "J. Smith"
        return False
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", token):  # "U.S", "U.N", "a.m"
        return starter
    if low in _SOFT_ABBREV:
        return starter
    return True


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split ``text`` into sentences; line breaks always end a sentence."""
    out: list[Sentence] = []
    for p, (ps, pe) in enumerate(split_paragraphs(text)):
        start = ps
        for m in _BOUNDARY.finditer(text, ps, pe):
            if _is_boundary(text, m, pe):
                _add_sentence(out, text, start, m.end(), p)
                start = m.end()
        _add_sentence(out, text, start, pe, p)
    return tuple(out)


def _add_sentence(out: list[Sentence], text: str, s: int, e: int, p: int) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append(Sentence(len(out), s, e, text[s:e], p))


def _sentence_at(sentences: Sequence[Sentence], starts: Sequence[int], pos: int) -> int:
    i = bisect_right(starts, pos) - 1
    return max(i, 0) if sentences else -1
