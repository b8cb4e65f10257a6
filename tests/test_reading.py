"""Reading files into clean documents: formats, metadata, hashing and robustness."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import standoff
from standoff.corpus.reading import (
    MAX_BYTES,
    ReadDocument,
    ReadError,
    clean_text,
    content_hash,
    decode_bytes,
    detect_format,
    parse_date,
    read_bytes,
    read_file,
)

CORPUS = Path(standoff.__file__).parent / "data" / "corpus"
RUHE = CORPUS / "ruhe-2025-defiant-in-defeat.txt"
TALKS = CORPUS / "iran-defiant-ahead-of-talks-2026.txt"


# --------------------------------------------------------------------------
# The shipped articles
# --------------------------------------------------------------------------


def test_ruhe_article():
    doc = read_file(RUHE)
    assert doc.format == "text" and doc.encoding == "utf-8"
    assert doc.title == "Iran Remains Defiant in Defeat"
    assert doc.author == "Jonathan Ruhe"  # from the closing biography line
    assert doc.outlet == "The Dispatch"  # "Originally published in The Dispatch."
    assert doc.date is None  # the text states no date
    assert doc.text == RUHE.read_text(encoding="utf-8").strip()
    assert "author taken from the closing biography line" in doc.notes
    assert len(doc.paragraphs) == 21


def test_talks_article():
    doc = read_file(TALKS)
    assert doc.title == "Iran's Defiant Stance Ahead of US Talks Amid Economic and Military Pressures"
    assert doc.author is None and doc.outlet is None and doc.date is None
    assert doc.text == TALKS.read_text(encoding="utf-8").strip()
    assert doc.notes == ()


def test_as_document_supports_quote_checks():
    doc = read_file(RUHE).as_document("ruhe-2025")
    assert doc.id == "ruhe-2025" and doc.author == "Jonathan Ruhe"
    assert doc.contains("we have always been the ones to decide when, and how")


# --------------------------------------------------------------------------
# Content hash
# --------------------------------------------------------------------------


def test_content_hash_ignores_typography_and_line_ends():
    text = RUHE.read_text(encoding="utf-8")
    variant = text.replace("\n", "\r\n").replace("’", "'").replace("“", '"').replace("”", '"') + "\n\n\n"
    a = read_bytes(text.encode("utf-8"), "a.txt")
    b = read_bytes(variant.encode("utf-8"), "b.txt")
    assert a.content_hash == b.content_hash == content_hash(text)
    c = read_bytes(text.replace("damn", "darn").encode("utf-8"), "c.txt")
    assert c.content_hash != a.content_hash


def test_content_hash_is_the_sha256_of_the_text_as_quotes_are_checked():
    # written out by hand: curly quotes, double primes, dashes and full-width letters become
    # ASCII, and runs of white space (no-break space, tab) one space; case and wording stay
    import hashlib

    for odd, plain in (
        ("a\u2033b\u00a0 c\u2014d\tq\u2019s \uff21", "a''b c-d q's A"),
        ("Iran\u2019s  \u201cright\u201d \u2014 now", 'Iran\'s "right" - now'),
    ):
        assert content_hash(odd) == hashlib.sha256(plain.encode()).hexdigest() == content_hash(plain)
    assert content_hash("Iran's right") != content_hash("iran's right")


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>Iran talks stall | The Example Times</title>
<meta property="og:site_name" content="The Example Times">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2026-02-14T09:30:00Z">
<script>var s = "<p>not text</p>";</script>
<style>p { color: red }</style>
</head>
<body>
<nav><ul><li>Home</li><li>World</li></ul></nav>
<div class="share-bar">Share on X</div>
<article>
<h1>Iran talks stall</h1>
<p class="byline">By Jane Doe</p>
<p>Iran&#8217;s foreign minister said &ldquo;no deal&rdquo; was near.</p>
<p>Second paragraph with <b>bold</b> and a <a href="/x">link</a>.</p>
<div class="ad-slot">BUY NOW</div>
<p>A line<br>broken once.</p><p>Two<br><br>paragraphs.</p>
</article>
<aside>Related stories</aside>
<footer>Copyright 2026</footer>
</body></html>
"""


def test_html_page():
    doc = read_bytes(PAGE.encode("utf-8"), "page.html")
    assert doc.format == "html"
    assert doc.title == "Iran talks stall"
    assert doc.author == "Jane Doe"
    assert doc.outlet == "The Example Times"
    assert doc.date == "2026-02-14"
    assert doc.paragraphs == (
        "Iran talks stall",
        "By Jane Doe",
        "Iran’s foreign minister said “no deal” was near.",
        "Second paragraph with bold and a link.",
        "A line broken once.",
        "Two",
        "paragraphs.",
    )
    for junk in ("not text", "color", "Home", "Share on X", "BUY NOW", "Related", "Copyright"):
        assert junk not in doc.text


