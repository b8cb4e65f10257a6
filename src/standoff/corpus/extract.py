"""Deterministic evidence extraction from a document's text.

Pure functions over a string: no models, no network, no randomness. The text is
expected as :mod:`standoff.corpus.reading` produces it: one paragraph per line
(blank lines allowed). Sentences never cross a line break.

What is extracted:

* sentences (:func:`split_sentences`): abbreviations ("U.S.", "Gen.", "Dr."),
  initials, decimal numbers and closing quotes are handled;
* quotations with speakers (:func:`extract_quotes`): direct quotes in straight
  or curly double quotes (and curly single quotes), reported speech ("X says
  that ...") and scare quotes, each with the speaker as written and, given an
  alias map, the actor it resolves to;
* actor mentions (:func:`find_mentions`) through an alias map;
* dated expressions (:func:`find_dates`), resolved to a year-month against the
  document date where possible;
* numeric indicators (:func:`find_indicators`): percentages, tariffs, counts,
  durations, money, multipliers, currency moves.

Attribution conventions (what :class:`Quote` ``speaker`` and ``holder`` mean):

* ``speaker`` is the proximate source: whoever the text presents as having
  said or written the words (the subject of the verb of saying, the X of
  "according to X", "for X, this shows ...", "the taunts of '...' from X").
* When that source ascribes the words or the view to a third party (Wendy
  Sherman: "'One more thing' is a favourite phrase of Iranian negotiators";
  Hamidreza Azizi: "a consensus among Iran's security elite that ..."), the
  third party is recorded as ``holder`` and the source stays the ``speaker``.
* Scare quotes (one or two quoted words outside the scope of any verb of
  saying, e.g. the "snapback" of sanctions) get no speaker.
* Pronouns ("he", "she", "they") and roles ("the supreme leader", "his
  deputy", "the IAEA chief") are resolved through the alias map first, then
  through the most recent fitting person or speaker in the previous two
  sentences (roles: anywhere earlier in the text, by the words that introduced
  the person, e.g. "IAEA chief Rafael Grossi"). "His deputy", "her spokesman"
  and similar associates resolve to the actor of the person they belong to.
* A quote with no attribution in its sentence takes the speaker of the
  previous sentence (same paragraph); a quote that is a whole sentence may
  also take the speaker of a following "X's words/remarks ..." sentence.

Limits (rules, not a parser): straight single quotes are never quotation
marks (too ambiguous with apostrophes); a quote whose only cue is a
non-speech verb ("..., the statement read") gets no speaker; "his officials"
and other collectives are resolved only through the alias map; a verb of
saying with a plural subject list ("Khamenei, Pezeshkian and others say")
resolves to the first listed actor; reported speech is taken to run to the
end of its sentence unless a new clause with its own subject begins.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from standoff.corpus.documents import normalise_text

__all__ = [
    "AliasMap",
    "AttributionScore",
    "DatedEvent",
    "Evidence",
    "GoldQuote",
    "Indicator",
    "Mention",
    "Quote",
    "Sentence",
    "extract_evidence",
    "extract_quotes",
    "find_dates",
    "find_indicators",
    "find_mentions",
    "resolve_actor",
    "score_attribution",
    "split_paragraphs",
    "split_sentences",
]

AliasMap = Mapping[str, Sequence[str]]
"""Actor id -> aliases (names, titles, roles), matched case-insensitively."""


# --------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------

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
    starter = bool(word) and word.group(1).lower() in _STARTERS
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


# --------------------------------------------------------------------------
# Actor mentions
# --------------------------------------------------------------------------

_APOS = "'’"


def _alias_key(alias: str) -> str:
    return re.sub(r"\s+", " ", alias.replace("’", "'")).strip().casefold()


def _case_sensitive(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and " " not in alias.strip()


@lru_cache(maxsize=64)
def _alias_index(
    frozen: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[re.Pattern[str] | None, dict[str, str], dict[str, str]]:
    folded: dict[str, str] = {}
    exact: dict[str, str] = {}
    alts: list[tuple[int, str]] = []
    for actor, aliases in frozen:
        for alias in aliases:
            alias = alias.strip()
            if not alias:
                continue
            body = "".join(
                r"\s+" if ch.isspace() else "['’]" if ch in _APOS else re.escape(ch)
                for ch in re.sub(r"\s+", " ", alias)
            )
            if _case_sensitive(alias):
                exact.setdefault(re.sub(r"\s+", " ", alias), actor)
                alts.append((len(alias), body))
            else:
                folded.setdefault(_alias_key(alias), actor)
                alts.append((len(alias), f"(?i:{body})"))
    if not alts:
        return None, folded, exact
    alts.sort(key=lambda t: -t[0])
    pattern = re.compile(r"(?<![\w'’])(?P<alias>" + "|".join(a for _, a in alts) + r")(?P<poss>['’]s?(?![\w]))?(?!\w)")
    return pattern, folded, exact


_Frozen = tuple[tuple[str, tuple[str, ...]], ...]


def _freeze(aliases: AliasMap | _Frozen | None) -> _Frozen:
    """The alias map as a hashable tuple (cached regexes are keyed on it)."""
    if not aliases:
        return ()
    if isinstance(aliases, tuple):
        return aliases
    return tuple((str(k), tuple(str(a) for a in v)) for k, v in aliases.items())


def _iter_mentions(text: str, aliases: AliasMap | _Frozen | None, start: int = 0, end: int | None = None):
    pattern, folded, exact = _alias_index(_freeze(aliases))
    if pattern is None:
        return
    end = len(text) if end is None else end
    for m in pattern.finditer(text, start, end):
        raw = m.group("alias")
        actor = exact.get(re.sub(r"\s+", " ", raw)) or folded.get(_alias_key(raw))
        if actor is None:  # a case-sensitive alias matched with the wrong case
            continue
        yield actor, m.start("alias"), m.end("alias"), bool(m.group("poss"))


def find_mentions(text: str, aliases: AliasMap, *, sentences: Sequence[Sentence] | None = None) -> tuple[Mention, ...]:
    """Alias matches in ``text``: case-insensitive (all-capital acronyms such as
    "US" exactly), whole words, longest alias first, possessives ("Iran's")
    allowed. An alias listed under two actors counts for the first one."""
    sents = split_sentences(text) if sentences is None else sentences
    starts = [s.start for s in sents]
    return tuple(
        Mention(actor, text[s:e], s, e, _sentence_at(sents, starts, s) if sents else None, poss)
        for actor, s, e, poss in _iter_mentions(text, aliases)
    )


def resolve_actor(phrase: str, aliases: AliasMap | None) -> str | None:
    """The actor a speaker phrase names: the first alias in the phrase's head
    (before any comma or dash) that is not a possessive modifier ("Iran's" in
    "Iran's Supreme Leader Ali Khamenei"), else the first alias anywhere."""
    if not phrase or not aliases:
        return None
    head_end = len(phrase)
    for sep in (",", "—", "–", " - ", "("):
        i = phrase.find(sep)
        if 0 < i < head_end:
            head_end = i
    found = list(_iter_mentions(phrase, aliases))
    if not found:
        return None
    head = [f for f in found if f[2] <= head_end]
    for group in (head, found):
        for actor, _s, e, poss in group:
            if not poss or not phrase[e:head_end].strip(" '’s"):
                return actor
        if group:
            return group[0][0]
    return None


# --------------------------------------------------------------------------
# Quotations
# --------------------------------------------------------------------------

_VERB_FORMS = {
    "say": "say says said saying",
    "tell": "tell tells told telling",
    "warn": "warn warns warned warning",
    "insist": "insist insists insisted insisting",
    "note": "note notes noted noting",
    "assert": "assert asserts asserted asserting",
    "argue": "argue argues argued arguing",
    "claim": "claim claims claimed claiming",
    "acknowledge": "acknowledge acknowledges acknowledged acknowledging",
    "suggest": "suggest suggests suggested suggesting",
    "add": "add adds added adding",
    "explain": "explain explains explained explaining",
    "declare": "declare declares declared declaring",
    "announce": "announce announces announced announcing",
    "stress": "stress stresses stressed stressing",
    "emphasise": "emphasise emphasises emphasised emphasising emphasize emphasizes emphasized emphasizing",
    "maintain": "maintain maintains maintained maintaining",
    "contend": "contend contends contended contending",
    "admit": "admit admits admitted admitting",
    "point out": "point out|points out|pointed out|pointing out",
    "observe": "observe observes observed observing",
    "remark": "remark remarks remarked remarking",
    "reply": "reply replies replied replying",
    "reiterate": "reiterate reiterates reiterated reiterating",
    "vow": "vow vows vowed vowing",
    "predict": "predict predicts predicted predicting",
    "concede": "concede concedes conceded conceding",
    "deny": "deny denies denied denying",
    "allege": "allege alleges alleged alleging",
    "write": "write writes wrote writing",
    "ask": "ask asks asked asking",
    "urge": "urge urges urged urging",
    "state": "stated",
    "recall": "recall recalls recalled recalling",
    "boast": "boast boasts boasted boasting",
    "complain": "complain complains complained complaining",
    "caution": "caution cautions cautioned cautioning",
    "threaten": "threaten threatens threatened threatening",
    "respond": "respond responds responded responding",
}
# Verbs that introduce a quote but not reported speech: "speak of", "called it".
_DIRECT_ONLY = {
    "speak": "speak speaks spoke speaking",
    "call": "call calls called calling",
    "describe": "describe describes described describing",
    "dub": "dub dubs dubbed dubbing",
    "label": "label labels labelled labeled labelling labeling",
    "continue": "continued",
}
# Verbs whose content clause may drop "that": "Khamenei insists diplomacy is impossible".
_NO_THAT = frozenset(
    "say says said saying insist insists insisted insisting assert asserts asserted asserting "
    "argue argues argued arguing claim claims claimed claiming warn warns warned warning admit "
    "admits admitted admitting acknowledge acknowledges acknowledged maintain maintains "
    "maintained contend contends contended predict predicts predicted".split()
)
# Verbs that take an object before "that": "told Iranwire that", "warned reporters that".
_OBJECT_THAT = frozenset(
    "tell tells told telling warn warns warned warning remind reminds reminded assure assures assured".split()
)


def _forms(table: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for lemma, forms in table.items():
        for f in forms.split("|") if "|" in forms else forms.split():
            out[f] = lemma
    return out


_VERB_LEMMA = _forms(_VERB_FORMS)
_DIRECT_LEMMA = _forms(_DIRECT_ONLY)
_ALL_LEMMA = {**_DIRECT_LEMMA, **_VERB_LEMMA}


def _verb_regex(forms: Iterable[str]) -> re.Pattern[str]:
    alts = sorted(forms, key=len, reverse=True)
    first = "".join(sorted({a[0].lower() + a[0].upper() for a in alts}))
    return re.compile(
        r"\b(?=[" + first + r"])(?<![\w'’-])(?:" + "|".join(a.replace(" ", r"\s+") for a in alts) + r")(?![\w'’-])",
        re.I,
    )


_SPEECH_RE = _verb_regex(_ALL_LEMMA)
_REPORT_RE = _verb_regex(_VERB_LEMMA)
_SPEECH_NOUNS = (
    r"words|remarks?|comments?|statements?|taunts?|quips?|boasts?|warnings?|retorts?|replies|reply|"
    r"responses?|answers?|claims?|vows?|threats?|jibes?|slogans?|refrains?|mantras?|chants?|cries|cry|"
    r"declarations?|assertions?|insistence|pledges?|promises?|message|speech|tweets?|posts?|line"
)
_POSS_WORDS_RE = re.compile(
    r"((?:[A-Z][\w.\-]*(?:['’]s)?\s+)*[A-Z][\w.\-]*)['’]s\s+(?:[a-z-]+\s+){0,2}(?:" + _SPEECH_NOUNS + r")\b"
)
_MODALS = frozenset("can could would might may will shall should must not never cannot".split())
_DETERMINERS = frozenset("the a an his her their its our my your this that these those such any no every".split())
_AUX = frozenset(
    "is was are were be been being has have had will would can could may might must shall should does do did am".split()
)
_PRONOUNS = {"he": "sg", "she": "sg", "him": "sg", "her": "sg", "they": "pl", "them": "pl"}
_ASSOCIATES = frozenset(
    "deputy deputies spokesman spokeswoman spokesperson aide aides adviser advisers advisor advisors "
    "envoy envoys representative representatives office camp lawyer lawyers team".split()
)
_ROLE_NOUNS = frozenset(
    """leader leaders minister ministers president presidents official officials diplomat diplomats
    spokesman spokeswoman spokesperson legislators legislator lawmakers lawmaker analysts analyst experts
    expert dissidents dissident supporters supporter critics critic deputy chief negotiator negotiators
    officers officer commanders commander government ministry regime senator general envoy ambassador
    director secretary adviser advisers aides aide sources source observers residents activists
    activist lawyer screenwriter fellow professor researcher journalist reporter editor spokespeople
    military army clerics cleric parliament hardliners hardliner reformists monarchists protesters
    protestors students officials' people citizens iranians americans israelis""".split()
)
# Speech-verb forms that are also common nouns ("his remarks", "the claims").
_NOUNLIKE = frozenset(
    """notes note claims claim remarks remark replies reply vows vow threats calls call words states
    statement comments answers answer recall urges boasts boast labels label stresses stress denies
    writes adds says observe""".split()
)
_ADVERBIAL_STARTERS = frozenset(
    """as in on at by after before since during for from so to accordingly meanwhile however yet still
    instead indeed moreover furthermore separately later earlier last this that thus therefore then
    now already once again also even speaking asked writing comparing according until within without
    despite although though while when whereas because if unless""".split()
)
_LEAD_ADVERBS = frozenset(
    """later earlier now then also meanwhile separately previously recently again still yesterday today
    subsequently finally afterwards instead""".split()
)
_CONJ = frozenset("and but yet so then also or nor".split())
_NP_STOP = frozenset(
    "by from to with for at on as than was were is are been be has have had that which into onto "
    "about against under over between through".split()
)


