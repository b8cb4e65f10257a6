"""The policy-comparison, defiance-cycle, ledger and advice panels of the dashboard."""

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient

from standoff.web.app import create_app

MINI = Path(__file__).parent / "data" / "mini.yaml"
TODAY = dt.datetime.now(dt.UTC).date().isoformat()  # resolutions may not be dated in the future


def test_policy_panels_show_every_option(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("STANDOFF_FIT", str(tmp_path / "fit.json"))
    client = TestClient(create_app())
    page = client.get("/s/iran-2026/briefing").text
    assert "Policy comparison" in page and "Defiance cycle" in page
    policies = client.get("/s/iran-2026/policies")
    assert policies.status_code == 200
    for name in ("Baseline (no change)", "Credible combined US-Israel military threat", "Renewed strikes"):
        assert name in policies.text
    assert "P(test ≤ 12 mo)" in policies.text and "optimal demand" in policies.text
    defiance = client.get("/s/iran-2026/defiance")
    assert defiance.status_code == 200 and "IR-1981" in defiance.text and "as of 2026-02-15" in defiance.text


def test_scenarios_without_a_deterrence_section_have_no_policy_tabs():
    client = TestClient(create_app(scenarios=[MINI]))
    page = client.get("/s/mini/briefing").text
    assert "Policy comparison" not in page and "Defiance cycle" not in page
    assert client.get("/s/mini/policies").status_code == 404


def test_ledger_panel_appears_once_questions_are_recorded(tmp_path: Path, monkeypatch):
    from typer.testing import CliRunner

    from standoff.cli import app

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    monkeypatch.setenv("STANDOFF_DB", url)
    client = TestClient(create_app(scenarios=[MINI]))
    assert "Ledger" not in client.get("/s/mini/briefing").text
    assert not (tmp_path / "ledger.db").exists()  # looking never creates a ledger
    assert CliRunner().invoke(app, ["forecast", str(MINI), "--record"]).exit_code == 0
    assert (
        CliRunner()
        .invoke(app, ["resolve", "enrichment-below-20", "--outcome", "no", "--date", TODAY, "--source", "synthetic"])
        .exit_code
        == 0
    )
    page = client.get("/s/mini/ledger")
    assert page.status_code == 200
    assert "enrichment-above-45" in page.text and "compromise" in page.text and f"no on {TODAY}" in page.text


def test_advice_panel_and_its_api():
    """Advice for the first side by default, any actor or the outside mediator on request, 404 otherwise."""
    client = TestClient(create_app(scenarios=[MINI]))
    page = client.get("/s/mini/advice")
    assert page.status_code == 200
    assert 'data-actor="usa"' in page.text and "the best moves" in page.text and "fig-advice-data" in page.text
    mediator = client.get("/s/mini/advice?actor=mediator")
    assert 'data-actor="mediator"' in mediator.text and "(a mediator from outside the scenario)" in mediator.text
    assert 'data-actor="leader"' in client.get("/s/mini/advice?actor=leader").text
    assert client.get("/s/mini/advice?actor=nobody").status_code == 404
    data = client.get("/api/scenarios/mini/advice", params={"actor": "mediator"}).json()
    assert data["mediator"] and data["objective"] == "deal" and data["moves"]
    assert [m["rank"] for m in data["moves"]] == list(range(1, len(data["moves"]) + 1))
    assert client.get("/api/scenarios/mini/advice", params={"actor": "nobody"}).status_code == 404
