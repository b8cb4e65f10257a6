"""End to end in headless Chromium: the dashboard served by uvicorn on 127.0.0.1, driven by Playwright.

Needs Debian's Chromium at /usr/bin/chromium and Playwright for Python
(``apt-get install -y chromium`` and ``pip install playwright``; Playwright's
own browser download is not used). Skipped, with the reason, when either is
missing. Screenshots of every page go to the test's ``tmp_path``.
"""

from __future__ import annotations

import copy
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install -y chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need Playwright for Python (pip install playwright)"
)
uvicorn = pytest.importorskip("uvicorn", reason="browser tests need uvicorn (pip install uvicorn)")

from standoff.web.app import create_app  # noqa: E402

MINI = Path(__file__).parent / "data" / "mini.yaml"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "browser-token-7"


def two_issue_scenario(path: Path) -> Path:
    """tests/data/mini.yaml with a second issue, so that there is an issue to switch to."""
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["id"] = "two"
    data["title"] = "Two issues"
    data["issues"].append(
        {
            "id": "talks",
            "name": "Talks",
            "question": "On what terms do talks open?",
            "scale": {
                "low": 0,
                "high": 100,
                "anchors": {0: "US terms first", 50: "no preconditions", 100: "Iran's terms first"},
            },
            "status_quo": {"value": 70, "judgment": "No talks under way; test value."},
        }
    )
    for actor, position, salience in [("leader", 90, 0.7), ("president", 55, 0.6), ("usa", 20, 0.5)]:
        stance = copy.deepcopy(data["stances"][0])
        stance.update(
            actor=actor,
            issue="talks",
            position={"value": position, "judgment": "Test position on the terms of talks."},
            salience={
                "value": salience,
                "judgment": "Test salience on the terms of talks.",
                "range": [salience - 0.1, salience + 0.1],
            },
        )
        data["stances"].append(stance)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


BROKEN = (
    MINI.read_text(encoding="utf-8")
    .replace("salience: {value: 0.9,", "salience: {value: 1.5,")
    .replace("  - actor: president", "  - actor: nobody")
    .replace("he vetoed even fig-leaf", "he vetoed every fig-leaf")
)
BROKEN_PATHS = [
    "stances[0](leader/enrichment).salience.value",
    "stances[1](nobody/enrichment).actor",
    "actors[0](leader).veto[0](enrichment).evidence[0].quote",
]


def _serve(app: object) -> Iterator[str]:
    # the server gets a socket already bound to a port the system chose (port 0): no other process can take
    # the port between choosing it and listening on it
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", http="h11", lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        sock.close()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_issue_scenario(tmp_path_factory.mktemp("scenario") / "two.yaml")


@pytest.fixture(scope="module")
def server(scenario: Path) -> Iterator[str]:
    yield from _serve(create_app(scenarios=[scenario]))


@pytest.fixture(scope="module")
def locked_server(scenario: Path) -> Iterator[str]:
    yield from _serve(create_app(TOKEN, scenarios=[scenario]))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    requested: list[str] = []
    pg.on("request", lambda r: requested.append(r.url))
    pg.requested = requested  # type: ignore[attr-defined]
    yield pg
    context.close()


