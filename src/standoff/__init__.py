"""Standoff: make a coercive standoff computable.

``import standoff`` is light: the engines (Numba, SciPy) load on first use of
:func:`standoff.experiments.forecast`, not at import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from standoff.core.version import __version__

if TYPE_CHECKING:
    from standoff.experiments.forecast import forecast

__all__ = ["__version__", "forecast"]


def __getattr__(name: str) -> Any:
    if name == "forecast":
        from standoff.experiments.forecast import forecast

        return forecast
    raise AttributeError(f"module 'standoff' has no attribute {name!r}")
