"""Verbs of saying, the word lists around them, and the rules that find their subjects."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from standoff.corpus.extract.mentions import resolve_actor
from standoff.corpus.extract.records import AliasMap

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
        lead_word = re.match(r"\s*([A-Za-z]+)\s+(?=\S)", body)
        if lead_word and (lead_word.group(1).lower() in _CONJ or lead_word.group(1).lower() in _LEAD_ADVERBS):
            body, offset = body[lead_word.end() :], offset + lead_word.end()
            continue
        break
    lead = len(body) - len(body.lstrip())
    body, offset = body.strip(), offset + lead
    body = _cut_aux(body).rstrip(" ,")
    # a verb-less "X is among the very few to point out": cut at "to"
    body = re.sub(r"\s+to$", "", body)
    # trailing adverbs: "Araghchi later told"
    while (tail := re.search(r"\s+([a-z]+)$", body)) and (
        tail.group(1) in _LEAD_ADVERBS or tail.group(1).endswith("ly")
    ):
        body = body[: tail.start()]
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
