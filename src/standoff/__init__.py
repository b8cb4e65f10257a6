"""Standoff: make a coercive standoff computable."""

__version__ = "0.1.0"
