"""The command line: thin shell over the library, tested with argument lists."""

import json
from pathlib import Path

from typer.testing import CliRunner

import standoff
from standoff.cli import app
from standoff.engines import available, issue_engines

MINI = str(Path(__file__).parent / "data" / "mini.yaml")
runner = CliRunner()


def test_validate_good_and_bad(tmp_path: Path):
    ok = runner.invoke(app, ["validate", MINI])
    assert ok.exit_code == 0 and "valid (3 actors, 1 issues, 3 stances; every quote found)" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(MINI).read_text(encoding="utf-8").replace("value: 0.9", "value: 1.9"), encoding="utf-8")
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 1
    assert f"{bad}: stances[0](leader/enrichment).salience.value: salience must be [0, 1], got 1.9" in res.stderr


def test_forecast_json_matches_the_library():
    res = runner.invoke(app, ["forecast", MINI, "--json"])
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    direct = standoff.forecast(MINI)
    issue = data["issues"][0]
    assert issue["issue"] == "enrichment"
    names = {s.name for s in issue_engines()}
    assert set(issue["engines"]) == names >= {"compromise", "expected_utility", "exchange"}
    for name, e in issue["engines"].items():
        assert e["value"] == direct.issue("enrichment").engines[name].value
    eu = issue["engines"]["expected_utility"]
    assert len(eu["positions_by_round"]) == eu["rounds"] + 1
    assert eu["positions_by_round"][0] == [95.0, 70.0, 0.0]


def test_forecast_briefing_and_monte_carlo():
    res = runner.invoke(app, ["forecast", MINI, "--draws", "200", "--seed", "3"])
    assert res.exit_code == 0, res.stderr
    for text in (
        "ENRICHMENT",
        "status quo",
        "Expected-utility model",
        "BOTTOM LINE",
        "WHO WANTS WHAT",
        "Monte Carlo median [90% interval]",
        "Monte Carlo: 200 draws, seed 3",
        "vetoes: Supreme Leader accepts only 50–100",
        "who moved whom",
    ):
        assert text in res.stdout
    again = runner.invoke(app, ["forecast", MINI, "--draws", "200", "--seed", "3", "--json"])
    first = json.loads(again.stdout)["issues"][0]["engines"]["expected_utility"]["draws"]
    second = standoff.forecast(MINI, draws=200, seed=3).issues[0].engines["expected_utility"].draws
    assert second is not None and first["statistic"] == "median"
    assert first == {
        "estimate": second.median,
        "low": second.low,
        "high": second.high,
        "level": 0.9,
        "statistic": "median",
    }


def test_forecast_refuses_an_invalid_scenario(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n", encoding="utf-8")
    res = runner.invoke(app, ["forecast", str(bad)])
    assert res.exit_code == 1 and "title: required field is missing" in res.stderr


def test_evidence_and_engines():
    res = runner.invoke(app, ["evidence", MINI])
    assert res.exit_code == 0
    assert "10 numeric inputs" in res.stdout and "quote              1  (10%)" in res.stdout
    res = runner.invoke(app, ["engines"])
    assert res.exit_code == 0 and "expected_utility" in res.stdout and "Scholz" in res.stdout
    names = {s.name for s in available()}
    rows = {w[0]: w[1] for w in map(str.split, res.stdout.splitlines()) if len(w) > 1 and w[0] in names}
    assert rows == {s.name: s.kind for s in available()}
    assert {"bargaining", "multi-issue", "dynamics", "crisis"} <= set(rows.values())
    assert "Fearon 1995" in res.stdout and "Powell 2006" in res.stdout


def test_every_flag_has_help_and_shows_its_default():
    import typer

    def walk(command, prefix=""):
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, f"{prefix}{name} ")
        else:
            yield prefix.strip(), command

    missing = []
    for name, command in walk(typer.main.get_command(app)):
        for p in command.params:
            if not getattr(p, "help", None):
                missing.append(f"{name} {p.name}: no help")
            elif type(p).__name__.endswith("Option") and p.show_default is False:
                missing.append(f"{name} {p.name}: default hidden")
    assert missing == []
