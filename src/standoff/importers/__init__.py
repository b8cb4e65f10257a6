"""Importers for peer tools' input formats."""
