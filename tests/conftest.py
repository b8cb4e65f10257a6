"""Shared fixtures and Hypothesis settings."""

import os

from hypothesis import HealthCheck, settings

# CI runs every property test on a fixed sequence of examples (reproducible runs, no flaky
# failures on a fresh seed); local runs draw fresh examples, which is how defects get found.
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_addoption(parser):  # noqa: ANN001, ANN201
    parser.addoption(
        "--regenerate-flagship",
        action="store_true",
        default=False,
        help="Rewrite tests/data/flagship_regression.json from the current code (review the diff before committing).",
    )
