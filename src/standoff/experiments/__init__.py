"""Experiments run over a scenario: forecast, Monte Carlo, sensitivity, policy comparison, advice, questions."""
