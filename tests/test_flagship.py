"""The flagship scenario iran-2026: valid, every quote verified, and forecast by every engine."""

import json

import pytest
from typer.testing import CliRunner

from standoff import forecast
from standoff.cli import app
from standoff.corpus import load_corpus
from standoff.scenario import builtin_scenarios, load_scenario
from standoff.scenario.coverage import coverage

runner = CliRunner()


@pytest.fixture(scope="module")
def flagship():
    return load_scenario("iran-2026")


def test_it_ships_and_validates_with_every_quote_found(flagship):
    assert "iran-2026" in builtin_scenarios()
    sc = flagship.scenario
    assert sc.as_of.isoformat() <= "2026-02-28"
    assert len(sc.actors) >= 15 and len(sc.issues) >= 6
    corpus = load_corpus()
    quotes = [(e.doc, e.quote) for s in sc.stances for q in (s.position, s.salience) for e in q.evidence]
    assert len(quotes) > 50
    assert all(corpus[d].contains(q) for d, q in quotes)


def test_the_actors_the_articles_name_are_there(flagship):
    text = " ".join(f"{a.id} {a.name} {' '.join(a.aliases)}" for a in flagship.scenario.actors).lower()
    for who in (
        "khamenei",
        "irgc",
        "pezeshkian",
        "araghchi",
        "majlis",
        "security",
        "public",
        "trump",
        "israel",
        "iaea",
        "e3",
        "china",
        "russia",
        "gulf",
        "pahlavi",
        "mousavi",
        "mohammadi",
        "sotoudeh",
    ):
        assert who in text, who
    groups = {a.group for a in flagship.scenario.actors}
    assert {"state", "faction", "movement"} <= groups


def test_evidence_coverage(flagship):
    cov = coverage(flagship.scenario)
    assert cov.total == len(list(cov.inputs)) and cov.quoted + len(cov.judgment_only) == cov.total
    assert cov.quoted >= 90
    res = runner.invoke(app, ["evidence", "iran-2026"])
    assert res.exit_code == 0 and f"{cov.total} numeric inputs" in res.stdout and "khamenei" in res.stdout


def test_forecast_every_issue_with_every_engine(flagship):
    f = forecast(flagship)
    assert len(f.issues) == len(flagship.scenario.issues)
    for issue in f.issues:
        lo, hi = issue.scale
        assert set(issue.engines) >= {"compromise", "median", "nash", "expected_utility", "smp"}
        for e in issue.engines.values():
            assert lo <= e.value <= hi and e.label in issue.anchors.values()


def test_default_command_is_the_flagship_briefing():
    res = runner.invoke(app, ["forecast"])
    assert res.exit_code == 0, res.stderr
    assert "iran-2026, as of 2026-02-15" in res.stdout and "URANIUM ENRICHMENT" in res.stdout
    res = runner.invoke(app, ["forecast", "iran-2026", "--json", "--engine", "expected_utility"])
    data = json.loads(res.stdout)
    eu = data["issues"][0]["engines"]["expected_utility"]
    assert len(eu["positions_by_round"][0]) == len(data["issues"][0]["actors"])
