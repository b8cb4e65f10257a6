"""Scoring extracted speaker attribution against a hand-made list of quotes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from standoff.corpus.documents import normalise_text
from standoff.corpus.extract.records import Quote


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
