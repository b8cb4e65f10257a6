"""Engines: pure, vectorised models behind one interface and a registry."""

from standoff.engines.base import BargainingProblem, BargainingResult, EngineSpec
from standoff.engines.registry import available, get, register

__all__ = ["BargainingProblem", "BargainingResult", "EngineSpec", "available", "get", "register"]
