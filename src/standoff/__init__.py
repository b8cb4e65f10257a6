"""Standoff: make a coercive standoff computable.

``import standoff`` is light: the engines (Numba, SciPy) load on first use of
:func:`standoff.forecast`, not at import.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from standoff.experiments.forecast import forecast

try:
    __version__ = version("standoff")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__", "forecast"]


def __getattr__(name: str) -> Any:
    if name == "forecast":
        from standoff.experiments.forecast import forecast

        return forecast
    raise AttributeError(f"module 'standoff' has no attribute {name!r}")
