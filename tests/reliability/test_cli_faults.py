"""Faults the command line must turn into one line and an exit code: bad ledger URLs, bad options,
unwritable outputs, missing files, memory it cannot have, a full disk, Ctrl-C."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from reliability.helpers import MINI, one_clear_line, run_cli
from standoff.cli import app, main


def cli(*args: str, env: dict | None = None):
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    one_clear_line(result.output)
    return result


def corrupt(tmp: Path) -> str:
    path = tmp / "corrupt.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    return f"sqlite:///{path}"


def text_file(tmp: Path) -> str:
    path = tmp / "notes.sqlite"
    path.write_text("these are notes, not a database\n" * 100)
    return f"sqlite:///{path}"


BAD_URLS = {
    "refused-connection": (lambda tmp: "postgresql+psycopg://standoff:secret@127.0.0.1:1/ledger", "Connection refused"),
    "unknown-scheme": (lambda tmp: "nosuchdb://host/db", "unknown database kind"),
    "missing-driver": (lambda tmp: "mysql://user@127.0.0.1/db", "driver"),
    "not-a-url": (lambda tmp: "this is not a url", "not a database URL"),
    "missing-directory": (lambda tmp: f"sqlite:///{tmp}/no/such/dir/x.sqlite", "does not exist"),
    "corrupted-file": (corrupt, "not a Standoff ledger"),
    "text-file": (text_file, "not a Standoff ledger"),
    "a-directory": (lambda tmp: f"sqlite:///{tmp}", "unable to open"),
}


@pytest.mark.parametrize("case", BAD_URLS, ids=list(BAD_URLS))
def test_bad_ledger_urls_are_one_line(tmp_path: Path, case: str) -> None:
    make, expect = BAD_URLS[case]
    url = make(tmp_path)
    result = cli("ledger", "--db", url)
    assert result.exit_code == 2
    assert expect in result.output, result.output
    assert "secret" not in result.output  # passwords never printed
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "no").exists()  # no directory created


def test_wrong_password_is_one_line() -> None:
    url = os.environ.get("STANDOFF_TEST_PG_URL")
    if not url:
        pytest.skip("STANDOFF_TEST_PG_URL is not set")
    import sqlalchemy as sa

    bad = sa.make_url(url).set(password="definitely-wrong").render_as_string(hide_password=False)
    result = cli("ledger", "--db", bad)
    assert result.exit_code == 2 and "password" in result.output.lower()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_directory(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = cli("ledger", "--db", f"sqlite:///{folder}/x.sqlite")
        assert result.exit_code == 2 and "writable" in result.output
        result = cli("report", str(MINI), "-o", str(folder / "r.html"), "--draws", "0", "--no-advice")
        assert result.exit_code == 2 and "permission" in result.output
    finally:
        folder.chmod(0o755)


OPTION_CASES = {
    "unknown-engine": (["forecast", str(MINI), "--engine", "oracle"], 2, "unknown engine 'oracle'"),
    "negative-draws": (["forecast", str(MINI), "--draws", "-1"], 2, "--draws"),
    "zero-paths": (["compare", str(MINI), "--paths", "0"], 2, "--paths"),
    "negative-advice-draws": (["advise", str(MINI), "--draws", "-5"], 2, "--draws"),
    "report-missing-dir": (["report", str(MINI), "-o", "/no/such/dir/r.html"], 2, "does not exist"),
    "report-into-a-folder": (["report", str(MINI), "-o", "/tmp"], 2, "is a folder"),
    "suggest-missing-dir": (["suggest", str(MINI), "-o", "/no/such/dir/s.yaml"], 2, "does not exist"),
    "plot-missing-dir": (["compare", str(MINI), "--plot", "/no/such/dir/p.png"], 2, "does not exist"),
    "missing-episode-file": (["calibrate", "--episodes", "/no/such/episodes.csv"], 1, "cannot read"),
    "missing-scenario": (["forecast", "/no/such/scenario.yaml"], 1, "cannot read"),
    "unknown-builtin": (["forecast", "no-such-builtin"], 1, "no built-in scenario"),
    "huge-draws": (["forecast", str(MINI), "--draws", "1000000000"], 2, "lower the number of draws (--draws"),
}


@pytest.mark.parametrize("case", OPTION_CASES, ids=list(OPTION_CASES))
def test_bad_options_and_paths_are_one_line(case: str) -> None:
    args, code, expect = OPTION_CASES[case]
    result = cli(*args)
    assert result.exit_code == code, result.output
    assert expect in result.output, result.output
    assert not Path("/no").exists()


def test_memory_guard_refuses_a_huge_scenario_before_allocating(tmp_path: Path) -> None:
    n = 1500
    judged = {"judgment": "a synthetic test value"}
    data = {
        "id": "many",
        "title": "Many actors",
        "description": "A synthetic scenario with many actors.",
        "as_of": "2026-01-01",
        "actors": [
            {"id": f"a{i}", "name": f"A{i}", "group": "state", "capability": {"value": 1 + i % 7, **judged}}
            for i in range(n)
        ],
        "issues": [
            {
                "id": "x",
                "name": "X",
                "question": "How much?",
                "scale": {"low": 0, "high": 100, "anchors": {0: "none", 50: "half", 100: "all"}},
                "status_quo": {"value": 50, **judged},
            }
        ],
        "stances": [
            {
                "actor": f"a{i}",
                "issue": "x",
                "position": {"value": i % 101, **judged},
                "salience": {"value": 0.5, **judged},
            }
            for i in range(n)
        ],
    }
    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = cli("forecast", str(path), env={"STANDOFF_MEMORY": str(2**30)})
    assert result.exit_code == 2
    assert "--engine" in result.output and "GiB" in result.output


def test_a_full_disk_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    monkeypatch.setattr(
        sys, "argv", ["standoff", "report", str(MINI), "-o", "/dev/full", "--draws", "0", "--no-advice"]
    )
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    one_clear_line(err)
    assert "No space left on device" in err


def test_last_resort_handler_prints_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import standoff.cli.scenarios as scenarios_cli

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("something nobody foresaw\nsecond line")

    monkeypatch.setattr(scenarios_cli, "builtin_scenarios", boom)
    monkeypatch.setattr(sys, "argv", ["standoff", "scenarios"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err == "error: RuntimeError: something nobody foresaw"


def test_sqlite_ledger_survives_a_failed_open(tmp_path: Path) -> None:
    """A corrupted file stays as it was: the ledger never overwrites what it cannot read."""
    url = corrupt(tmp_path)
    before = (tmp_path / "corrupt.sqlite").read_bytes()
    cli("ledger", "--db", url)
    assert (tmp_path / "corrupt.sqlite").read_bytes() == before


def test_ctrl_c_stops_a_long_forecast_within_a_second() -> None:
    code, out, err, took = run_cli(["forecast", "iran-2026", "--draws", "50000"], sigint_after=6, timeout=30)
    assert code == 130, err
    assert took < 2, f"{took:.1f} s after Ctrl-C"
    assert "interrupted" in err and "Traceback" not in err
    assert out == ""  # nothing written


@pytest.mark.parametrize(
    "args",
    [
        ["explain", "iran-2026", "--n", "1024"],
        ["advise", "iran-2026", "--draws", "2000"],
        ["compare", "iran-2026", "--paths", "200000"],
    ],
    ids=["explain", "advise", "compare"],
)
def test_ctrl_c_stops_other_long_commands(args: list[str]) -> None:
    code, out, err, took = run_cli(args, sigint_after=5, timeout=30)
    assert code == 130, err
    assert took < 2, f"{took:.1f} s after Ctrl-C"
    assert "interrupted" in err and "Traceback" not in err