@dataclass
class _Span:
    open: int
    close: int
    start: int
    end: int
    words: int


_QUOTE_CHARS = re.compile('[“”"‘’]')


def _quote_spans(text: str, ps: int, pe: int) -> list[_Span]:
    spans: list[_Span] = []
    dq: int | None = None
    sq: int | None = None

    def add(o: int, c: int, close_len: int) -> None:
        s, e = o + 1, c
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append(_Span(o, c + close_len, s, e, len(re.findall(r"[\w'’-]+", text[s:e]))))

    for qm in _QUOTE_CHARS.finditer(text, ps, pe):
        i = qm.start()
        ch = text[i]
        if ch == "“":
            if dq is not None:  # unclosed quote: close it before the new one
                add(dq, i, 0)
            dq, sq = i, None
        elif ch == "”":
            if dq is not None:
                add(dq, i, 1)
                dq = None
        elif ch == '"':
            if dq is None:
                dq, sq = i, None
            else:
                add(dq, i, 1)
                dq = None
        elif dq is None and ch == "‘":
            prev = text[i - 1] if i > ps else " "
            if sq is None and (prev.isspace() or prev in '([—–-"“') and i + 1 < pe and not text[i + 1].isspace():
                sq = i
        elif dq is None and ch == "’" and sq is not None:
            nxt = text[i + 1] if i + 1 < pe else " "
            if not nxt.isalnum():
                add(sq, i, 1)
                sq = None
    if dq is not None:
        add(dq, pe, 0)
    return spans


