"""Therapist homework: accounts, sessions, couples, assignments, share codes, submissions,
comments and the failed-attempt log behind the rate limits.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[Any]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _time(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "therapists",
        _id(),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        _time("created_at"),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_therapists_email_lower")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_therapists")),
        sa.UniqueConstraint("email", name=op.f("uq_therapists_email")),
    )

    op.create_table(
        "therapist_sessions",
        _id(),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        _time("created_at"),
        _time("expires_at"),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_therapist_sessions_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_therapist_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_therapist_sessions_token_hash")),
    )
    op.create_index(
        op.f("ix_therapist_sessions_therapist_id"), "therapist_sessions", ["therapist_id"]
    )

    op.create_table(
        "couples",
        _id(),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["therapist_id"], ["therapists.id"], name=op.f("fk_couples_therapist_id_therapists")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_couples")),
        sa.UniqueConstraint("therapist_id", "label", name=op.f("uq_couples_therapist_id_label")),
    )
    op.create_index(op.f("ix_couples_therapist_id"), "couples", ["therapist_id"])

    op.create_table(
        "assignments",
        _id(),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=16), nullable=False),
        sa.Column("scenario_text", sa.Text(), nullable=True),
        sa.Column("use_own_situation", sa.Boolean(), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        _time("created_at"),
        sa.CheckConstraint(
            "exercise IN ('understand', 'acknowledge', 'apologize', 'agreement', 'free')",
            name=op.f("ck_assignments_exercise"),
        ),
        sa.ForeignKeyConstraint(
            ["couple_id"],
            ["couples.id"],
            name=op.f("fk_assignments_couple_id_couples"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    op.create_index(op.f("ix_assignments_couple_id"), "assignments", ["couple_id"])

    op.create_table(
        "share_codes",
        _id(),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("partner_label", sa.String(length=40), nullable=False),
        sa.Column("link_token_hash", sa.String(length=64), nullable=False),
        sa.Column("short_code_hash", sa.String(length=64), nullable=False),
        _time("created_at"),
        _time("expires_at", nullable=True),
        _time("revoked_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_share_codes_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_codes")),
        sa.UniqueConstraint("link_token_hash", name=op.f("uq_share_codes_link_token_hash")),
        sa.UniqueConstraint("short_code_hash", name=op.f("uq_share_codes_short_code_hash")),
    )
    op.create_index(op.f("ix_share_codes_assignment_id"), "share_codes", ["assignment_id"])

    op.create_table(
        "submissions",
        _id(),
        sa.Column("share_code_id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        _time("submitted_at"),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("feedback", sa.JSON(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("crisis_marker", sa.Boolean(), nullable=False),
        _time("reviewed_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["practice_attempts.id"],
            name=op.f("fk_submissions_attempt_id_practice_attempts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["share_code_id"],
            ["share_codes.id"],
            name=op.f("fk_submissions_share_code_id_share_codes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint(
            "share_code_id", "attempt_id", name=op.f("uq_submissions_share_code_id_attempt_id")
        ),
    )
    op.create_index(op.f("ix_submissions_share_code_id"), "submissions", ["share_code_id"])
    op.create_index(op.f("ix_submissions_attempt_id"), "submissions", ["attempt_id"])

    op.create_table(
        "comments",
        _id(),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _time("created_at"),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_comments_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_comments_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["therapists.id"],
            name=op.f("fk_comments_therapist_id_therapists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index(op.f("ix_comments_assignment_id"), "comments", ["assignment_id"])
    op.create_index(op.f("ix_comments_submission_id"), "comments", ["submission_id"])

    op.create_table(
        "auth_attempts",
        _id(),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        _time("at"),
        sa.CheckConstraint("kind IN ('signin', 'code')", name=op.f("ck_auth_attempts_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_attempts")),
    )
    op.create_index(op.f("ix_auth_attempts_key_hash"), "auth_attempts", ["key_hash"])
    op.create_index(op.f("ix_auth_attempts_at"), "auth_attempts", ["at"])


def downgrade() -> None:
    op.drop_table("auth_attempts")
    op.drop_table("comments")
    op.drop_table("submissions")
    op.drop_table("share_codes")
    op.drop_table("assignments")
    op.drop_table("couples")
    op.drop_table("therapist_sessions")
    op.drop_table("therapists")
