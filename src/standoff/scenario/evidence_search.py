"""Finding evidence in the corpus for a scenario's stances.

For every actor × issue stance, candidate sentences are ranked by a simple,
deterministic relevance score: a sentence qualifies if it mentions the actor
(its aliases or name) and scores ``1 + k`` for ``k`` distinct issue terms it
contains (content words of the issue's name, question and anchor texts), plus
2 when the extractor attributes a quote in it to the actor. Sentences already
cited by the stance are marked. :func:`draft_stances` turns the best
candidates for stances that lack a quote into draft entries for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from standoff.corpus.documents import Corpus, Document, normalise_text
from standoff.corpus.extract import Evidence, extract_evidence
from standoff.scenario.model import Issue, Scenario

_STOP = set(
    "a an and any are as at be but by can do does for from has have how if in into is it its no none not of on or "
    "our over so some such than that the their them there these they this to under up us was what when which while "
    "who will with would".split()
)
_WORD = re.compile(r"[a-z][a-z\-]{2,}")


@dataclass(frozen=True)
class Candidate:
    """A sentence that may support an actor's stance on an issue."""

    actor: str
    issue: str
    doc: str
    sentence: str
    score: float
    cited: bool
    quoted_actor: bool


def issue_terms(issue: Issue) -> frozenset[str]:
    """Content words of an issue's name, question and anchors."""
    text = " ".join([issue.name, issue.question, *issue.scale.anchors.values()]).lower()
    return frozenset(w for w in _WORD.findall(text) if w not in _STOP)


def aliases_of(scenario: Scenario) -> dict[str, list[str]]:
    """Actor id → the names texts use for it (aliases and its name)."""
    return {a.id: list(dict.fromkeys([*a.aliases, a.name])) for a in scenario.actors}


@lru_cache(maxsize=64)
def _evidence(doc: Document, aliases: tuple[tuple[str, tuple[str, ...]], ...]) -> Evidence:
    return extract_evidence(doc.text, {k: list(v) for k, v in aliases}, document_date=doc.date)


def candidates(scenario: Scenario, corpus: Corpus, *, per_stance: int = 3) -> dict[tuple[str, str], list[Candidate]]:
    """Best candidate sentences per ``(actor, issue)`` for every actor and issue of the scenario."""
    frozen = tuple((k, tuple(v)) for k, v in aliases_of(scenario).items())
    cited: dict[tuple[str, str], list[str]] = {}
    for s in scenario.stances:
        cited[(s.actor, s.issue)] = [normalise_text(e.quote) for q in (s.position, s.salience) for e in q.evidence]
    terms = {i.id: issue_terms(i) for i in scenario.issues}
    found: dict[tuple[str, str], list[Candidate]] = {}
    for doc in corpus.documents.values():
        ev = _evidence(doc, frozen)
        mentioned: dict[int, set[str]] = {}
        for m in ev.mentions:
            if m.sentence is not None:
                mentioned.setdefault(m.sentence, set()).add(m.actor)
        speakers: dict[int, set[str]] = {}
        for q in ev.quotes:
            if q.actor is not None:
                speakers.setdefault(q.sentence, set()).add(q.actor)
                mentioned.setdefault(q.sentence, set()).add(q.actor)
        for k, sentence in enumerate(ev.sentences):
            words = set(_WORD.findall(sentence.text.lower()))
            norm = normalise_text(sentence.text)
            for actor in mentioned.get(k, ()):
                for issue, vocab in terms.items():
                    overlap = len(words & vocab)
                    if not overlap:
                        continue
                    spoke = actor in speakers.get(k, set())
                    score = 1.0 + overlap + (2.0 if spoke else 0.0)
                    is_cited = any(c and (c in norm or norm in c) for c in cited.get((actor, issue), []))
                    found.setdefault((actor, issue), []).append(
                        Candidate(actor, issue, doc.id, sentence.text.strip(), score, is_cited, spoke)
                    )
    return {key: sorted(v, key=lambda c: (-c.score, c.doc, c.sentence))[:per_stance] for key, v in found.items()}


def draft_stances(scenario: Scenario, corpus: Corpus) -> list[dict[str, object]]:
    """Draft stance entries, for review, where a candidate quote exists and the scenario has none.

    A draft is proposed for an actor × issue with no stance, or whose position
    rests on judgment alone. Its numbers are placeholders (the issue's status
    quo and a middling salience) that the analyst must set from the quote.
    """
    have = {(s.actor, s.issue): s for s in scenario.stances}
    drafts = []
    for (actor, issue), found in sorted(candidates(scenario, corpus, per_stance=1).items()):
        best = found[0]
        stance = have.get((actor, issue))
        if best.cited or (stance is not None and stance.position.evidence):
            continue
        quote = {"doc": best.doc, "quote": best.sentence}
        why = "DRAFT, review: set this number from the quote (placeholder value)"
        sq = scenario.issue(issue).status_quo.value
        drafts.append(
            {
                "actor": actor,
                "issue": issue,
                "position": {"value": stance.position.value if stance else sq, "evidence": quote, "judgment": why},
                "salience": {"value": stance.salience.value if stance else 0.5, "judgment": why},
            }
        )
    return drafts
