"""The flagship's forecasts pinned: each issue × engine point forecast and Monte Carlo quantiles at a fixed seed.

A change to an engine, the scenario compiler, the sampler or the flagship file that moves any of these
numbers by more than the file's tolerances fails here. When the change is intended, regenerate the file
and review its diff with the change:

    python3 -m pytest tests/test_flagship_regression.py --regenerate-flagship
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from standoff import forecast

PATH = Path(__file__).parent / "data" / "flagship_regression.json"
SCENARIO, DRAWS, SEED = "iran-2026", 200, 20260206
#: Absolute tolerances on the issue scale (0-100). Everything is deterministic at a fixed seed; the slack
#: only absorbs floating-point differences between machines and libraries.
TOLERANCE = {"point": 1e-6, "quantiles": 1e-6}


def _current() -> dict[str, object]:
    point = forecast(SCENARIO)
    drawn = forecast(SCENARIO, draws=DRAWS, seed=SEED)
    issues: dict[str, dict[str, dict[str, object]]] = {}
    for p, d in zip(point.issues, drawn.issues, strict=True):
        issues[p.issue] = {}
        for name, e in p.engines.items():
            iv = d.engines[name].draws
            assert iv is not None
            issues[p.issue][name] = {
                "point": e.value,
                "quantiles": {"0.05": iv.low, "0.5": iv.median, "0.95": iv.high},
            }
    return {
        "scenario": SCENARIO,
        "draws": DRAWS,
        "seed": SEED,
        "tolerance": TOLERANCE,
        "regenerate": "python3 -m pytest tests/test_flagship_regression.py --regenerate-flagship",
        "issues": issues,
    }


def test_the_flagship_forecasts_have_not_moved(request: pytest.FixtureRequest) -> None:
    current = _current()
    if request.config.getoption("--regenerate-flagship"):
        PATH.write_text(json.dumps(current, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        pytest.skip(f"regenerated {PATH.name}")
    pinned = json.loads(PATH.read_text(encoding="utf-8"))
    assert (pinned["scenario"], pinned["draws"], pinned["seed"]) == (SCENARIO, DRAWS, SEED)
    tol = pinned["tolerance"]
    assert sorted(current["issues"]) == sorted(pinned["issues"]), "the flagship's issues changed"  # type: ignore[call-overload]
    moved = []
    for issue, engines in pinned["issues"].items():
        now = current["issues"][issue]  # type: ignore[index]
        assert sorted(now) == sorted(engines), f"{issue}: the engines changed"
        for name, want in engines.items():
            got = now[name]
            if abs(got["point"] - want["point"]) > tol["point"]:
                moved.append(f"{issue}/{name} point: {want['point']} -> {got['point']}")
            for q, value in want["quantiles"].items():
                if abs(got["quantiles"][q] - value) > tol["quantiles"]:
                    moved.append(f"{issue}/{name} q{q}: {value} -> {got['quantiles'][q]}")
    assert not moved, "flagship forecasts moved (regenerate if intended):\n" + "\n".join(moved)
