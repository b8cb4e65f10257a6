"""Reading scenario files: YAML in, a validated :class:`Scenario` out, or every problem at once.

Loading never returns anything half-checked: either the file passes the
format (:mod:`standoff.scenario.model`) and the whole-file checks
(:mod:`standoff.scenario.checks`), or :class:`ScenarioError` lists every
problem found, each naming the file, the field path and what was expected.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from standoff.core import safeyaml
from standoff.corpus.documents import Corpus, CorpusError, load_corpus
from standoff.scenario.checks import check_scenario
from standoff.scenario.model import Scenario


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}" if self.path else f"{self.file}: {self.message}"


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with the corpus its evidence was checked against."""

    scenario: Scenario
    corpus: Corpus
    source: str
    sha256: str


def builtin_scenarios() -> list[str]:
    """Names of the scenarios that ship with Standoff."""
    root = resources.files("standoff") / "data" / "scenarios"
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def resolve(source: str | Path) -> Path:
    """A built-in scenario name or a path, as a path."""
    path = Path(source)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        return path
    root = resources.files("standoff") / "data" / "scenarios"
    builtin = Path(str(root / f"{source}.yaml"))
    if builtin.exists():
        return builtin
    known = ", ".join(builtin_scenarios())
    raise ScenarioError(
        [Problem(str(source), "", f"no such file, and no built-in scenario of that name (built-in: {known})")]
    )


def load_scenario(source: str | Path) -> LoadedScenario:
    """Load, validate and check a scenario; raise :class:`ScenarioError` with every problem."""
    path = resolve(source)
    name = str(source) if not Path(source).exists() and path.name == f"{source}.yaml" else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(name, "", f"cannot read the file: {exc.strerror or exc}")]) from None
    return parse_scenario(data, name=name, base=path.parent)


def parse_scenario(data: bytes | str, *, name: str, base: Path) -> LoadedScenario:
    """Validate scenario text; ``base`` resolves relative corpus paths."""
    raw_bytes = data.encode("utf-8") if isinstance(data, str) else data
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(name, "", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]) from None
    raw = _parse_yaml(text, name)
    problems: list[Problem] = []
    corpus = _corpus(raw, name, base, problems)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        scenario = None
        problems += [Problem(name, _loc(raw, e["loc"]), _message(e)) for e in exc.errors()]
    found = check_scenario(raw, corpus)
    if any(p.path.startswith("corpus[") for p in problems):
        # documents of an unreadable corpus are unknown: one problem for the corpus, not one per quote
        missing = [(path, msg) for path, msg in found if msg.startswith("unknown document")]
        found = [f for f in found if f not in missing]
        if missing:
            problems.append(
                Problem(name, "corpus", f"{len(missing)} quotes cite documents of a corpus that could not be read")
            )
    problems += [Problem(name, path, msg) for path, msg in found]
    if problems or scenario is None:
        raise ScenarioError(_unique(problems))
    return LoadedScenario(scenario, corpus, name, hashlib.sha256(raw_bytes).hexdigest())


class _Loader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (a key may appear once in a mapping)", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# Dates stay text: the format validation parses them and names the field when they are wrong.
def _timestamp_as_text(loader: _Loader, node: yaml.Node) -> Any:
    assert isinstance(node, yaml.ScalarNode)  # YAML timestamps are scalars
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def _parse_yaml(text: str, name: str) -> dict[str, Any]:
    if not text.strip():
        raise ScenarioError(
            [Problem(name, "", "the file is empty; expected a YAML mapping with id, title, actors, issues, stances")]
        )
    try:
        raw = safeyaml.load(text, _Loader)
    except safeyaml.YamlRefused as exc:
        raise ScenarioError([Problem(name, "", str(exc))]) from None
    except yaml.constructor.ConstructorError as exc:
        where = _mark(exc.problem_mark)
        problem = str(exc.problem)
        if "constructor for the tag" in problem:
            tag = problem.split("tag", 1)[1].strip(" '")
            problem = f"YAML tag {tag!r} is not allowed (scenario files hold plain data only)"
        raise ScenarioError([Problem(name, where, problem)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([Problem(name, _mark(mark), f"malformed YAML: {what}")]) from None
    if raw is None:
        raise ScenarioError(
            [
                Problem(
                    name, "", "the file holds no data; expected a YAML mapping with id, title, actors, issues, stances"
                )
            ]
        )
    if not isinstance(raw, dict):
        raise ScenarioError([Problem(name, "", f"expected a YAML mapping at the top level, got {type(raw).__name__}")])
    return raw


def _mark(mark: Any) -> str:
    return "" if mark is None else f"line {mark.line + 1}, column {mark.column + 1}"


def _corpus(raw: dict[str, Any], name: str, base: Path, problems: list[Problem]) -> Corpus:
    entries = raw.get("corpus", ["builtin"])
    corpus = Corpus({})
    if not isinstance(entries, list):
        return load_corpus()  # the format check reports the wrong type
    for k, entry in enumerate(entries):
        if entry == "builtin":
            corpus = corpus.merged(load_corpus())
            continue
        try:
            corpus = corpus.merged(load_corpus(base / str(entry)))
        except CorpusError as exc:
            where = (base / str(entry)).resolve()
            problems.append(Problem(name, f"corpus[{k}]", f"{exc} (the path {entry!r} resolves to {where})"))
    return corpus


def _loc(raw: dict[str, Any], loc: tuple[Any, ...]) -> str:
    """A field path such as ``actors[3](irgc).capability.value``."""
    out = ""
    node: Any = raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict):
                label = node.get("id") or "/".join(str(node[k]) for k in ("actor", "issue") if k in node)
                out += f"({label})" if label else ""
        elif part in {"Uniform", "Triangular", "Normal", "Beta"} or str(part).startswith("function-"):
            continue
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (not part of the scenario format)"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if "input" in err and kind not in {"model_type", "value_error"}:
        shown = repr(err["input"])
        msg += f" (got {shown[:60] + '...' if len(shown) > 60 else shown})"
    return msg


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
