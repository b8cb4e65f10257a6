"""The dashboard's JSON API and pages, in-process with FastAPI's TestClient (on tests/data/mini.yaml)."""

from __future__ import annotations

import time
from pathlib import Path

import plotly.graph_objects as go
import pytest
from fastapi.testclient import TestClient

from standoff import forecast
from standoff.corpus.documents import normalise_text
from standoff.scenario import load_scenario
from standoff.scenario.coverage import coverage
from standoff.web import is_loopback, serve
from standoff.web.app import create_app
from standoff.web.state import MAX_DRAWS, MAX_UPLOAD

MINI = Path(__file__).parent / "data" / "mini.yaml"
TOKEN = "t0k+en/=&;42"

# Four kinds of problem, each in a different field of an otherwise valid file.
BROKEN = (
    MINI.read_text(encoding="utf-8")
    .replace("salience: {value: 0.9,", "salience: {value: 1.5,")
    .replace("  - actor: president", "  - actor: nobody")
    .replace("    name: President\n", "    nam: President\n")
    .replace("he vetoed even fig-leaf", "he vetoed every fig-leaf")
)
BROKEN_PATHS = {
    "actors[1](president).name": "required field is missing",
    "actors[1](president).nam": "unknown field",
    "stances[0](leader/enrichment).salience.value": "salience must be [0, 1], got 1.5",
    "stances[1](nobody/enrichment).actor": "unknown actor id 'nobody'",
    "actors[0](leader).veto[0](enrichment).evidence[0].quote": "quote not found in document 'ruhe-2025'",
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    with TestClient(create_app(scenarios=[MINI])) as c:
        yield c


def wait_for(client: TestClient, url: str, timeout: float = 60) -> dict:
    """Poll a Monte Carlo URL until it answers 200 (202 while the run goes on)."""
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(url)
        if r.status_code != 202:
            assert r.status_code == 200, r.text
            return r.json()
        assert r.json()["status"] in {"queued", "running"}
        assert time.monotonic() < deadline, "Monte Carlo run did not finish"
        time.sleep(0.05)


# --- the API -----------------------------------------------------------------


def test_scenarios_list(client: TestClient) -> None:
    data = client.get("/api/scenarios").json()
    assert data["broken"] == []
    (mini,) = data["scenarios"]
    assert mini["name"] == "mini" and mini["origin"] == "builtin"
    assert mini["actors"] == 3
    assert mini["issues"] == [{"id": "enrichment", "name": "Enrichment"}]


def test_scenario_detail(client: TestClient) -> None:
    data = client.get("/api/scenarios/mini").json()
    assert [a["id"] for a in data["actors"]] == ["leader", "president", "usa"]
    assert data["issues"][0]["scale"]["anchors"] == {"0": "none", "50": "limited and inspected", "100": "unconstrained"}
    leader = next(s for s in data["stances"] if s["actor"] == "leader")
    assert leader["position"]["evidence"][0]["doc"] == "ruhe-2025"


def test_evidence(client: TestClient) -> None:
    data = client.get("/api/scenarios/mini/evidence").json()
    cov = coverage(load_scenario(MINI).scenario)
    assert (data["total"], data["quoted"], data["judgment_only"]) == (cov.total, cov.quoted, len(cov.judgment_only))
    assert sum(data["by_support"].values()) == data["total"]
    quoted = [i for i in data["inputs"] if i["quotes"]]
    assert [i["path"] for i in quoted] == ["stances.leader.enrichment.position"]
    assert data["vetoes"][0]["actor"] == "leader" and data["vetoes"][0]["range"] == [50.0, 100.0]
    assert {d["id"] for d in data["documents"] if d["cited"]} == {"ruhe-2025"}


def test_document_spans_match_quotes(client: TestClient) -> None:
    data = client.get("/api/scenarios/mini/documents/ruhe-2025").json()
    text = " ".join(data["paragraphs"])
    assert len(data["quotes"]) == 2
    for q in data["quotes"]:
        start, end = q["span"]
        assert text[start:end] == normalise_text(q["quote"])
        assert q["used_by"]


def test_point_forecast_matches_library(client: TestClient) -> None:
    data = client.get("/api/scenarios/mini/forecast").json()
    expected = forecast(MINI).to_dict()
    assert data["draws"] is None
    for got, want in zip(data["issues"], expected["issues"], strict=True):
        assert {k: v["value"] for k, v in got["engines"].items()} == {k: v["value"] for k, v in want["engines"].items()}
        assert got["moves"] == want["moves"]


def test_monte_carlo_forecast_matches_library(client: TestClient) -> None:
    data = wait_for(client, "/api/scenarios/mini/forecast?draws=120&seed=5")
    expected = forecast(MINI, draws=120, seed=5).to_dict()
    assert (data["draws"], data["seed"]) == (120, 5)
    for got, want in zip(data["issues"], expected["issues"], strict=True):
        assert {k: v["draws"] for k, v in got["engines"].items()} == {k: v["draws"] for k, v in want["engines"].items()}


def test_issue_forecast_with_values(client: TestClient) -> None:
    point = client.get("/api/scenarios/mini/forecast/enrichment").json()
    assert point["issue"] == "enrichment" and "values" not in point
    data = wait_for(client, "/api/scenarios/mini/forecast/enrichment?draws=64&seed=1&values=true")
    assert set(data["values"]) == set(data["engines"])
    assert all(len(v) == 64 for v in data["values"].values())


def test_engine_filter(client: TestClient) -> None:
    data = client.get("/api/scenarios/mini/forecast", params={"engine": ["median", "nash"]}).json()
    assert set(data["issues"][0]["engines"]) == {"median", "nash"}


@pytest.mark.parametrize("kind", ["overview", "coverage", "map", "summary", "rounds", "distribution"])
def test_figures_are_valid_plotly(client: TestClient, kind: str) -> None:
    url = f"/api/scenarios/mini/figures/{kind}?issue=enrichment&draws=50&seed=2"
    fig = wait_for(client, url)
    go.Figure(fig)  # raises on anything Plotly does not accept
    assert fig["data"] and fig["layout"]["title"]["text"]


def test_engines(client: TestClient) -> None:
    names = {e["name"] for e in client.get("/api/engines").json()}
    assert {"compromise", "median", "nash", "expected_utility"} <= names


def test_openapi_lists_every_api_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) == {
        "/api/scenarios",
        "/api/scenarios/{name}",
        "/api/scenarios/{name}/evidence",
        "/api/scenarios/{name}/documents/{doc}",
        "/api/scenarios/{name}/forecast",
        "/api/scenarios/{name}/advice",
        "/api/scenarios/{name}/forecast/{issue}",
        "/api/scenarios/{name}/figures/{kind}",
        "/api/engines",
        "/api/validate",
        "/api/upload",
    }


