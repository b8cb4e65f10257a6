"""What machine a benchmark ran on, and its limits, printed beside its figures."""

from __future__ import annotations

import os
import platform
import time

import numpy as np


def describe() -> str:
    """One line: CPU model, cores, load, Python and NumPy versions."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    load = f"; load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{cpu}; {os.cpu_count()} logical cores{load}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; NumPy {np.__version__}"
    )


def _best_cpu(fn, repeats: int) -> float:  # noqa: ANN001
    """Least CPU seconds of ``repeats`` calls (CPU time: the machine may be shared)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def peak_gflops(size: int = 1500, repeats: int = 5) -> float:
    """Measured peak floating-point rate, GFLOP per CPU-second: a large float64 matrix product.

    CPU time over all the threads the BLAS uses, so the figure is per core.
    """
    a = np.random.default_rng(0).random((size, size))
    a @ a
    return 2 * size**3 / _best_cpu(lambda: a @ a, repeats) / 1e9


def memory_gbps(mb: int = 256, repeats: int = 5) -> float:
    """Measured memory bandwidth, GB per CPU-second: a large array copied (read and written)."""
    a = np.ones(mb * 2**20 // 8)
    b = np.empty_like(a)
    np.copyto(b, a)
    return 2 * a.nbytes / _best_cpu(lambda: np.copyto(b, a), repeats) / 1e9


def roofline() -> str:
    """One line: this machine's measured peak FLOP rate and memory bandwidth, per core."""
    return f"roofline (measured, per core): {peak_gflops():.1f} GFLOP/s (matmul), {memory_gbps():.1f} GB/s (copy)"
