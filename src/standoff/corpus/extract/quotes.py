"""Quotations with their speakers: direct, reported and scare quotes.

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
from collections.abc import Iterable, Sequence

from standoff.corpus.extract.mentions import _freeze, resolve_actor
from standoff.corpus.extract.people import _Attributor
from standoff.corpus.extract.records import AliasMap, Quote, Sentence
from standoff.corpus.extract.sentences import _sentence_at, split_paragraphs, split_sentences
from standoff.corpus.extract.speech import (
    _ALL_LEMMA,
    _NO_THAT,
    _NP_STOP,
    _OBJECT_THAT,
    _POSS_WORDS_RE,
    _REPORT_RE,
    _SPEECH_NOUNS,
    _SPEECH_RE,
    _head,
    _np_after,
    _quote_spans,
    _sentence_subject,
    _Span,
    _subject_before,
    _valid_np,
    _verb_ok,
)

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