def _words_before(text: str, pos: int, n: int, floor: int = 0) -> list[str]:
    chunk = text[max(floor, pos - 80) : pos]
    return [w.lower() for w in re.findall(r"[A-Za-z'’]+", chunk)][-n:]


def _verb_ok(text: str, m: re.Match[str], floor: int) -> bool:
    """A speech verb used as a finite or participial verb (not a noun, not modal or negated)."""
    prev = _words_before(text, m.start(), 3, floor)
    if prev and (prev[-1] in _DETERMINERS or prev[-1].endswith(("'s", "’s"))):
        return False
    if prev and prev[-1] in ("to",) and len(prev) >= 2 and prev[-2] in _MODALS:
        return False
    if any(w in _MODALS or w.endswith(("n't", "n’t")) for w in prev[-2:]):
        return False
    return True


def _cut_aux(np: str) -> str:
    words = np.split()
    for k, w in enumerate(words):
        if w.lower().strip(",") in _AUX and k > 0:
            return " ".join(words[:k])
    return np


def _valid_np(np: str, aliases: AliasMap | None) -> bool:
    if not np:
        return False
    head = re.split(r",|—|–|\(", np, maxsplit=1)[0].strip()
    words = head.split()
    if not words or len(words) > 8 or len(np.split()) > 28:
        return False
    low = [w.lower().strip(".,'’") for w in words]
    if low[-1] in _DETERMINERS or low[-1] in _NP_STOP or low[-1] in _CONJ:
        return False
    if any(w in _AUX or (w in _ALL_LEMMA and w not in _NOUNLIKE) for w in low):
        return False
    if len(words) == 1 and low[0] in _PRONOUNS:
        return True
    if any(w[:1].isupper() for w in words[1:]) or (words[0][:1].isupper() and low[0] not in _ADVERBIAL_STARTERS):
        return True
    if any(w.rstrip("s") in _ROLE_NOUNS or w in _ROLE_NOUNS for w in low):
        return True
    return resolve_actor(head, aliases) is not None


