"""Actor mentions found through an alias map, and the resolution of a phrase to an actor."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from standoff.corpus.extract.records import AliasMap, Mention, Sentence
from standoff.corpus.extract.sentences import _sentence_at, split_sentences

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


def _iter_mentions(
    text: str, aliases: AliasMap | _Frozen | None, start: int = 0, end: int | None = None
) -> Iterator[tuple[str, int, int, bool]]:
    """Each alias match in ``text[start:end]``: ``(actor, start, end, possessive)``."""
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