def test_validate_valid_file(client: TestClient) -> None:
    r = client.post("/api/validate", files={"file": ("mini.yaml", MINI.read_bytes(), "application/yaml")})
    assert r.status_code == 200
    assert r.json() == {"file": "mini.yaml", "valid": True, "problems": [], "name": None, "scenario": None}


def test_validate_broken_file_lists_problems_field_by_field(client: TestClient) -> None:
    r = client.post("/api/validate", files={"file": ("broken.yaml", BROKEN.encode(), "application/yaml")})
    assert r.status_code == 200
    data = r.json()
    assert data["valid"] is False and data["name"] is None
    got = {p["path"]: p["message"] for p in data["problems"]}
    assert set(got) == set(BROKEN_PATHS)
    for path, message in BROKEN_PATHS.items():
        assert message in got[path]
    assert all(p["file"] == "broken.yaml" for p in data["problems"])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"id: [unclosed", "malformed YAML"),
        (b"- a list\n- not a mapping\n", "expected a YAML mapping"),
        (b"x: !!python/object:os.system {}", "not allowed"),
        (b"corpus: [builtin, ../../etc/corpus.yaml]\n", "built-in corpus"),
    ],
)
def test_bad_uploads_are_problems_not_errors(client: TestClient, content: bytes, expected: str) -> None:
    r = client.post("/api/validate", files={"file": ("bad.yaml", content, "application/yaml")})
    assert r.status_code == 200
    data = r.json()
    assert data["valid"] is False and data["problems"]
    assert expected in " ".join(p["message"] for p in data["problems"])


def test_alias_bomb_is_refused(client: TestClient) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 10)}]" for k in range(1, 9)]
    r = client.post("/api/validate", files={"file": ("bomb.yaml", "\n".join(lines).encode(), "application/yaml")})
    assert r.status_code == 200
    assert "anchors and aliases" in r.json()["problems"][0]["message"]


def test_recursive_alias_is_refused(client: TestClient) -> None:
    r = client.post("/api/validate", files={"file": ("loop.yaml", b"a: &a [*a]\n", "application/yaml")})
    assert r.status_code == 200 and r.json()["valid"] is False


