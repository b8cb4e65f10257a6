"""Ingesting under pressure: concurrent runs, thousands of files, Ctrl-C, broken indexes; nothing lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from reliability.helpers import ROOT, one_clear_line, run_cli
from standoff.cli import app
from standoff.corpus.library import ingest


def _write(folder: Path, n: int, tag: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        (folder / f"{tag}-{k}.txt").write_text(
            f"Report {tag} {k}\n\nOfficials said on day {k} that the talks on {tag} would go on.\n", encoding="utf-8"
        )
    return folder


def _indexed(corpus: Path) -> list[dict]:
    return yaml.safe_load((corpus / "corpus.yaml").read_text(encoding="utf-8"))["documents"]


def test_concurrent_ingests_lose_nothing(tmp_path: Path) -> None:
    a, b = _write(tmp_path / "a", 150, "alpha"), _write(tmp_path / "b", 150, "beta")
    corpus = tmp_path / "corpus"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "standoff.cli", "ingest", str(src), "--corpus", str(corpus)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for src in (a, b)
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err.decode()
    docs = _indexed(corpus)
    assert len(docs) == 300
    assert len({d["sha256"] for d in docs}) == 300
    assert all((corpus / d["file"]).is_file() for d in docs)


def test_five_thousand_small_files_in_under_a_minute(tmp_path: Path) -> None:
    src = _write(tmp_path / "many", 5000, "doc")
    start = time.monotonic()
    results = ingest([str(src)], tmp_path / "corpus")
    took = time.monotonic() - start
    assert sum(r.status == "added" for r in results) == 5000
    assert len(_indexed(tmp_path / "corpus")) == 5000
    assert took < 60, f"{took:.1f} s"


def test_ctrl_c_mid_ingest_keeps_what_was_written(tmp_path: Path) -> None:
    src = _write(tmp_path / "many", 4000, "doc")
    corpus = tmp_path / "corpus"
    code, _, err, took = run_cli(["ingest", str(src), "--corpus", str(corpus)], sigint_after=2.5, timeout=60)
    one_clear_line(err)
    if code == 0:
        pytest.skip("the run finished before the signal")
    assert code == 130 and "interrupted" in err
    assert took < 5
    texts = {p.name for p in corpus.glob("*.txt")}
    indexed = {d["file"] for d in _indexed(corpus)} if (corpus / "corpus.yaml").exists() else set()
    assert texts <= indexed  # every document written is in the index
    # a second run completes the corpus without duplicates
    assert CliRunner().invoke(app, ["ingest", str(src), "--corpus", str(corpus)]).exit_code == 0
    assert len(_indexed(corpus)) == 4000


@pytest.mark.parametrize(
    "index",
    [
        b"documents: [unclosed\n",
        b"- just\n- a list\n",
        b"a: &a ["
        + b",".join([b"1"] * 20)
        + b"]\n"
        + b"b: &b ["
        + b",".join([b"*a"] * 200)
        + b"]\n"
        + b"c: ["
        + b",".join([b"*b"] * 200)
        + b"]\n",
        b"[" * 50_000,
        b"\xff\xfe\x00garbage",
    ],
    ids=["malformed", "not-a-mapping", "alias-bomb", "deep", "binary"],
)
def test_a_broken_index_is_reported_not_overwritten(tmp_path: Path, index: bytes) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "corpus.yaml").write_bytes(index)
    src = _write(tmp_path / "in", 2, "doc")
    start = time.monotonic()
    result = CliRunner().invoke(app, ["ingest", str(src), "--corpus", str(corpus)])
    assert time.monotonic() - start < 5
    assert result.exit_code == 2, (result.output, result.exception)
    assert "corpus.yaml" in result.output and "Traceback" not in result.output
    assert (corpus / "corpus.yaml").read_bytes() == index


def test_unreadable_and_odd_inputs_are_skipped_with_a_reason(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_text("")
    (src / "binary.html").write_bytes(b"\x00\x01PK\x03\x04" * 50)
    (src / "good.txt").write_text("A title\n\nThe talks resume on Monday, the ministry said.\n")
    result = CliRunner().invoke(
        app, ["ingest", str(src), str(tmp_path / "missing.txt"), "--corpus", str(tmp_path / "c")]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.count("skipped") == 3 and "added" in result.output
