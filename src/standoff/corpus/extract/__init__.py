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

The package holds one module per extraction kind:

* :mod:`~standoff.corpus.extract.records`: the result types (``Sentence``,
  ``Quote``, ``Mention``, ``DatedEvent``, ``Indicator``, ``Evidence``) and
  ``AliasMap``;
* :mod:`~standoff.corpus.extract.sentences`: paragraphs and sentences;
* :mod:`~standoff.corpus.extract.mentions`: actor mentions through an alias map;
* :mod:`~standoff.corpus.extract.speech`: verbs of saying and the noun-phrase
  rules that find their subjects;
* :mod:`~standoff.corpus.extract.people`: people named in the text and the
  resolution of pronouns and roles to them;
* :mod:`~standoff.corpus.extract.quotes`: quotations and their speakers;
* :mod:`~standoff.corpus.extract.gold`: scoring speaker attribution against a
  hand list;
* :mod:`~standoff.corpus.extract.dates`: dated expressions;
* :mod:`~standoff.corpus.extract.indicators`: numeric indicators.

:func:`extract_evidence`, here, runs them all.
"""

from __future__ import annotations

from standoff.corpus.extract.dates import find_dates
from standoff.corpus.extract.gold import AttributionScore, GoldQuote, score_attribution
from standoff.corpus.extract.indicators import find_indicators
from standoff.corpus.extract.mentions import find_mentions, resolve_actor
from standoff.corpus.extract.quotes import extract_quotes
from standoff.corpus.extract.records import AliasMap, DatedEvent, Evidence, Indicator, Mention, Quote, Sentence
from standoff.corpus.extract.sentences import split_paragraphs, split_sentences

__all__ = [
    "extract_evidence",
    "AliasMap",
    "AttributionScore",
    "DatedEvent",
    "Evidence",
    "GoldQuote",
    "Indicator",
    "Mention",
    "Quote",
    "Sentence",
    "extract_quotes",
    "find_dates",
    "find_indicators",
    "find_mentions",
    "resolve_actor",
    "score_attribution",
    "split_paragraphs",
    "split_sentences",
]


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
