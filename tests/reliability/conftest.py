"""The reliability suite: hostile and broken input, faults and signals; every case must end in a clear
message, no traceback, no hang, and nothing lost.

At the end of a run it prints how many cases were tried, how many held and how many failed.
"""

from __future__ import annotations

import pytest

_counts = {"tried": 0, "held": 0, "failed": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "reliability" not in report.nodeid:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        if report.outcome == "skipped":
            return
        _counts["tried"] += 1
        _counts["held" if report.outcome == "passed" else "failed"] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _counts["tried"]:
        terminalreporter.write_line(
            f"reliability: {_counts['tried']} cases tried, {_counts['held']} held, {_counts['failed']} failed"
        )
