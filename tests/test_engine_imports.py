"""Who may import whom around the engines: engines import only the core and the interface, never each other."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINES = Path(__file__).resolve().parent.parent / "src" / "standoff" / "engines"
#: Engine modules; the package, the interface, the registry and the adapters are the house around them.
HOUSE = {"__init__", "base", "registry", "adapters"}
ALLOWED = ("standoff.core", "standoff.engines.base")


def _standoff_imports(path: Path, top_level: bool = False) -> set[str]:
    """The ``standoff`` modules ``path`` imports (``top_level``: only at import time, not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in tree.body if top_level else ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("standoff"):
            names = {f"standoff.engines.{a.name}" for a in node.names}
            found |= names if node.module == "standoff.engines" else {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("standoff")}
    return found


def test_engine_modules_import_only_the_core_and_the_interface():
    modules = sorted(p for p in ENGINES.glob("*.py") if p.stem not in HOUSE)
    assert {p.stem for p in modules} >= {"baselines", "expected_utility", "smp", "exchange", "deterrence", "crisis"}
    bad = {p.stem: sorted(m for m in _standoff_imports(p) if not m.startswith(ALLOWED)) for p in modules}
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_interface_imports_no_engine_at_import_time():
    for name in ("base", "registry"):
        imported = _standoff_imports(ENGINES / f"{name}.py", top_level=True)
        assert all(m.startswith(ALLOWED) for m in imported), (name, imported)


def test_the_scenario_layer_imports_no_engine_at_import_time():
    scenario = ENGINES.parent / "scenario"
    imported = {p.stem: _standoff_imports(p, top_level=True) for p in scenario.glob("*.py")}
    assert {k: sorted(m for m in v if m.startswith("standoff.engines")) for k, v in imported.items()} == {
        k: [] for k in imported
    }
    assert "standoff.core.problems" in imported["arrays"]
