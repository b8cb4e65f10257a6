"""Ingesting articles into a corpus, finding candidate evidence, drafting stances."""

import hashlib
from importlib import resources
from pathlib import Path

import yaml
from typer.testing import CliRunner

from standoff.cli import app
from standoff.corpus import load_corpus
from standoff.corpus.library import ingest
from standoff.scenario import load_scenario
from standoff.scenario.evidence_search import candidates, draft_stances

SEEDS = Path(str(resources.files("standoff") / "data" / "corpus"))
MINI = Path(__file__).parent / "data" / "mini.yaml"
runner = CliRunner()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_ingest_is_idempotent(tmp_path: Path):
    corpus = tmp_path / "corpus"
    first = ingest([str(SEEDS / "ruhe-2025-defiant-in-defeat.txt")], corpus)
    assert [r.status for r in first] == ["added"]
    index = corpus / "corpus.yaml"
    before = digest(index)
    again = ingest([str(SEEDS / "ruhe-2025-defiant-in-defeat.txt")], corpus)
    assert [r.status for r in again] == ["duplicate"] and again[0].doc_id == first[0].doc_id
    assert digest(index) == before
    doc = load_corpus(index)[first[0].doc_id]
    assert doc.title == "Iran Remains Defiant in Defeat" and doc.contains("They cannot do a damn thing")


def test_a_folder_with_bad_files_skips_them_and_keeps_the_rest(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(
        (SEEDS / "iran-defiant-ahead-of-talks-2026.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (src / "empty.txt").write_text("", encoding="utf-8")
    (src / "binary.html").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    (src / "latin1.txt").write_bytes(b"Cafe report\n\nThe caf\xe9 owners in Tehran said the talks matter.\n")
    (src / "broken.html").write_text(
        "<html><head><title>Broken</title><body><p>Talks resume <b>soon<p>Iran says so", encoding="utf-8"
    )
    (src / "huge.txt").write_bytes(b"word " * (10 * 1024 * 1024))
    results = {Path(r.source).name: r for r in ingest([str(src)], tmp_path / "corpus")}
    assert results["a.txt"].status == "added"
    assert results["latin1.txt"].status == "added"
    assert results["broken.html"].status == "added"
    for name in ("empty.txt", "binary.html", "huge.txt"):
        assert results[name].status == "skipped", name
        assert results[name].message
    index = yaml.safe_load((tmp_path / "corpus" / "corpus.yaml").read_text(encoding="utf-8"))
    files = {p.name for p in (tmp_path / "corpus").iterdir()} - {".corpus.lock"}
    assert files == {"corpus.yaml"} | {d["file"] for d in index["documents"]}  # no half-written leftovers
    assert len(index["documents"]) == 3


def test_a_scenario_can_cite_an_ingested_corpus(tmp_path: Path):
    corpus = tmp_path / "corpus"
    ingest([str(SEEDS)], corpus)
    ids = list(load_corpus(corpus / "corpus.yaml").documents)
    text = MINI.read_text(encoding="utf-8").replace(
        "as_of: 2026-02-15", f"as_of: 2026-02-15\ncorpus: [{corpus / 'corpus.yaml'}]"
    )
    ruhe = next(i for i in ids if i.startswith("iran-remains-defiant"))
    (tmp_path / "s.yaml").write_text(text.replace("doc: ruhe-2025", f"doc: {ruhe}"), encoding="utf-8")
    assert load_scenario(tmp_path / "s.yaml").scenario.id == "mini"


def test_candidates_mark_what_is_cited_and_drafts_quote_verbatim():
    loaded = load_scenario("iran-2026")
    found = candidates(loaded.scenario, loaded.corpus, per_stance=5)
    talks = found[("khamenei", "talks-preconditions")]
    assert any(c.cited and c.quoted_actor and "diplomacy is impossible" in c.sentence for c in talks)
    assert all(c.actor == "khamenei" and c.score >= 2 for c in talks)
    drafts = draft_stances(loaded.scenario, loaded.corpus)
    assert drafts
    for d in drafts:
        ev = d["position"]["evidence"]
        assert loaded.corpus[ev["doc"]].contains(ev["quote"])
        assert d["position"]["judgment"].startswith("DRAFT")


def test_suggest_writes_a_separate_file_and_never_edits_the_scenario(tmp_path: Path):
    before = digest(MINI)
    res = runner.invoke(app, ["suggest", str(MINI), "-o", str(tmp_path / "drafts.yaml")])
    assert res.exit_code == 0, res.stderr
    assert digest(MINI) == before
    drafts = yaml.safe_load((tmp_path / "drafts.yaml").read_text(encoding="utf-8"))["stances"]
    assert all({"actor", "issue", "position", "salience"} <= set(d) for d in drafts)
    res = runner.invoke(app, ["suggest", str(MINI), "-o", str(MINI)])
    assert res.exit_code == 2 and digest(MINI) == before


def test_cli_ingest_and_evidence(tmp_path: Path):
    res = runner.invoke(app, ["ingest", str(SEEDS), "--corpus", str(tmp_path / "c")])
    assert res.exit_code == 0 and res.stdout.count("added") == 2
    res = runner.invoke(app, ["ingest", str(SEEDS), "--corpus", str(tmp_path / "c")])
    assert res.stdout.count("duplicate") == 2
    res = runner.invoke(app, ["evidence", str(MINI)])
    assert res.exit_code == 0 and "Candidate passages per stance" in res.stdout and "Inputs with no quote" in res.stdout


ARTICLE = """Iran talks resume in Oman
Author: Jane Roe
Outlet: The Daily Test
Date: 2026-02-10

Iran and the United States resumed indirect talks in Muscat on Tuesday, officials said.
"""


def test_ingest_reads_author_outlet_and_date_lines_and_takes_a_chosen_id(tmp_path: Path):
    article = tmp_path / "oman.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    corpus = tmp_path / "corpus"
    res = runner.invoke(app, ["ingest", str(article), "--corpus", str(corpus), "--id", "oman-talks"])
    assert res.exit_code == 0, res.stderr
    (entry,) = yaml.safe_load((corpus / "corpus.yaml").read_text(encoding="utf-8"))["documents"]
    assert entry["id"] == "oman-talks" and entry["author"] == "Jane Roe"
    assert entry["outlet"] == "The Daily Test" and entry["date"] == "2026-02-10"
    # the hint keeps its brackets (Rich markup does not eat them)
    assert f"corpus: [{corpus / 'corpus.yaml'}]" in res.stdout.replace("\n", "")
    again = runner.invoke(app, ["ingest", str(article), "--corpus", str(corpus), "--id", "Bad Id"])
    assert again.exit_code == 2 and "lower-case" in again.stderr
