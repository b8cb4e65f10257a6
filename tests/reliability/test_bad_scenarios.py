"""Every bad scenario file is refused by ``validate`` and by the dashboard with a message naming the file,
the field and what was expected: no traceback, no hang, no server error.

Each fixture's first line says what the message must contain: ``# expect: TEXT``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from reliability.helpers import BAD, MINI
from standoff.cli import app
from standoff.web.app import create_app

FILES = sorted(BAD.glob("*.yaml"))


def expected(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert first.startswith("# expect: "), f"{path.name}: the first line must say what to expect"
    return first.removeprefix("# expect: ")


def test_there_are_at_least_fifty_bad_files() -> None:
    assert len(FILES) >= 50


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_validate_refuses_with_a_message(path: Path) -> None:
    start = time.monotonic()
    result = CliRunner().invoke(app, ["validate", str(path)])
    took = time.monotonic() - start
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    text = result.output
    assert "Traceback" not in text
    assert expected(path) in text, text
    lines = [line for line in text.splitlines() if line.strip()]
    assert all(str(path) in line for line in lines), text  # every line names the file
    assert took < 5, f"took {took:.1f} s"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(scenarios=[MINI])) as c:
        yield c


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_dashboard_reports_problems_not_errors(client: TestClient, path: Path) -> None:
    start = time.monotonic()
    r = client.post("/api/validate", files={"file": (path.name, path.read_bytes(), "application/yaml")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["valid"] is False and body["problems"], body
    if "corpus[0]" not in expected(path):  # an upload may not cite files on the server: a different message
        assert any(expected(path) in p["message"] or expected(path) in p["path"] for p in body["problems"]), body
    assert time.monotonic() - start < 5
