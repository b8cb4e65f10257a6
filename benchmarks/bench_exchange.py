"""Time the ``exchange`` engine against decide-exchange-model on the same inputs.

Cases: decide's example input (10 actors, 6 issues, 10 rounds) and synthetic
inputs of 10, 20, 50 and 100 actors on 6 issues (``--rounds``, default 1: the
reference needs about n^4 time, close to a minute a round at 100 actors). Both
run on the same decide-format file and time a full model run of all rounds
(groups, exchanges, realisation, new positions): decide inside its own
process, model only (no CSV, charts or database), Standoff as
``run_exchange`` on the parsed input, so interpreter start-up, imports and
reading the input are excluded on both sides. Standoff's compiled kernel is
warmed up (compiled, or loaded from Numba's cache) on a small problem before
anything is timed, so compile time is not counted. Each case prints wall and
CPU seconds, the ratio decide / Standoff (compare the CPU column: the
machine may be shared), and the machine. A last line times a Monte Carlo
batch of draws of the example, the engine's intended use, in draw-rounds per
CPU-second, beside the machine's measured peak FLOP rate and memory
bandwidth.

The reference needs Python 3.13 and is kept out of this project's
dependencies. Point the benchmark at an interpreter that has it::

    python3.13 -m venv VENV && VENV/bin/pip install decide-exchange-model
    STANDOFF_DECIDE_PYTHON=VENV/bin/python python benchmarks/bench_exchange.py

Without ``STANDOFF_DECIDE_PYTHON`` the benchmark asks ``pyenv`` for a 3.13
interpreter (``pyenv prefix 3.13``...) and uses it if decide imports there;
otherwise it times Standoff alone and says why the reference was skipped.

Usage: ``python benchmarks/bench_exchange.py [--sizes 10 20 50 100]
[--rounds 1] [--timeout 900] [--repeat 3] [--draws 100]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from standoff.engines.exchange import ExchangeProblem, random_tie_draws, run_exchange
from standoff.importers.decide_input import read_decide_input

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import roofline  # noqa: E402

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "tests" / "data" / "decide" / "sample_data.txt"
ENV_VAR = "STANDOFF_DECIDE_PYTHON"

# Runs decide's equal-gain model through its public classes, model only.
DECIDE_DRIVER = r"""
import json, random, sys, time
from pathlib import Path
from decide.data.modelfactory import ModelFactory
from decide.data.reader import InputDataFile
from decide.model.equalgain import EqualGainModel
from decide.model.observers.observer import Observable
from decide.model.utils import ModelLoop