def test_upload_offers_the_scenario(client: TestClient) -> None:
    text = MINI.read_text(encoding="utf-8").replace("id: mini", "id: mini-uploaded")
    r = client.post("/api/upload", files={"file": ("mine.yaml", text.encode(), "application/yaml")})
    data = r.json()
    assert r.status_code == 200 and data["valid"] and data["name"].startswith("upload-")
    assert data["scenario"]["id"] == "mini-uploaded" and data["scenario"]["origin"] == "upload"
    listed = {s["name"] for s in client.get("/api/scenarios").json()["scenarios"]}
    assert data["name"] in listed
    assert client.get(f"/api/scenarios/{data['name']}/forecast").status_code == 200
    assert client.get(f"/s/{data['name']}/briefing").status_code == 200


def test_upload_size_limit(client: TestClient) -> None:
    big = b"#" * (MAX_UPLOAD + 200_000)
    r = client.post("/api/validate", files={"file": ("big.yaml", big, "application/yaml")})
    assert r.status_code == 413


@pytest.mark.parametrize(
    "url",
    [
        "/api/scenarios/mini/forecast?draws=0",
        f"/api/scenarios/mini/forecast?draws={MAX_DRAWS + 1}",
        "/api/scenarios/mini/forecast?draws=many",
        "/api/scenarios/mini/forecast?draws=10&seed=-1",
        "/api/scenarios/mini/forecast?seed=1.5",
        "/api/scenarios/mini/forecast?engine=oracle",
        "/api/scenarios/mini/forecast/enrichment?values=perhaps",
        "/api/scenarios/mini/figures/pie?issue=enrichment",
        "/api/scenarios/mini/figures/map",
        "/s/mini/distributions/enrichment?draws=-3",
        "/s/mini/briefing?seed=abc",
    ],
)
def test_bad_parameters_are_422(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 422, r.text


def test_validate_without_file_is_422(client: TestClient) -> None:
    assert client.post("/api/validate").status_code == 422


@pytest.mark.parametrize(
    "url",
    [
        "/api/scenarios/nowhere",
        "/api/scenarios/nowhere/forecast",
        "/api/scenarios/mini/forecast/nothing",
        "/api/scenarios/mini/documents/nothing",
        "/api/scenarios/mini/figures/map?issue=nothing",
        "/api/nothing",
        "/s/nowhere/briefing",
        "/s/mini/nothing",
        "/s/mini/map/nothing",
        "/s/mini/briefing/enrichment",
        "/s/mini/documents/nothing",
    ],
)
def test_unknown_things_are_404(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 404


# --- pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("/", "A three-actor test scenario"),
        ("/s/mini/briefing", "fig-overview"),
        ("/s/mini/map/enrichment", "fig-map"),
        ("/s/mini/rounds/enrichment", "Who took whose offer"),
        ("/s/mini/evidence", "stances.leader.enrichment.position"),
        ("/s/mini/evidence?support=judgment", "issues.enrichment.status_quo"),
        ("/s/mini/documents/ruhe-2025", "<mark"),
        ("/upload", 'type="file"'),
        ("/apidocs", "/api/scenarios/{name}/forecast"),
    ],
)
def test_pages(client: TestClient, url: str, needle: str) -> None:
    r = client.get(url)
    assert r.status_code == 200
    assert needle in r.text


