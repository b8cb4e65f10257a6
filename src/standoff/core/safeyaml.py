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


_FAST = getattr(yaml, "CSafeLoader", None)


def check(
    text: str, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH, parser: type[Any] | None = None
) -> yaml.Node | None:
    """The composed node graph of ``text``, or :class:`YamlRefused` if it is too deep or too large.

    ``parser``: the loader class that parses (default: libyaml's when PyYAML has it, else the pure-Python one).
    Malformed YAML raises :class:`yaml.YAMLError` with its position, as the pure-Python parser words it."""
    parser = parser or _FAST or yaml.SafeLoader
    try:
        return _check(text, max_nodes, max_depth, parser)
    except yaml.YAMLError:
        if parser is yaml.SafeLoader:
            raise
        return _check(text, max_nodes, max_depth, yaml.SafeLoader)  # its message, or the document if it reads it


def _check(text: str, max_nodes: int, max_depth: int, parser: type[Any]) -> yaml.Node | None:
    depth = 0
    for event in yaml.parse(text, Loader=parser):  # the event parser keeps no stack: any depth is safe here
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > max_depth:
                mark = event.start_mark
                where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
                raise YamlRefused(
                    f"{where}the YAML is nested more than {max_depth} levels deep; a Standoff file needs only a few"
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


def load(
    text: str, loader: type[Any] = yaml.SafeLoader, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH
) -> Any:
    """What ``yaml.load(text, loader)`` gives, after :func:`check`, built from the checked node graph.

    ``loader``: ``SafeLoader``, ``CSafeLoader`` or a subclass (its constructors build the data)."""
    root = check(text, max_nodes=max_nodes, max_depth=max_depth)
    if root is None:
        return None
    constructor = loader("")
    try:
        return constructor.construct_document(root)
    finally:
        constructor.dispose()


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