def _subject_before(text: str, seg_start: int, verb_start: int, aliases: AliasMap | None) -> tuple[str, int] | None:
    """The subject noun phrase of a verb at ``verb_start`` and its offset."""
    left = text[seg_start:verb_start]
    stripped = left.rstrip()
    # relative clause: "legislators in Tehran, who say ..."
    rel = re.search(r"(?:,\s*)?\b(who|which)\s*$", stripped)
    if rel:
        before = stripped[: rel.start()].rstrip(" ,")
        words = list(re.finditer(r"[^\s,;:]+", before))
        keep: list[re.Match[str]] = []
        for w in reversed(words):
            if w.group(0).lower() in _NP_STOP or w.group(0).lower() in _AUX or len(keep) >= 7:
                break
            keep.append(w)
            if w.group(0).lower() in _DETERMINERS:
                break
        if not keep:
            return None
        s0 = keep[-1].start()
        np = before[s0:]
        return (np, seg_start + s0) if _valid_np(np, aliases) else None
    # clause start: after the last ", and " / ";" / ":" / em dash clause break
    cut = 0
    for m in re.finditer(r"(?:,\s+(?:and|but|while|whereas)\s+(?!others\b|other\b)|;\s+|:\s+|\bthat\s+)", left):
        cut = m.end()
    body = left[cut:]
    offset = seg_start + cut
    # leading conjunctions and adverbial phrases
    while True:
        m2 = re.match(r"\s*([A-Za-z]+)[^,]*,\s*", body)
        if m2 and body[m2.end() :].strip():
            first = m2.group(1).lower()
            if first in _ADVERBIAL_STARTERS or first.endswith(("ly", "ing")):
                body, offset = body[m2.end() :], offset + m2.end()
                continue
        m = re.match(r"\s*([A-Za-z]+)\s+(?=\S)", body)
        if m and (m.group(1).lower() in _CONJ or m.group(1).lower() in _LEAD_ADVERBS):
            body, offset = body[m.end() :], offset + m.end()
            continue
        break
    lead = len(body) - len(body.lstrip())
    body, offset = body.strip(), offset + lead
    body = _cut_aux(body).rstrip(" ,")
    # a verb-less "X is among the very few to point out": cut at "to"
    body = re.sub(r"\s+to$", "", body)
    # trailing adverbs: "Araghchi later told"
    while (m := re.search(r"\s+([a-z]+)$", body)) and (m.group(1) in _LEAD_ADVERBS or m.group(1).endswith("ly")):
        body = body[: m.start()]
    if not _valid_np(body, aliases):
        return None
    return body, offset


def _sentence_subject(text: str, start: int, end: int, aliases: AliasMap | None) -> tuple[str, int] | None:
    """The subject of a sentence whose verb is not known: its first noun phrase
    ("Witkoff, however, struck a softer tone, telling CNN ..." -> "Witkoff")."""
    left = text[start:end]
    m = re.match(
        r"\s*((?:[A-Z][\w.'’-]*\s+){0,5}?[A-Z][\w.'’-]*|(?:the|an?|his|her|their)\s+[\w\s'’-]{2,60}?)(?=,|\s+(?:[a-z]+ed|[a-z]+s|said|told|struck|met|made|took|gave|went)\b)",
        left,
    )
    if not m:
        return None
    np = m.group(1).strip()
    if np.split()[0].lower() in _ADVERBIAL_STARTERS or not _valid_np(np, aliases):
        return None
    return np, start + m.start(1)


def _head(np: str | None) -> str | None:
    """A speaker phrase without its appositive ("Mehdi Mahmoudian, an Oscar-nominated screenwriter")."""
    if np is None:
        return None
    return re.split(r",\s|\s[—–]\s?|—", np, maxsplit=1)[0].strip() or np


def _np_after(s: str) -> str:
    """A noun phrase at the start of ``s`` (up to punctuation or a clause word)."""
    m = re.match(
        r"\s*((?:[\w.'’-]+)(?:\s+(?!(?:in|on|at|during|when|who|which|after|before|while|as|last|this|"
        r"earlier|later|to|on|and|that|because|if|according)\b)[\w.'’-]+){0,8})",
        s,
    )
    return m.group(1).rstrip(".") if m else ""


@dataclass
class _Person:
    pos: int
    sentence: int
    name: str
    actor: str | None
    context: frozenset[str]
    person: bool  # a single person (not a group)
    speaker: bool = False


_NON_PERSON = frozenset(
    """united states nations kingdom middle east west western eastern northern southern institute
    university agency council ministry department committee guard revolutionary treaty movement group
    party front strait gulf sea ocean airbase base house senate congress parliament assembly republic
    islamic international national atomic energy nuclear security affairs foreign policy news times
    post journal dispatch day war street avenue company corporation bank fund organization
    organisation union court army navy air force forces iran iraq israel america american china
    chinese russia russian europe european syria lebanon yemen saudi arabia qatar tehran washington
    moscow beijing venezuela kuwait afghanistan afghan iranian israeli iraqi british french german
    un us uk eu nato prize nobel oscar january february march april may june july august september
    october november december monday tuesday wednesday thursday friday saturday sunday program
    programme center centre museum library office hall school college press agency times network
    television radio tv initiative project summit conference talks deal plan operation""".split()
)
_TITLES = frozenset(
    """president senator sen. gen. general dr. mr. mrs. ms. prof. professor supreme leader prime
    minister ayatollah sheikh king queen prince crown secretary ambassador director chief judge rep.
    gov. governor mayor pope col. lt. maj. capt. adm. admiral commander foreign defence defense
    deputy vice speaker chairman chairwoman""".split()
)
_CAPS_FUNCTION = frozenset(
    """the a an in on at as for and but yet so this that these those it he she they we his her their
    its our some many most after before since when while if however despite with by from according
    comparing within women men supporters opposition internal diplomatic economic iran's""".split()
)
_CAP_SEQ = re.compile(
    r"(?:[A-Z][\w.\-]*|(?:al|bin|ibn|de|van|von|der|la|le|da|di|du)-?)(?:['’]s\b)?"
    r"(?:\s+(?:[A-Z][\w.\-]*|(?:al|bin|ibn|de|van|von|der|la|le|da|di|du))(?:['’]s\b)?)*"
)


def _person_mentions(text: str, sentences: Sequence[Sentence], aliases: AliasMap | None) -> list[_Person]:
    out: list[_Person] = []
    for sent in sentences:
        for m in _CAP_SEQ.finditer(text, sent.start, sent.end):
            seq = m.group(0)
            # split at possessives: "Iran's Supreme Leader Ali Khamenei's"
            parts = re.split(r"(?<=['’]s)\s+", seq)
            off = m.start()
            for part in parts:
                p_start = off
                off += len(part)
                while off < m.end() and text[off].isspace():
                    off += 1
                name = re.sub(r"['’]s$", "", part)
                tokens = name.split()
                while tokens and tokens[0].lower() in _CAPS_FUNCTION:
                    p_start = text.find(tokens[1], p_start) if len(tokens) > 1 else p_start
                    tokens = tokens[1:]
                if not tokens:
                    continue
                low = [t.lower() for t in tokens]
                titled = low[0] in _TITLES and any(t not in _TITLES for t in low)
                caps = [t for t in tokens if t[:1].isupper()]
                plain = (
                    len(caps) >= 2
                    and not any(t.strip(".") in _NON_PERSON or t in _NON_PERSON for t in low)
                    and not any(t.isupper() and len(t) > 1 for t in tokens)
                )
                if not (titled or plain):
                    continue
                name = " ".join(tokens)
                ctx_words = _words_before(text, p_start, 4, sent.start)
                after = text[p_start + len(name) : sent.end]
                app = re.match(r",\s+((?:the|a|an)\s+[^,.;]{2,90})", after)
                if app:
                    ctx_words += [w.lower() for w in re.findall(r"[A-Za-z]+", app.group(1))]
                ctx_words += low
                ctx = frozenset(w.strip(".").replace("’s", "").replace("'s", "") for w in ctx_words)
                out.append(_Person(p_start, sent.index, name, resolve_actor(name, aliases), ctx, True))
    return out


