"""Engines: pure, vectorised models behind one interface (:mod:`.base`) and a registry (:mod:`.registry`).

Importing this package loads no engine module (and no Numba kernel); the
built-in engines are imported on the first registry lookup.
"""

from standoff.core.problems import BargainingProblem, BargainingResult, IssuesProblem, IssuesResult
from standoff.engines.base import EngineSpec
from standoff.engines.registry import available, get, issue_engines, register, run_issues

__all__ = [
    "BargainingProblem",
    "BargainingResult",
    "EngineSpec",
    "IssuesProblem",
    "IssuesResult",
    "available",
    "get",
    "issue_engines",
    "register",
    "run_issues",
]
