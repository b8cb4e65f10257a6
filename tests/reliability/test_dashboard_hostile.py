"""The loopback dashboard against other sites: DNS rebinding, cross-site uploads, framing, token leaks."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from reliability.helpers import MINI
from standoff.web.app import create_app
from standoff.web.security import RedactToken

VALID = MINI.read_bytes()


@pytest.fixture()
def client():
    with TestClient(create_app(scenarios=[MINI])) as c:
        yield c


@pytest.mark.parametrize(
    "host", ["attacker.com", "attacker.com:8000", "127.0.0.1.nip.io", "evil.localhost.example", "", "[::2]:80"]
)
def test_rebinding_hosts_are_refused(client: TestClient, host: str) -> None:
    r = client.get("/api/scenarios", headers={"Host": host})
    assert r.status_code == 400
    assert "unknown Host" in r.json()["detail"]


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "127.0.0.1", "LOCALHOST:1"])
def test_loopback_hosts_are_served(client: TestClient, host: str) -> None:
    assert client.get("/api/scenarios", headers={"Host": host}).status_code == 200


CROSS_SITE = [
    {"Origin": "http://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://127.0.0.1:9999"},  # another local site
    {"Origin": "http://testserver.evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
]


@pytest.mark.parametrize("headers", CROSS_SITE, ids=[str(h) for h in CROSS_SITE])
@pytest.mark.parametrize("url", ["/api/upload", "/api/validate", "/upload"])
def test_cross_site_posts_are_refused_and_store_nothing(client: TestClient, headers: dict, url: str) -> None:
    before = client.get("/api/scenarios").json()
    r = client.post(url, files={"file": ("x.yaml", VALID, "application/yaml")}, headers=headers)
    assert r.status_code == 403
    assert "cross-site" in r.json()["detail"]
    assert client.get("/api/scenarios").json() == before


def test_same_origin_and_non_browser_uploads_work(client: TestClient) -> None:
    r = client.post("/api/upload", files={"file": ("x.yaml", VALID)}, headers={"Origin": "http://testserver"})
    assert r.status_code == 200 and r.json()["valid"]
    r = client.post("/api/upload", files={"file": ("y.yaml", VALID)})  # curl: no Origin
    assert r.status_code == 200 and r.json()["valid"]


@pytest.mark.parametrize("url", ["/", "/api/scenarios", "/upload", "/nonexistent", "/static/style.css"])
def test_security_headers(client: TestClient, url: str) -> None:
    r = client.get(url)
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-frame-options"] == "DENY"


def test_refusals_carry_security_headers_too(client: TestClient) -> None:
    r = client.get("/", headers={"Host": "attacker.com"})
    assert r.headers["x-frame-options"] == "DENY"


def test_token_gate_and_rebinding_together() -> None:
    with TestClient(create_app("s3cret", scenarios=[MINI])) as c:
        assert (
            c.get("/api/scenarios", headers={"Host": "attacker.com", "Authorization": "Bearer s3cret"}).status_code
            == 400
        )
        assert c.get("/api/scenarios").status_code == 401
        assert c.get("/api/scenarios", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_the_token_stays_out_of_the_access_log() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/s/mini/briefing?token=s3cret&draws=10", "1.1", 200),
        None,
    )
    RedactToken().filter(record)
    line = record.getMessage()
    assert "s3cret" not in line and "token=***" in line and "draws=10" in line


def test_serve_installs_the_log_filter_and_host_list(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    import standoff.web as web

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    web.serve("127.0.0.1", 8123, scenarios=[MINI])
    assert any(isinstance(f, RedactToken) for f in logging.getLogger("uvicorn.access").filters)
    with TestClient(seen["app"]) as c:
        assert c.get("/api/scenarios", headers={"Host": "attacker.com"}).status_code == 400