def _is_group(np: str) -> bool:
    head = re.split(r",|—|–|\(", np, maxsplit=1)[0]
    words = head.split()
    if re.search(r"\s(?:and|&)\s", head):
        return True
    for k, w in enumerate(words):
        lw = w.lower().strip(".,")
        if lw.endswith(("'s", "’s")):
            continue
        plural = lw.endswith("s") and len(lw) > 3 and not lw.endswith(("ss", "us", "is", "ous"))
        if plural and (w[:1].islower() or (k == 0 and len(words) > 1 and words[1][:1].islower())):
            return True
    return False


class _Attributor:
    """Resolves speaker phrases to actors, keeping the history needed for pronouns."""

    def __init__(self, text: str, sentences: Sequence[Sentence], aliases: AliasMap | None):
        self.text = text
        self.aliases = aliases
        self.persons = _person_mentions(text, sentences, aliases)
        self.person_sent = [p.sentence for p in self.persons]
        self.speakers: list[_Person] = []

    def _window(self, sentence: int) -> list[_Person]:
        lo = bisect_right(self.person_sent, sentence - 3)
        hi = bisect_right(self.person_sent, sentence)
        near = self.persons[lo:hi]
        for p in reversed(self.speakers):
            if p.sentence < sentence - 2:
                break
            near.append(p)
        return near

    def _recent(self, pos: int, sentence: int, *, person: bool | None) -> _Person | None:
        pool = [p for p in self._window(sentence) if p.pos < pos]
        if person is True:
            pool = [p for p in pool if p.person]
        elif person is False:
            pool = [p for p in pool if p.speaker]
        return max(pool, key=lambda p: p.pos) if pool else None

    def resolve(self, np: str, pos: int, sentence: int) -> tuple[str | None, str | None]:
        """(actor, referent) for a speaker phrase written at ``pos``."""
        low = np.lower().strip()
        if low in _PRONOUNS:
            # he/she: the latest single person; they: the latest speaker
            ref = self._recent(pos, sentence, person=_PRONOUNS[low] == "sg")
            return (ref.actor, ref.name) if ref else (None, None)
        actor = resolve_actor(np, self.aliases)
        if actor is not None:
            return actor, None
        m = re.match(r"(his|her|their|its)\s+(.+)$", low)
        if m:
            role = m.group(2).split()[-1]
            if role in _ASSOCIATES:
                ref = self._recent(pos, sentence, person=m.group(1) != "their" or None)
                return (ref.actor, ref.name) if ref else (None, None)
            return None, None
        m = re.match(r"the\s+(.+)$", low)
        if m:
            role = {w.replace("’s", "").replace("'s", "") for w in re.findall(r"[a-z'’]+", m.group(1))}
            role -= {"of", "the", "a", "an", "for"}
            if role:
                pool = [p for p in self.persons if p.pos < pos and role <= p.context]
                if pool:
                    ref = max(pool, key=lambda p: p.pos)
                    return ref.actor, ref.name
        return None, None

    def record(self, np: str, actor: str | None, referent: str | None, pos: int, sentence: int) -> None:
        name = referent or re.split(r",|—|–", np, maxsplit=1)[0].strip()
        person = not _is_group(np) if referent is None else True
        if np.lower() in ("they", "them"):
            person = False
        self.speakers.append(_Person(pos, sentence, name, actor, frozenset(), person, True))


_FOR_X_RE = re.compile(
    r"(?:^|[.;:]\s+|\b(?:And|But|Yet|So)\s+)For\s+([^,]{2,90}?),\s+(?:this|it|that|which|the\s+\w+)\s+"
    r"(?:\w+\s+)?(?:shows?|showed|confirms?|confirmed|proves?|proved|means?|meant|demonstrates?|"
    r"signals?|signalled|signaled|suggests?|indicates?|reveals?|underlines?|underscores?)\b"
)
_ACCORDING_RE = re.compile(r"\b[Aa]ccording to\s+([^,;:.“\"]+?(?:\.[^,;:“\"\s][^,;:“\"]*?)?)(?=\s*(?:,|;|:|$))")
_HOLDER_AFTER_RE = re.compile(
    r"^\s*(?:is|was|are|were|remains|remained|has\s+(?:long\s+)?been|became)\s+(?:(?:a|an|the)\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?:phrase|refrain|mantra|slogan|line|expression|saying|motto|catchphrase|byword|"
    r"watchword|word|words|tactic|habit|trademark)\s+(?:of|among|for|used\s+by|favou?red\s+by)\s+"
    r"([^,;.]+?)(?=\s*(?:[,;.]|$|\s(?:indicative|who|which|and)\b))"
)
_HOLDER_BEFORE_RE = re.compile(
    r"\b(?:consensus|view|belief|feeling|sense|conviction|assessment|perception|expectation|notion)\s+"
    r"(?:among|in|within|of|across|inside)\s+((?:\S+\s+){0,5}?\S+)\s+that\b"
)
_AFTER_VERB_NP = re.compile(r"^[\s,.;:!?—–-]*(" + _SPEECH_RE.pattern + r")\s+(.*)$", re.I | re.S)
_AFTER_NP_VERB = re.compile(
    r"^[\s,.;:!?—–-]*([^\s,.;:!?“”\"][^,.;:!?“”\"]{0,60}?)\s+(?:\w+ly\s+)?(" + _SPEECH_RE.pattern + r")\b", re.S
)
_AFTER_ACCORDING = re.compile(r"^[\s,.;:!?—–-]*according\s+to\s+(.*)$", re.I | re.S)


