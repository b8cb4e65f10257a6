"""The ledger: scenarios, runs, questions, append-only forecasts and resolutions.

Revision ID: 0001
Revises:
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from standoff.store.models import BigSeed, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
APPEND_ONLY = ("forecasts", "resolutions")


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("pk", sa.Integer, primary_key=True),
        sa.Column("scenario_id", sa.String(128), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_scenarios")),
        sa.UniqueConstraint("scenario_id", "sha256", name=op.f("uq_scenarios_scenario_id_sha256")),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("scenario_pk", sa.Integer, nullable=False),
        sa.Column("engine", sa.String(128), nullable=False),
        sa.Column("engine_version", sa.String(64), nullable=False),
        sa.Column("parameters", JSON, nullable=False),
        sa.Column("seed", BigSeed, nullable=True),
        sa.Column("draws", sa.Integer, nullable=True),
        sa.Column("code_version", sa.String(64), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime, nullable=False),
        sa.Column("wall_seconds", sa.Float, nullable=False),
        sa.Column("summary", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
        sa.ForeignKeyConstraint(["scenario_pk"], ["scenarios.pk"], name=op.f("fk_runs_scenario_pk_scenarios")),
    )
    op.create_index(op.f("ix_runs_scenario_pk"), "runs", ["scenario_pk"])
    op.create_index(op.f("ix_runs_engine"), "runs", ["engine"])
    op.create_table(
        "questions",
        sa.Column("pk", sa.Integer, primary_key=True),
        sa.Column("question_id", sa.String(128), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("resolution_criteria", sa.Text, nullable=False),
        sa.Column("resolve_by", sa.Date, nullable=False),
        sa.Column("scenario_id", sa.String(128), nullable=False),
        sa.Column("derived_from", JSON, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_questions")),
        sa.UniqueConstraint("question_id", name=op.f("uq_questions_question_id")),
        sa.CheckConstraint("kind IN ('binary', 'numeric')", name=op.f("ck_questions_kind")),
    )
    op.create_index(op.f("ix_questions_scenario_id"), "questions", ["scenario_id"])
    op.create_table(
        "forecasts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("question_pk", sa.Integer, nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("probability", sa.Float, nullable=True),
        sa.Column("quantiles", JSON, nullable=True),
        sa.Column("made_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecasts")),
        sa.ForeignKeyConstraint(["question_pk"], ["questions.pk"], name=op.f("fk_forecasts_question_pk_questions")),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_forecasts_run_id_runs")),
        sa.CheckConstraint("(probability IS NULL) <> (quantiles IS NULL)", name=op.f("ck_forecasts_one_value")),
        sa.CheckConstraint("probability >= 0 AND probability <= 1", name=op.f("ck_forecasts_probability_range")),
    )
    op.create_index(op.f("ix_forecasts_question_pk"), "forecasts", ["question_pk"])
    op.create_index(op.f("ix_forecasts_run_id"), "forecasts", ["run_id"])
    op.create_table(
        "resolutions",
        sa.Column("pk", sa.Integer, primary_key=True),
        sa.Column("question_pk", sa.Integer, nullable=False),
        sa.Column("outcome_binary", sa.Boolean(create_constraint=False), nullable=True),
        sa.Column("outcome_value", sa.Float, nullable=True),
        sa.Column("resolved_on", sa.Date, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_resolutions")),
        sa.ForeignKeyConstraint(["question_pk"], ["questions.pk"], name=op.f("fk_resolutions_question_pk_questions")),
        sa.UniqueConstraint("question_pk", name=op.f("uq_resolutions_question_pk")),
        sa.CheckConstraint(
            "(outcome_binary IS NULL) <> (outcome_value IS NULL)", name=op.f("ck_resolutions_one_outcome")
        ),
    )
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_append_only_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} are append-only: {action} refused'); END"
                )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"RAISE EXCEPTION USING MESSAGE = '{table} are append-only: ' || TG_OP || ' refused'; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_delete")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    for table in ("resolutions", "forecasts", "questions", "runs", "scenarios"):
        op.drop_table(table)
