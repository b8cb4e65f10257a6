"""Documents and corpora: what scenario evidence quotes, and the quote check.

A corpus is a YAML index (``documents:`` a list of id, title, author, outlet,
date, file, source) beside the text files it names. Quotes are checked to
occur verbatim in the document, up to typography: Unicode normalisation (NFKC),
curly quotes and apostrophes as straight ones, dashes as hyphens, and runs of
white space as one space. Case and wording must match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from standoff.core import safeyaml

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Text as compared for quote checks (see the module docstring)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)).strip()


@dataclass(frozen=True)
class Document:
    """One document of a corpus."""

    id: str
    title: str
    text: str
    author: str | None = None
    outlet: str | None = None
    date: str | None = None
    source: str | None = None
    path: str | None = None

    def contains(self, quote: str) -> bool:
        """Whether ``quote`` occurs in the text (typography-insensitive)."""
        needle = normalise_text(quote)
        return bool(needle) and needle in self.normalised

    def find(self, quote: str) -> tuple[int, int] | None:
        """Offsets of ``quote`` in the normalised text, or ``None``."""
        needle = normalise_text(quote)
        at = self.normalised.find(needle) if needle else -1
        return None if at < 0 else (at, at + len(needle))

    def nearest(self, quote: str) -> str | None:
        """The passage of the text most like ``quote`` (as long as it, on word boundaries), or ``None``."""
        from difflib import SequenceMatcher

        needle = normalise_text(quote)
        words = self.normalised.split(" ")
        n = max(1, len(needle.split(" ")))
        if not needle or not words:
            return None
        best, best_score = None, 0.0
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(needle)
        for start in range(max(1, len(words) - n + 1)):
            for size in (n, n + 1):
                window = " ".join(words[start : start + size])
                matcher.set_seq1(window)
                if matcher.real_quick_ratio() <= best_score or matcher.quick_ratio() <= best_score:
                    continue
                score = matcher.ratio()
                if score > best_score:
                    best, best_score = window, score
        return best if best_score >= 0.5 else None

    @property
    def normalised(self) -> str:
        return _normalised(self.text)


@lru_cache(maxsize=256)
def _normalised(text: str) -> str:
    return normalise_text(text)


@dataclass(frozen=True)
class Corpus:
    """Documents by id."""

    documents: dict[str, Document]

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.documents

    def __getitem__(self, doc_id: str) -> Document:
        return self.documents[doc_id]

    def merged(self, other: Corpus) -> Corpus:
        return Corpus({**self.documents, **other.documents})


class CorpusError(ValueError):
    """A corpus index that cannot be read; the message names file and field."""


def load_corpus(index: Path | str | None = None) -> Corpus:
    """Read a corpus index (``None``: the built-in example corpus)."""
    if index is None:
        return _builtin()
    return _read_index(Path(index))


@lru_cache(maxsize=1)
def _builtin() -> Corpus:
    root = resources.files("standoff") / "data" / "corpus"
    return _read_index(Path(str(root)) / "corpus.yaml")


def _read_index(path: Path) -> Corpus:
    try:
        raw = safeyaml.load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError, safeyaml.YamlRefused) as exc:
        raise CorpusError(f"{path}: cannot read corpus index: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("documents"), list):
        raise CorpusError(f"{path}: documents: expected a list of documents")
    docs: dict[str, Document] = {}
    for k, entry in enumerate(raw["documents"]):
        where = f"{path}: documents[{k}]"
        if not isinstance(entry, dict):
            raise CorpusError(f"{where}: expected a mapping")
        for key in ("id", "title", "file"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise CorpusError(f"{where}.{key}: expected a non-empty string")
        if entry["id"] in docs:
            raise CorpusError(f"{where}.id: duplicate document id {entry['id']!r}")
        file = path.parent / entry["file"]
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CorpusError(f"{where}.file: cannot read {file}: {exc}") from exc
        docs[entry["id"]] = Document(
            id=entry["id"],
            title=entry["title"],
            text=text,
            author=entry.get("author"),
            outlet=entry.get("outlet"),
            date=None if entry.get("date") is None else str(entry["date"]),
            source=entry.get("source"),
            path=str(file),
        )
    return Corpus(docs)
