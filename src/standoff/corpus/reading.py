"""Reading a file into a clean document: decode, detect format, strip markup, find metadata.

:func:`read_file` and :func:`read_bytes` turn plain text, Markdown or HTML into
a :class:`ReadDocument`: clean text (one paragraph per line, paragraphs of
HTML and Markdown separated by blank lines, typographic quotes kept), the
title, author, outlet and date where the document states them, and a content
hash for deduplication.

Decoding: byte-order marks are honoured; otherwise UTF-8 is tried, then a
charset the document declares, then cp1252 and finally latin-1, each fallback
recorded in ``notes``. Text that is mostly UTF-8 with a few stray bytes keeps
its UTF-8 and has only the stray bytes read as cp1252.

Refused with :class:`ReadError` (the message names the file and the problem):
missing or unreadable files, empty documents, binary data (NUL bytes, a high
share of control characters, or a known binary signature such as PDF or ZIP),
and files over the size cap (:data:`MAX_BYTES`, 5 MiB by default; a news
article page is well under 2 MiB, and the stdlib HTML parser reads dense HTML
at roughly 0.5 MiB a second). ``on_oversize="truncate"`` instead reads only the
first ``max_bytes`` bytes, without loading the rest, and says so in ``notes``.

Metadata sources, first found wins: HTML ``<meta>`` tags (Open Graph, Dublin
Core, ``author``, ``article:published_time`` ...), JSON-LD, ``<time>``,
byline elements, ``<title>``/``<h1>``; Markdown front matter and the first
heading; and in any format a "By X" line, "Originally published in Y", a
dated line near the top, the first line as title, and a closing "X is the ..."
biography line as author.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

from standoff.corpus.documents import Document, normalise_text

__all__ = [
    "MAX_BYTES",
    "ReadDocument",
    "ReadError",
    "clean_text",
    "content_hash",
    "decode_bytes",
    "detect_format",
    "parse_date",
    "read_bytes",
    "read_file",
]

MAX_BYTES = 5 * 1024 * 1024
"""Default size cap for one document (5 MiB)."""

Format = Literal["text", "markdown", "html"]


class ReadError(ValueError):
    """A file that cannot be read as a document; the message names file and problem."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


@dataclass(frozen=True)
class ReadDocument:
    """A document as read from a file.

    ``date`` is ISO: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``. ``notes``
    records decoding fallbacks, truncation and where metadata came from when
    it was guessed. ``content_hash`` is the sha256 of the normalised text
    (:func:`content_hash`)."""

    text: str
    format: Format
    title: str | None
    author: str | None
    outlet: str | None
    date: str | None
    encoding: str
    content_hash: str
    name: str
    size: int
    notes: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """Non-empty lines of the text."""
        return tuple(line for line in self.text.split("\n") if line.strip())

    def as_document(self, doc_id: str, *, source: str | None = None, path: str | None = None) -> Document:
        """This text as a corpus :class:`~standoff.corpus.documents.Document`."""
        return Document(
            id=doc_id,
            title=self.title or doc_id,
            text=self.text,
            author=self.author,
            outlet=self.outlet,
            date=self.date,
            source=source,
            path=path,
        )


