"""The ledger's tables as SQLAlchemy 2 ORM models.

The schema itself is created and changed only by the Alembic migrations in
``migrations/versions``; these models must match them (a test compares the
two). Timestamps are stored as naive UTC and read back as aware UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """An aware datetime, stored as naive UTC so that every database keeps the same value."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamps must be timezone-aware, got {value.isoformat()}")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class BigSeed(sa.types.TypeDecorator[int]):
    """A seed of any size, kept as its decimal digits (NumPy seeds may exceed 64 bits)."""

    impl = sa.String(64)
    cache_ok = True

    def process_bind_param(self, value: int | None, dialect: Dialect) -> str | None:
        return None if value is None else str(int(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> int | None:
        return None if value is None else int(value)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


class ScenarioRow(Base):
    """One version of a scenario file, identified by its content hash."""

    __tablename__ = "scenarios"
    __table_args__ = (sa.UniqueConstraint("scenario_id", "sha256", name="uq_scenarios_scenario_id_sha256"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[str] = mapped_column(sa.String(128))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    as_of: Mapped[dt.date] = mapped_column(sa.Date)
    title: Mapped[str] = mapped_column(sa.Text)
    version: Mapped[str] = mapped_column(sa.String(64))


class RunRow(Base):
    """One run of one engine over one scenario version."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    scenario_pk: Mapped[int] = mapped_column(sa.ForeignKey("scenarios.pk"), index=True)
    engine: Mapped[str] = mapped_column(sa.String(128), index=True)
    engine_version: Mapped[str] = mapped_column(sa.String(64))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONType)
    seed: Mapped[int | None] = mapped_column(BigSeed)
    draws: Mapped[int | None] = mapped_column(sa.Integer)
    code_version: Mapped[str] = mapped_column(sa.String(64))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    wall_seconds: Mapped[float] = mapped_column(sa.Float)
    summary: Mapped[dict[str, Any]] = mapped_column(JSONType)
    backtest: Mapped[bool] = mapped_column(sa.Boolean(create_constraint=False), server_default=sa.false())

    scenario: Mapped[ScenarioRow] = relationship()


class QuestionRow(Base):
    """A question that will resolve, derived from an engine output."""

    __tablename__ = "questions"
    __table_args__ = (sa.CheckConstraint("kind IN ('binary', 'numeric')", name="kind"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[str] = mapped_column(sa.String(128), unique=True)
    text: Mapped[str] = mapped_column(sa.Text)
    resolution_criteria: Mapped[str] = mapped_column(sa.Text)
    resolve_by: Mapped[dt.date] = mapped_column(sa.Date)
    scenario_id: Mapped[str] = mapped_column(sa.String(128), index=True)
    derived_from: Mapped[dict[str, Any]] = mapped_column(JSONType)
    kind: Mapped[str] = mapped_column(sa.String(16))


class ForecastRow(Base):
    """One forecast of one question by one run. Rows are only ever inserted."""

    __tablename__ = "forecasts"
    __table_args__ = (
        sa.CheckConstraint("(probability IS NULL) <> (quantiles IS NULL)", name="one_value"),
        sa.CheckConstraint("probability >= 0 AND probability <= 1", name="probability_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_pk: Mapped[int] = mapped_column(sa.ForeignKey("questions.pk"), index=True)
    run_id: Mapped[str] = mapped_column(sa.ForeignKey("runs.id"), index=True)
    probability: Mapped[float | None] = mapped_column(sa.Float)
    quantiles: Mapped[list[list[float]] | None] = mapped_column(JSONType)
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    question: Mapped[QuestionRow] = relationship()
    run: Mapped[RunRow] = relationship()


class ResolutionRow(Base):
    """The outcome of a question: at most one per question, never changed."""

    __tablename__ = "resolutions"
    __table_args__ = (sa.CheckConstraint("(outcome_binary IS NULL) <> (outcome_value IS NULL)", name="one_outcome"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    question_pk: Mapped[int] = mapped_column(sa.ForeignKey("questions.pk"), unique=True)
    outcome_binary: Mapped[bool | None] = mapped_column(sa.Boolean(create_constraint=False))
    outcome_value: Mapped[float | None] = mapped_column(sa.Float)
    resolved_on: Mapped[dt.date] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    question: Mapped[QuestionRow] = relationship()
