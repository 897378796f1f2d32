"""Practice attempts, agreements with weekly checks, and safety check-ins.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "practice_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scenario_id", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("feedback", sa.JSON(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("attempt_group", sa.String(length=36), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "source IN ('own', 'scenario', 'assignment')",
            name=op.f("ck_practice_attempts_source"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_attempts")),
    )
    op.create_index(op.f("ix_practice_attempts_created_at"), "practice_attempts", ["created_at"])
    op.create_index(
        op.f("ix_practice_attempts_attempt_group"), "practice_attempts", ["attempt_group"]
    )
    op.create_index(
        op.f("ix_practice_attempts_assignment_id"), "practice_attempts", ["assignment_id"]
    )

    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("checked_findings", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )

    op.create_table(
        "agreement_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("kept", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_checks_agreement_id_agreements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_checks")),
        sa.UniqueConstraint(
            "agreement_id",
            "week_start",
            name=op.f("uq_agreement_checks_agreement_id_week_start"),
        ),
    )
    op.create_index(op.f("ix_agreement_checks_agreement_id"), "agreement_checks", ["agreement_id"])

    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("safety", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("safety BETWEEN 1 AND 10", name=op.f("ck_checkins_safety_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
    )
    op.create_index(op.f("ix_checkins_created_at"), "checkins", ["created_at"])


def downgrade() -> None:
    op.drop_table("checkins")
    op.drop_table("agreement_checks")
    op.drop_table("agreements")
    op.drop_table("practice_attempts")