def test_per_issue_page_without_issue_redirects(client: TestClient) -> None:
    r = client.get("/s/mini/map", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"].endswith("/s/mini/map/enrichment")


def test_monte_carlo_page_shows_progress_then_figures(client: TestClient) -> None:
    url = "/s/mini/distributions/enrichment?draws=77&seed=9"
    deadline = time.monotonic() + 60
    while "fig-distribution" not in (text := client.get(url).text):
        assert 'http-equiv="refresh"' in text
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert "77 Monte Carlo draws" in text


def test_later_panels_are_hidden_without_data(client: TestClient) -> None:
    text = client.get("/s/mini/briefing").text
    for key in ("policies", "defiance", "ledger"):
        assert f'data-panel="{key}"' not in text
        assert client.get(f"/s/mini/{key}").status_code == 404
    for key in ("briefing", "map", "rounds", "distributions", "evidence"):
        assert f'data-panel="{key}"' in text


def test_upload_page_lists_problems_field_by_field(client: TestClient) -> None:
    r = client.post("/upload", files={"file": ("broken.yaml", BROKEN.encode(), "application/yaml")})
    assert r.status_code == 200
    for path, message in BROKEN_PATHS.items():
        assert path in r.text
        assert message.replace("'", "&#39;") in r.text
    assert r.text.count('class="problem"') == len(BROKEN_PATHS)
    assert r.text.count('class="inline-problem"') == len(BROKEN_PATHS)


def test_upload_page_opens_a_valid_scenario(client: TestClient) -> None:
    r = client.post(
        "/upload", files={"file": ("mini.yaml", MINI.read_bytes(), "application/yaml")}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].endswith("/briefing")
    assert client.get(r.headers["location"]).status_code == 200


def test_plotly_is_served_locally(client: TestClient) -> None:
    import plotly

    r = client.get("/static/plotly.min.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert r.content == (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
    page = client.get("/s/mini/briefing").text
    assert 'src="/static/plotly-basic.min.js"' in page and "cdn" not in page.lower()
    basic = client.get("/static/plotly-basic.min.js")
    assert basic.status_code == 200 and len(basic.content) < len(r.content) / 2  # only the trace types used


def test_broken_configured_scenario_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    with TestClient(create_app(scenarios=[MINI, bad])) as c:
        data = c.get("/api/scenarios").json()
        assert [s["name"] for s in data["scenarios"]] == ["mini"]
        assert data["broken"][0]["name"] == "bad" and len(data["broken"][0]["problems"]) == len(BROKEN_PATHS)
        assert c.get("/api/scenarios/bad").status_code == 422
        r = c.get("/s/bad/briefing")
        assert r.status_code == 422 and "stances[1](nobody/enrichment).actor" in r.text
        assert "does not validate" in c.get("/").text


# --- the token -----------------------------------------------------------------


@pytest.fixture(scope="module")
def locked() -> TestClient:
    with TestClient(create_app(TOKEN, scenarios=[MINI])) as c:
        yield c


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/api/scenarios",
        "/api/scenarios/mini/forecast",
        "/openapi.json",
        "/static/plotly.min.js",
        "/s/mini/briefing",
    ],
)
def test_token_required(locked: TestClient, url: str) -> None:
    r = locked.get(url)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert locked.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert locked.get(url, params={"token": "wrong"}).status_code == 401


def test_upload_needs_the_token(locked: TestClient) -> None:
    files = {"file": ("mini.yaml", MINI.read_bytes(), "application/yaml")}
    assert locked.post("/api/validate", files=files).status_code == 401
    ok = locked.post("/api/validate", files=files, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json()["valid"]


def test_bearer_token_opens_every_route(locked: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for url in [
        "/api/scenarios",
        "/api/scenarios/mini",
        "/api/scenarios/mini/evidence",
        "/s/mini/briefing",
        "/openapi.json",
    ]:
        assert locked.get(url, headers=auth).status_code == 200, url
    schema = locked.get("/openapi.json", headers=auth).json()
    assert schema["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}


def test_query_token_sets_a_cookie_for_the_page_links() -> None:
    with TestClient(create_app(TOKEN, scenarios=[MINI])) as c:
        r = c.get("/s/mini/briefing", params={"token": TOKEN})
        assert r.status_code == 200
        assert "httponly" in r.headers["set-cookie"].lower()
        assert c.get("/static/plotly.min.js").status_code == 200  # the browser sends the cookie back
        assert c.get("/s/mini/map/enrichment").status_code == 200


def test_no_token_no_gate(client: TestClient) -> None:
    assert client.get("/api/scenarios").status_code == 200
    assert "securitySchemes" not in client.get("/openapi.json").json().get("components", {})


# --- serve ---------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "example.org", "::"])
def test_serve_refuses_open_host_without_token(host: str) -> None:
    with pytest.raises(ValueError, match="without a token"):
        serve(host=host)


def test_loopback_hosts() -> None:
    assert all(is_loopback(h) for h in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"])
    assert not any(is_loopback(h) for h in ["0.0.0.0", "10.0.0.1", "::", "example.org", ""])


def test_pages_are_compressed_and_private(client: TestClient) -> None:
    """gzip on request; the chart toolbar sends nothing anywhere; no inline script (a strict CSP holds)."""
    r = client.get("/s/mini/briefing", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers.get("content-encoding") == "gzip"
    js = client.get("/static/app.js").text
    for setting in (
        "showSendToCloud: false",
        "showEditInChartStudio: false",
        '"sendDataToCloud"',
        '"editInChartStudio"',
    ):
        assert setting in js
    import re

    scripts = re.findall(r"<script(?![^>]*\b(?:src|type=\"application/json\"))[^>]*>", r.text)
    assert scripts == [], "an inline script"
    assert 'class="skip" href="#main"' in r.text and 'id="main"' in r.text
    assert "The bottom line" in r.text


def test_scenario_picker_is_a_form(client: TestClient) -> None:
    """The picker opens a scenario only on submit (arrow keys do not navigate)."""
    r = client.get("/open?scenario=mini", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/s/mini/briefing"
    assert client.get("/open?scenario=nope").status_code == 404
    page = client.get("/").text
    assert 'action="/open"' in page and 'id="scenario-pick"' in page
