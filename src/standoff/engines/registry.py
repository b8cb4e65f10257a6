"""The engine registry: engines by name, and one way to run any issue engine over a scenario's issues.

A new engine is one module (its problem and result types, ``run`` and an
:class:`~standoff.engines.base.EngineSpec`) plus one ``register`` call; the
built-in engines are registered by :func:`_load_builtin` on first use, so
importing this module loads no engine (and compiles no kernel).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from standoff.core.problems import BargainingProblem, BargainingResult, IssuesProblem, IssuesResult
from standoff.engines.base import BARGAINING, MULTI_ISSUE, EngineSpec

_ENGINES: dict[str, EngineSpec[Any, Any]] = {}
_LOADED = False


def register(spec: EngineSpec[Any, Any]) -> EngineSpec[Any, Any]:
    """Add an engine; names are unique."""
    if spec.name in _ENGINES and _ENGINES[spec.name] is not spec:
        raise ValueError(f"engine {spec.name!r} is already registered")
    _ENGINES[spec.name] = spec
    return spec


def get(name: str) -> EngineSpec[Any, Any]:
    """The engine registered under ``name``."""
    _load_builtin()
    try:
        return _ENGINES[name]
    except KeyError:
        raise KeyError(f"unknown engine {name!r}; known: {', '.join(sorted(_ENGINES))}") from None


def available(kind: str | None = None) -> list[EngineSpec[Any, Any]]:
    """All registered engines (of one kind), in registration order."""
    _load_builtin()
    return [s for s in _ENGINES.values() if kind is None or s.kind == kind]


def issue_engines() -> list[EngineSpec[Any, Any]]:
    """Every engine that forecasts a scenario's issues (one-issue and multi-issue), in registration order."""
    return [s for s in available() if s.kind in (BARGAINING, MULTI_ISSUE)]


def run_issues(
    spec: EngineSpec[Any, Any],
    problems: Mapping[str, BargainingProblem],
    *,
    detail: bool = True,
    only: Collection[str] | None = None,
) -> dict[str, BargainingResult]:
    """Run an issue engine over a scenario's issues: issue id → result.

    One-issue engines run issue by issue; multi-issue engines once over all of
    them (they trade across issues, so every issue is an input even when
    ``only`` asks for the results of some). The one place that tells the two
    kinds apart.
    """
    keep = list(problems) if only is None else [i for i in problems if i in only]
    if spec.kind == BARGAINING:
        return {issue: spec(problems[issue], detail=detail) for issue in keep}
    if spec.kind == MULTI_ISSUE:
        out = spec(IssuesProblem(problems), detail=detail)
        if not isinstance(out, IssuesResult):
            raise TypeError(f"engine {spec.name!r} returned {type(out).__name__}, not an IssuesResult")
        return {issue: out.issues[issue] for issue in keep}
    raise ValueError(f"engine {spec.name!r} is a {spec.kind} engine; it does not forecast issues")


def _load_builtin() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    # Each module declares its engines; registering them here fixes the order they are listed in.
    from standoff.engines import adapters, baselines, deterrence, exchange, expected_utility, smp

    for spec in (
        baselines.COMPROMISE,
        baselines.MEDIAN,
        baselines.NASH,
        expected_utility.SPEC,
        smp.SPEC,
        exchange.SPEC,
        deterrence.SPEC,
        *adapters.CRISIS_SPECS,
    ):
        register(spec)
