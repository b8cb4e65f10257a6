"""The forecast ledger: runs, questions, append-only forecasts, resolutions and scores.

>>> store = open_store("sqlite://")          # in memory; default: $STANDOFF_DB or the user's data dir
>>> store.questions()
[]
>>> store.close()

Storage is SQLAlchemy over SQLite or PostgreSQL; the schema is kept by the
Alembic migrations in ``migrations/``, applied when a store is opened.
"""

from standoff.store.database import ENV_VAR, default_url
from standoff.store.ledger import ForecastValue, Store, open_store
from standoff.store.records import (
    Forecast,
    Kind,
    LedgerError,
    Quantiles,
    Question,
    Resolution,
    Run,
    RunMeta,
    ScenarioMeta,
    Score,
)

__all__ = [
    "ENV_VAR",
    "Forecast",
    "ForecastValue",
    "Kind",
    "LedgerError",
    "Quantiles",
    "Question",
    "Resolution",
    "Run",
    "RunMeta",
    "ScenarioMeta",
    "Score",
    "Store",
    "default_url",
    "open_store",
]