path, rounds = Path(sys.argv[1]), int(sys.argv[2])
random.seed(0)
model = ModelFactory(InputDataFile.open(path))(model_klass=EqualGainModel, randomized_value="0")
loop = ModelLoop(model, Observable(model_ref=model, output_directory=Path(".")), 0)
wall, cpu = time.perf_counter(), time.process_time()
for _ in range(rounds):
    loop.loop()
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}))
"""


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


def machine() -> str:
    cpu = platform.processor()
    if not cpu and Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.2f}"
    return (
        f"{platform.platform()}; {cpu or 'unknown CPU'}; {os.cpu_count()} CPUs{load}; "
        f"Python {platform.python_version()}, NumPy {np.__version__}"
    )


def _decide_imports(python: str) -> bool:
    try:
        done = subprocess.run([python, "-c", "import decide.model.equalgain"], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def find_decide_python() -> tuple[str | None, str]:
    """An interpreter with decide-exchange-model, and how it was found (or why not)."""
    env = os.environ.get(ENV_VAR)
    if env:
        if _decide_imports(env):
            return env, f"{ENV_VAR}={env}"
        return None, f"{ENV_VAR}={env} cannot import decide-exchange-model"
    pyenv = shutil.which("pyenv")
    if pyenv:
        done = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True)
        for version in sorted(v.strip() for v in done.stdout.split() if v.strip().startswith("3.13")):
            prefix = subprocess.run([pyenv, "prefix", version], capture_output=True, text=True).stdout.strip()
            python = str(Path(prefix) / "bin" / "python")
            if prefix and _decide_imports(python):
                return python, f"pyenv {version}"
        return None, f"no pyenv 3.13 interpreter with decide-exchange-model; set {ENV_VAR} (see the module docstring)"
    return None, f"{ENV_VAR} is not set and pyenv is not available (see the module docstring)"


def write_synthetic(path: Path, n: int, m: int, seed: int) -> None:
    """A decide-format input: positions on 0-100, saliences and powers in (0, 1]."""
    rng = np.random.default_rng(seed)
    rows = [f"'#A'\t'a{i}'\t'actor {i}'\t''" for i in range(n)]
    for k in range(m):
        rows += [f"'#P'\t'p{k}'\t'issue {k}'", f"'#M'\t'p{k}'\t0", f"'#M'\t'p{k}'\t100"]
    pos = np.round(rng.uniform(0, 100, (n, m)), 1)
    sal = np.round(rng.uniform(0.05, 1.0, (n, m)), 2)
    pwr = np.round(rng.uniform(0.1, 1.0, (n, m)), 2)
    for i in range(n):
        for k in range(m):
            rows.append(f"'#D'\t'a{i}'\t'p{k}'\t{pos[i, k]}\t{sal[i, k]}\t{pwr[i, k]}")
    path.write_text("\n".join(rows) + "\n")


def warm_up() -> None:
    """Compile the engine's kernel (or load it from Numba's cache) outside any timing."""
    rng = np.random.default_rng(0)
    problem = ExchangeProblem.from_arrays(rng.uniform(0, 100, (6, 3)), rng.uniform(0.1, 1, (6, 3)), 1.0)
    run_exchange(problem, 2, tie_draws=random_tie_draws(rng, 1, 100))


def time_standoff(problem: ExchangeProblem, rounds: int, repeat: int) -> Timing:
    """Best of ``repeat`` runs (ties resolved by seeded coins, as decide's by its coins)."""
    coins = random_tie_draws(np.random.default_rng(0), problem.n_draws, 5_000)
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run_exchange(problem, rounds, tie_draws=coins)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return Timing(best_wall, best_cpu)


def time_decide(python: str, path: Path, rounds: int, timeout: float) -> Timing | None:
    try:
        done = subprocess.run(
            [python, "-c", DECIDE_DRIVER, str(path), str(rounds)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=path.parent,
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise RuntimeError(f"decide failed on {path.name}:\n{done.stderr[-2000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return Timing(float(out["wall"]), float(out["cpu"]))


def _fmt(t: Timing | None, timeout: float) -> str:
    return f"{t.wall:9.3f} {t.cpu:9.3f}" if t else f"{'>' + format(timeout, 'g'):>9} {'':>9}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 50, 100])
    ap.add_argument("--issues", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=1, help="rounds for the synthetic cases")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds allowed to decide per case")
    ap.add_argument("--repeat", type=int, default=3, help="Standoff runs per case (best is kept)")
    ap.add_argument("--draws", type=int, default=100, help="draws in the Monte Carlo line (0: skip)")
    args = ap.parse_args(argv)

    print(f"machine: {machine()}")
    warm_up()
    python, how = find_decide_python()
    if python:
        print(f"reference: decide-exchange-model via {how}")
    else:
        print(f"reference skipped: {how}")
    header = (
        f"{'case':<32}{'rounds':>7}  {'Standoff wall / cpu s':>21}  {'decide wall / cpu s':>21}  "
        f"{'ratio wall / cpu':>17}"
    )
    print(header)
    print("-" * len(header))

    with tempfile.TemporaryDirectory() as tmp:
        cases: list[tuple[str, Path, int]] = [("example (10 actors, 6 issues)", EXAMPLE, 10)]
        for n in args.sizes:
            path = Path(tmp) / f"synthetic_{n}.txt"
            write_synthetic(path, n, args.issues, seed=n)
            cases.append((f"synthetic {n} actors", path, args.rounds))
        for name, path, rounds in cases:
            ours = time_standoff(read_decide_input(path).to_problem(), rounds, args.repeat)
            ref = time_decide(python, path, rounds, args.timeout) if python else None
            if ref:
                ratio = f"{ref.wall / ours.wall:8.1f} {ref.cpu / ours.cpu:8.1f}"
            elif python:
                ratio = f"{'>' + format(args.timeout / ours.wall, '.0f'):>8} {'':>8}"
            else:
                ratio = f"{'-':>8} {'-':>8}"
            theirs = _fmt(ref, args.timeout) if python else f"{'-':>9} {'-':>9}"
            print(f"{name:<32}{rounds:>7}  {ours.wall:10.5f} {ours.cpu:10.5f}  {theirs:>21}  {ratio:>17}", flush=True)

    if args.draws > 0:
        base = read_decide_input(EXAMPLE).to_problem()
        rng = np.random.default_rng(1)
        D = args.draws
        lo, hi = base.scale[:, 0], base.scale[:, 1]
        noise = rng.normal(0.0, 0.05, (D,) + base.position.shape[1:]) * (hi - lo)
        pos = np.clip(np.repeat(base.position, D, 0) + noise, lo, hi)
        batch = ExchangeProblem.from_arrays(
            pos, np.repeat(base.salience, D, 0), np.repeat(base.power, D, 0), scale=base.scale
        )
        t = time_standoff(batch, 10, 1)
        print(
            f"Monte Carlo: {D} perturbed draws of the example, 10 rounds, one batch: "
            f"{t.wall:.2f} s wall, {t.cpu:.2f} s cpu, {t.cpu / D * 1000:.1f} CPU-ms a draw, "
            f"{10 * D / t.cpu:.0f} draw-rounds per CPU-second"
        )
    print(roofline())
    return 0


if __name__ == "__main__":
    sys.exit(main())