def assert_plots_drawn(page: object, expected: int | None = None) -> int:
    """Every figure on the page drawn by Plotly, each with at least one data trace."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('.figure')].every(f => f.dataset.drawn === 'true')"
    )
    figures = page.query_selector_all(".figure")  # type: ignore[attr-defined]
    assert figures, "no figure on the page"
    if expected is not None:
        assert len(figures) == expected
    for fig in figures:
        assert fig.query_selector(".plot-container .main-svg"), fig.get_attribute("id")
        traces = fig.query_selector_all(".scatterlayer .trace, .barlayer .trace")
        assert traces, f"{fig.get_attribute('id')} has no traces"
        marks = fig.query_selector_all(".scatterlayer .point, .scatterlayer .js-line, .barlayer .point")
        assert marks, f"{fig.get_attribute('id')} draws nothing"
    return len(figures)


def test_dashboard_end_to_end(page: object, server: str, tmp_path: Path) -> None:
    pg = page
    pg.goto(server + "/")  # type: ignore[attr-defined]
    pg.screenshot(path=str(tmp_path / "index.png"), full_page=True)  # type: ignore[attr-defined]
    pg.click("a.scenario-card[data-scenario=two]")  # type: ignore[attr-defined]
    pg.wait_for_url("**/s/two/briefing")  # type: ignore[attr-defined]
    assert_plots_drawn(pg, expected=1)
    assert pg.locator("article.brief").count() == 2  # type: ignore[attr-defined]
    pg.screenshot(path=str(tmp_path / "briefing.png"), full_page=True)  # type: ignore[attr-defined]

    pg.click("a.tab[data-panel=map]")  # type: ignore[attr-defined]
    pg.wait_for_url("**/s/two/map/enrichment")  # type: ignore[attr-defined]
    assert_plots_drawn(pg, expected=2)
    assert pg.locator("#fig-map .scatterlayer .point").count() >= 3  # type: ignore[attr-defined]
    assert "Enrichment: who wants what" in pg.text_content("#fig-map .gtitle")  # type: ignore[attr-defined]
    assert "unconstrained" in pg.text_content("#fig-map .xaxislayer-above")  # type: ignore[attr-defined]
    pg.screenshot(path=str(tmp_path / "map-enrichment.png"), full_page=True)  # type: ignore[attr-defined]

    pg.click("a.pill[data-issue=talks]")  # type: ignore[attr-defined]
    pg.wait_for_url("**/s/two/map/talks")  # type: ignore[attr-defined]
    assert_plots_drawn(pg, expected=2)
    assert "Talks: who wants what" in pg.text_content("#fig-map .gtitle")  # type: ignore[attr-defined]
    assert "no preconditions" in pg.text_content("#fig-map .xaxislayer-above")  # type: ignore[attr-defined]
    assert pg.locator("a.pill.on").inner_text() == "Talks"  # type: ignore[attr-defined]
    pg.screenshot(path=str(tmp_path / "map-talks.png"), full_page=True)  # type: ignore[attr-defined]

    pg.click("a.tab[data-panel=rounds]")  # type: ignore[attr-defined]
    pg.wait_for_url("**/s/two/rounds/talks")  # type: ignore[attr-defined]
    assert_plots_drawn(pg)
    assert pg.locator("h2", has_text="Who took whose offer").count() == 1  # type: ignore[attr-defined]
    pg.screenshot(path=str(tmp_path / "rounds.png"), full_page=True)  # type: ignore[attr-defined]

    pg.goto(server + "/s/two/distributions/talks?draws=60&seed=3")  # type: ignore[attr-defined]
    pg.wait_for_selector("#fig-distribution", timeout=90_000)  # the page reloads until the run is done
    assert_plots_drawn(pg, expected=2)
    assert pg.locator("#fig-distribution .barlayer .point").count() > 0  # type: ignore[attr-defined]
    pg.screenshot(path=str(tmp_path / "distributions.png"), full_page=True)  # type: ignore[attr-defined]

    pg.click("a.tab[data-panel=evidence]")  # type: ignore[attr-defined]
    pg.wait_for_url("**/s/two/evidence")  # type: ignore[attr-defined]
    assert_plots_drawn(pg, expected=1)
    assert pg.locator("table.evidence tbody tr").count() >= 10  # type: ignore[attr-defined]
    pg.click("table.evidence a[href*='/documents/ruhe-2025']")  # type: ignore[attr-defined]
    pg.wait_for_url("**/documents/ruhe-2025#q-*")  # type: ignore[attr-defined]
    assert pg.locator(".doc-text mark").count() >= 2  # type: ignore[attr-defined]
    pg.screenshot(path=str(tmp_path / "document.png"), full_page=True)  # type: ignore[attr-defined]

    outside = [u for u in pg.requested if not u.startswith(server) and not u.startswith("data:")]  # type: ignore[attr-defined]
    assert outside == [], "the dashboard fetched something from outside"
    shots = sorted(tmp_path.glob("*.png"))
    assert len(shots) == 7 and all(s.stat().st_size > 10_000 for s in shots)


def test_upload_broken_scenario_shows_its_errors(page: object, server: str, tmp_path: Path) -> None:
    pg = page
    pg.goto(server + "/upload")  # type: ignore[attr-defined]
    pg.set_input_files(  # type: ignore[attr-defined]
        "input[type=file]", files=[{"name": "broken.yaml", "mimeType": "application/yaml", "buffer": BROKEN.encode()}]
    )
    pg.click(".upload form button[type=submit]")  # type: ignore[attr-defined]
    pg.wait_for_selector("#problems")  # type: ignore[attr-defined]
    rows = pg.locator("table.problems tr.problem")  # type: ignore[attr-defined]
    assert rows.count() == len(BROKEN_PATHS)
    fields = [rows.nth(k).locator("td.field").inner_text() for k in range(rows.count())]
    assert sorted(fields) == sorted(BROKEN_PATHS)
    assert "salience must be [0, 1], got 1.5" in pg.inner_text("#problems")  # type: ignore[attr-defined]
    assert pg.locator(".source .inline-problem").count() == len(BROKEN_PATHS)  # type: ignore[attr-defined]
    pg.screenshot(path=str(tmp_path / "upload-problems.png"), full_page=True)  # type: ignore[attr-defined]
    assert (tmp_path / "upload-problems.png").stat().st_size > 10_000


def test_upload_valid_scenario_opens_it(page: object, server: str) -> None:
    pg = page
    pg.goto(server + "/upload")  # type: ignore[attr-defined]
    pg.set_input_files("input[type=file]", str(MINI))  # type: ignore[attr-defined]
    pg.click(".upload form button[type=submit]")  # type: ignore[attr-defined]
    pg.wait_for_url("**/s/upload-*/briefing")  # type: ignore[attr-defined]
    assert_plots_drawn(pg, expected=1)
    assert "uploaded" in pg.inner_text(".scenario-head .meta")  # type: ignore[attr-defined]


def test_token_gate_in_the_browser(page: object, locked_server: str) -> None:
    pg = page
    response = pg.goto(locked_server + "/s/two/briefing")  # type: ignore[attr-defined]
    assert response.status == 401
    assert "Token required" in pg.inner_text("h1")  # type: ignore[attr-defined]
    response = pg.goto(f"{locked_server}/s/two/briefing?token={TOKEN}")  # type: ignore[attr-defined]
    assert response.status == 200
    assert_plots_drawn(pg, expected=1)  # plotly.min.js came through with the cookie
    pg.click("a.tab[data-panel=map]")  # type: ignore[attr-defined]
    assert_plots_drawn(pg, expected=2)


AXE = Path(__file__).parent / "fixtures" / "axe.min.js"
PAGES = [
    "/",
    "/upload",
    "/apidocs",
    "/s/two/briefing",
    "/s/two/map/enrichment",
    "/s/two/rounds/talks",
    "/s/two/sensitivity/talks",
    "/s/two/evidence",
    "/s/two/documents/ruhe-2025",
    "/s/two/advice",
]
#: Plotly toolbar buttons that would send the chart to a remote service.
REMOTE_BUTTONS = ("sendDataToCloud", "editInChartStudio")


@pytest.fixture
def phone(browser: object, server: str) -> Iterator[object]:
    """A 390 px wide page on which every request off the loopback interface is aborted and recorded."""
    # the page's content security policy forbids inline scripts; axe-core is injected as one, so
    # this context lets the test's own injection through (the policy itself is tested in reliability/test_dashboard_hostile.py)
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)  # type: ignore[attr-defined]
    outside: list[str] = []

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith(server) or url.startswith("data:") or url.startswith("blob:"):
            r.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            r.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.outside = outside  # type: ignore[attr-defined]
    yield pg
    context.close()


def _axe(pg: object) -> list[dict[str, object]]:
    pg.add_script_tag(content=AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    result = pg.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")  # type: ignore[attr-defined]
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result
        if v["impact"] in ("critical", "serious")
    ]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_fits_a_phone_is_accessible_and_private(phone: object, server: str, path: str) -> None:
    pg = phone
    response = pg.goto(server + path)  # type: ignore[attr-defined]
    assert response.status == 200
    if pg.query_selector(".figure"):  # type: ignore[attr-defined]
        assert_plots_drawn(pg)
    pg.wait_for_timeout(300)  # type: ignore[attr-defined]  # responsive relayout
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")  # type: ignore[attr-defined]
    assert overflow <= 0, f"{path} is {overflow} px wider than a 390 px screen"
    assert _axe(pg) == [], path
    for button in REMOTE_BUTTONS:
        assert pg.query_selector(f'.modebar [data-title*="Chart Studio"], .modebar-btn[data-val="{button}"]') is None  # type: ignore[attr-defined]
    assert pg.outside == [], f"{path} tried to reach {pg.outside}"  # type: ignore[attr-defined]
    for fig in pg.query_selector_all(".figure"):  # type: ignore[attr-defined]
        assert fig.get_attribute("role") == "group" and len(fig.get_attribute("aria-label") or "") > 20


def test_scenario_picker_does_not_navigate_on_arrow_keys(page: object, server: str) -> None:
    pg = page
    pg.goto(server + "/")  # type: ignore[attr-defined]
    pg.focus("#scenario-pick")  # type: ignore[attr-defined]
    pg.keyboard.press("ArrowDown")  # type: ignore[attr-defined]
    pg.wait_for_timeout(500)  # type: ignore[attr-defined]
    assert pg.url == server + "/"  # type: ignore[attr-defined]
    pg.click(".pick button[type=submit]")  # type: ignore[attr-defined]
    pg.wait_for_url("**/s/two/briefing")  # type: ignore[attr-defined]