def content_hash(text: str) -> str:
    """sha256 (hex) of the text as normalised for quote checks (typography,
    Unicode form and white space do not change it; case and wording do)."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------


def read_file(
    path: str | Path,
    *,
    format: Format | None = None,
    max_bytes: int | None = MAX_BYTES,
    on_oversize: Literal["error", "truncate"] = "error",
) -> ReadDocument:
    """Read the file at ``path`` (see the module docstring). ``format`` overrides
    detection; ``max_bytes=None`` lifts the size cap."""
    p = Path(path)
    name = str(p)
    try:
        if not p.exists():
            raise ReadError(name, "no such file")
        if not p.is_file():
            raise ReadError(name, "not a regular file")
        size = p.stat().st_size
        truncated = False
        with p.open("rb") as fh:
            if max_bytes is not None and size > max_bytes:
                if on_oversize != "truncate":
                    raise ReadError(name, _too_big(size, max_bytes))
                data = fh.read(max_bytes)
                truncated = True
            else:
                data = fh.read()
    except OSError as exc:
        raise ReadError(name, f"cannot read file: {exc.strerror or exc}") from exc
    return _read(data, name, format=format, size=size, truncated=truncated)


def read_bytes(
    data: bytes,
    name: str = "<bytes>",
    *,
    format: Format | None = None,
    max_bytes: int | None = MAX_BYTES,
    on_oversize: Literal["error", "truncate"] = "error",
) -> ReadDocument:
    """Read a document from ``data``; ``name`` (a file name or URL) is used in
    messages and for format detection by extension."""
    size = len(data)
    truncated = False
    if max_bytes is not None and size > max_bytes:
        if on_oversize != "truncate":
            raise ReadError(name, _too_big(size, max_bytes))
        data, truncated = data[:max_bytes], True
    return _read(data, name, format=format, size=size, truncated=truncated)


def _too_big(size: int, cap: int) -> str:
    mib = 1024 * 1024
    return (
        f"file is {size / mib:.1f} MiB, over the {cap / mib:.1f} MiB limit for one document; "
        "split it, or read it with a larger max_bytes or on_oversize='truncate'"
    )


def _read(data: bytes, name: str, *, format: Format | None, size: int, truncated: bool) -> ReadDocument:
    notes: list[str] = []
    if truncated:
        data = _trim_partial(data)
        notes.append(f"truncated: read the first {len(data)} of {size} bytes")
    if not data.strip():
        raise ReadError(name, "empty file" if not data else "file contains only white space")
    text, encoding, dec_notes = decode_bytes(data, name)
    notes.extend(dec_notes)
    fmt = format or detect_format(text, name)
    if fmt == "html":
        body, meta, more = _read_html(text)
    elif fmt == "markdown":
        body, meta, more = _read_markdown(text)
    elif fmt == "text":
        body, meta, more = _read_text(text)
    else:
        raise ReadError(name, f"unknown format {fmt!r} (expected text, markdown or html)")
    notes.extend(more)
    body = clean_text(body)
    if not body:
        raise ReadError(name, f"no readable text in the {fmt} document")
    _fill_from_text(body, meta, notes)
    date = parse_date(meta.get("date")) if meta.get("date") else None
    if meta.get("date") and date is None:
        notes.append(f"date not understood: {meta['date']!r}")
    title = _clean_field(meta.get("title"))
    outlet = _clean_field(meta.get("outlet"))
    if title and outlet:
        title = re.sub(r"\s*[|–—-]\s*" + re.escape(outlet) + r"\s*$", "", title) or title
    return ReadDocument(
        text=body,
        format=fmt,
        title=title,
        author=_clean_field(meta.get("author")),
        outlet=outlet,
        date=date,
        encoding=encoding,
        content_hash=content_hash(body),
        name=name,
        size=size,
        notes=tuple(notes),
    )


def _trim_partial(data: bytes) -> bytes:
    """Cut a truncated read at the last line break, so no character or word is split."""
    cut = data.rfind(b"\n")
    return data[: cut + 1] if cut > len(data) // 2 else data


def _clean_field(value: object) -> str | None:
    if value is None:
        return None
    s = re.sub(r"\s+", " ", html.unescape(str(value))).strip().strip(",;|")
    return s.strip() or None


# --------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_SIGNATURES = (
    (b"%PDF-", "a PDF file; convert it to text or HTML first"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.epub/.odt document); convert it to text first"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "gzip-compressed data; decompress it first"),
    (b"\x7fELF", "an executable"),
    (b"MZ\x90\x00", "an executable"),
    (b"{\\rtf", "an RTF document; convert it to text first"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office document; convert it to text first"),
)
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str, tuple[str, ...]]:
    """Decode ``data`` to text: ``(text, encoding, notes)``. Raises
    :class:`ReadError` for binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc, ()
            except UnicodeDecodeError as exc:
                raise ReadError(
                    name, f"starts with a {enc} byte-order mark but is not valid {enc}: {exc.reason}"
                ) from exc
    for sig, what in _SIGNATURES:
        if data.startswith(sig):
            raise ReadError(name, f"binary file: looks like {what}")
    sample = data[:65536]
    if b"\x00" in sample:
        raise ReadError(name, "binary file: contains NUL bytes (not a text document)")
    controls = sum(1 for b in sample if b in _CONTROL)
    if controls > max(8, len(sample) // 20):
        raise ReadError(
            name, f"binary file: {controls} control bytes in the first {len(sample)} bytes (not a text document)"
        )
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    declared = _declared_charset(data[:4096])
    if declared and declared.replace("_", "-") not in ("utf-8", "utf8"):
        try:
            text = data.decode(declared)
            return text, declared, (f"not valid UTF-8; decoded with the declared charset {declared}",)
        except (LookupError, UnicodeDecodeError):
            pass
    multibyte = len(re.findall(rb"[\xc2-\xf4][\x80-\xbf]+", data[:1_000_000]))
    if multibyte:
        text, bad = _utf8_with_fallback(data)
        if bad <= max(16, multibyte // 4):
            return (
                text,
                "utf-8",
                (f"mostly UTF-8; {bad} invalid byte(s) (first at offset {first_bad}) read as cp1252",),
            )
    for enc in ("cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        return text, enc, (f"not valid UTF-8 (first invalid byte at offset {first_bad}); decoded as {enc}",)
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _utf8_with_fallback(data: bytes) -> tuple[str, int]:
    parts: list[str] = []
    pos = bad = 0
    while pos < len(data):
        try:
            parts.append(data[pos:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            parts.append(data[pos : pos + exc.start].decode("utf-8"))
            chunk = data[pos + exc.start : pos + exc.end]
            parts.append(chunk.decode("cp1252", errors="replace").replace("\ufffd", "") or chunk.decode("latin-1"))
            bad += len(chunk)
            pos += exc.end
            if bad > 10_000:
                return data.decode("latin-1"), bad
    return "".join(parts), bad


def _declared_charset(head: bytes) -> str | None:
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", head, re.I) or re.search(
        rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.-]+)""", head, re.I
    )
    return m.group(1).decode("ascii").lower() if m else None


# --------------------------------------------------------------------------
# Format detection and clean text
# --------------------------------------------------------------------------


def detect_format(text: str, name: str = "") -> Format:
    """``"html"``, ``"markdown"`` or ``"text"``: by extension, else by content."""
    ext = Path(name.split("?")[0]).suffix.lower()
    head = text[:4096].lstrip("\ufeff \t\r\n")
    looks_html = bool(re.match(r"<!doctype\s+html|<html\b|<\?xml[^>]*>\s*(?:<!doctype\s+html|<html\b)", head, re.I))
    if ext in (".html", ".htm", ".xhtml", ".shtml"):
        return "html"
    if ext in (".md", ".markdown", ".mdown", ".mkd"):
        return "markdown"
    if looks_html:
        return "html"
    if ext in (".txt", ".text"):
        return "text"
    tags = len(
        re.findall(r"<(?:p|div|br|a|span|h[1-6]|body|head|meta|title|article|section|li|ul)\b[^>]*>", head, re.I)
    )
    if tags >= 3:
        return "html"
    md = 0
    if head.startswith("---\n") or head.startswith("---\r\n"):
        md += 2
    md += bool(re.search(r"^#{1,6}\s+\S", head, re.M))
    md += bool(re.search(r"\[[^\]\n]+\]\([^)\s]+\)", head))
    md += bool(re.search(r"\*\*[^*\n]+\*\*|__[^_\n]+__", head))
    md += bool(re.search(r"^\s*(?:[-*+]|\d+\.)\s+\S", head, re.M))
    md += bool(re.search(r"^```", head, re.M))
    md += bool(re.search(r"^>\s", head, re.M))
    return "markdown" if md >= 2 else "text"


_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Normalise a document's text: NFC, ``\\n`` line ends, no control or
    invisible characters, single spaces, at most one blank line in a row.
    Typographic quotes and dashes are kept."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _INVISIBLE_RE.sub("", text).replace("\u00a0", " ").replace("\t", " ")
    text = _CONTROL_RE.sub("", text)
    text = re.sub(r"[\u2000-\u200a\u202f\u205f\u3000]", " ", text)
    text = re.sub(r"  +", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# --------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------


def _read_text(text: str) -> tuple[str, dict[str, str], list[str]]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    unwrapped = _unwrap(text)
    notes = ["joined hard-wrapped lines into paragraphs"] if unwrapped != text else []
    return unwrapped, {}, notes


def _unwrap(text: str) -> str:
    """Join hard-wrapped lines (e-mail style, ~60-80 columns) into one line per paragraph."""
    lines = text.split("\n")
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    if len(lengths) < 6:
        return text
    width = lengths[int(len(lengths) * 0.9)]
    if width > 100 or width < 40:
        return text
    near = sum(1 for n in lengths if n >= width - 15)
    if near < len(lengths) * 0.4:
        return text
    out: list[str] = []
    for line in lines:
        if (
            out
            and out[-1].strip()
            and line.strip()
            and len(out[-1].rstrip()) >= width - 20
            and not re.match(r"\s*(?:[-*•]|\d+[.)])\s", line)
        ):
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


_BYLINE_RE = re.compile(
    r"^\s*(?:written\s+)?by\s+((?:(?:Dr|Prof|Mr|Mrs|Ms|Gen|Sen)\.?\s+)?[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|al|bin|ibn|and|&|,)){0,8})"
    r"\s*(?:[,|–—-]\s*(.*))?$",
    re.I,
)
_ORIGIN_RE = re.compile(
    r"^\s*(?:this\s+(?:article|piece|essay|story)\s+(?:was\s+)?)?(?:originally|first)\s+(?:published|appeared|ran)\s+(?:in|on|by|at)\s+"
    r"(.+?)(?:\s+on\s+(.+?))?[.\s]*$",
    re.I,
)
_REPUBLISHED_RE = re.compile(r"^\s*(?:republished|reprinted)\s+(?:with\s+permission\s+)?from\s+(.+?)[.\s]*$", re.I)
_DATE_LINE_RE = re.compile(
    r"^\s*(?:(?:published|posted|updated|date|dated)\s*(?:on)?\s*[:\-]?\s*)?(.{6,40}?)\s*$", re.I
)
_BIO_RE = re.compile(
    r"^((?:Dr\.\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w.'’-]+){1,3})\s+(?:is|was|serves\s+as)\s+(?:a|an|the)\s+[^.]{3,200}\.?$"
)


_FIELD_LINE_RE = re.compile(
    r"^\s*(author|authors|byline|outlet|publication|publisher|source|date|published)\s*:\s*(.{1,120}?)\s*$", re.I
)
_FIELD_NAMES = {
    "author": "author",
    "authors": "author",
    "byline": "author",
    "outlet": "outlet",
    "publication": "outlet",
    "publisher": "outlet",
    "source": "outlet",
    "date": "date",
    "published": "date",
}


def _fill_from_text(body: str, meta: dict[str, str], notes: list[str]) -> None:
    """Metadata the text itself states: ``Author:``/``Outlet:``/``Date:`` lines, title line, byline,
    origin line, dates, biography."""
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    if not lines:
        return
    for line in lines[:12]:
        m = _FIELD_LINE_RE.match(line)
        if m:
            key = _FIELD_NAMES[m.group(1).lower()]
            if not meta.get(key) and (key != "date" or parse_date(m.group(2))):
                meta[key] = m.group(2)
    if not meta.get("title"):
        first = lines[0]
        if len(first) <= 200 and not first.endswith((".", ",", ";", ":", "”", '"')) and not _BYLINE_RE.match(first):
            meta["title"] = first
    for line in lines[:12] + lines[-6:]:
        if len(line) > 160:
            continue
        if not meta.get("author"):
            m = _BYLINE_RE.match(line)
            if m and m.group(1)[:1].isupper():
                meta["author"] = re.sub(r"[\s,]+(?:and|&)?$", "", m.group(1)).strip(" ,")
                rest = (m.group(2) or "").strip()
                if rest and not meta.get("date") and parse_date(rest):
                    meta["date"] = rest
                elif rest and not meta.get("outlet") and len(rest) < 60 and not parse_date(rest):
                    meta["outlet"] = rest
                continue
        m = _ORIGIN_RE.match(line) or _REPUBLISHED_RE.match(line)
        if m:
            if not meta.get("outlet"):
                meta["outlet"] = m.group(1).strip()
            if m.re is _ORIGIN_RE and m.group(2) and not meta.get("date"):
                meta["date"] = m.group(2)
            continue
    if not meta.get("date"):
        for line in lines[1:8]:
            m = _DATE_LINE_RE.match(line)
            if m and len(line) <= 60 and parse_date(m.group(1)):
                meta["date"] = m.group(1)
                break
    if not meta.get("author"):
        for line in lines[-3:]:
            m = _BIO_RE.match(line)
            if m and line.count(". ") == 0:
                meta["author"] = m.group(1)
                notes.append("author taken from the closing biography line")
                break


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    m = re.match(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", text, re.S)
    if not m:
        return {}, text
    meta: dict[str, str] = {}
    key = None
    items: list[str] = []
    for line in m.group(1).split("\n"):
        kv = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
        if kv:
            if key and items and key not in meta:
                meta[key] = ", ".join(items)
            key, items = kv.group(1).lower(), []
            val = kv.group(2).strip()
            if val.startswith("[") and val.endswith("]"):
                val = ", ".join(_unquote(v) for v in val[1:-1].split(",") if v.strip())
            if val:
                meta[key] = _unquote(val)
        elif key and (li := re.match(r"^\s+-\s+(.*)$", line)):
            items.append(_unquote(li.group(1).strip()))
    if key and items and key not in meta:
        meta[key] = ", ".join(items)
    return meta, text[m.end() :]


def _unquote(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def _md_fields(fm: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for target, keys in (
        ("title", ("title", "headline")),
        ("author", ("author", "authors", "byline", "creator")),
        ("outlet", ("outlet", "publication", "publisher", "source", "site", "site_name", "journal")),
        ("date", ("date", "published", "publish_date", "pubdate", "date_published", "created")),
    ):
        for k in keys:
            if fm.get(k):
                out[target] = fm[k]
                break
    return out


def _md_inline(s: str) -> str:
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", s)
    s = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", s)
    s = re.sub(r"<https?://[^>]+>", "", s)
    s = re.sub(r"</?[A-Za-z][^>]*>", "", s)
    s = re.sub(r"`([^`]*)`", r"\1", s)
    s = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", s)
    s = re.sub(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", r"\1", s)
    s = re.sub(r"(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])", r"\1", s)
    s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!>])", r"\1", s)
    return html.unescape(s)


def _read_markdown(text: str) -> tuple[str, dict[str, str], list[str]]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fm, body = _front_matter(text.lstrip("\ufeff"))
    meta = _md_fields(fm)
    blocks: list[str] = []
    para: list[str] = []
    fence = False
    raw_lines = body.split("\n")

    def flush() -> None:
        if para:
            blocks.append(" ".join(p.strip() for p in para))
            para.clear()

    for line in raw_lines:
        if re.match(r"^\s*(```|~~~)", line):
            fence = not fence
            flush()
            continue
        if fence:
            continue
        if re.match(r"^\s*\[[^\]]+\]:\s*\S+", line):  # link reference definition
            continue
        if re.match(r"^\s*(?:[-*_]\s*){3,}$", line):  # horizontal rule
            flush()
            continue
        if re.match(r"^\s*(?:=+|-+)\s*$", line) and para:  # setext underline
            heading = " ".join(p.strip() for p in para)
            para.clear()
            if line.strip().startswith("=") and not meta.get("title"):
                meta["title"] = _md_inline(heading)
            blocks.append(_md_inline(heading))
            continue
        h = re.match(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if h:
            flush()
            heading = _md_inline(h.group(2))
            if len(h.group(1)) == 1 and not meta.get("title"):
                meta["title"] = heading
            blocks.append(heading)
            continue
        if not line.strip():
            flush()
            continue
        stripped = re.sub(r"^\s*>\s?", "", line)
        li = re.match(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$", stripped)
        if li:
            flush()
            para.append(_md_inline(li.group(1)))
            continue
        if re.match(r"^\s*\|.*\|\s*$", stripped):
            flush()
            if not re.match(r"^\s*\|[\s:|-]+\|\s*$", stripped):
                blocks.append(" ".join(c.strip() for c in stripped.strip().strip("|").split("|")))
            continue
        para.append(_md_inline(stripped))
    flush()
    return "\n\n".join(b for b in blocks if b.strip()), meta, []


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------

_SKIP_TAGS = frozenset(
    "script style noscript template svg nav iframe form button select textarea canvas object embed "
    "aside footer head dialog menu".split()
)
_BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote section article main header pre figure "
    "figcaption table tr thead tbody tfoot caption address hr br details summary".split()
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_BOILERPLATE = frozenset(
    """nav navbar navigation menu breadcrumb breadcrumbs footer sidebar share sharing social cookie
    cookies newsletter subscribe subscription related comments comment advert advertisement ad ads
    promo popup modal banner skip paywall outbrain taboola recirc""".split()
)
_SKIP_ROLES = frozenset("navigation banner contentinfo complementary search menu menubar dialog alert".split())
_META_KEYS = {
    "title": ("og:title", "twitter:title", "dc.title", "citation_title", "headline", "sailthru.title"),
    "author": (
        "author",
        "article:author",
        "dc.creator",
        "byl",
        "parsely-author",
        "sailthru.author",
        "citation_author",
        "twitter:creator",
    ),
    "outlet": (
        "og:site_name",
        "application-name",
        "publisher",
        "dc.publisher",
        "citation_journal_title",
        "article:publisher",
    ),
    "date": (
        "article:published_time",
        "datepublished",
        "date",
        "pubdate",
        "publish-date",
        "publish_date",
        "dc.date",
        "dc.date.issued",
        "citation_publication_date",
        "parsely-pub-date",
        "sailthru.date",
        "og:published_time",
        "article.published",
        "published_time",
    ),
}


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.n_skip = self.n_article = self.n_main = 0
        self.blocks: list[tuple[str, str, int]] = []  # (text, tag, region: 2 article, 1 main, 0 other)
        self.buf: list[str] = []
        self.buf_tag = "p"
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.in_title = False
        self.h1: list[str] = []
        self.in_h1 = False
        self.jsonld: list[str] = []
        self.in_jsonld = False
        self.time_attr: str | None = None
        self.byline: list[str] = []
        self.byline_depth: int | None = None

    # state helpers (counters, not stack scans: pages can have 100k elements)
    def _skipping(self) -> bool:
        return self.n_skip > 0

    def _region(self) -> int:
        return 2 if self.n_article else 1 if self.n_main else 0

    def _push(self, tag: str, skip: bool) -> None:
        self.stack.append((tag, skip))
        self.n_skip += skip
        self.n_article += tag == "article"
        self.n_main += tag == "main"

    def _pop_to(self, idx: int) -> None:
        for tag, skip in self.stack[idx:]:
            self.n_skip -= skip
            self.n_article -= tag == "article"
            self.n_main -= tag == "main"
        del self.stack[idx:]

    def _flush(self) -> None:
        # one <br> is a line break inside a paragraph (read as a space); two or more end it
        raw = "".join(self.buf)
        self.buf = []
        parts = re.split(r"(?:\x00\s*){2,}", raw) if "\x00" in raw else (raw,)
        for part in parts:
            text = " ".join(part.replace("\x00", " ").split())
            if text:
                self.blocks.append((text, self.buf_tag, self._region()))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content") and key not in self.meta:
                self.meta[key] = a["content"]
            return
        if tag == "title":
            self.in_title = True
        if tag == "script" and "ld+json" in a.get("type", "").lower():
            self.in_jsonld = True
        if tag == "time" and self.time_attr is None and a.get("datetime"):
            self.time_attr = a["datetime"]
        if a.get("itemprop", "").lower() == "datepublished" and a.get("content") and "datepublished" not in self.meta:
            self.meta["datepublished"] = a["content"]
        if tag in _VOID:
            if tag == "br" and not self._skipping():
                self.buf.append("\x00")
            elif tag == "hr" and not self._skipping():
                self._flush()
            return
        if tag == "body":  # a <body> implicitly closes an unclosed <head>
            heads = [k for k, (t, _) in enumerate(self.stack) if t == "head"]
            if heads:
                self._pop_to(heads[0])
        cls = a.get("class", "") + " " + a.get("id", "")
        tokens = set(re.split(r"[\s_-]+", cls.lower())) - {""} if cls.strip() else set()
        skip = (
            tag in _SKIP_TAGS
            or bool(tokens & _BOILERPLATE)
            or a.get("role", "").lower() in _SKIP_ROLES
            or a.get("aria-hidden", "").lower() == "true"
            or "hidden" in a
        )
        if tag in ("head",):
            skip = True
        if not self._skipping() and tag in _BLOCK_TAGS:
            self._flush()
            self.buf_tag = tag
        is_byline = (
            bool(tokens & {"byline", "author", "authors", "byline__name"})
            or a.get("rel", "") == "author"
            or a.get("itemprop", "") == "author"
        )
        if is_byline and self.byline_depth is None and not self.byline and not self._skipping():
            self.byline_depth = len(self.stack)
        self._push(tag, skip)
        if tag == "h1" and not self._skipping():
            self.in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag == "script":
            self.in_jsonld = False
        if tag in _VOID:
            return
        idx = next((k for k in range(len(self.stack) - 1, -1, -1) if self.stack[k][0] == tag), None)
        if idx is None:  # stray end tag
            return
        was_skipping = self._skipping()
        if not was_skipping and (
            tag in _BLOCK_TAGS
            or (idx < len(self.stack) - 1 and any(t in _BLOCK_TAGS for t, _ in self.stack[idx + 1 :]))
        ):
            self._flush()
        self._pop_to(idx)
        if tag == "h1":
            self.in_h1 = False
        if self.byline_depth is not None and len(self.stack) <= self.byline_depth:
            self.byline_depth = None

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
        if self.in_jsonld:
            self.jsonld.append(data)
            return
        if self._skipping():
            return
        if self.in_h1:
            self.h1.append(data)
        if self.byline_depth is not None:
            self.byline.append(data)
        self.buf.append(data.replace("\x00", ""))

    def finish(self) -> None:
        self._flush()


_LEFTOVER_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")


def _read_html(text: str) -> tuple[str, dict[str, str], list[str]]:
    notes: list[str] = []
    # an unterminated comment runs to the end of the document, as in browsers
    cut = text.rfind("<!--")
    if cut >= 0 and text.find("-->", cut + 4) < 0:
        text = text[:cut]
        notes.append("unterminated HTML comment: text after it dropped")
    parser = _Html()
    try:
        parser.feed(text)
        parser.close()
        parser.finish()
    except Exception as exc:  # html.parser is lenient; this is a last resort
        notes.append(f"HTML parser failed ({exc}); tags stripped by pattern instead")
        stripped = re.sub(r"(?is)<(script|style|noscript|template|svg|nav)\b.*?</\1\s*>", " ", text)
        stripped = re.sub(r"(?i)</?(?:p|div|br|h[1-6]|li|tr|blockquote|section|article)\b[^>]*>", "\n\n", stripped)
        stripped = html.unescape(re.sub(r"<[^>]*>", " ", stripped))
        return stripped, {}, notes
    blocks = parser.blocks
    article = [b for b in blocks if b[2] == 2]
    main = [b for b in blocks if b[2] >= 1]
    total = sum(len(b[0]) for b in blocks) or 1
    chosen = blocks
    for region in (article, main):
        size = sum(len(b[0]) for b in region)
        if region and (size >= 200 or size >= 0.5 * total):
            chosen = region
            break
    # markup the parser passed through as text (e.g. a tag with an unbalanced quote)
    body = "\n\n".join(_LEFTOVER_TAG.sub(" ", b[0]) for b in chosen)
    meta: dict[str, str] = {}
    _meta_from_jsonld(parser.jsonld, meta)
    for field, keys in _META_KEYS.items():
        if meta.get(field):
            continue
        for k in keys:
            v = parser.meta.get(k)
            if v and not (field == "author" and re.match(r"https?://", v)):
                meta[field] = v
                break
    if not meta.get("date") and parser.time_attr:
        meta["date"] = parser.time_attr
    if not meta.get("author"):
        by = re.sub(r"\s+", " ", "".join(parser.byline)).strip()
        by = re.sub(r"^(?:written\s+)?by\s+", "", by, flags=re.I)
        if by and len(by) < 100:
            meta["author"] = by
    if not meta.get("title"):
        h1 = re.sub(r"\s+", " ", "".join(parser.h1)).strip()
        t = re.sub(r"\s+", " ", "".join(parser.title_parts)).strip()
        if h1:
            meta["title"] = h1
        elif t:
            meta["title"] = t
    return body, meta, notes


def _meta_from_jsonld(chunks: list[str], meta: dict[str, str]) -> None:
    for chunk in chunks:
        try:
            data = json.loads(chunk)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, list):
                stack.extend(node)
                continue
            if not isinstance(node, dict):
                continue
            if "@graph" in node:
                stack.extend(node["@graph"] if isinstance(node["@graph"], list) else [node["@graph"]])
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if not any(
                isinstance(k, str) and (k.endswith("Article") or k in ("BlogPosting", "Report", "WebPage"))
                for k in kinds
            ):
                continue
            if node.get("headline") and not meta.get("title"):
                meta["title"] = str(node["headline"])
            author = node.get("author")
            given = [
                a.get("name") if isinstance(a, dict) else a for a in (author if isinstance(author, list) else [author])
            ]
            names = [str(n) for n in given if n]
            if names and not meta.get("author"):
                meta["author"] = ", ".join(names)
            pub = node.get("publisher")
            if isinstance(pub, dict) and pub.get("name") and not meta.get("outlet"):
                meta["outlet"] = str(pub["name"])
            if node.get("datePublished") and not meta.get("date"):
                meta["date"] = str(node["datePublished"])


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

_MONTHS = {
    name: k + 1
    for k, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_MON = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)


def parse_date(value: str | None) -> str | None:
    """An ISO date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) from common
    written forms: ISO timestamps, "2 October 2025", "October 2, 2025",
    "Oct. 2025", "2025/10/02". ``None`` if not understood."""
    if not value:
        return None
    s = re.sub(r"\s+", " ", str(value)).strip().lower()
    s = re.sub(r"^(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)", "", s)

    def iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
        if not 1000 <= y <= 2999 or (m is not None and not 1 <= m <= 12) or (d is not None and not 1 <= d <= 31):
            return None
        return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if m and d else "")

    m = re.match(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:$|[t\s])", s)
    if m:
        return iso(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    m = re.match(r"^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r",?\s+(\d{4})\b", s)
    if m:
        return iso(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
    m = re.match(r"^" + _MON + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", s)
    if m:
        return iso(int(m.group(3)), _MONTHS[m.group(1)], int(m.group(2)))
    m = re.match(r"^" + _MON + r",?\s+(\d{4})$", s)
    if m:
        return iso(int(m.group(2)), _MONTHS[m.group(1)])
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", s)
    if m:  # ambiguous day/month order: accept only when unambiguous
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12:
            return iso(int(m.group(3)), b, a)
        if b > 12:
            return iso(int(m.group(3)), a, b)
        return None
    m = re.match(r"^(\d{4})$", s)
    if m:
        return iso(int(m.group(1)))
    return None
