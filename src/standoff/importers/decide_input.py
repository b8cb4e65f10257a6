"""Read the input format of the decide exchange-model tools.

The format (used by the Python package ``decide-exchange-model`` and the
older Decide tools) is a text file with one record a row, fields separated by
tabs and optionally quoted with single quotes. The first field tags the row:

* ``#A  id  full name  [comment]`` — an actor;
* ``#P  id  [description...]`` — an issue;
* ``#M  issue  position  [meaning]`` — one labelled point of an issue's scale;
  the lowest and highest points give the scale (``0-100`` when an issue has
  none);
* ``#D  actor  issue  position  salience  power  [comment]`` — an actor's data
  on an issue;
* ``#O`` (a description of the data set) and ``#/`` (a comment) are skipped,
  as are blank rows.

An actor without a ``#D`` row for an issue does not take part in that issue
(``present`` is ``False`` there). Rows may come in any order.

Departure from the ``decide-exchange-model`` reader: its scale bounds are the
first ``#M`` point and the highest one (a lower point after the first is
mishandled); here they are the lowest and the highest points.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from standoff.engines.exchange import ExchangeProblem

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

__all__ = ["DecideInput", "DecideInputError", "read_decide_input", "parse_decide_input"]


class DecideInputError(ValueError):
    """A decide input file that cannot be read; the message names the file and line."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.reason = message
        where = f"{source}, line {line}" if line is not None else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class DecideInput:
    """The content of a decide input file.

    Attributes:
        source: the file it was read from (or a label for text).
        actors: actor ids, in file order (axis ``n``).
        actor_names: the actors' full names.
        issues: issue ids, in file order (axis ``m``).
        issue_descriptions: the issues' descriptions.
        scale: ``(m, 2)`` lowest and highest labelled point of each issue.
        position: ``(n, m)`` positions on each issue's scale; ``nan`` where absent.
        salience: ``(n, m)`` saliences; ``nan`` where absent.
        power: ``(n, m)`` capabilities; ``nan`` where absent.
        present: ``(n, m)`` whether the actor has data on the issue.
    """

    source: str
    actors: tuple[str, ...]
    actor_names: tuple[str, ...]
    issues: tuple[str, ...]
    issue_descriptions: tuple[str, ...]
    scale: FloatArray
    position: FloatArray
    salience: FloatArray
    power: FloatArray
    present: BoolArray

    def to_problem(self) -> ExchangeProblem:
        """One-draw :class:`~standoff.engines.exchange.ExchangeProblem` (absent entries: weight 0)."""
        return ExchangeProblem.from_arrays(
            np.where(self.present, self.position, self.scale[:, 0]),
            np.where(self.present, self.salience, 0.0),
            np.where(self.present, self.power, 0.0),
            scale=self.scale,
            actors=self.actors,
            issues=self.issues,
            present=self.present,
        )


_FIELDS = {
    "#A": (1, "#A  id  [full name]  [comment]"),
    "#P": (1, "#P  id  [description]"),
    "#M": (2, "#M  issue  position  [meaning]"),
    "#D": (5, "#D  actor  issue  position  salience  power  [comment]"),
}


