"""Where the ledger lives, how to connect to it, and bringing its schema up to date.

The URL is the one given, else ``$STANDOFF_DB``, else a SQLite file in the
user's data directory. SQLite runs in WAL mode with a busy timeout, and every
transaction starts with ``BEGIN IMMEDIATE``, so that concurrent writers queue
for the write lock instead of failing. PostgreSQL needs nothing special.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import platformdirs
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.pool import StaticPool

ENV_VAR = "STANDOFF_DB"
VERSION_TABLE = "standoff_schema_version"
BUSY_SECONDS = 60.0
MIGRATIONS = Path(__file__).parent / "migrations"


def default_url() -> str:
    """``$STANDOFF_DB`` if set, else a SQLite file ``ledger.sqlite`` in the user's data directory."""
    env = os.environ.get(ENV_VAR)
    if env:
        return env
    path = platformdirs.user_data_path("standoff", appauthor=False) / "ledger.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)  # the default location only: a given URL's directory must exist
    return sa.URL.create("sqlite", database=str(path)).render_as_string()


def make_engine(url: str | sa.URL) -> sa.Engine:
    """An engine for ``url``; for SQLite, WAL and locking set up (the file's directory must exist).

    Raises:
        LedgerError: a SQLite file in a directory that does not exist.
    """
    u = sa.make_url(url)
    if u.get_backend_name() != "sqlite":
        return sa.create_engine(u)
    memory = u.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"timeout": BUSY_SECONDS}}
    if memory:
        kwargs["poolclass"] = StaticPool
    elif not Path(u.database).parent.is_dir():  # type: ignore[arg-type]
        from standoff.store.records import LedgerError

        raise LedgerError(
            f"the directory {Path(u.database).parent} does not exist; create it or give another database URL"  # type: ignore[arg-type]
        )
    engine = sa.create_engine(u, **kwargs)

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver's own BEGIN is replaced by the one below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        _use_wal(cursor)
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL (a lasting property of the file), retrying while another process holds it.

    SQLite may refuse the switch with "database is locked" without waiting for
    the busy timeout, so the wait is done here.
    """
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] in ("wal", "memory"):
                return
            cursor.execute("PRAGMA journal_mode = WAL").fetchone()
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def upgrade(engine: sa.Engine) -> None:
    """Apply every pending migration, in one transaction (no ``alembic.ini`` needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_table", VERSION_TABLE)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
