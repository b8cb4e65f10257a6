"""Standoff: make a coercive standoff computable."""

__version__ = "0.1.0"

from standoff.forecast import forecast  # noqa: E402

__all__ = ["__version__", "forecast"]
