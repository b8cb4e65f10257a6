"""Running a peer tool's own input file with the engine that reproduces it.

* ``ktab``: a KTAB SMP scenario CSV, run by :mod:`standoff.engines.smp` (KTAB's
  ``smpc`` in its default configuration). The forecast of each dimension is the
  expected position over the final state's distribution of positions, on the
  file's 0-100 scale.
* ``decide``: a decide-exchange-model input file (``#A/#P/#M/#D`` lines), run
  by :mod:`standoff.engines.exchange`. The forecast of each issue is the
  weighted mean after the last round, on the issue's own scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from standoff.core.problems import FloatArray

PeerFormat = Literal["ktab", "decide"]


@dataclass(frozen=True)
class PeerRun:
    """One run of a peer's input file.

    Attributes:
        format: ``"ktab"`` or ``"decide"``.
        engine: the registered engine that ran it.
        source: the file's path.
        actors: actor names, in file order.
        dimensions: dimension (issue) names, in file order.
        initial: ``(n, K)`` positions as read, on the file's scale (``nan``: no position).
        final: ``(n, K)`` positions after the run, on the file's scale.
        forecast: ``(K,)`` the forecast of each dimension, on the file's scale.
        steps: turns (ktab) or rounds (decide) run.
        stop: why the run stopped.
        voting_forecast: ``(K,)`` decide only: the weighted mean of the last
            round's voting positions (decide's last reported forecast).
    """

    format: PeerFormat
    engine: str
    source: str
    actors: tuple[str, ...]
    dimensions: tuple[str, ...]
    initial: FloatArray
    final: FloatArray
    forecast: FloatArray
    steps: int
    stop: str
    voting_forecast: FloatArray | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: the forecast per dimension and each actor's start and end positions."""
        return {
            "format": self.format,
            "engine": self.engine,
            "source": self.source,
            "steps": self.steps,
            "stop": self.stop,
            "forecast": {d: float(v) for d, v in zip(self.dimensions, self.forecast, strict=True)},
            "voting_forecast": None
            if self.voting_forecast is None
            else {d: float(v) for d, v in zip(self.dimensions, self.voting_forecast, strict=True)},
            "actors": {
                a: {
                    "initial": [_number(v) for v in self.initial[i]],
                    "final": [_number(v) for v in self.final[i]],
                }
                for i, a in enumerate(self.actors)
            },
        }


def _number(value: float) -> float | None:
    """A finite float, or ``None`` where the actor has no position (JSON has no NaN)."""
    return float(value) if np.isfinite(value) else None


def run_peer_file(path: str | Path, fmt: PeerFormat, *, rounds: int = 10, max_turns: int = 100) -> PeerRun:
    """Read ``path`` in the peer's format and run the matching engine on it.

    Raises:
        KtabCsvError, DecideInputError: the file does not follow the format
            (the message names the file and the line).
    """
    if fmt == "ktab":
        return _run_ktab(Path(path), max_turns)
    if fmt == "decide":
        return _run_decide(Path(path), rounds)
    raise ValueError(f"unknown peer format {fmt!r}: expected 'ktab' or 'decide'")


def _run_ktab(path: Path, max_turns: int) -> PeerRun:
    from standoff.engines.smp import expected_position, smp
    from standoff.importers.ktab_csv import read_ktab_csv

    sc = read_ktab_csv(path)
    capability, salience = sc.capability[None], sc.unit_salience()[None]
    res = smp(capability, sc.unit_position()[None], salience, max_turns=max_turns)
    final = res.final
    forecast = expected_position(capability, final, salience)[0]
    return PeerRun(
        format="ktab",
        engine="smp",
        source=str(path),
        actors=sc.actors,
        dimensions=sc.dimensions,
        initial=sc.position,
        final=100.0 * final[0],
        forecast=100.0 * np.asarray(forecast),
        steps=int(res.n_turns[0]),
        stop=str(res.stop_reason[0]),
    )


def _run_decide(path: Path, rounds: int) -> PeerRun:
    from standoff.engines.exchange import run_exchange
    from standoff.importers.decide_input import read_decide_input

    data = read_decide_input(path)
    res = run_exchange(data.to_problem(), rounds)
    return PeerRun(
        format="decide",
        engine="exchange",
        source=str(path),
        actors=data.actors,
        dimensions=data.issues,
        initial=np.where(data.present, data.position, np.nan),
        final=np.where(data.present, res.position[0, -1], np.nan),
        forecast=res.forecast[0, -1],
        steps=rounds,
        stop="rounds",
        voting_forecast=res.voting_forecast[0, -1],
    )
