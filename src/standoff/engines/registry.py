"""The engine registry: a new engine is one module plus one ``register`` call."""

from __future__ import annotations

from standoff.engines.base import EngineSpec

_ENGINES: dict[str, EngineSpec] = {}


def register(spec: EngineSpec) -> EngineSpec:
    """Add an engine; names are unique."""
    if spec.name in _ENGINES and _ENGINES[spec.name] is not spec:
        raise ValueError(f"engine {spec.name!r} is already registered")
    _ENGINES[spec.name] = spec
    return spec


def get(name: str) -> EngineSpec:
    """The engine registered under ``name``."""
    _load_builtin()
    try:
        return _ENGINES[name]
    except KeyError:
        raise KeyError(f"unknown engine {name!r}; known: {', '.join(sorted(_ENGINES))}") from None


def available(kind: str | None = None) -> list[EngineSpec]:
    """All registered engines (of one kind), in registration order."""
    _load_builtin()
    return [s for s in _ENGINES.values() if kind is None or s.kind == kind]


def _load_builtin() -> None:
    # Importing the modules registers their engines (baselines, expected utility).
    from standoff.engines import baselines, exchange, expected_utility, smp  # noqa: F401

    register(smp.SPEC)
    register(exchange.SPEC)
