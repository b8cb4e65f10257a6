"""Alembic environment: runs on the connection that :mod:`standoff.store.migrate` hands over.

The whole upgrade is one transaction. On PostgreSQL it first takes an
advisory lock, so that processes opening a fresh database at once migrate it
one after the other; on SQLite the connection's ``BEGIN IMMEDIATE`` does the same.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from standoff.store.models import Base

MIGRATION_LOCK = 0x5354414E444F4646  # "STANDOFF"

connection: sa.Connection = context.config.attributes["connection"]
with connection.begin():
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=context.config.get_main_option("version_table", "alembic_version"),
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
