"""The historical record: episodes, calibration, and the ICB crisis data with its models."""
