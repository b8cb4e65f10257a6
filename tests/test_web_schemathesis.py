"""Property-based fuzzing of the JSON API from its own OpenAPI schema: no input gives a server error.

Schemathesis generates requests for every operation in ``/openapi.json``
(valid and invalid parameters, random uploads) and sends them in-process.
The runs are kept small (a few examples per operation) so the file takes
well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import negative_data_rejection, not_a_server_error  # noqa: E402

from standoff.web.app import create_app  # noqa: E402

MINI = Path(__file__).parent / "data" / "mini.yaml"

APP = create_app(scenarios=[MINI])
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _stop_runs() -> Iterator[None]:
    """Stop the Monte Carlo runs the fuzzer started, at the end of the module."""
    yield
    APP.state.library.close()


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_check_holds(case: schemathesis.Case) -> None:
    """Every Schemathesis check: documented status codes, schema-valid requests accepted, conforming bodies.

    An uploaded file is bytes whatever they spell: a multipart part holding ``false`` is a file the
    schema allows, not the boolean the fuzzer takes it for, so "schema-violating request accepted"
    is not asked of the two upload operations."""
    multipart = case.operation.path in ("/api/upload", "/api/validate")
    case.call_and_validate(excluded_checks=[negative_data_rejection] if multipart else None)


@pytest.mark.parametrize(
    "path", ["/api/scenarios/mini", "/api/scenarios/mini/evidence", "/api/scenarios/mini/forecast/enrichment"]
)
def test_known_scenario_paths_answer(path: str) -> None:
    """The fuzzer mostly hits unknown names (404); these make sure the real ones answer too."""
    from fastapi.testclient import TestClient

    assert TestClient(APP).get(path).status_code == 200