def read_decide_input(path: str | Path) -> DecideInput:
    """Read a decide input file (see the module docstring for the format)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = p.read_text(encoding="latin-1")
    return parse_decide_input(text, source=str(p))


def _number(source: str, line: int, what: str, raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise DecideInputError(source, line, f"expected a number for {what}, found {raw!r}") from None
    if not math.isfinite(value):
        raise DecideInputError(source, line, f"expected a finite number for {what}, found {raw!r}")
    return value


def parse_decide_input(text: str, *, source: str = "<text>") -> DecideInput:
    """Parse the text of a decide input file; ``source`` names it in errors."""
    actors: dict[str, tuple[str, int]] = {}
    issues: dict[str, tuple[str, int]] = {}
    points: dict[str, list[tuple[float, int]]] = {}
    data: dict[tuple[str, str], tuple[float, float, float, int]] = {}

    reader = csv.reader(text.splitlines(), delimiter="\t", quotechar="'")
    for line, row in enumerate(reader, start=1):
        fields = [f.strip() for f in row]
        while fields and fields[-1] == "":
            fields.pop()
        if not fields:
            continue
        tag = fields[0].upper()
        if tag in ("#O", "#/"):
            continue
        if tag not in _FIELDS:
            raise DecideInputError(
                source, line, f"unknown row tag {fields[0]!r}; expected one of #A, #P, #M, #D, #O, #/"
            )
        needed, layout = _FIELDS[tag]
        args = fields[1:]
        if len(args) < needed or any(a == "" for a in args[:needed]):
            raise DecideInputError(source, line, f"{tag} row needs {needed} field(s) ({layout}); found {len(args)}")
        if tag == "#A":
            key = args[0]
            if key in actors:
                raise DecideInputError(source, line, f"actor {key!r} defined twice (first on line {actors[key][1]})")
            actors[key] = (args[1] if len(args) > 1 and args[1] else key, line)
        elif tag == "#P":
            key = args[0]
            if key in issues:
                raise DecideInputError(source, line, f"issue {key!r} defined twice (first on line {issues[key][1]})")
            issues[key] = (" ".join(a for a in args[1:] if a), line)
        elif tag == "#M":
            points.setdefault(args[0], []).append((_number(source, line, "the scale point", args[1]), line))
        else:
            actor, issue = args[0], args[1]
            pos = _number(source, line, "the position", args[2])
            sal = _number(source, line, "the salience", args[3])
            pwr = _number(source, line, "the power", args[4])
            if sal < 0:
                raise DecideInputError(source, line, f"expected a salience >= 0, found {args[3]!r}")
            if pwr < 0:
                raise DecideInputError(source, line, f"expected a power >= 0, found {args[4]!r}")
            if (actor, issue) in data:
                raise DecideInputError(
                    source,
                    line,
                    f"second #D row for actor {actor!r} on issue {issue!r} (first on line {data[(actor, issue)][3]})",
                )
            data[(actor, issue)] = (pos, sal, pwr, line)

    if not actors:
        raise DecideInputError(source, None, "no actors: expected at least one #A row")
    if not issues:
        raise DecideInputError(source, None, "no issues: expected at least one #P row")
    for issue, pts in points.items():
        if issue not in issues:
            raise DecideInputError(source, pts[0][1], f"#M row for issue {issue!r}, which has no #P row")

    actor_ids = tuple(actors)
    issue_ids = tuple(issues)
    n, m = len(actor_ids), len(issue_ids)
    scale = np.empty((m, 2))
    for k, issue in enumerate(issue_ids):
        marks = points.get(issue, [])
        if not marks:
            scale[k] = (0.0, 100.0)
            continue
        values = [v for v, _ in marks]
        lo, hi = min(values), max(values)
        if hi <= lo:
            raise DecideInputError(
                source,
                marks[0][1],
                f"issue {issue!r} has a scale of one point ({lo:g}); "
                "expected at least two distinct #M points, or none for the default 0-100",
            )
        scale[k] = (lo, hi)

    position = np.full((n, m), np.nan)
    salience = np.full((n, m), np.nan)
    power = np.full((n, m), np.nan)
    a_index = {a: i for i, a in enumerate(actor_ids)}
    i_index = {p: k for k, p in enumerate(issue_ids)}
    for (actor, issue), (pos, sal, pwr, line) in data.items():
        if actor not in a_index:
            raise DecideInputError(source, line, f"#D row for actor {actor!r}, which has no #A row")
        if issue not in i_index:
            raise DecideInputError(source, line, f"#D row for issue {issue!r}, which has no #P row")
        a, k = a_index[actor], i_index[issue]
        lo, hi = scale[k]
        if not lo <= pos <= hi:
            raise DecideInputError(
                source,
                line,
                f"position {pos:g} of {actor!r} on {issue!r} is outside the issue's scale [{lo:g}, {hi:g}]",
            )
        position[a, k], salience[a, k], power[a, k] = pos, sal, pwr

    return DecideInput(
        source=source,
        actors=actor_ids,
        actor_names=tuple(actors[a][0] for a in actor_ids),
        issues=issue_ids,
        issue_descriptions=tuple(issues[p][0] for p in issue_ids),
        scale=scale,
        position=position,
        salience=salience,
        power=power,
        present=~np.isnan(position),
    )
