"""Read KTAB's CSV scenario format (the spatial model of politics' input).

The format (KAPSARC's KTAB toolkit, ``smpc``)::

    <name>, <description>, <actor count>, <dimension count>[, <ignored>...]
    Actor, Description, Power, <dim 1 name>, <dim 1 salience>, ...[,]
    <actor>, <description>, <power>, <position 1>, <salience 1>, ...[,]

one row per actor; positions and saliences on 0-100, an actor's saliences
summing to at most 100; power (capability) ``>= 0``. Fields may be quoted and
are trimmed; trailing empty fields are ignored. Fields after the first four of
the title line are ignored, as KTAB's own reader ignores them (its example
``dummyData_6Dim.csv`` has such a title line). Values stay on KTAB's 0-100
scale here; :meth:`KtabScenario.unit_position` and
:meth:`KtabScenario.unit_salience` give the ``[0, 1]`` arrays the SMP engine
takes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["KtabCsvError", "KtabScenario", "read_ktab_csv"]

FloatArray = NDArray[np.float64]


class KtabCsvError(ValueError):
    """A KTAB CSV file that does not follow the format; the message names file and line."""


@dataclass(frozen=True)
class KtabScenario:
    """A KTAB scenario as written in its CSV file (0-100 scale).

    Attributes:
        name: scenario name (title line, field 1).
        description: scenario description (title line, field 2).
        actors: ``n`` actor names.
        actor_descriptions: ``n`` actor descriptions.
        dimensions: ``K`` dimension names (from the header).
        capability: ``(n,)`` power / capability.
        position: ``(n, K)`` positions on 0-100.
        salience: ``(n, K)`` saliences on 0-100.
    """

    name: str
    description: str
    actors: tuple[str, ...]
    actor_descriptions: tuple[str, ...]
    dimensions: tuple[str, ...]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_dimensions(self) -> int:
        return len(self.dimensions)

    def unit_position(self) -> FloatArray:
        """``(n, K)`` positions on ``[0, 1]``."""
        return self.position / 100.0

    def unit_salience(self) -> FloatArray:
        """``(n, K)`` saliences on ``[0, 1]``."""
        return self.salience / 100.0


def _fields(row: list[str]) -> list[str]:
    out = [f.strip() for f in row]
    while out and out[-1] == "":
        out.pop()
    return out


def read_ktab_csv(path: str | Path) -> KtabScenario:
    """Parse a KTAB CSV scenario file.

    Raises:
        KtabCsvError: naming the file, the line and what was expected.
        FileNotFoundError: if the file does not exist.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")

    def fail(line: int, msg: str) -> KtabCsvError:
        return KtabCsvError(f"{path}:{line}: {msg}")

    lines = [(i + 1, _fields(row)) for i, row in enumerate(csv.reader(text.splitlines(), skipinitialspace=True))]
    lines = [(no, f) for no, f in lines if f]  # blank lines carry nothing
    if not lines:
        raise KtabCsvError(f"{path}: empty file; expected a title line 'name, description, actors, dimensions'")

    no, title = lines[0]
    if len(title) < 4:
        raise fail(
            no,
            "expected a title line with at least 4 fields (name, description, actor count, dimension count), "
            f"got {len(title)}",
        )
    counts = []
    for label, value in (("actor count", title[2]), ("dimension count", title[3])):
        try:
            counts.append(int(value))
        except ValueError:
            raise fail(no, f"expected an integer {label}, got {value!r}") from None
    n, k = counts
    if n < 2:
        raise fail(no, f"expected at least 2 actors, got {n}")
    if k < 1:
        raise fail(no, f"expected at least 1 dimension, got {k}")

    width = 3 + 2 * k
    if len(lines) < 2:
        raise fail(
            no + 1,
            f"expected a header line with {width} fields (Actor, Description, Power, "
            "then position and salience per dimension), got end of file",
        )
    no, header = lines[1]
    if len(header) != width:
        raise fail(
            no,
            f"expected a header with {width} fields (Actor, Description, Power, then "
            f"position and salience for each of {k} dimensions), got {len(header)}",
        )
    dimensions = tuple(header[3 + 2 * d] for d in range(k))

    rows = lines[2:]
    if len(rows) != n:
        where = rows[n][0] if len(rows) > n else (rows[-1][0] + 1 if rows else no + 1)
        raise fail(where, f"expected {n} actor rows (title line), got {len(rows)}")

    names: list[str] = []
    descs: list[str] = []
    cap = np.empty(n)
    pos = np.empty((n, k))
    sal = np.empty((n, k))
    for i, (no, row) in enumerate(rows):
        if len(row) != width:
            raise fail(
                no,
                f"expected {width} fields (actor, description, power, then position and "
                f"salience for each of {k} dimensions), got {len(row)}",
            )
        if not row[0]:
            raise fail(no, "expected an actor name, got an empty field")
        names.append(row[0])
        descs.append(row[1])
        values = []
        for col, field in enumerate(row[2:], start=3):
            try:
                value = float(field)
            except ValueError:
                raise fail(no, f"field {col}: expected a number, got {field!r}") from None
            if not np.isfinite(value):
                raise fail(no, f"field {col}: expected a finite number, got {field!r}")
            values.append(value)
        cap[i] = values[0]
        if cap[i] < 0:
            raise fail(no, f"field 3: expected power >= 0, got {values[0]}")
        for d in range(k):
            p, s = values[1 + 2 * d], values[2 + 2 * d]
            if not 0.0 <= p <= 100.0:
                raise fail(no, f"field {4 + 2 * d}: expected a position on dimension {d + 1} in [0, 100], got {p}")
            if not 0.0 <= s <= 100.0:
                raise fail(no, f"field {5 + 2 * d}: expected a salience on dimension {d + 1} in [0, 100], got {s}")
            pos[i, d] = p
            sal[i, d] = s
        if sal[i].sum() > 100.0:
            raise fail(no, f"expected actor {row[0]!r}'s saliences to sum to at most 100, got {sal[i].sum():g}")
    if len(set(names)) != n:
        dup = sorted({a for a in names if names.count(a) > 1})
        raise KtabCsvError(f"{path}: expected distinct actor names, got duplicates {dup}")

    for arr in (cap, pos, sal):
        arr.setflags(write=False)
    return KtabScenario(
        name=title[0],
        description=title[1],
        actors=tuple(names),
        actor_descriptions=tuple(descs),
        dimensions=dimensions,
        capability=cap,
        position=pos,
        salience=sal,
    )
