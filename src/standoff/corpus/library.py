"""A user's corpus on disk: ingesting articles, deduplicated by content.

A corpus directory holds the text of each document and a ``corpus.yaml``
index in the format :func:`standoff.corpus.documents.load_corpus` reads, so a
scenario cites it with ``corpus: [path/to/corpus.yaml]``. The default
directory is ``corpus/`` in the user's data directory (``STANDOFF_CORPUS``
overrides it).

Ingesting is all or nothing per document: the text is written to a temporary
file and renamed into place; a document whose content hash is already indexed
changes nothing. The index is merged once per run (and every
``FLUSH_EVERY`` documents, and when the run is interrupted), under an
exclusive lock on ``.corpus.lock``: the merge re-reads the index and adds the
run's new entries, then renames the new index into place, so concurrent runs
lose nothing and a reader never sees half an index.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from platformdirs import user_data_dir

from standoff.core import safeyaml
from standoff.corpus.reading import ReadDocument, ReadError, read_bytes, read_file

SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm"}
#: New documents after which the index is merged during a long run.
FLUSH_EVERY = 1000
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


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


class CorpusIndexError(ValueError):
    """The corpus index cannot be read or is not a corpus index."""


def _index(corpus_dir: Path) -> list[dict[str, object]]:
    index = corpus_dir / "corpus.yaml"
    if not index.exists():
        return []
    try:
        raw = safeyaml.load(index.read_text(encoding="utf-8"), _YAML_LOADER) or {}
    except (yaml.YAMLError, safeyaml.YamlRefused, UnicodeDecodeError) as exc:
        raise CorpusIndexError(f"{index}: cannot read the corpus index ({exc}); move it aside to start anew") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("documents", []), list):
        raise CorpusIndexError(f"{index}: not a corpus index (expected a mapping with a list of documents)")
    return [e for e in raw.get("documents", []) if isinstance(e, dict)]


@contextlib.contextmanager
def _locked(corpus_dir: Path) -> Iterator[None]:
    """An exclusive lock on the corpus directory's index, across processes (blocks until free)."""
    with open(corpus_dir / ".corpus.lock", "a+b") as handle:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _merge(corpus_dir: Path, new: list[dict[str, object]]) -> None:
    """Add ``new`` entries to the index on disk (those whose content is not there yet), under the lock."""
    if not new:
        return
    with _locked(corpus_dir):
        entries = _index(corpus_dir)
        hashes = {str(e.get("sha256")) for e in entries}
        added = [e for e in new if str(e.get("sha256")) not in hashes]
        if added:
            text = yaml.dump({"documents": entries + added}, Dumper=_YAML_DUMPER, sort_keys=False, allow_unicode=True)
            _atomic_write(corpus_dir / "corpus.yaml", text)


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
    by default the id is made from the title and the content hash. If interrupted (Ctrl-C),
    the documents read so far are indexed before the interruption propagates.
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
    taken = {str(e.get("id")) for e in entries}
    results: list[IngestResult] = []
    pending: list[dict[str, object]] = []
    try:
        for source in sources:
            results.append(_ingest_one(source, root, known, taken, pending, doc_id))
            if len(pending) >= FLUSH_EVERY:
                _merge(root, pending)
                pending = []
    finally:
        _merge(root, pending)
    return results


def _ingest_one(
    source: str,
    root: Path,
    known: dict[str, str],
    taken: set[str],
    pending: list[dict[str, object]],
    chosen_id: str | None,
) -> IngestResult:
    try:
        doc = read_bytes(sys.stdin.buffer.read(), "<stdin>") if source == "-" else read_file(source)
    except ReadError as exc:
        return IngestResult(source, "skipped", None, exc.problem)
    except OSError as exc:
        return IngestResult(source, "skipped", None, f"cannot read: {exc.strerror or exc}")
    if doc.content_hash in known:
        return IngestResult(source, "duplicate", known[doc.content_hash], "already in the corpus")
    if chosen_id is not None and chosen_id in taken:
        return IngestResult(source, "skipped", None, f"the corpus already has a document {chosen_id!r}")
    doc_id = chosen_id or _slug(doc)
    _atomic_write(root / f"{doc_id}.txt", doc.text)
    entry = {
        "id": doc_id,
        "title": doc.title or doc_id,
        "author": doc.author,
        "outlet": doc.outlet,
        "date": doc.date,
        "file": f"{doc_id}.txt",
        "source": source,
        "sha256": doc.content_hash,
    }
    pending.append({k: v for k, v in entry.items() if v is not None})
    known[doc.content_hash] = doc_id
    taken.add(doc_id)
    note = f" ({'; '.join(doc.notes)})" if doc.notes else ""
    return IngestResult(source, "added", doc_id, f"{doc.title or 'untitled'}{note}")
