"""The bottom line: written from the results, in names and units, from a small typed input for the questions."""

import re
from pathlib import Path

from rich.console import Console

from standoff.experiments.forecast import forecast
from standoff.experiments.outlook import Outlook, outlook
from standoff.experiments.questions import QuestionLine
from standoff.presentation.bottom_line import bottom_line
from standoff.presentation.briefing import render
from standoff.scenario import load_scenario
from standoff.web.assets import environment

MINI = Path(__file__).parent / "data" / "mini.yaml"


def _text(renderable) -> str:
    console = Console(record=True, width=300)
    console.print(renderable)
    return console.export_text()


def test_written_from_the_results_in_names():
    loaded = load_scenario(MINI)
    f = forecast(loaded, draws=40, seed=1)
    b = bottom_line(f, loaded.scenario, outlook(loaded, n=16, draws=40, paths=200))
    text = " ".join([*b.lede, *b.changes, *(s.actor + " " + " ".join(s.wants) for s in b.sides)])
    assert "Enrichment" in text and "Monte Carlo median" in text
    assert [s.actor for s in b.sides] == ["US administration", "Supreme Leader"]
    assert not re.search(r"\b(usa|leader|president)\b", text), "an id instead of a name"
    assert len(b.questions) == len(loaded.scenario.questions)
    for q in b.questions:
        if q.probability is None:  # the mini scenario's questions are read from time-free engines only
            assert "no component answers it as asked" in q.interval
        else:
            assert 0 <= q.low <= q.probability <= q.high <= 1 and q.driver


def test_pooled_probabilities_drop_in():
    """Any list of QuestionLine fills the questions: the CLI and the web show it as given."""
    loaded = load_scenario(MINI)
    f = forecast(loaded)
    pooled = [QuestionLine("Will it happen by June?", 0.42, 0.3, 0.55, "90% interval of the pooled forecast", "X")]
    b = bottom_line(f, loaded.scenario, Outlook(pooled, [], {}))
    cli = _text(render(f, b))
    assert cli.index("BOTTOM LINE") < cli.index("ENRICHMENT")
    assert "42% [30%–55%, 90% interval of the pooled forecast]  Will it happen by June?" in cli
    html = environment().get_template("partials/bottom_line.html").render(c={"bottom": b})
    assert "Will it happen by June?" in html and "<b>42%</b>" in html and "30%–55%" in html