def test_html_json_ld_and_title_suffix():
    page = """<html><head><title>Deal or no deal - Gulf Wire</title>
    <meta property="og:site_name" content="Gulf Wire">
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "NewsArticle", "headline": "Deal or no deal", "datePublished": "2025-10-02",
       "author": [{"@type": "Person", "name": "A. Writer"}, {"@type": "Person", "name": "B. Writer"}],
       "publisher": {"@type": "Organization", "name": "Gulf Wire Media"}}]}</script>
    </head><body><main><p>Body text of the article, long enough to count as the main content.</p></main>
    <div>Outside main.</div></body></html>"""
    doc = read_bytes(page.encode(), "deal.htm")
    assert (doc.title, doc.author, doc.outlet, doc.date) == (
        "Deal or no deal",
        "A. Writer, B. Writer",
        "Gulf Wire Media",
        "2025-10-02",
    )
    doc = read_bytes(page.replace("application/ld+json", "text/plain-x").encode(), "deal.htm")
    assert doc.title == "Deal or no deal" and doc.outlet == "Gulf Wire"  # <title> minus " - Gulf Wire"


@pytest.mark.parametrize(
    "markup",
    [
        "<div><p>Unclosed <b>bold <i>italic</p><p>next paragraph</div></span></html>",
        "<p>Stray </td></tr> end tags and <p>implicit closes<p>everywhere",
        '<p class="x>broken attribute quote</p><p>after it</p>',
        "<p>Less-than 3 < 5 and a lone & ampersand &notanentity; here</p>",
        "<!-- unterminated comment <p>hidden?</p>",
        "<p>Text</p><script>while (a < b) { document.write('</p>'); }",
        "<html><body><![CDATA[ odd ]]><p>ok</p><!DOCTYPE again><p>fine</p>",
        "<<<>>><p>>>text<<</p>",
    ],
)
def test_malformed_html_is_read_or_refused_cleanly(markup):
    try:
        doc = read_bytes(markup.encode(), "bad.html")
    except ReadError as exc:
        assert "bad.html" in str(exc) and "no readable text" in str(exc)
        return
    assert doc.text == clean_text(doc.text)
    assert "<p" not in doc.text and "document.write" not in doc.text


def test_malformed_html_keeps_the_text():
    doc = read_bytes(b"<div><p>Unclosed <b>bold <i>italic</p><p>next paragraph</div></span></html>", "bad.html")
    assert doc.paragraphs == ("Unclosed bold italic", "next paragraph")
    doc = read_bytes(b"<p>Less-than 3 < 5 and &amp; fine", "lt.html")
    assert "3 < 5 and & fine" in doc.text
    doc = read_bytes(b'<p class="x>broken attribute quote</p><p>after it</p>', "q.html")
    assert doc.paragraphs == ("broken attribute quote", "after it")
    doc = read_bytes(b"<p>Kept.</p><!-- unterminated comment <p>hidden</p>", "c.html")
    assert doc.text == "Kept." and doc.notes == ("unterminated HTML comment: text after it dropped",)


def test_html_declared_charset_is_used_when_not_utf8():
    doc = read_bytes(
        b'<html><head><meta charset="iso-8859-1"></head><body><p>caf\xe9 cr\xe8me</p></body></html>', "l1.html"
    )
    assert doc.text == "café crème" and doc.encoding == "iso-8859-1"
    assert any("declared charset" in n for n in doc.notes)


# --------------------------------------------------------------------------
# Markdown and plain text
# --------------------------------------------------------------------------


def test_markdown_with_front_matter():
    md = """---
title: "Snapback and after"
authors:
  - Ann Author
  - Bob Writer
date: 2025-10-02
publication: The Dispatch
---
# Heading One

Some *emphasis* and a [link](https://example.org) here,
continued on the next line.

- item one
- item **two**

> A quoted line.

```
code is dropped
```
[1]: https://example.org/ref
"""
    doc = read_bytes(md.encode(), "piece.md")
    assert doc.format == "markdown"
    assert (doc.title, doc.author, doc.outlet, doc.date) == (
        "Snapback and after",
        "Ann Author, Bob Writer",
        "The Dispatch",
        "2025-10-02",
    )
    assert doc.paragraphs == (
        "Heading One",
        "Some emphasis and a link here, continued on the next line.",
        "item one",
        "item two",
        "A quoted line.",
    )


