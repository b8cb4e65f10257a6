"""Evidence extraction: sentences, quotes and speakers, mentions, dates, indicators.

The speaker attribution is scored against a hand list of the quotations in the
two shipped articles (GOLD below), written down by reading the articles.

How the hand list codes attribution
-----------------------------------
* Listed: every span in quotation marks (direct quotes, including scare quotes
  and idioms), and every piece of reported speech where a source is the
  subject of a verb of saying with a content clause ("Khamenei insists
  diplomacy is impossible ..."). Beliefs and intentions ("Tehran does not
  believe ...", "the regime is betting that ...") and hypotheticals ("Tehran
  can claim ...") are not speech and are not listed.
* The actor is the proximate source: whoever the article presents as having
  said the words. Nested attributions are coded to that source, with the third
  party as ``holder``: "One more thing" is Wendy Sherman's report of what
  Iranian negotiators say (actor us_negotiators, holder iran_negotiators);
  "doesn't want prolonged and messy wars at high cost" is Hamidreza Azizi's
  account of a consensus in Iran's security elite (actor azizi, holder
  iran_security_elite).
* ``None``: scare quotes and idioms in the author's voice ("snapback", "ban",
  "drank the poisoned chalice") and words quoted from a book (All Quiet on the
  Western Front). "Right" in "Araghchi says Iran's proclaimed 'right' to
  enrich ..." sits inside Araghchi's reported speech, so it is his.
* Collectives are coded to the actor the alias map has for them: "Iran's
  diplomats and defense leaders" and the "they" that continues them -> iran;
  "his officials" (Khamenei's officials) -> iran; "legislators in Tehran" ->
  parliament; dissidents (Soutoudeh, Mahmoudian) -> dissidents; Pahlavi's
  supporters, including Saeed Ghasseminejad -> pahlavi_camp.

The rules in ``standoff.corpus.extract`` were written while reading these two articles, so
the score below is in-sample; the synthetic tests further down exercise the
same patterns on text the rules were not tuned on.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import standoff
from standoff.corpus.documents import normalise_text
from standoff.corpus.extract import (
    GoldQuote,
    Quote,
    extract_evidence,
    extract_quotes,
    find_dates,
    find_indicators,
    find_mentions,
    resolve_actor,
    score_attribution,
    split_sentences,
)

CORPUS = Path(standoff.__file__).parent / "data" / "corpus"
RUHE = (CORPUS / "ruhe-2025-defiant-in-defeat.txt").read_text(encoding="utf-8")
TALKS = (CORPUS / "iran-defiant-ahead-of-talks-2026.txt").read_text(encoding="utf-8")

ALIASES: dict[str, list[str]] = {
    "supreme_leader": ["Khamenei", "Ali Khamenei", "the supreme leader"],
    "foreign_ministry": ["Araghchi", "Abbas Araghchi", "his foreign minister"],
    "president": ["Pezeshkian", "Masoud Pezeshkian"],
    "khomeini": ["Khomeini", "Ruhollah Khomeini"],
    "ahmadinejad": ["Ahmadinejad", "Mahmoud Ahmadinejad"],
    "parliament": ["legislators", "Majlis", "lawmakers"],
    "iran": ["Iran", "Tehran", "the regime", "Islamic Republic"],
    "iran_negotiators": ["Iranian negotiators", "Iran's negotiators"],
    "iran_security_elite": ["Iran's security elite"],
    "iaea": ["IAEA", "International Atomic Energy Agency", "Rafael Grossi", "Grossi", "the IAEA chief"],
    "us_president": ["Trump", "Donald Trump", "President Trump"],
    "us_negotiators": ["Wendy Sherman", "Sherman", "the chief US negotiator"],
    "rubio": ["Marco Rubio", "Rubio"],
    "azizi": ["Hamidreza Azizi", "Azizi"],
    "pahlavi_camp": ["Reza Pahlavi", "Pahlavi", "Saeed Ghasseminejad", "Ghasseminejad"],
    "dissidents": [
        "dissidents",
        "Nasrin Soutoudeh",
        "Soutoudeh",
        "Mir Hossein Mousavi",
        "Mousavi",
        "Mehdi Mahmoudian",
        "Mahmoudian",
        "Narges Mohammadi",
        "Group of 17",
    ],
    "israel": ["Israel"],
    "usa": ["United States", "US", "U.S.", "America", "Washington"],
}

# Hand list: (quote or a distinctive part of the reported clause, actor, holder, note).
GOLD_RUHE = [
    GoldQuote(
        "They cannot do a damn thing.", "supreme_leader", note="named in the next sentence: 'Khamenei's choice words'"
    ),
    GoldQuote("snapback", None, note="scare quote"),
    GoldQuote("drank the poisoned chalice", None, note="idiom in the author's voice about Khomeini"),
    GoldQuote("state of suspension.", "supreme_leader", note="Khamenei and his inner circle speak publicly of"),
    GoldQuote("weary, broken, burnt out, rootless, hopeless", None, note="from a novel"),
    GoldQuote(
        "can act against important U.S. centers in the region whenever it deems necessary.",
        "supreme_leader",
        note="For Khamenei, this shows",
    ),
    GoldQuote(
        "we have always been the ones to decide when, and how, aggression against our people ends.",
        "foreign_ministry",
        note="For his foreign minister Abbas Araghchi",
    ),
    GoldQuote(
        "proved there is no military option for our nuclear program,", "foreign_ministry", note="continues Araghchi"
    ),
    GoldQuote(
        "America cannot do a damn thing", "ahmadinejad", note="the taunts of ... from President Mahmoud Ahmadinejad"
    ),
    GoldQuote(
        "nothing good comes from meeting America face-to-face",
        "supreme_leader",
        note="reported; 'the supreme leader warns'",
    ),
    GoldQuote("ban", None, note="scare quote"),
    GoldQuote(
        "diplomacy is impossible under the current climate", "supreme_leader", note="reported; 'Khamenei insists'"
    ),
    GoldQuote(
        "they will entertain talks only once all their demands are met", "iran", note="reported; 'his officials say'"
    ),
    GoldQuote(
        "possibility of dialogue, of entering negotiations,", "president", note="Pezeshkian tells his colleagues"
    ),
    GoldQuote("does not mean we intend to surrender.", "president"),
    GoldQuote(
        "the United States must show goodwill", "iran", note="reported; Iran's diplomats and defense leaders assert"
    ),
    GoldQuote(
        "America accede to their core parameters", "iran", note="reported; 'they insist', continuing the diplomats"
    ),
    GoldQuote("right", "foreign_ministry", note="inside Araghchi's reported speech"),
    GoldQuote(
        "to enrich is non-negotiable and must be recognized upfront",
        "foreign_ministry",
        note="reported; 'Araghchi says'",
    ),
    GoldQuote(
        "the country's missiles are not up for discussion",
        "foreign_ministry",
        note="reported; 'his deputy' = Araghchi's deputy",
    ),
    GoldQuote("snapback is an acceptable price to pay", "parliament", note="reported; legislators in Tehran, who say"),
    GoldQuote(
        "such conditions are the very subject of negotiations",
        "iaea",
        note="reported; IAEA chief Rafael Grossi ... point out",
    ),
]
GOLD_TALKS = [
    GoldQuote(
        "One more thing",
        "us_negotiators",
        holder="iran_negotiators",
        note="According to Wendy Sherman, ... of Iranian negotiators",
    ),
    GoldQuote(
        "doesn't want prolonged and messy wars at high cost.",
        "azizi",
        holder="iran_security_elite",
        note="Azizi notes a consensus among Iran's security elite",
    ),
    GoldQuote(
        "the US lacks a concrete plan for what follows",
        "rubio",
        note="reported; Senator Marco Rubio ... admitting that",
    ),
    GoldQuote("even far more complex", "rubio", note="'he suggested' = Rubio"),
    GoldQuote(
        "a US attack could galvanise the masses", "pahlavi_camp", note="reported; Supporters of Reza Pahlavi argue"
    ),
    GoldQuote("Iranians want the regime to be bombed,", "pahlavi_camp", note="Saeed Ghasseminejad claims"),
    GoldQuote(
        "security forces might lose the political will",
        "pahlavi_camp",
        note="reported; ', suggesting that' continues Ghasseminejad",
    ),
    GoldQuote(
        "many citizens, feeling completely powerless against tyranny, are looking outward for hope",
        "dissidents",
        note="reported; Some dissidents ... acknowledge",
    ),
    GoldQuote("many people are waiting for this strike", "dissidents", note="'She told Iranwire' = Nasrin Soutoudeh"),
    GoldQuote("war would undermine domestic democratic agency", "dissidents", note="reported; Mehdi Mahmoudian warns"),
    GoldQuote(
        "no patriotic Iranian would support an external attack",
        "dissidents",
        note="reported; 'He asserts' = Mahmoudian",
    ),
]


def _quotes(text: str) -> tuple[Quote, ...]:
    return extract_quotes(text, ALIASES)


# --------------------------------------------------------------------------
# Speaker attribution on the seed articles
# --------------------------------------------------------------------------


def test_hand_list_is_large_enough_and_verbatim():
    gold = GOLD_RUHE + GOLD_TALKS
    assert len(gold) == 33 and sum(1 for g in gold if g.actor) == 29
    for text, items in ((RUHE, GOLD_RUHE), (TALKS, GOLD_TALKS)):
        flat = normalise_text(text)
        assert all(normalise_text(g.text) in flat for g in items)


def test_speaker_attribution_precision_and_recall(capsys):
    predicted = _quotes(RUHE) + _quotes(TALKS)
    gold = GOLD_RUHE + GOLD_TALKS
    score = score_attribution(predicted, gold)
    with capsys.disabled():
        print(
            f"\nspeaker attribution on the seed articles: precision {score.precision:.3f} "
            f"({score.true_positives}/{score.true_positives + score.false_positives}), recall {score.recall:.3f} "
            f"({score.n_gold_attributed - score.false_negatives}/{score.n_gold_attributed}); "
            f"{score.n_gold} hand-listed quotes"
        )
        for err in score.errors:
            print("  ", err)
    # Achieved: precision 1.000 (28/28), recall 0.966 (28/29); the miss is "his officials".
    assert score.precision >= 0.95
    assert score.recall >= 0.9


def test_each_article_scores_separately():
    for text, gold in ((RUHE, GOLD_RUHE), (TALKS, GOLD_TALKS)):
        score = score_attribution(_quotes(text), gold)
        assert score.precision >= 0.95 and score.recall >= 0.85, score.errors


def test_known_miss_is_his_officials():
    """'his officials say ...': Khamenei's officials are the regime, which the
    rules do not infer (only deputies, spokesmen and the like inherit the actor)."""
    q = next(q for q in _quotes(RUHE) if "entertain talks" in q.text)
    assert q.speaker == "his officials" and q.actor is None


def test_nested_attributions_record_the_holder():
    quotes = {q.text: q for q in _quotes(TALKS)}
    sherman = quotes["One more thing"]
    assert (sherman.speaker, sherman.actor) == ("Wendy Sherman", "us_negotiators")
    assert (sherman.holder, sherman.holder_actor) == ("Iranian negotiators", "iran_negotiators")
    azizi = quotes["doesn’t want prolonged and messy wars at high cost."]
    assert (azizi.speaker, azizi.actor) == ("Hamidreza Azizi", "azizi")
    assert azizi.holder_actor == "iran_security_elite"
    for g in GOLD_TALKS:
        if g.holder:
            assert any(g.text.replace("'", "’") in q.text and q.holder_actor == g.holder for q in quotes.values())


def test_brief_examples():
    quotes = _quotes(RUHE)

    def find(part: str) -> Quote:
        return next(q for q in quotes if part in q.text)

    assert find("can act against important U.S. centers").actor == "supreme_leader"
    q = find("we have always been the ones to decide")
    assert q.actor == "foreign_ministry" and q.speaker == "his foreign minister Abbas Araghchi" and q.cue == "for-x"
    q = find("They cannot do a damn thing")
    assert q.actor == "supreme_leader" and q.cue == "next-sentence"
    q = find("not up for discussion")
    assert (q.speaker, q.actor, q.referent) == ("his deputy", "foreign_ministry", "Araghchi")
    assert find("America cannot do a damn thing").speaker == "President Mahmoud Ahmadinejad"
    assert find("snapback").kind == "scare" and find("snapback").speaker is None
    q = find("nothing good comes from meeting America")
    assert q.kind == "indirect" and q.speaker == "the supreme leader"


def test_pronouns_resolve_to_the_recent_person():
    quotes = {q.text: q for q in _quotes(TALKS)}
    assert quotes["even far more complex"].referent == "Senator Marco Rubio"
    assert quotes["many people are waiting for this strike"].referent == "Nasrin Soutoudeh"
    he = next(q for q in quotes.values() if q.speaker == "He")
    assert he.referent == "Mehdi Mahmoudian" and he.actor == "dissidents"


def test_quote_offsets_and_sentences_are_consistent():
    for text in (RUHE, TALKS):
        sents = split_sentences(text)
        for q in _quotes(text):
            assert text[q.start : q.end] == q.text
            s = sents[q.sentence]
            assert s.start <= q.start < s.end or q.kind == "indirect"


def test_without_aliases_speakers_are_still_found():
    quotes = extract_quotes(RUHE)
    assert all(q.actor is None for q in quotes)
    speakers = {q.speaker for q in quotes if q.speaker}
    assert {"Khamenei", "Pezeshkian", "Araghchi", "the supreme leader"} <= speakers


def test_scare_quotes_can_be_left_out():
    quotes = extract_quotes(RUHE, ALIASES, include_scare=False, include_indirect=False)
    assert quotes and all(q.kind == "direct" for q in quotes)
    assert "snapback" not in {q.text for q in quotes}


# --------------------------------------------------------------------------
# Attribution patterns on synthetic text
# --------------------------------------------------------------------------

SYN = {
    "sl": ["Khamenei", "the supreme leader"],
    "fm": ["Araghchi", "the foreign minister"],
    "us": ["Trump"],
    "iaea": ["Grossi"],
}


def _one(text: str, aliases=SYN, **kw) -> list[tuple[str, str | None, str | None]]:
    return [(q.text, q.speaker, q.actor) for q in extract_quotes(text, aliases, **kw)]


@pytest.mark.parametrize(
    "text, quote, speaker, actor",
    [
        (
            "“We will not negotiate under threat,” Araghchi said on Tuesday.",
            "We will not negotiate under threat,",
            "Araghchi",
            "fm",
        ),
        ('"We are ready," said Rafael Grossi, the head of the agency.', "We are ready,", "Rafael Grossi", "iaea"),
        (
            'The supreme leader said: "America cannot do a damn thing."',
            "America cannot do a damn thing.",
            "The supreme leader",
            "sl",
        ),
        ("According to Araghchi, the talks were “constructive.”", "constructive.", "Araghchi", "fm"),
        ("“It is over,” according to Trump.", "It is over,", "Trump", "us"),
        ("Khamenei told clerics that “the enemy is weak.”", "the enemy is weak.", "Khamenei", "sl"),
        ("‘We are not afraid,’ Khamenei said.", "We are not afraid,", "Khamenei", "sl"),
        ("“We will fight. We will win,” Khamenei said.", "We will fight. We will win,", "Khamenei", "sl"),
        (
            "Mr. Trump, speaking at 3 p.m. on Friday, said he was “very disappointed.”",
            "very disappointed.",
            "Mr. Trump",
            "us",
        ),
        ("For Trump, this proves “the policy works.”", "the policy works.", "Trump", "us"),
        ("Trump warns that Iran is “playing with fire” again.", "playing with fire", "Trump", "us"),
        (
            "Trump, however, struck a softer tone, telling CNN that a deal was “within reach.”",
            "within reach.",
            "Trump",
            "us",
        ),
        ("Araghchi later told state TV: “We are serious.”", "We are serious.", "Araghchi", "fm"),
    ],
)
def test_attribution_patterns(text, quote, speaker, actor):
    found = [q for q in extract_quotes(text, SYN) if q.kind != "indirect"]
    assert [(q.text, q.speaker, q.actor) for q in found] == [(quote, speaker, actor)]


def test_previous_sentence_and_pronoun():
    got = _one('Khamenei insisted that talks were pointless. "Nothing good will come of it," he said. "Nothing."')
    assert got == [
        ("talks were pointless", "Khamenei", "sl"),
        ("Nothing good will come of it,", "he", "sl"),
        ("Nothing.", "he", "sl"),
    ]


def test_roles_resolve_through_earlier_mentions():
    text = "IAEA chief Rafael Grossi visited Tehran. Later the IAEA chief said that access “remains limited.”"
    q = extract_quotes(text, {"iaea": ["Rafael Grossi"]})[-1]
    assert (q.speaker, q.actor, q.referent) == ("the IAEA chief", "iaea", "Rafael Grossi")
    text = (
        "Iran’s Supreme Leader Ali Khamenei spoke on Monday. The supreme leader warned that the US “cannot be trusted.”"
    )
    q = extract_quotes(text, {"sl": ["Ali Khamenei"]})[-1]
    assert q.actor == "sl" and q.referent == "Supreme Leader Ali Khamenei"


def test_associates_inherit_the_actor():
    text = "Abbas Araghchi met envoys in Oman. His spokesman said the talks were “constructive and useful.”"
    q = extract_quotes(text, SYN)[-1]
    assert (q.speaker, q.actor) == ("His spokesman", "fm")


def test_nested_speech_keeps_the_source_as_speaker():
    q = extract_quotes("Azizi said that Khamenei told aides “we will not retreat.”", {**SYN, "azizi": ["Azizi"]})[0]
    assert (q.speaker, q.actor, q.holder, q.holder_actor) == ("Azizi", "azizi", "Khamenei", "sl")


def test_participle_continues_the_speaker():
    got = _one(
        "“This is a trap,” the foreign minister told state television, adding that Tehran would respond decisively."
    )
    assert got == [
        ("This is a trap,", "the foreign minister", "fm"),
        ("Tehran would respond decisively", "the foreign minister", "fm"),
    ]


def test_not_speech():
    for text in (
        "Tehran can claim it fired the last shot.",
        "The regime does not believe that Trump will act.",
        "His claims that the strikes failed were false.",
        "Officers can also tell themselves their threats worked.",
        "He said. She said.",
    ):
        assert [q for q in extract_quotes(text, SYN) if q.actor or q.kind == "indirect"] == [], text


def test_unbalanced_and_straight_quotes():
    qs = extract_quotes('He said "this never ends\nNext paragraph.', SYN)
    assert qs[0].text == "this never ends"
    qs = extract_quotes('"One," "two three four," said Trump.', SYN)
    assert [q.text for q in qs] == ["One,", "two three four,"]
    assert qs[1].actor == "us"


def test_apostrophes_are_not_quotes():
    qs = extract_quotes("Iran’s leaders’ view is that the country’s ‘right’ is clear, Trump’s aides said.", SYN)
    assert [q.text for q in qs if q.kind != "indirect"] == ["right"]


# --------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------


def test_sentence_splitting_handles_abbreviations():
    text = (
        "Gen. Qassem Suleimani was killed by a U.S. drone. Dr. J. R. Smith met Mr. Jones at 3.5 km. "
        "The U.S. The next day. Prices rose 2.5 per cent. “Is it over?” he asked. “Yes.” Then e.g. rain, etc. The end…"
    )
    got = [s.text for s in split_sentences(text)]
    assert got == [
        "Gen. Qassem Suleimani was killed by a U.S. drone.",
        "Dr. J. R. Smith met Mr. Jones at 3.5 km.",
        "The U.S.",
        "The next day.",
        "Prices rose 2.5 per cent.",
        "“Is it over?” he asked.",
        "“Yes.”",
        "Then e.g. rain, etc.",
        "The end…",
    ]


def test_sentences_of_the_seed_articles():
    sents = split_sentences(RUHE)
    assert len(sents) == 72
    assert sents[0].text == "Iran Remains Defiant in Defeat"
    assert sents[1].text == "“They cannot do a damn thing.”"
    assert sents[10].text.startswith("In 2020, Iran’s most capable commander, Gen. Qassem Suleimani, was killed")
    assert all(RUHE[s.start : s.end] == s.text for s in sents)
    assert [s.index for s in sents] == list(range(len(sents)))
    talks = split_sentences(TALKS)
    assert len(talks) == 54
    assert talks[24].text.startswith("According to Wendy Sherman") and talks[24].text.endswith("relentless approach.")


# --------------------------------------------------------------------------
# Mentions
# --------------------------------------------------------------------------


def test_mentions_longest_first_possessive_and_case():
    text = "Iran’s security elite and Iranian officials met Iran's negotiators; the us team and the US envoy, and Khamenei’s aides."
    got = [(m.actor, m.alias, m.possessive) for m in find_mentions(text, ALIASES)]
    assert got == [
        ("iran_security_elite", "Iran’s security elite", False),
        ("iran_negotiators", "Iran's negotiators", False),
        ("usa", "US", False),
        ("supreme_leader", "Khamenei", True),
    ]


def test_mentions_in_the_seed_articles():
    mentions = find_mentions(RUHE, ALIASES)
    actors = {m.actor for m in mentions}
    assert {
        "supreme_leader",
        "foreign_ministry",
        "president",
        "khomeini",
        "ahmadinejad",
        "iaea",
        "usa",
        "iran",
        "israel",
    } <= actors
    assert all(RUHE[m.start : m.end] == m.alias for m in mentions)
    spans = sorted((m.start, m.end) for m in mentions)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), "mentions overlap"
    supreme = [m for m in mentions if m.actor == "supreme_leader"]
    assert len(supreme) >= 8


def test_resolve_actor_prefers_the_head():
    assert resolve_actor("Iran’s Supreme Leader Ali Khamenei", ALIASES) == "supreme_leader"
    assert resolve_actor("Iran’s diplomats and defense leaders", ALIASES) == "iran"
    assert (
        resolve_actor("Some dissidents inside Iran, such as human rights lawyer Nasrin Soutoudeh", ALIASES)
        == "dissidents"
    )
    assert resolve_actor("legislators in Tehran", ALIASES) == "parliament"
    assert resolve_actor("nobody in particular", ALIASES) is None


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------


def test_dates_in_the_talks_article():
    got = [(d.text, d.resolved, d.day) for d in find_dates(TALKS, "2026-02")]
    assert got == [
        ("last June", "2025-06", None),
        ("22 June", "2025-06", 22),
        ("September", "2025-09", None),
        ("January", "2026-01", None),
        ("June", "2025-06", None),
        ("January", "2026-01", None),
        ("2013-15", "2013", None),
        ("2 January", "2026-01", 2),
    ]
    d = find_dates(TALKS, "2026-02")[1]
    assert d.sentence_text.startswith("On 22 June, the United States launched")
    assert find_dates(TALKS, "2026-02")[6].end_year == 2015


def test_dates_in_the_ruhe_article():
    dates = find_dates(RUHE, "2025-10")
    resolved = [d.resolved for d in dates]
    assert resolved[:6] == ["2025-06", "1979", "1988", "2003", "2020", "2025-06"]
    assert dates[1].end_year == 1980
    assert "1918" in resolved and "2006" in resolved
    summer = [d for d in dates if d.text == "this summer"]
    assert summer and all(d.resolved == "2025" and d.relative for d in summer)


def test_dates_without_document_date_and_edge_cases():
    dates = find_dates("In June talks resumed. They may meet in May or on March 3, 2024. Next June, maybe.")
    got = [(d.text, d.month, d.year, d.resolved) for d in dates]
    assert got == [
        ("June", 6, None, None),
        ("May", 5, None, None),
        ("March 3, 2024", 3, 2024, "2024-03"),
        ("Next June", 6, None, None),
    ]
    got = [
        (d.text, d.resolved)
        for d in find_dates("Last June and next June; last year; this month. 1900 troops.", "2025-06-15")
    ]
    assert got == [("Last June", "2024-06"), ("next June", "2026-06"), ("last year", "2024"), ("this month", "2025-06")]


@pytest.mark.parametrize(
    "phrase, doc_date, year",
    [
        ("this summer", "2025-10", 2025),
        ("this summer", "2026-02", 2026),
        ("last summer", "2025-10", 2025),
        ("last summer", "2025-07", 2024),
        ("next summer", "2025-10", 2026),
        ("this winter", "2026-02", 2025),
        ("this winter", "2025-10", 2025),
        ("last winter", "2026-02", 2024),
        ("last winter", "2025-10", 2024),
        ("next winter", "2026-01", 2026),
    ],
)
def test_seasons(phrase, doc_date, year):
    (d,) = find_dates(f"It happened {phrase}.", doc_date)
    assert d.year == year and d.month is None and d.resolved == str(year)


# --------------------------------------------------------------------------
# Indicators
# --------------------------------------------------------------------------


def test_indicators_in_the_talks_article():
    got = [(i.kind, i.text, i.value, i.unit, i.qualifier) for i in find_indicators(TALKS)]
    assert ("count", "more than 30 Iranian military commanders", 30.0, "commanders", "more than") in got
    assert ("count", "over 160 strikes", 160.0, "strikes", "over") in got
    assert ("count", "30 Tomahawk missiles", 30.0, "missiles", None) in got
    assert ("tariff", "25% tariff", 25.0, "%", None) in got
    assert ("currency_move", "more than halved in value", 0.5, "x", "more than") in got
    assert ("magnitude", "towards treble figures", 100.0, None, "towards") in got
    assert ("duration", "eight months", 8.0, "months", None) in got
    assert ("count", "thousands of fellow Iranians", 1000.0, "iranians", "thousands of") in got
    assert not any("B-2" in i.text or i.text.startswith("2 ") for i in find_indicators(TALKS))


def test_indicators_in_the_ruhe_article():
    got = {(i.kind, i.text, i.value) for i in find_indicators(RUHE)}
    assert ("multiplier", "triple prewar military budgets", 3.0) in got
    assert ("duration", "12-Day", 12.0) in got
    assert ("duration", "eight years", 8.0) in got
    assert not any("doubling" in t for _, t, _ in got), "'doubling down' is an idiom"


def test_indicator_kinds_on_synthetic_text():
    text = (
        "The rial fell 40% against the dollar. Exports doubled. A tariff of 10% applies. "
        "Iran spent $1.5 billion and 2 million dollars. Inflation hit double digits. Some 1,200 people fled."
    )
    got = [(i.kind, i.value, i.unit) for i in find_indicators(text)]
    assert got == [
        ("currency_move", 40.0, "%"),
        ("multiplier", 2.0, "x"),
        ("tariff", 10.0, "%"),
        ("money", 1.5e9, "USD"),
        ("money", 2e6, "dollars"),
        ("magnitude", 10.0, None),
        ("count", 1200.0, "people"),
    ]


# --------------------------------------------------------------------------
# Contracts
# --------------------------------------------------------------------------


def test_results_are_frozen_and_deterministic():
    a = extract_evidence(TALKS, ALIASES, document_date="2026-02")
    b = extract_evidence(TALKS, ALIASES, document_date="2026-02")
    assert a == b
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.quotes[0].actor = "x"  # type: ignore[misc]
    assert a.sentences and a.quotes and a.mentions and a.dates and a.indicators


def test_empty_text():
    e = extract_evidence("", ALIASES)
    assert e.sentences == e.quotes == e.mentions == e.dates == e.indicators == ()
    assert find_mentions("Iran", {}) == ()


def test_score_attribution_counts():
    q = lambda t, a: Quote(t, "x", a, 0, 0, len(t))  # noqa: E731
    gold = [GoldQuote("alpha beta", "a"), GoldQuote("gamma", "b"), GoldQuote("delta", None)]
    s = score_attribution(
        [q("Alpha beta.", "a"), q("gamma", "c"), q("delta", "d"), q("omega", "e"), q("x", None)], gold
    )
    assert (s.true_positives, s.false_positives, s.false_negatives) == (1, 3, 1)
    assert s.precision == pytest.approx(0.25) and s.recall == pytest.approx(0.5)


_ALPHABET = st.sampled_from(
    list("abcdefgh XYZ.,;:!?\"“”‘’'—-\n0123456789%$") + ["U.S.", "Mr.", " said ", " says that ", "Khamenei", " he "]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_never_crashes_and_offsets_hold(text):
    e = extract_evidence(text, SYN, document_date="2025-06")
    for s in e.sentences:
        assert text[s.start : s.end] == s.text
    for q in e.quotes:
        assert text[q.start : q.end] == q.text
    for m in e.mentions:
        assert text[m.start : m.end] == m.alias
    for i in e.indicators:
        assert text[i.start : i.end] == i.text
