"""A user's corpus on disk: ingesting articles, deduplicated by content.

A corpus directory holds the text of each document and a ``corpus.yaml``
index in the format :func:`standoff.corpus.documents.load_corpus` reads, so a
scenario cites it with ``corpus: [path/to/corpus.yaml]``. The default
directory is ``corpus/`` in the user's data directory (``STANDOFF_CORPUS``
overrides it).

Ingesting is all or nothing per document: the text is written to a temporary
file and renamed into place, then the index is rewritten the same way; a
document whose content hash is already indexed changes nothing.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from platformdirs import user_data_dir

from standoff.corpus.reading import ReadDocument, ReadError, read_bytes, read_file

SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm"}


@dataclass(frozen=True)
class IngestResult:
    """What became of one input."""

    source: str
    status: Literal["added", "duplicate", "skipped"]
    doc_id: str | None
    message: str


def default_corpus_dir() -> Path:
    """``$STANDOFF_CORPUS`` or ``corpus/`` in the user's data directory."""
    return Path(os.environ.get("STANDOFF_CORPUS") or Path(user_data_dir("standoff")) / "corpus")


def _files(paths: Iterable[str]) -> Iterable[str]:
    for p in paths:
        path = Path(p)
        if p != "-" and path.is_dir():
            yield from sorted(str(f) for f in path.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        else:
            yield p


def _index(corpus_dir: Path) -> list[dict[str, object]]:
    index = corpus_dir / "corpus.yaml"
    if not index.exists():
        return []
    raw = yaml.safe_load(index.read_text(encoding="utf-8")) or {}
    return list(raw.get("documents", []))


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _slug(doc: ReadDocument) -> str:
    base = doc.title or Path(doc.name).stem or "document"
    slug = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:48] or "document"
    return f"{slug}-{doc.content_hash[:8]}"


_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def ingest(paths: Iterable[str], corpus_dir: Path | None = None, *, doc_id: str | None = None) -> list[IngestResult]:
    """Read each file (a folder: its text, Markdown and HTML files; ``-``: standard input) into the corpus.

    ``doc_id`` names the document (one input only; lower-case letters, digits and hyphens);
    by default the id is made from the title and the content hash.
    """
    sources = list(_files(paths))
    if doc_id is not None:
        if not _ID.match(doc_id):
            raise ValueError(f"document id {doc_id!r}: use lower-case letters, digits and hyphens")
        if len(sources) != 1:
            raise ValueError(f"a document id names one document, got {len(sources)} inputs")
    root = corpus_dir or default_corpus_dir()
    root.mkdir(parents=True, exist_ok=True)
    entries = _index(root)
    known = {str(e.get("sha256")): str(e.get("id")) for e in entries}
    results = []
    taken = {str(e.get("id")) for e in entries}
    for source in sources:
        try:
            doc = read_bytes(sys.stdin.buffer.read(), "<stdin>") if source == "-" else read_file(source)
        except ReadError as exc:
            results.append(IngestResult(source, "skipped", None, exc.problem))
            continue
        except OSError as exc:
            results.append(IngestResult(source, "skipped", None, f"cannot read: {exc.strerror or exc}"))
            continue
        if doc.content_hash in known:
            results.append(IngestResult(source, "duplicate", known[doc.content_hash], "already in the corpus"))
            continue
        if doc_id is not None and doc_id in taken:
            results.append(IngestResult(source, "skipped", None, f"the corpus already has a document {doc_id!r}"))
            continue
        new_id = doc_id or _slug(doc)
        _atomic_write(root / f"{new_id}.txt", doc.text)
        entry = {
            "id": new_id,
            "title": doc.title or new_id,
            "author": doc.author,
            "outlet": doc.outlet,
            "date": doc.date,
            "file": f"{new_id}.txt",
            "source": source,
            "sha256": doc.content_hash,
        }
        entries.append({k: v for k, v in entry.items() if v is not None})
        _atomic_write(root / "corpus.yaml", yaml.safe_dump({"documents": entries}, sort_keys=False, allow_unicode=True))
        known[doc.content_hash] = new_id
        taken.add(new_id)
        note = f" ({'; '.join(doc.notes)})" if doc.notes else ""
        results.append(IngestResult(source, "added", new_id, f"{doc.title or 'untitled'}{note}"))
    return results
