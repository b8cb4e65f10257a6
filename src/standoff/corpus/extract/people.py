"""People named in a text and the resolution of pronouns, roles and associates to them."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from standoff.corpus.extract.mentions import resolve_actor
from standoff.corpus.extract.records import AliasMap, Sentence
from standoff.corpus.extract.speech import _ASSOCIATES, _PRONOUNS, _words_before


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
