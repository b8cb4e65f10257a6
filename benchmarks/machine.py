"""What machine a benchmark ran on, printed beside its figures."""

from __future__ import annotations

import os
import platform

import numpy as np


def describe() -> str:
    """One line: CPU model, cores, Python and NumPy versions."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return (
        f"{cpu}; {os.cpu_count()} logical cores; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; NumPy {np.__version__}"
    )
