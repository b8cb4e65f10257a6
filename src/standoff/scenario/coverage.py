"""Evidence coverage: which numbers of a scenario rest on quotes and which on judgment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from standoff.scenario.model import Quantity, Scenario


@dataclass(frozen=True)
class Input:
    """One numeric input of a scenario and its support."""

    path: str
    actor: str | None
    issue: str | None
    field: str
    value: float
    quotes: tuple[tuple[str, str], ...]
    judgment: str | None
    uncertain: bool

    @property
    def support(self) -> str:
        """``"quote"``, ``"judgment"`` or ``"quote+judgment"``."""
        if self.quotes and self.judgment:
            return "quote+judgment"
        return "quote" if self.quotes else "judgment"


@dataclass(frozen=True)
class Coverage:
    """Counts of inputs by support, and the quotes each actor's inputs use."""

    inputs: tuple[Input, ...]
    quotes_by_actor: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.inputs)

    def count(self, support: str) -> int:
        return sum(1 for i in self.inputs if i.support == support)

    @property
    def quoted(self) -> int:
        return sum(1 for i in self.inputs if i.quotes)

    @property
    def judgment_only(self) -> list[Input]:
        return [i for i in self.inputs if not i.quotes]


def inputs(scenario: Scenario) -> Iterator[Input]:
    """Every numeric input, in file order."""

    def one(q: Quantity, path: str, actor: str | None, issue: str | None, name: str) -> Input:
        quotes = tuple((e.doc, e.quote) for e in q.evidence)
        return Input(path, actor, issue, name, q.value, quotes, q.judgment, q.uncertain)

    for a in scenario.actors:
        yield one(a.capability, f"actors.{a.id}.capability", a.id, None, "capability")
        if a.risk is not None:
            yield one(a.risk, f"actors.{a.id}.risk", a.id, None, "risk")
    for i in scenario.issues:
        yield one(i.status_quo, f"issues.{i.id}.status_quo", None, i.id, "status_quo")
    for s in scenario.stances:
        yield one(s.position, f"stances.{s.actor}.{s.issue}.position", s.actor, s.issue, "position")
        yield one(s.salience, f"stances.{s.actor}.{s.issue}.salience", s.actor, s.issue, "salience")
    if scenario.deterrence is not None:
        for name, q in scenario.deterrence.conditions.items():
            yield one(q, f"deterrence.conditions.{name}", None, None, name)
    if scenario.crisis is not None:
        for name, value in scenario.crisis:
            if isinstance(value, Quantity):
                yield one(value, f"crisis.{name}", None, scenario.crisis.issue, name)


def coverage(scenario: Scenario) -> Coverage:
    """Evidence coverage of a scenario's numeric inputs (vetoes' quotes count for their actor)."""
    items = tuple(inputs(scenario))
    by_actor: dict[str, list[tuple[str, str]]] = {a.id: [] for a in scenario.actors}
    for item in items:
        if item.actor is not None:
            by_actor[item.actor] += [q for q in item.quotes if q not in by_actor[item.actor]]
    for a in scenario.actors:
        for v in a.veto:
            by_actor[a.id] += [(e.doc, e.quote) for e in v.evidence if (e.doc, e.quote) not in by_actor[a.id]]
    return Coverage(items, by_actor)
