"""Core types shared by every layer: array aliases, problem types, intervals, scores."""
