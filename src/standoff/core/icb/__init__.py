"""The ICB codebook and the ex ante feature set as plain data, shared by the scenario format and the history models."""