def _speech_verbs(
    text: str, start: int, end: int, spans: Sequence[_Span], regex: re.Pattern[str]
) -> list[re.Match[str]]:
    out = []
    for m in regex.finditer(text, start, end):
        if any(sp.open <= m.start() < sp.close for sp in spans):
            continue
        out.append(m)
    return out


def _holder(text: str, before: str, after: str, att: _Attributor) -> tuple[str | None, str | None]:
    m = _HOLDER_AFTER_RE.match(after) or _HOLDER_BEFORE_RE.search(before)
    if not m:
        return None, None
    np = m.group(1).strip()
    return np, resolve_actor(np, att.aliases)


def extract_quotes(
    text: str,
    aliases: AliasMap | None = None,
    *,
    sentences: Sequence[Sentence] | None = None,
    include_indirect: bool = True,
    include_scare: bool = True,
) -> tuple[Quote, ...]:
    """Quotations and reported speech in ``text``, in document order.

    ``aliases`` maps actor ids to aliases; speakers are resolved through it
    (see the module docstring for the attribution conventions)."""
    aliases = _freeze(aliases)  # type: ignore[assignment]
    sents = tuple(split_sentences(text) if sentences is None else sentences)
    if not sents:
        return ()
    starts = [s.start for s in sents]
    att = _Attributor(text, sents, aliases)
    spans: list[_Span] = []
    for ps, pe in split_paragraphs(text):
        spans.extend(_quote_spans(text, ps, pe))
    by_sentence: dict[int, list[_Span]] = {}
    for sp in spans:
        by_sentence.setdefault(_sentence_at(sents, starts, sp.open), []).append(sp)

    quotes: list[Quote] = []
    last_event: dict[int, tuple[str, str | None, str | None, int]] = {}  # sentence -> last speaker

    opens = [sp.open for sp in spans]
    for sent in sents:
        sq = by_sentence.get(sent.index, [])
        events: list[tuple[int, str, object]] = [(sp.open, "direct", sp) for sp in sq]
        # quote spans that can touch this sentence (a quote may run over several)
        near = spans[max(0, bisect_right(opens, sent.start) - 4) : bisect_right(opens, sent.end)]
        if include_indirect:
            events += [(pos, "indirect", info) for pos, info in _indirect_candidates(text, sent, near, aliases)]
        events.sort(key=lambda e: (e[0], e[1]))
        prev_close = sent.start
        for _pos, kind, info in events:
            if kind == "direct":
                sp = info  # type: ignore[assignment]
                assert isinstance(sp, _Span)
                local = spans[max(0, bisect_right(opens, sent.start) - 1) : bisect_right(opens, sp.close) + 8]
                q = _attribute_direct(text, sent, sents, starts, sp, local, prev_close, att, last_event, include_scare)
                prev_close = max(prev_close, sp.close)
                if q is not None:
                    quotes.append(q)
            else:
                q = _attribute_indirect(text, sent, info, att, last_event)  # type: ignore[arg-type]
                if q is not None:
                    quotes.append(q)
    quotes.sort(key=lambda q: (q.start, q.kind))
    return tuple(quotes)


def _attribute_direct(
    text: str,
    sent: Sentence,
    sents: Sequence[Sentence],
    starts: Sequence[int],
    sp: _Span,
    spans: Sequence[_Span],
    prev_close: int,
    att: _Attributor,
    last_event: dict[int, tuple[str, str | None, str | None, int]],
    include_scare: bool,
) -> Quote | None:
    end_sent = sents[_sentence_at(sents, starts, max(sp.close - 1, sp.open))]
    seg_start = max(sent.start, prev_close)
    before = text[seg_start : sp.open]
    nxt = [o for o in spans if o.open >= sp.close and o.open < end_sent.end]
    after_end = nxt[0].open if nxt else end_sent.end
    after = text[sp.close : after_end]
    qtext = text[sp.start : sp.end]

    speaker: str | None = None
    spos = sp.open
    cue = "none"
    holder: tuple[str | None, str | None] = (None, None)
    nested_holder: str | None = None

    # "the taunts of 'X' from Y"
    if re.search(r"\b(?:" + _SPEECH_NOUNS + r")\s+(?:of|like|such\s+as)\s*$", before):
        m = re.match(r"\s*from\s+(.+)$", after, re.S)
        if m:
            np = _np_after(m.group(1))
            if np:
                speaker, spos, cue = np, sp.close + m.start(1), "speech-noun"
    # "'...,' X said" / "'...,' said X" / "'...,' according to X"
    if speaker is None:
        m = _AFTER_ACCORDING.match(after)
        if m:
            np = _np_after(m.group(1))
            if np:
                speaker, spos, cue = np, sp.close + m.start(1), "according-to"
    if speaker is None:
        m = _AFTER_VERB_NP.match(after)
        if m and _ALL_LEMMA.get(m.group(1).lower().replace("\n", " ")):
            np = _np_after(m.group(2))
            if np and _valid_np(np, att.aliases):
                speaker, spos, cue = np, sp.close + m.start(2), "verb-after"
    if speaker is None:
        m = _AFTER_NP_VERB.match(after)
        if m:
            np = m.group(1).strip()
            if _valid_np(np, att.aliases) and not re.search(r"\b(?:that|which|it|this)\b", np.lower()):
                speaker, spos, cue = np, sp.close + m.start(1), "verb-after"
    # "For X, this shows '...'"
    if speaker is None:
        m = _last(_FOR_X_RE.finditer(before))
        if m is not None:
            speaker, spos, cue = m.group(1).strip(), seg_start + m.start(1), "for-x"
    # "According to X, ... '...'"
    if speaker is None:
        m = _ACCORDING_RE.search(before)
        if m:
            speaker, spos, cue = m.group(1).strip(), seg_start + m.start(1), "according-to"
    # "X says/told Y that ... '...'"
    scope_verb = False
    if speaker is None:
        verbs = [v for v in _speech_verbs(text, seg_start, sp.open, spans, _SPEECH_RE) if _verb_ok(text, v, seg_start)]
        found: list[tuple[str, int, re.Match[str]]] = []
        for v in verbs:
            if v.group(0).lower().endswith("ing") and re.search(r",[\"”’]?\s*$", text[seg_start : v.start()]):
                if found:  # ", adding that ...": same subject, not a nested source
                    found[-1] = (found[-1][0], found[-1][1], v)
                elif subj := _sentence_subject(text, seg_start, v.start(), att.aliases):
                    found.append((subj[0], subj[1], v))
                continue
            subj = _subject_before(text, seg_start, v.start(), att.aliases)
            if subj is not None:
                found.append((subj[0], subj[1], v))
        if found:
            np, pos, v = found[-1]
            between = text[v.end() : sp.open]
            if not re.search(r",\s+(?:and|but)\s|;", between):
                speaker, spos, cue = np, pos, "verb-before"
                scope_verb = True
                if len(found) >= 2:  # nested: "X said that Y told aides '...'"
                    outer = found[0]
                    mid = text[outer[2].end() : v.start()]
                    if not re.search(r",\s+(?:and|but)\s|;", mid):
                        nested_holder = np
                        speaker, spos = outer[0], outer[1]
    # scare quotes: one or two words outside any attribution
    is_scare = (
        sp.words <= 2
        and not _whole_sentence(text, sent, sp)
        and not (
            cue in ("verb-after", "speech-noun", "according-to")
            or (
                scope_verb
                and (re.search(_SPEECH_RE.pattern + r"\s*(?:that\s*)?[:,]?\s*$", before, re.I) or _in_scope(before))
            )
        )
    )
    if is_scare:
        if not include_scare:
            return None
        return Quote(qtext, None, None, sent.index, sp.start, sp.end, "scare", "scare")
    # "'...' X's choice words ..." in the next sentence
    if speaker is None and _whole_sentence(text, sent, sp):
        if sent.index + 1 < len(sents) and sents[sent.index + 1].paragraph == sent.paragraph:
            ns = sents[sent.index + 1]
            m = _POSS_WORDS_RE.search(ns.text)
            if m and m.start() < 80:
                speaker, spos, cue = m.group(1), ns.start + m.start(1), "next-sentence"
    referent = None
    actor = None
    if speaker is not None:
        actor, referent = att.resolve(speaker, spos, sent.index)
    elif sent.index - 1 in last_event and sents[sent.index - 1].paragraph == sent.paragraph:
        speaker, actor, referent, _ = last_event[sent.index - 1]
        cue = "previous-sentence"
    elif _whole_paragraph(text, sent, sp) and sent.index - 1 in last_event:
        speaker, actor, referent, _ = last_event[sent.index - 1]
        cue = "previous-sentence"
    if nested_holder is not None:
        h_actor, _ = att.resolve(nested_holder, spos, sent.index)
        holder = (nested_holder, h_actor)
    else:
        holder = _holder(text, before, after, att)
    if speaker is not None:
        if cue != "previous-sentence":
            att.record(speaker, actor, referent, spos, sent.index)
        last_event[sent.index] = (speaker, actor, referent, sp.open)
    return Quote(
        qtext, _head(speaker), actor, sent.index, sp.start, sp.end, "direct", cue, referent, holder[0], holder[1]
    )