def test_markdown_title_from_heading_and_sniffing():
    md = "# The Real Title\n\nBy Sam Reporter\n\nText with a [link](http://x.y) and **bold**.\n"
    assert detect_format(md, "notes") == "markdown"
    doc = read_bytes(md.encode(), "notes")
    assert doc.title == "The Real Title" and doc.author == "Sam Reporter"


def test_plain_text_metadata_lines():
    text = (
        "Tehran Weighs Its Options\n"
        "By Jane Q. Doe and John Roe\n"
        "Published: 3 March 2025\n"
        "\n"
        "Iran said on Monday that talks would resume.\n"
        "\n"
        "This article was originally published in Foreign Matters.\n"
    )
    doc = read_bytes(text.encode(), "a.txt")
    assert doc.title == "Tehran Weighs Its Options"
    assert doc.author == "Jane Q. Doe and John Roe"
    assert doc.date == "2025-03-03"
    assert doc.outlet == "Foreign Matters"
    doc = read_bytes(b"Headline\n\nBody text.\n\nFirst published in The Dispatch on October 2, 2025.", "b.txt")
    assert (doc.outlet, doc.date, doc.author) == ("The Dispatch", "2025-10-02", None)


def test_hard_wrapped_text_is_unwrapped():
    para = (
        "Iran's currency has more than halved in value against the dollar since the\n"
        "war, while food inflation is soaring towards treble figures, officials and\n"
        "economists in Tehran said on Monday, warning that the protests could return\n"
        "if the government failed to act quickly on prices and on wages this winter.\n"
    )
    doc = read_bytes((para + "\n" + para + "\n" + para).encode(), "wrapped.txt")
    assert len(doc.paragraphs) == 3
    assert doc.paragraphs[0].startswith("Iran's currency") and doc.paragraphs[0].endswith("this winter.")
    assert "joined hard-wrapped lines into paragraphs" in doc.notes


def test_format_detection():
    assert detect_format("<!doctype html><p>x", "a.txt") == "html"
    assert detect_format("<p>a</p><div>b</div><br>", "") == "html"
    assert detect_format("plain words", "x.md") == "markdown"
    assert detect_format("plain words only.", "") == "text"
    assert read_bytes(b"# Title\n\nplain", "a.txt", format="text").text == "# Title\n\nplain"


def test_clean_text():
    raw = "a\u00a0b\u200b c\t\td\r\ne \x07f\n\n\n\ng  h \u2028i"
    assert clean_text(raw) == "a b c d\ne f\n\ng h\ni"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-02-14T09:30:00Z", "2026-02-14"),
        ("2025-10", "2025-10"),
        ("3 March 2025", "2025-03-03"),
        ("March 4, 2025", "2025-03-04"),
        ("Tuesday, Oct. 7, 2025", "2025-10-07"),
        ("October 2025", "2025-10"),
        ("2025/10/02", "2025-10-02"),
        ("25/12/2025", "2025-12-25"),
        ("03/04/2025", None),
        ("yesterday", None),
        ("2025", "2025"),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


# --------------------------------------------------------------------------
# Robustness
# --------------------------------------------------------------------------


def test_empty_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ReadError, match=r"empty\.txt: empty file"):
        read_file(empty)
    blank = tmp_path / "blank.md"
    blank.write_bytes(b" \n\t\n\r\n")
    with pytest.raises(ReadError, match=r"blank\.md: file contains only white space"):
        read_file(blank)
    only_markup = tmp_path / "only.html"
    only_markup.write_text("<html><script>var a = 1;</script><nav>menu</nav></html>")
    with pytest.raises(ReadError, match=r"only\.html: no readable text in the html document"):
        read_file(only_markup)


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"GIF89a\x00\x01", "looks like a GIF image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "looks like a PDF file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "looks like a ZIP archive"),
        (b"plain start then \x00\x00\x00 NUL bytes", "contains NUL bytes"),
        (bytes(range(1, 9)) * 50 + b"some text", "control bytes"),
    ],
)
def test_binary_files_are_refused(tmp_path, data, problem):
    path = tmp_path / "blob.txt"
    path.write_bytes(data)
    with pytest.raises(ReadError) as info:
        read_file(path)
    assert str(info.value).startswith(f"{path}: binary file: ")
    assert problem in str(info.value)
    assert info.value.name == str(path) and isinstance(info.value, ValueError)


def test_non_utf8_bytes(tmp_path):
    path = tmp_path / "cp1252.txt"
    path.write_bytes("Iran\u2019s \u201cright\u201d to enrich \u2014 caf\u00e9".encode("cp1252"))
    doc = read_file(path)
    assert doc.text == "Iran’s “right” to enrich — café"
    assert doc.encoding == "cp1252"
    assert doc.notes == ("not valid UTF-8 (first invalid byte at offset 4); decoded as cp1252",)


