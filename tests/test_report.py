"""The self-contained HTML report (tests/data/mini.yaml)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import plotly.graph_objects as go
import pytest

from standoff.scenario import load_scenario
from standoff.web import report
from standoff.web.report import ReportError, write_report

MINI = Path(__file__).parent / "data" / "mini.yaml"
FIGURE = re.compile(r'<script type="application/json" id="fig-([\w-]+)-data">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "mini.html"
    assert write_report(MINI, path, draws=80, seed=4) == path
    return path.read_text(encoding="utf-8")


def test_self_contained(html: str) -> None:
    """Nothing is loaded from elsewhere: no script, stylesheet, image or frame by URL."""
    tags = re.findall(r"<(?:script|link|img|iframe|source|embed)\b[^>]*>", html, re.I)
    assert tags, "expected inline script tags"
    for tag in tags:
        assert not re.search(r"\b(?:src|href)\s*=", tag, re.I), tag
    assert "@import" not in html.split("<script>")[0]
    assert "plotly.js v" in html or "Plotly" in html  # the bundle is inlined


def test_every_issue_and_figure(html: str) -> None:
    scenario = load_scenario(MINI).scenario
    figures = dict(FIGURE.findall(html))
    assert {"overview", "coverage"} <= set(figures)
    for issue in scenario.issues:
        assert f'id="issue-{issue.id}"' in html and issue.name in html and issue.question in html
        for kind in ("summary", "map", "rounds", "distribution"):
            assert f"{issue.id}-{kind}" in figures
    for key, text in figures.items():
        fig = json.loads(text)
        go.Figure(fig)  # Plotly accepts it
        assert fig["data"], key


def test_briefing_text(html: str) -> None:
    assert "Status quo <b>60</b>" in html
    for title in ("Compromise model", "Weighted median", "Expected-utility model"):
        assert title in html
    assert "limited and inspected" in html  # each forecast's label on the scale
    assert "Pushing hardest" in html and "US administration" in html
    assert "Who moved whom" in html and "President took US administration" in html
    assert "rest on judgment alone" in html and "issues.enrichment.status_quo" in html
    assert "80 Monte Carlo draws" in html and "seed 4" in html


def test_advice_for_both_sides_and_a_mediator(html: str) -> None:
    """The report advises the standoff's two sides and an outside mediator, each with its figure."""
    from standoff.experiments.advice import advice_subjects

    figures = dict(FIGURE.findall(html))
    subjects = advice_subjects(load_scenario(MINI).scenario)
    assert '<a href="#advice">Advice</a>' in html
    for actor in subjects:
        assert f'data-actor="{actor}"' in html and f"advice-{actor}" in figures
        bars = json.loads(figures[f"advice-{actor}"])["data"][0]
        assert len(bars["x"]) == len(bars["y"]) > 0 and bars["x"] == sorted(bars["x"], reverse=True)
    assert "(a mediator from outside the scenario)" in html and "the probability of a deal" in html


def test_point_only_report(tmp_path: Path) -> None:
    path = write_report(load_scenario(MINI), tmp_path / "point.html", draws=None, advice=False)
    text = path.read_text(encoding="utf-8")
    figures = dict(FIGURE.findall(text))
    assert "enrichment-map" in figures and "enrichment-distribution" not in figures
    assert 'id="advice"' not in text


def test_pdf_without_chromium_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "CHROMIUM", ("/nonexistent/chromium",))
    with pytest.raises(ReportError, match="apt-get install chromium"):
        write_report(MINI, tmp_path / "r.pdf", draws=None, pdf=True)
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and shutil.which("chromium") is None,
    reason="PDF output needs Chromium (apt-get install -y chromium)",
)
def test_pdf(tmp_path: Path) -> None:
    path = write_report(MINI, tmp_path / "mini.pdf", draws=None, pdf=True)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000


def _pdf_pages(path: Path) -> list[str]:
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[: -1 if text.endswith("\f") else None]


@pytest.mark.skipif(
    (not Path("/usr/bin/chromium").exists() and shutil.which("chromium") is None) or shutil.which("pdftotext") is None,
    reason="needs Chromium and pdftotext (apt-get install -y chromium poppler-utils)",
)
def test_pdf_reads_on_paper(tmp_path: Path) -> None:
    """The PDF's text: the bottom line first, no page holding only a heading, collapsed sections printed,
    every chart drawn (its title is in the text), the advice and its explanations present."""
    path = write_report(MINI, tmp_path / "mini.pdf", draws=40, seed=1, pdf=True)
    pages = _pdf_pages(path)
    assert "The bottom line" in pages[0]
    for k, page in enumerate(pages, start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        assert len(lines) >= 3, f"page {k} holds only {lines}"
    text = "\n".join(pages)
    assert "The scale" in text and "unconstrained" in text  # a collapsed section, printed
    assert "Why #1 works as it does" in text and "the best moves" in text
    html = write_report(MINI, tmp_path / "mini.html", draws=40, seed=1).read_text(encoding="utf-8")
    for key, fig in FIGURE.findall(html):
        title = json.loads(fig)["layout"].get("title", {}).get("text", "")
        words = re.sub(r"<[^>]+>", " ", title).split()[:2]
        assert all(w in text for w in words), f"chart {key} is not drawn in the PDF"
