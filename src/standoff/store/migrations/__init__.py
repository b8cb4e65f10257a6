"""Alembic migrations of the ledger schema, applied by :func:`standoff.store.open_store`."""
