"""First runs: listing engines compiles no kernel; a run whose kernels are not in Numba's cache says so, once."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

from standoff.core.problems import BargainingProblem, BargainingResult
from standoff.engines import base
from standoff.engines.base import BARGAINING, EngineSpec, announce_compilation, kernels_cached

SRC = str(Path(__file__).resolve().parent.parent / "src")


def _kernel(index: Path) -> SimpleNamespace:
    """Something shaped like a Numba dispatcher with an on-disk cache whose index is ``index``."""
    return SimpleNamespace(signatures=[], _cache=SimpleNamespace(_cache_file=SimpleNamespace(_index_path=str(index))))


def _spec(name: str, kernels: list[SimpleNamespace]) -> EngineSpec[BargainingProblem, BargainingResult]:
    return EngineSpec(
        name=name,
        title="test",
        kind=BARGAINING,
        run=lambda p, detail=True: BargainingResult(name, p.position[:, 0]),
        problem=BargainingProblem,
        result=BargainingResult,
        inputs=("position",),
        outputs=("forecast",),
        reference="none",
        kernels=lambda: kernels,
        compile_seconds=3,
    )


def test_the_notice_is_given_once_and_only_when_the_cache_is_empty(tmp_path, monkeypatch, capsys):
    present = tmp_path / "k.nbi"
    present.write_bytes(b"")
    assert kernels_cached([_kernel(present)]) and not kernels_cached([_kernel(present), _kernel(tmp_path / "no")])
    assert kernels_cached([SimpleNamespace()])  # not a cached dispatcher: nothing to announce
    cold = _spec("test-cold", [_kernel(tmp_path / "missing.nbi")])
    warm = _spec("test-warm", [_kernel(present)])
    p = BargainingProblem.from_points([10.0, 20.0], 1.0, 1.0)
    cold(p)
    cold(p)
    warm(p)
    assert capsys.readouterr().err == "compiling the test-cold kernels (first run only, ~3 s)...\n"
    monkeypatch.setattr(base, "compile_notice", None)
    assert not announce_compilation(_spec("test-quiet", [_kernel(tmp_path / "missing.nbi")]))


def _python(code: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": SRC}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=600
    )


def test_numba_cache_detection_and_lazy_kernels(tmp_path):
    """With a real Numba cache: empty, then filled by a first run; and listing engines compiles nothing."""
    module = tmp_path / "tiny_kernel.py"
    module.write_text("from numba import njit\n\n@njit(cache=True)\ndef twice(x):\n    return 2 * x\n")
    code = f"""
        import sys; sys.path.insert(0, {str(tmp_path)!r})
        from standoff.engines.base import kernels_cached
        import tiny_kernel
        print(kernels_cached([tiny_kernel.twice]))
        tiny_kernel.twice(1.0)
    """
    first, second = _python(code, tmp_path / "cache"), _python(code, tmp_path / "cache")
    assert (first.stdout, second.stdout) == ("False\n", "True\n"), first.stderr + second.stderr
    listed = _python(
        """
        from standoff.engines import available
        from standoff.engines import exchange, expected_utility, smp
        available()
        print(sum(len(k.signatures) for k in (exchange._simulate, expected_utility._round, smp._run)))
        """,
        tmp_path / "empty",
    )
    assert listed.stdout == "0\n", listed.stderr