def _last(matches: Iterable[re.Match[str]]) -> re.Match[str] | None:
    last = None
    for last in matches:  # noqa: B007 - keeping the last one is the point
        pass
    return last


def _in_scope(before: str) -> bool:
    """Whether the text before a quote ends inside a reported clause ("X says Iran's proclaimed ")."""
    m = _last(_REPORT_RE.finditer(before))
    if m is None:
        return False
    tail = before[m.end() :]
    form = re.sub(r"\s+", " ", m.group(0).lower())
    clause = (
        re.match(r"\s+that\b", tail)
        or (form in _OBJECT_THAT and re.match(r"\s+(?:[\w'’-]+\s+){0,4}?that\b", tail))
        or (
            form in _NO_THAT
            and re.match(r"\s+[\w'’]+", tail)
            and not re.match(r"\s+(?:to|of|for|about|on|with)\b", tail)
        )
    )
    return bool(clause) and not re.search(r"[.;:]|,\s+(?:and|but)\s", tail) and len(tail.split()) <= 12


def _whole_sentence(text: str, sent: Sentence, sp: _Span) -> bool:
    rest = (text[sent.start : sp.open] + text[sp.close : sent.end]).strip(" .,!?")
    return not rest


def _whole_paragraph(text: str, sent: Sentence, sp: _Span) -> bool:
    line_start = text.rfind("\n", 0, sp.open) + 1
    line_end = text.find("\n", sp.close)
    line_end = len(text) if line_end < 0 else line_end
    return not (text[line_start : sp.open] + text[sp.close : line_end]).strip(" .,!?")


def _indirect_candidates(
    text: str, sent: Sentence, spans: Sequence[_Span], aliases: AliasMap | None
) -> list[tuple[int, dict[str, object]]]:
    """Verbs of saying with a content clause in ``sent``: (verb position, info)."""
    inside = [sp for sp in spans if sp.open < sent.end and sp.close > sent.start]
    out: list[tuple[int, dict[str, object]]] = []
    for v in _speech_verbs(text, sent.start, sent.end, inside, _REPORT_RE):
        if not _verb_ok(text, v, sent.start):
            continue
        form = re.sub(r"\s+", " ", v.group(0).lower())
        rest = text[v.end() : sent.end]
        m = re.match(r"\s+that\b\s*", rest)
        if m:
            content_start = v.end() + m.end()
        elif form in _OBJECT_THAT and (m := re.match(r"\s+((?:[\w'’-]+\s+){0,4}?)that\b\s*", rest)):
            if re.search(r"\b(?:themselves|himself|herself|itself)\b", m.group(1)):
                continue
            content_start = v.end() + m.end()
        elif form in _NO_THAT:
            m = re.match(r"\s+([\w'’]+)", rest)
            if not m or m.group(1).lower() in _NP_STOP | {
                "of",
                "in",
                "so",
                "them",
                "him",
                "her",
                "us",
                "me",
                "and",
                "or",
                "up",
                "out",
                "off",
                "nothing",
                "something",
                "anything",
                "sorry",
                "yes",
                "no",
                "hello",
                "goodbye",
                "thanks",
            }:
                continue
            if re.match(r"\s*[,.;:“\"]", rest):
                continue
            content_start = v.end() + len(m.group(0)) - len(m.group(1))
        else:
            continue
        participle = form.endswith("ing") and re.search(r",[\"”’]?\s*$", text[sent.start : v.start()]) is not None
        out.append((v.start(), {"verb": v, "content_start": content_start, "participle": participle, "spans": inside}))
    return out


