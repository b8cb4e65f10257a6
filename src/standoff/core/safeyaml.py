"""One guarded YAML loader for every file Standoff reads (scenarios, uploads, corpus indexes).

A few hundred bytes of YAML can expand, through anchors and aliases, to
billions of values ("billion laughs"), and deeply nested brackets exhaust
the interpreter's stack. :func:`load` refuses both before building anything:
it walks the parser's events to bound the nesting depth (the parser itself
is not recursive), composes the node graph, counts the values the document
has once every alias is expanded, and only then constructs the data.
"""

from __future__ import annotations

from typing import Any

import yaml

#: Values a document may expand to (aliases counted at every use).
MAX_NODES = 200_000
#: Nesting depth of mappings and sequences.
MAX_DEPTH = 64


class YamlRefused(ValueError):
    """A YAML document refused before loading: too deep, or too large once expanded."""


def check(
    text: str, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH, parser: type[Any] = yaml.SafeLoader
) -> yaml.Node | None:
    """The composed node graph of ``text``, or :class:`YamlRefused` if it is too deep or too large.

    Malformed YAML raises :class:`yaml.YAMLError` as usual (with its position). ``parser``: the
    loader class that parses (``yaml.CSafeLoader`` is faster on large files)."""
    depth = 0
    for event in yaml.parse(text, Loader=parser):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > max_depth:
                mark = event.start_mark
                raise YamlRefused(
                    f"line {mark.line + 1}, column {mark.column + 1}: the YAML is nested more than {max_depth} "
                    "levels deep; a Standoff file needs only a few"
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    root = yaml.compose(text, Loader=parser)
    if root is not None and expanded_size(root, max_nodes) > max_nodes:
        raise YamlRefused(
            f"the YAML expands to more than {max_nodes:,} values through anchors and aliases; "
            "write the values out instead of repeating aliases"
        )
    return root


def load(text: str, loader: type[Any] = yaml.SafeLoader, **limits: int) -> Any:
    """``yaml.load(text, loader)`` after :func:`check`; ``loader``: ``SafeLoader``, ``CSafeLoader`` or a subclass."""
    fast = getattr(yaml, "CSafeLoader", None)
    check(text, parser=fast if fast is not None and issubclass(loader, fast) else yaml.SafeLoader, **limits)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader


def expanded_size(root: yaml.Node, limit: int = MAX_NODES) -> int:
    """Number of nodes once every alias is expanded, capped at ``limit + 1`` (memoised; a cycle counts as too many)."""

    def children(node: yaml.Node) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        if isinstance(node, yaml.MappingNode):
            return [n for pair in node.value for n in pair]
        return []

    size: dict[int, int] = {}
    on_path = {id(root)}
    stack = [(root, iter(children(root)))]
    while stack:
        node, todo = stack[-1]
        child = next(todo, None)
        if child is None:
            size[id(node)] = min(1 + sum(size[id(c)] for c in children(node)), limit + 1)
            on_path.discard(id(node))
            stack.pop()
        elif id(child) in on_path:
            return limit + 1
        elif id(child) not in size:
            on_path.add(id(child))
            stack.append((child, iter(children(child))))
    return size[id(root)]
