"""Whether the engines' compiled kernels are cached (Numba compiles them on first use, then reuses them)."""

from __future__ import annotations

import re
from pathlib import Path

_KERNEL = re.compile(r"^@(?:numba\.|nb\.)?(?:njit|jit)\b", re.M)
HERE = Path(__file__).parent


def kernels_cached() -> bool:
    """``True`` if every module with Numba kernels has an on-disk cache newer than its source.

    A heuristic for telling a person why the first run is slow; a wrong
    answer costs nothing but a message.
    """
    cache = HERE / "__pycache__"
    for source in HERE.glob("*.py"):
        if not _KERNEL.search(source.read_text(encoding="utf-8")):
            continue
        index = list(cache.glob(f"{source.stem}.*.nbi")) if cache.is_dir() else []
        if not index or max(p.stat().st_mtime for p in index) < source.stat().st_mtime:
            return False
    return True