def _attribute_indirect(
    text: str,
    sent: Sentence,
    info: dict[str, object],
    att: _Attributor,
    last_event: dict[int, tuple[str, str | None, str | None, int]],
) -> Quote | None:
    v = info["verb"]
    assert isinstance(v, re.Match)
    content_start = int(info["content_start"])  # type: ignore[call-overload]
    spans = info["spans"]
    assert isinstance(spans, list)
    # the reported clause ends at the next clause with its own subject or at the sentence end
    rest = text[content_start : sent.end]
    stop = re.search(
        r",\s+(?:and|but)\s+(?:he|she|they|it|his|her|their|its|[A-Z][\w'’-]+\s+(?:[A-Z][\w'’-]+\s+)?"
        + _SPEECH_RE.pattern
        + r")\b|,[\"”’]?\s+(?:suggesting|adding|arguing|warning|saying|noting|insisting|claiming|stressing)\b",
        rest,
    )
    content_end = content_start + (stop.start() if stop else len(rest))
    # a direct quote inside the clause is reported as a direct quote instead,
    # unless it is a word or two inside a longer clause ("Iran's proclaimed 'right' to enrich")
    tail_end = content_end
    while tail_end > content_start and text[tail_end - 1] in " .,;:!?":
        tail_end -= 1
    for sp in spans:
        if content_start <= sp.open < content_end and (sp.words > 2 or sp.close >= tail_end):
            return None
    s, e = content_start, content_end
    while e > s and text[e - 1] in ' .,;:!?"”’':
        e -= 1
    while s < e and text[s].isspace():
        s += 1
    if e - s < 8:
        return None
    if info["participle"] and sent.index in last_event:
        speaker, actor, referent, _ = last_event[sent.index]
        cue = "participle"
        spos = v.start()
    elif info["participle"]:
        subj = _sentence_subject(text, sent.start, v.start(), att.aliases)
        if subj is None:
            return None
        speaker, spos = subj
        actor, referent = att.resolve(speaker, spos, sent.index)
        cue = "participle"
        att.record(speaker, actor, referent, spos, sent.index)
    else:
        subj = _subject_before(text, sent.start, v.start(), att.aliases)
        if subj is None:
            return None
        speaker, spos = subj
        actor, referent = att.resolve(speaker, spos, sent.index)
        cue = "reported"
        att.record(speaker, actor, referent, spos, sent.index)
    last_event[sent.index] = (speaker, actor, referent, v.start())
    return Quote(text[s:e], _head(speaker), actor, sent.index, s, e, "indirect", cue, referent)


# --------------------------------------------------------------------------
# Scoring speaker attribution against a hand list
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldQuote:
    """A hand-coded quote: ``text`` (or a distinctive part of it) and the
    actor it is attributed to (``None``: no actor, e.g. a scare quote)."""

    text: str
    actor: str | None
    holder: str | None = None
    note: str = ""


@dataclass(frozen=True)
class AttributionScore:
    """Precision and recall of speaker attribution at the actor level.

    Precision: of the extracted quotes given an actor, the share whose actor
    matches the hand list (an attributed quote missing from the hand list is
    wrong). Recall: of the hand-listed quotes with an actor, the share found
    with that actor. ``errors`` lists every miss and wrong attribution."""

    precision: float
    recall: float
    true_positives: int
    false_positives: int
    false_negatives: int
    n_gold: int
    n_gold_attributed: int
    errors: tuple[str, ...]


def _key(s: str) -> str:
    return normalise_text(s).lower().strip(" .,;:!?\"'-")


def score_attribution(predicted: Sequence[Quote], gold: Sequence[GoldQuote]) -> AttributionScore:
    """Score predicted quotes against a hand list (see :class:`AttributionScore`).

    A prediction matches a gold quote when the gold text (normalised for
    typography and case) occurs in the predicted text."""
    gkeys = [_key(g.text) for g in gold]
    tp = fp = 0
    hit = [False] * len(gold)
    errors: list[str] = []
    for q in predicted:
        pk = _key(q.text)
        matches = [k for k, gk in enumerate(gkeys) if gk and gk in pk]
        if q.actor is None:
            continue
        if not matches:
            fp += 1
            errors.append(f"unlisted: {q.text[:60]!r} -> {q.actor}")
            continue
        good = [k for k in matches if gold[k].actor == q.actor]
        if good:
            tp += 1
            for k in good:
                hit[k] = True
        else:
            fp += 1
            errors.append(f"wrong: {q.text[:60]!r} -> {q.actor}, expected {gold[matches[0]].actor}")
    attributed = [k for k, g in enumerate(gold) if g.actor is not None]
    fn = sum(1 for k in attributed if not hit[k])
    for k in attributed:
        if not hit[k]:
            errors.append(f"missed: {gold[k].text[:60]!r} -> {gold[k].actor}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = (len(attributed) - fn) / len(attributed) if attributed else 0.0
    return AttributionScore(precision, recall, tp, fp, fn, len(gold), len(attributed), tuple(errors))


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

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


# --------------------------------------------------------------------------
# Numeric indicators
# --------------------------------------------------------------------------

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
        cur = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP"}[re.match(r"US\$|\$|€|£", m.group(0)).group(0)]
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
        before = _words_before(text, m.start(), 1)
        if re.match(r"\s+down\b|[\s-](?:figures|digits|standards?|agents?|check|bind|edged|click)\b", after, re.I):
            continue
        if word in ("double", "triple", "treble", "quadruple", "halve") and (
            (before and before[-1] in _DETERMINERS) or not re.match(r"\s+[a-z]", after)
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


# --------------------------------------------------------------------------
# Everything at once
# --------------------------------------------------------------------------


def extract_evidence(text: str, aliases: AliasMap | None = None, *, document_date: str | None = None) -> Evidence:
    """Sentences, quotes, mentions, dates and indicators of ``text``."""
    sents = split_sentences(text)
    dates = find_dates(text, document_date, sentences=sents)
    return Evidence(
        sentences=sents,
        quotes=extract_quotes(text, aliases, sentences=sents),
        mentions=find_mentions(text, aliases, sentences=sents) if aliases else (),
        dates=dates,
        indicators=find_indicators(text, sentences=sents, dates=dates),
    )
