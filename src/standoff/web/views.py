"""Plain data behind the pages and the JSON API: scenario summaries, evidence, documents with quotes marked."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from standoff.corpus.documents import Document
from standoff.scenario import LoadedScenario, Problem
from standoff.scenario.coverage import coverage


def jsonable(x: Any) -> Any:
    """Plain JSON data: non-finite floats as ``None``, dates as ISO text, tuples as lists, keys as text (``"50"``)."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, dict):
        return {(f"{k:g}" if isinstance(k, float) else str(k)): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if hasattr(x, "tolist"):
        return jsonable(x.tolist())
    return x


def scenario_info(name: str, loaded: LoadedScenario, origin: str) -> dict[str, Any]:
    """One line of the scenario list."""
    sc = loaded.scenario
    return {
        "name": name,
        "id": sc.id,
        "title": sc.title,
        "as_of": sc.as_of.isoformat(),
        "origin": origin,
        "actors": len(sc.actors),
        "issues": [{"id": i.id, "name": i.name} for i in sc.issues],
        "sha256": loaded.sha256,
    }


def scenario_detail(name: str, loaded: LoadedScenario, origin: str) -> dict[str, Any]:
    """The whole validated scenario (actors, issues, stances with their evidence) as JSON data."""
    data = loaded.scenario.model_dump()
    return jsonable({**scenario_info(name, loaded, origin), "description": data["description"], **_parts(data)})


def _parts(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in ("corpus", "actors", "issues", "stances")}


@dataclass(frozen=True)
class QuoteRef:
    """A quote cited by the scenario: where it is used and where it sits in its document."""

    key: int
    doc: str
    quote: str
    used_by: list[str]
    span: tuple[int, int] | None


def quotes(loaded: LoadedScenario) -> list[QuoteRef]:
    """Every distinct quote of the scenario (inputs and vetoes), numbered in file order."""
    sc = loaded.scenario
    uses: dict[tuple[str, str], list[str]] = {}
    for item in coverage(sc).inputs:
        for q in item.quotes:
            uses.setdefault(q, []).append(item.path)
    for a in sc.actors:
        for v in a.veto:
            for e in v.evidence:
                uses.setdefault((e.doc, e.quote), []).append(f"actors.{a.id}.veto.{v.issue}")
    out = []
    for k, ((doc, quote), paths) in enumerate(uses.items()):
        span = loaded.corpus[doc].find(quote) if doc in loaded.corpus else None
        out.append(QuoteRef(k, doc, quote, paths, span))
    return out


def evidence(loaded: LoadedScenario) -> dict[str, Any]:
    """Coverage counts, every input with its support, the quotes and the documents they come from."""
    sc = loaded.scenario
    cov = coverage(sc)
    refs = {(q.doc, q.quote): q for q in quotes(loaded)}
    inputs = [
        {
            "path": i.path,
            "actor": i.actor,
            "issue": i.issue,
            "field": i.field,
            "value": i.value,
            "support": i.support,
            "uncertain": i.uncertain,
            "judgment": i.judgment,
            "quotes": [{"doc": d, "quote": q, "key": refs[(d, q)].key} for d, q in i.quotes],
        }
        for i in cov.inputs
    ]
    vetoes = [
        {
            "actor": a.id,
            "issue": v.issue,
            "range": list(v.range) if v.range else None,
            "judgment": v.judgment,
            "quotes": [{"doc": e.doc, "quote": e.quote, "key": refs[(e.doc, e.quote)].key} for e in v.evidence],
        }
        for a in sc.actors
        for v in a.veto
    ]
    cited = {q.doc for q in refs.values()}
    return jsonable(
        {
            "total": cov.total,
            "quoted": cov.quoted,
            "judgment_only": len(cov.judgment_only),
            "by_support": {s: cov.count(s) for s in ("quote", "quote+judgment", "judgment")},
            "inputs": inputs,
            "vetoes": vetoes,
            "documents": [document_info(d, d.id in cited) for d in loaded.corpus.documents.values()],
        }
    )


def document_info(d: Document, cited: bool = False) -> dict[str, Any]:
    """A document's metadata."""
    return {
        "id": d.id,
        "title": d.title,
        "author": d.author,
        "outlet": d.outlet,
        "date": d.date,
        "source": d.source,
        "cited": cited,
    }


@dataclass(frozen=True)
class Segment:
    """A run of document text and the quotes (by key) that cover it."""

    text: str
    keys: tuple[int, ...] = ()
    starts: tuple[int, ...] = ()


@dataclass(frozen=True)
class DocumentView:
    """A document as paragraphs of segments, quoted passages marked."""

    info: dict[str, Any]
    paragraphs: list[list[Segment]]
    quotes: list[QuoteRef] = field(default_factory=list)


_PARAGRAPH = re.compile(r"\n\s*\n")
_LINEBREAK = re.compile(r"\n")


def document_view(loaded: LoadedScenario, doc_id: str) -> DocumentView:
    """A corpus document with every quote the scenario cites from it marked (offsets in normalised text)."""
    from standoff.corpus.documents import normalise_text

    doc = loaded.corpus[doc_id]
    mine = [q for q in quotes(loaded) if q.doc == doc_id]
    split = _PARAGRAPH if _PARAGRAPH.search(doc.text) else _LINEBREAK
    paras = [p for p in (normalise_text(p) for p in split.split(doc.text)) if p]
    if " ".join(paras) != doc.normalised:
        paras = [doc.normalised]
    spans = [(q.span[0], q.span[1], q.key) for q in mine if q.span is not None]
    out: list[list[Segment]] = []
    offset = 0
    for para in paras:
        start, end = offset, offset + len(para)
        cuts = {start, end}
        for a, b, _ in spans:
            cuts.update(x for x in (a, b) if start < x < end)
        points = sorted(cuts)
        segs = []
        for a, b in zip(points, points[1:], strict=False):
            keys = tuple(k for s, e, k in spans if s <= a and b <= e)
            starts = tuple(k for s, _, k in spans if s == a)
            segs.append(Segment(para[a - start : b - start], keys, starts))
        out.append(segs)
        offset = end + 1
    return DocumentView(document_info(doc, bool(mine)), out, mine)


def document_data(view: DocumentView) -> dict[str, Any]:
    """A document view as JSON data: text by paragraph and the quote spans (offsets in normalised text)."""
    return jsonable(
        {
            **view.info,
            "paragraphs": ["".join(s.text for s in p) for p in view.paragraphs],
            "quotes": [{"key": q.key, "quote": q.quote, "used_by": q.used_by, "span": q.span} for q in view.quotes],
        }
    )


def problems_data(problems: list[Problem]) -> list[dict[str, str]]:
    """Problems as JSON data."""
    return [{"file": p.file, "path": p.path, "message": p.message} for p in problems]


_STEP = re.compile(r"\[(\d+)\]|\([^)]*\)|\.?([^.\[\(]+)")
_LINE = re.compile(r"^line (\d+), column \d+$")


def problem_lines(text: str, problems: list[Problem]) -> dict[int, list[Problem]]:
    """Line number (1-based) in ``text`` of each problem's field, where it can be found."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        root = None
    out: dict[int, list[Problem]] = {}
    for p in problems:
        line = _line_of(root, p.path)
        if line is not None:
            out.setdefault(line, []).append(p)
    return out


def _line_of(root: Any, path: str) -> int | None:
    import yaml

    found = _LINE.match(path)
    if found:
        return int(found.group(1))
    if root is None or not path:
        return None
    node = root
    for m in _STEP.finditer(path):
        index, key = m.group(1), m.group(2)
        if index is not None and isinstance(node, yaml.SequenceNode) and int(index) < len(node.value):
            node = node.value[int(index)]
        elif index == "0" and isinstance(node, yaml.MappingNode):
            continue  # one item written without its list (evidence: {doc, quote})
        elif key is not None and isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key]
            if not match:
                break
            k, v = match[0]
            node = v if isinstance(v, (yaml.MappingNode, yaml.SequenceNode)) else k
            if node is k:
                break
        elif index is None and key is None:
            continue
        else:
            break
    return int(node.start_mark.line) + 1


def briefing_context(
    loaded: LoadedScenario, issues: list[Any], links: dict[str, str] | None = None, moves: int = 4
) -> dict[str, Any]:
    """What the briefing partial needs: the issues, actor names, judgment rationales, the largest moves."""
    sc = loaded.scenario
    judgments = {i.path: i.judgment for i in coverage(sc).inputs if i.judgment}
    big = {
        i.issue: sorted(sorted(i.moves, key=lambda m: -abs(m.after - m.before))[:moves], key=lambda m: m.round)
        for i in issues
    }
    return {
        "issues": issues,
        "names": {a.id: a.name for a in sc.actors},
        "judgments": judgments,
        "big_moves": big,
        "links": links,
    }