def test_latin1_fallback_when_cp1252_fails():
    data = "caf\u00e9 ".encode("latin-1") + b"\x81\x8d end"
    text, enc, notes = decode_bytes(data, "x.txt")
    assert enc == "latin-1" and text.startswith("café") and "decoded as latin-1" in notes[0]


def test_mostly_utf8_with_stray_bytes():
    data = "Iran\u2019s caf\u00e9 and more text \u2014 ".encode("utf-8") + b"\x93stray\x94 bytes"
    doc = read_bytes(data, "mixed.txt")
    assert doc.text == "Iran’s café and more text — “stray” bytes"
    assert doc.encoding == "utf-8"
    assert doc.notes[0].startswith("mostly UTF-8; 2 invalid byte(s)")


def test_byte_order_marks():
    assert read_bytes("\ufeffIran\u2019s move".encode("utf-8"), "a.txt").text == "Iran’s move"
    doc = read_bytes("Iran\u2019s move".encode("utf-16"), "b.txt")
    assert doc.text == "Iran’s move" and doc.encoding.startswith("utf-16")


def test_fifty_megabyte_file_is_refused_quickly(tmp_path):
    path = tmp_path / "huge.txt"
    chunk = ("Iran’s rial fell again as talks stalled, officials said on Monday. " * 16 + "\n").encode("utf-8")
    with path.open("wb") as fh:
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            fh.write(chunk)
    assert path.stat().st_size >= 50 * 1024 * 1024
    t0 = time.perf_counter()
    with pytest.raises(ReadError) as info:
        read_file(path)
    assert time.perf_counter() - t0 < 1.0
    msg = str(info.value)
    assert msg.startswith(f"{path}: file is 50.0 MiB, over the 5.0 MiB limit for one document")
    assert "on_oversize='truncate'" in msg
    # the same file, reading only a prefix (without loading the rest)
    t0 = time.perf_counter()
    doc = read_file(path, max_bytes=256 * 1024, on_oversize="truncate")
    assert time.perf_counter() - t0 < 2.0
    assert doc.size == path.stat().st_size and 200_000 < len(doc.text) <= 256 * 1024
    assert doc.notes[0].startswith("truncated: read the first")
    assert doc.text.endswith("Monday.")  # cut at a line break, not mid-character


def test_size_cap_for_bytes_and_default():
    assert MAX_BYTES == 5 * 1024 * 1024
    with pytest.raises(ReadError, match=r"blob: file is 0\.0 MiB, over the 0\.0 MiB limit"):
        read_bytes(b"x" * 20, "blob", max_bytes=10)
    assert read_bytes(b"x" * 20, "blob", max_bytes=None).text == "x" * 20


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ReadError, match=r"nope\.txt: no such file"):
        read_file(tmp_path / "nope.txt")
    with pytest.raises(ReadError, match="not a regular file"):
        read_file(tmp_path)


def test_unknown_format_is_an_error():
    with pytest.raises(ReadError, match="unknown format 'pdf'"):
        read_bytes(b"text", "a.txt", format="pdf")  # type: ignore[arg-type]


def test_read_document_is_frozen():
    doc = read_bytes(b"Title\n\nBody.", "a.txt")
    assert isinstance(doc, ReadDocument)
    with pytest.raises(AttributeError):
        doc.text = "x"  # type: ignore[misc]


def test_a_dense_html_page_reads_in_reasonable_time():
    page = ("<html><body>" + "<p>Some paragraph text with <b>bold</b> words.</p>\n" * 4000 + "</body></html>").encode()
    t0 = time.perf_counter()
    doc = read_bytes(page, "big.html")
    assert time.perf_counter() - t0 < 5.0
    assert len(doc.paragraphs) == 4000


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=400)
    | st.text(max_size=300).map(lambda s: s.encode("utf-8"))
    | st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div class='nav'>",
                "</div>",
                "<br>",
                "<!--",
                "-->",
                "text ",
                "&amp;",
                "<",
                ">",
                '"',
                "\n",
                "# h\n",
                "---\n",
                "By A B\n",
            ]
        ),
        max_size=40,
    ).map(lambda xs: "".join(xs).encode()),
    st.sampled_from(["x.txt", "x.md", "x.html", "noext"]),
)
def test_any_input_reads_or_raises_read_error(data, name):
    try:
        doc = read_bytes(data, name)
    except ReadError as exc:
        assert str(exc).startswith(f"{name}: ")
        return
    assert doc.text and doc.text == clean_text(doc.text)
    assert doc.content_hash == content_hash(doc.text)
