"""Scenarios: the file format, loading with every problem reported, and compiling to arrays."""

from standoff.scenario.load import LoadedScenario, Problem, ScenarioError, builtin_scenarios, load_scenario
from standoff.scenario.model import Scenario

__all__ = ["LoadedScenario", "Problem", "Scenario", "ScenarioError", "builtin_scenarios", "load_scenario"]
